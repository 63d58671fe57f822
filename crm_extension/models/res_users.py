from odoo import api, models

from ..tools.server_flags import CREATING_STAFF_PARTNERS


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        # The partner Odoo creates for a new user is no customer: the duplicate
        # rules do not check it then. A portal user's partner is a customer, and
        # is checked once the user exists.
        users = super(
            ResUsers, self.with_context(**CREATING_STAFF_PARTNERS.context())
        ).create(vals_list)
        users = users.with_env(self.env)
        new_customers = self.env["res.partner"].browse(
            user.partner_id.id
            for user, vals in zip(users, vals_list, strict=True)
            if user.share and not vals.get("partner_id")
        )
        new_customers._check_duplicates()
        return users
