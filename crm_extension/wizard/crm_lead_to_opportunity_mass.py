from odoo import models

from .. import compat


class Lead2OpportunityMassConvert(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner.mass"

    def _convert_handle_partner(self, lead, action, partner_id):
        """Odoo's "use existing partner or create" finds a lead's customer by
        e-mail, else creates one: a lead naming a registered customer (its
        company's name, written otherwise) made the block rule refuse the
        whole conversion. When Odoo finds none, the registered customer a
        block rule names (one the user may read) is the existing partner: the
        lead's contact person is created under it, as Odoo creates it under
        the company it would create (nothing the lead says of the person is
        lost), and is the lead's customer."""
        if self.action == "each_exist_or_create" and not lead.partner_id:
            registered = lead._registered_customer()
            if registered and not compat.lead_partner_by_email(lead):
                # (The salesperson Odoo gives the customers it creates here.)
                lead.partner_id = compat.lead_customer_under(
                    lead.with_context(default_user_id=self.user_id.id), registered
                )
        return super()._convert_handle_partner(lead, action, partner_id)
