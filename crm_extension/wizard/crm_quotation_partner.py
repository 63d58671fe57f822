from odoo import api, models


class Opportunity2Quotation(models.TransientModel):
    _inherit = "crm.quotation.partner"

    @api.model
    def default_get(self, fields):
        """As the conversion wizard: the registered customer the lead names is
        the existing customer proposed, where Odoo proposed to create it
        again (``crm.lead._registered_customer_defaults``)."""
        result = super().default_get(fields)
        lead = self.env["crm.lead"].browse(result.get("lead_id"))
        result.update(lead._registered_customer_defaults(fields))
        return result
