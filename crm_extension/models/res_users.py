from odoo import SUPERUSER_ID, api, models

from .. import compat
from .crm_guarded_field_mixin import SALES_ADMIN


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """Users are created in one partner operation with their partners
        (res_partner_checks): the partner values given are checked as the
        caller's, and the rules run once the users exist, when an internal
        user's partner is known to be no customer and a portal user's is
        checked as one."""
        Partner = self.env["res.partner"]
        partner_vals_list = [
            {
                fname: value
                for fname, value in vals.items()
                if fname in self._fields and self._fields[fname].inherited
            }
            for vals in vals_list
        ]
        Partner._check_guarded_values(partner_vals_list, creating=True)
        Partner._crm_check_new_values(partner_vals_list)
        with Partner._crm_operation(staff=True) as (partners, _operation):
            users = super(ResUsers, self.with_env(partners.env)).create(vals_list)
        return users.with_env(self.env)

    @api.model
    def _crm_sales_administrators(self, company=None):
        """The active sales administrators (of ``company``, when given), the
        superuser excepted: who decide on exception requests and hear of
        reports when no team leader does."""
        return compat.group_users(self.env.ref(SALES_ADMIN).sudo()).filtered(
            lambda user: (
                user.active
                and user.id != SUPERUSER_ID
                and (not company or company in user.company_ids)
            )
        )

    def _crm_complaint_managers(self):
        """The active complaint managers, the superuser excepted: whom a
        complaint with nobody else to tell is escalated to, and who hear of
        one arriving by e-mail or on the portal (see crm.complaint's
        _responsible_users)."""
        return compat.group_users(
            self.env.ref("crm_extension.group_complaint_manager").sudo()
        ).filtered(lambda user: user.active and user.id != SUPERUSER_ID)

    def _crm_handles_complaints(self):
        """Whether this user may be a category's default handler: one whose
        rules let them read every complaint assigned to them (complaint
        officers read all, salespeople those assigned to them); an
        accountant reads only those about an invoice. (A complaint's handler
        is checked on the complaint itself: crm.complaint's
        _check_handler.)"""
        self.ensure_one()
        user = self.sudo()
        return not user.share and (
            user.has_group("crm_extension.group_complaint_user")
            or user.has_group("sales_team.group_sale_salesman")
        )
