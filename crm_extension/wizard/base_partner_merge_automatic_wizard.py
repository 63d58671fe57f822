from odoo import models

from ..tools.server_context import MERGING_PARTNERS


class MergePartnerAutomatic(models.TransientModel):
    """Odoo's merge wizard obeys the merge rules of customers
    (``res.partner._crm_check_merge``) before anything moves, and cleans up
    after a merge as *Merge with Undo* does (``_crm_after_merge``). It merges
    what it is for as before: partners none of which is a customer."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids)
        existing = partners.with_context(active_test=False).exists()
        contacts = {}
        if len(existing) >= 2:
            # The survivor as Odoo's _merge picks it when none is given.
            survivor = (
                dst_partner
                if dst_partner and dst_partner in existing
                else self._get_ordered_partner(existing.ids)[-1]
            )
            partners._crm_check_merge(survivor.with_env(self.env), deleting=True)
            contacts = (existing - survivor)._crm_merged_contacts()
        # The surviving customer takes over the keys of the merged ones: the
        # duplicate rules must not refuse the merge that resolves the duplicate.
        # (A server flag: no context a client sends can raise it.)
        res = super(
            MergePartnerAutomatic, self.with_context(**MERGING_PARTNERS.context())
        )._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        # The merged customers' contacts, under the survivor now, take its
        # salesperson (as Merge with Undo's do).
        partners.browse(list(contacts)).exists()._crm_follow_company_salesperson(
            contacts
        )
        return res

    def _update_values(self, src_partners, dst_partner):
        dst_partner = dst_partner.with_context(**MERGING_PARTNERS.context())
        res = super()._update_values(src_partners, dst_partner)
        # The fields Odoo computes, which its loop leaves out (the salesperson,
        # a key field), as it fills in the others: the survivor's own value,
        # else the last merged one's.
        values = {}
        for fname in dst_partner._crm_merged_computed_fields():
            if dst_partner[fname]:
                continue
            for partner in src_partners:
                if partner[fname]:
                    values[fname] = partner._fields[fname].convert_to_write(
                        partner[fname], partner
                    )
        if values:
            dst_partner.write(values)
        return res

    def _log_merge_operation(self, src_partners, dst_partner):
        res = super()._log_merge_operation(src_partners, dst_partner)
        if (src_partners | dst_partner)._crm_customers():
            dst_partner._crm_after_merge(
                src_partners, (src_partners | dst_partner)._crm_earliest_registration()
            )
        return res
