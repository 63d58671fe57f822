from odoo import fields, models
from odoo.exceptions import UserError

from .. import bulk
from ..tools.server_context import MERGING_PARTNERS, SkippedMerges


class MergePartnerAutomatic(models.TransientModel):
    """Odoo's merge wizard obeys the merge rules of customers
    (``res.partner._crm_check_merge``) before anything moves, and cleans up
    after a merge as *Merge with Undo* does (``_crm_after_merge``). It merges
    what it is for as before: partners none of which is a customer."""

    _inherit = "base.partner.merge.automatic.wizard"

    crm_skipped_groups = fields.Text(
        string="Skipped Groups",
        readonly=True,
        help="The groups Merge Automatically left unmerged, and why.",
    )

    def action_start_automatic_process(self):
        """Odoo's loop merges the groups one after the other, committing each,
        and stops at the first it cannot merge: the groups after it were
        never merged. A group the merge rules of customers refuse (a
        company's own partner or a user's among customers, customers of two
        companies...) is skipped instead, and the others merged; the last
        screen lists the skipped groups with why. (Odoo's own refusals stop
        it as without the addon.)"""
        skipped = SkippedMerges()
        action = super(
            MergePartnerAutomatic, self.with_context(**skipped.context())
        ).action_start_automatic_process()
        if skipped.groups:
            self.crm_skipped_groups = "\n".join(
                [
                    self.env._(
                        "Not merged: the merge rules of customers refuse these groups."
                    ),
                    *(
                        self.env._(
                            "- %(partners)s: %(reason)s",
                            partners=partners,
                            reason=reason,
                        )
                        for partners, reason in skipped.groups
                    ),
                ]
            )
        return action

    def action_update_all_process(self):
        """Odoo's "Update All" ends with an SQL statement making every company
        under another a contact person, in the whole database, past every
        rule (whoever has Contact Creation, Odoo's default for internal users,
        may call it). A company under another is a customer of its own
        (claimed, released to the pool, transferred and matched as itself):
        the customers among them stay companies. (What Odoo's statements left
        stored of them, their commercial partner among them, is unchanged: it
        is that of a company.)"""
        subsidiaries = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("parent_id", "!=", False), ("is_company", "=", True)])
        )
        subsidiaries = subsidiaries._crm_customers()
        res = super().action_update_all_process()
        self.env.invalidate_all()
        # (Those the merges deleted are gone.)
        kept = subsidiaries.exists()
        bulk.update_columns(
            kept, {"is_company": dict.fromkeys(kept.ids, True)}, log_access=False
        )
        return res

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
            try:
                partners._crm_check_merge(survivor.with_env(self.env), deleting=True)
            except UserError as refusal:
                skipped = SkippedMerges.current(self.env)
                if skipped is None:
                    raise
                skipped.groups.append(
                    (
                        self.env._(", ").join(existing.mapped("display_name")),
                        refusal.args[0],
                    )
                )
                return None
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
