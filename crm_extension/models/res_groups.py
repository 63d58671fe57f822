from odoo import api, models

from .. import compat


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def _crm_extension_apply_version_data(self):
        """Called by crm_extension's last data file: the fields of its data whose
        names differ between Odoo 18.0 and 19.0 (see ``compat``)."""
        compat.apply_version_data(self.env)

    @api.model
    def _crm_extension_set_user_groups(self, user_ids, groups):
        """The groups of these users, exactly (demo data; see ``compat``)."""
        compat.set_user_groups(self.env["res.users"].browse(user_ids), groups)
