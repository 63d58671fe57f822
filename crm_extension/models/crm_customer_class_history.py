from odoo import fields, models


class CrmCustomerClassHistory(models.Model):
    """Every change of a customer's class, with what caused it."""

    _name = "crm.customer.class.history"
    _description = "Customer Class History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    old_class_id = fields.Many2one(
        "crm.customer.class", string="From", ondelete="set null"
    )
    new_class_id = fields.Many2one(
        "crm.customer.class", string="To", ondelete="set null"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user
    )
    is_automatic = fields.Boolean(string="By a Class Rule")
    reason = fields.Char()
