from odoo import models

from .. import compat


class Lead2OpportunityMassConvert(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner.mass"

    def _convert_handle_partner(self, lead, action, partner_id):
        """Odoo's "use existing partner or create" finds a lead's customer by
        e-mail, else creates one: a lead naming a registered customer (its
        company's name, written otherwise) made the block rule refuse the
        whole conversion. When Odoo finds none, the registered customer a
        block rule names (one the user may read) is the existing partner, and
        whoever enquired its contact person (``_link_matched_customer``):
        the lead's customer is assigned (Odoo's assignment of the same
        customer again would replace the e-mail and phone of whoever
        enquired with the customer's, where no contact person holds them)."""
        if self.action == "each_exist_or_create" and not lead.partner_id:
            registered = lead._registered_customer()
            if registered and not compat.lead_partner_by_email(lead):
                lead._link_matched_customer(registered)
                return None
        return super()._convert_handle_partner(lead, action, partner_id)
