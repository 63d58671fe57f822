from collections import defaultdict

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        customers_by_date = defaultdict(lambda: self.env["res.partner"])
        for move in posted.filtered(lambda move: move.move_type == "out_invoice"):
            customers_by_date[move.invoice_date] |= move.commercial_partner_id
        for date, customers in customers_by_date.items():
            # A posted customer invoice is a deal for the customer's lifecycle,
            # whoever posts it.
            customers.sudo()._lifecycle_event("deal", date)
        return posted
