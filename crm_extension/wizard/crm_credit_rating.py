from odoo import api, fields, models

from ..models.res_partner_classification import RATING_SELECTION


class CrmCreditRating(models.TransientModel):
    """An accountant rates a customer's credit from its form, which Odoo shows
    them read-only (Invoicing gives no right to edit contacts). The rating is
    written as the user, through the partner's one door: its rules decide who
    may rate whom, and the change is tracked in the customer's chatter."""

    _name = "crm.credit.rating"
    _description = "Set a Customer's Credit Rating"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    credit_rating = fields.Selection(
        RATING_SELECTION,
        compute="_compute_credit_rating",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        # (The rating the user reads: a client may give the wizard any
        # customer, another company's too.)
        compute_sudo=False,
    )

    @api.depends("partner_id")
    def _compute_credit_rating(self):
        for wizard in self:
            wizard.credit_rating = wizard.partner_id.credit_rating

    def action_set_credit_rating(self):
        self.ensure_one()
        self.partner_id.write({"credit_rating": self.credit_rating})
