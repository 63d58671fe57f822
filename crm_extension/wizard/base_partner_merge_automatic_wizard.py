from markupsafe import Markup, escape

from odoo import models
from odoo.exceptions import AccessError, UserError

from ..tools.server_flags import MERGING_PARTNERS


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        self._check_merge_rights(self.env["res.partner"].browse(partner_ids).exists())
        # The surviving customer takes over the keys of the merged ones: the
        # duplicate rules must not refuse the merge that resolves the duplicate.
        # (A server flag: no context a client sends can raise it.)
        return super(
            MergePartnerAutomatic, self.with_context(**MERGING_PARTNERS.context())
        )._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)

    def _check_merge_rights(self, partners):
        """Whether the user may merge ``partners``, checked before anything moves.

        Odoo's wizard re-points the documents of the absorbed partners in SQL
        first and checks the rights only when it writes the surviving partner and
        deletes the others; by then record rules that look at the commercial
        partner see the moved documents. So: the user must be allowed to edit
        and delete every partner of the merge; customers are merged by sales
        administrators only; and never partners of different companies.
        """
        if self.env.su or len(partners) < 2:
            return
        partners = partners.with_env(self.env)
        partners.check_access("write")
        partners.check_access("unlink")
        if partners._crm_customers() and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(
                self.env._("Only sales administrators may merge customers.")
            )
        if len(partners.company_id) > 1:
            raise UserError(
                self.env._(
                    "Customers of different companies cannot be merged: %(partners)s.",
                    partners=", ".join(partners.mapped("display_name")),
                )
            )

    def _update_values(self, src_partners, dst_partner):
        return super()._update_values(
            src_partners, dst_partner.with_context(**MERGING_PARTNERS.context())
        )

    def _log_merge_operation(self, src_partners, dst_partner):
        """Leave on the surviving customer a trace of every merged one."""
        res = super()._log_merge_operation(src_partners, dst_partner)
        rows = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(name)s (#%(id)s) — VAT %(vat)s, email %(email)s, phone %(phone)s, "
                "salesperson %(salesperson)s, registered by %(registrant)s on "
                "%(date)s",
                name=partner.display_name,
                id=partner.id,
                vat=partner.vat or "-",
                email=partner.email or "-",
                phone=partner.phone or partner.mobile or "-",
                salesperson=partner.user_id.name or "-",
                registrant=partner.registered_by_id.name or "-",
                date=partner.registered_date or "-",
            )
            for partner in src_partners
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            escape(
                self.env._(
                    "Merged into this customer by %(user)s:", user=self.env.user.name
                )
            ),
            rows,
        )
        dst_partner.sudo()._message_log(body=body)
        remaining = dst_partner.sudo().duplicate_partner_ids - src_partners
        dst_partner.sudo().write(
            {
                "duplicate_partner_ids": [(6, 0, remaining.ids)],
                "duplicate_state": "suspect" if remaining else False,
            }
        )
        return res
