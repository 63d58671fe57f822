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
