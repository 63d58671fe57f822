"""What crm_extension adds to every lead and opportunity: the fields only the
addon computes. The concerns, each in its own file: the buying committee
(crm_lead_committee), whose customer a lead already is (crm_lead_customer_match),
the sales funnel (crm_lead_funnel) and the customer's lifecycle
(crm_lead_lifecycle)."""

from odoo import api, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.guarded.field.mixin"]

    # Computed by the addon alone: a caller could otherwise forge a decision
    # maker to pass a stage gate, or hide whose customer a lead already is.
    _crm_guarded_fields = {
        "has_decision_maker": (),
        "has_opponent": (),
        "matched_partner_id": (),
        # Marked by the lead assignment for the lifecycle job (crm_lead_lifecycle).
        "crm_lifecycle_pending": (),
    }

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_values(vals_list, creating=True)
        return super(CrmLead, self._without_guarded_defaults()).create(vals_list)

    def write(self, vals):
        self._check_guarded_values([vals])
        return super().write(vals)

    def _compute_sale_data(self):
        """Complaint officers read opportunities (the addon's rule) without
        Sales' rights on orders: the opportunity's form shows them no figures
        of orders rather than an access error."""
        if self.env["sale.order"].has_access("read"):
            return super()._compute_sale_data()
        for lead in self:
            lead.sale_amount_total = 0
            lead.quotation_count = 0
            lead.sale_order_count = 0
