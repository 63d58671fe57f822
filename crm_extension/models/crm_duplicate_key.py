from odoo import fields, models


class CrmDuplicateKey(models.Model):
    """Technical: one row per blocked key ever registered (a lock, not a record)."""

    _name = "crm.duplicate.key"
    _description = "Registered Duplicate Key"
    _log_access = False

    key = fields.Char(required=True)

    _sql_constraints = [("key_uniq", "unique(key)", "The key is already registered.")]
