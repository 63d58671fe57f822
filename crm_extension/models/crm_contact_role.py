from odoo import fields, models

from .. import compat


class CrmContactRole(models.Model):
    """The part a contact person plays in a customer's buying decision."""

    _name = "crm.contact.role"
    _description = "Contact Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    is_decision_maker = fields.Boolean(
        string="Decision Maker",
        help="Contacts in this role take the buying decision. An opportunity "
        "without one is flagged.",
    )
    is_opponent = fields.Boolean(
        string="Opponent",
        help="Contacts in this role work against the deal. An opportunity with "
        "one is flagged.",
    )

    _code_uniq = compat.Constraint(
        "unique(code)",
        "The code of a contact role must be unique.",
    )
