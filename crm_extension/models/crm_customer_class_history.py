from odoo import api, fields, models


class CrmCustomerClassHistory(models.Model):
    """Every change of a customer's class, with what caused it."""

    _name = "crm.customer.class.history"
    _description = "Customer Class History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    old_class_id = fields.Many2one(
        "crm.customer.class", string="Previous Class", ondelete="set null"
    )
    new_class_id = fields.Many2one("crm.customer.class", ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user
    )
    is_automatic = fields.Boolean(string="By a Class Rule")
    cause = fields.Char(
        help="The class rule that moved the customer, in its salesperson's "
        "language; empty for a change by hand."
    )
    # What the history shows: the rule's cause, or "Changed by hand" in the
    # reader's language (stored, it would read in its writer's).
    reason = fields.Char(compute="_compute_reason", inverse="_inverse_reason")

    @api.depends("cause")
    @api.depends_context("lang")
    def _compute_reason(self):
        for history in self:
            history.reason = history.cause or self.env._("Changed by hand")

    def _inverse_reason(self):
        for history in self:
            history.cause = history.reason
