"""Opportunities move their customer's lifecycle: opening one shows the
customer's intention (see res_partner_lifecycle)."""

from odoo import api, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _lifecycle_opportunity_event(self):
        """Opening an opportunity shows the customer's intention."""
        customers = self.filtered(
            lambda lead: lead.type == "opportunity" and lead.active
        ).partner_id.commercial_partner_id
        # The lifecycle is the system's to keep, whoever may edit the customer.
        customers.sudo()._lifecycle_event("opportunity")

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._lifecycle_opportunity_event()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "type", "active"} & vals.keys():
            self._lifecycle_opportunity_event()
        return res
