from odoo import api, models


class Lead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    @api.model
    def default_get(self, fields):
        """Odoo proposes to create the customer of a lead it finds none for
        (by e-mail; 18.0 also by a name containing the lead's), and the block
        rule refused the registered customer the lead names: the wizard
        proposes to link the lead to that customer
        (``crm.lead._registered_customer_defaults``)."""
        result = super().default_get(fields)
        lead = self.env["crm.lead"].browse(result.get("lead_id"))
        result.update(lead._registered_customer_defaults(fields))
        return result

    @api.depends("action", "lead_id")
    def _compute_partner_id(self):
        """Odoo proposes again the customer it finds when the user switches
        to "Link to an existing customer" (as the block rule's refusal of
        "Create a new customer" tells them to): where it finds none, the
        registered customer the lead names, as on opening the wizard
        (``crm.lead._matched_customer_to_link``)."""
        res = super()._compute_partner_id()
        for convert in self:
            if convert.action == "exist" and convert.lead_id and not convert.partner_id:
                convert.partner_id = convert.lead_id._matched_customer_to_link()
        return res
