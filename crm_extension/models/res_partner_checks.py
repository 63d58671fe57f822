"""The checks of every partner create and write: guarded fields before, the
concerns' rules once after, on the final state.

Odoo's own create and write of res.partner write again on the way (the
commercial fields and the address copied from the company, its contacts kept in
sync): the rules would run on each of these nested writes, some before Odoo has
filled in what they check. Here the outermost create or write collects every
partner touched, with what was written, and each concern checks them once at
the end (``_crm_check_final_state``). This class comes last among the addon's
res.partner classes: it runs first.
"""

from odoo import api, models

from ..tools.server_flags import MERGING_PARTNERS
from .res_partner import PartnerChecks


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_values(vals_list, creating=True)
        model = self._without_guarded_defaults()
        checks = PartnerChecks.current(self.env)
        if checks:  # inside another operation: checked at its end
            partners = super(ResPartner, model).create(vals_list)
            checks.created.update(partners.ids)
            return partners
        checks = PartnerChecks()
        model._crm_before_operation()
        partners = super(ResPartner, model.with_context(**checks.context())).create(
            vals_list
        )
        checks.created.update(partners.ids)
        model.browse(checks.partner_ids())._crm_check_final_state(checks)
        return partners.with_env(model.env)

    def write(self, vals):
        if not MERGING_PARTNERS.is_raised(self.env.context):
            # (A merge copies the values of the absorbed customers: none typed.)
            self._check_guarded_values([vals])
        checks = PartnerChecks.current(self.env)
        if checks:  # inside another operation: checked at its end
            self._crm_before_write(vals, checks)
            res = super().write(vals)
            checks.add_written(self, vals)
            return res
        checks = PartnerChecks()
        self._crm_before_operation()
        self._crm_before_write(vals, checks)
        res = super(ResPartner, self.with_context(**checks.context())).write(vals)
        checks.add_written(self, vals)
        self.browse(checks.partner_ids())._crm_check_final_state(checks)
        return res
