"""Pure business rules of crm_extension.

Nothing in this package imports ``odoo``: the rules are plain functions so that they
can be tested on any machine (see the repository's ``tests/`` folder) and reused by
the models.
"""

from .classification import is_value_set, missing_required_fields
from .committee import committee_flags, primary_count

__all__ = [
    "committee_flags",
    "is_value_set",
    "missing_required_fields",
    "primary_count",
]
