from odoo import api, fields, models
from odoo.tools import SQL

from .. import compat


class CrmDuplicateKey(models.Model):
    """Technical: one row per blocked key ever registered, and per complaint
    reference ever given (a lock, not a record)."""

    _name = "crm.duplicate.key"
    _description = "Registered Duplicate Key"
    _log_access = False

    key = fields.Char(required=True)

    _key_uniq = compat.Constraint(
        "unique(key)",
        "The key is already registered.",
    )

    @api.model
    def _lock(self, keys):
        """Write the rows of ``keys`` (inserted, or updated when there): a
        transaction deciding on one of them at the same moment waits for this
        one, then fails to serialize when it commits, and Odoo runs its
        request again, which then sees what this one decided. (The match
        statement does the same for the keys of a registration: see
        crm.duplicate.rule._write_keys.)"""
        if keys:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO crm_duplicate_key (key) SELECT unnest(%s::varchar[]) "
                    "ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key",
                    sorted(keys),
                )
            )
