from odoo import fields, models

from .. import compat


class CrmDuplicateKey(models.Model):
    """Technical: one row per blocked key ever registered (a lock, not a record)."""

    _name = "crm.duplicate.key"
    _description = "Registered Duplicate Key"
    _log_access = False

    key = fields.Char(required=True)

    _key_uniq = compat.Constraint(
        "unique(key)",
        "The key is already registered.",
    )
