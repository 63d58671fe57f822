from odoo import api, models


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
        Partner._check_guarded_values(
            [
                {
                    fname: value
                    for fname, value in vals.items()
                    if fname in self._fields and self._fields[fname].inherited
                }
                for vals in vals_list
            ],
            creating=True,
        )
        with Partner._crm_operation(staff=True) as (partners, _operation):
            users = super(ResUsers, self.with_env(partners.env)).create(vals_list)
        return users.with_env(self.env)
