from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_auto_win_on_confirm = fields.Boolean(
        string="Win Opportunities on Order Confirmation",
        default=True,
        help="Confirming a quotation linked to an opportunity marks the "
        "opportunity won.",
    )
    crm_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=365,
        help="A customer with a deal who has bought nothing for this many days "
        "becomes dormant. 0 never marks customers dormant.",
    )

    _sql_constraints = [
        (
            "crm_dormant_days_positive",
            "CHECK(crm_dormant_days >= 0)",
            "The number of days before a customer is dormant cannot be negative.",
        ),
    ]
