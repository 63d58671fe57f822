"""Pure business rules of crm_extension.

Nothing in this package imports ``odoo``: the rules are plain functions so that they
can be tested on any machine (see the repository's ``tests/`` folder) and reused by
the models.
"""

from .classification import is_value_set, missing_required_fields
from .committee import committee_flags, primary_count
from .normalize import (
    is_valid_uscc,
    looks_like_uscc,
    normalize_name,
    normalize_name_core,
    normalize_phone_digits,
    normalize_vat,
    to_e164,
    uscc_check_char,
)

__all__ = [
    "committee_flags",
    "is_valid_uscc",
    "is_value_set",
    "looks_like_uscc",
    "missing_required_fields",
    "normalize_name",
    "normalize_name_core",
    "normalize_phone_digits",
    "normalize_vat",
    "primary_count",
    "to_e164",
    "uscc_check_char",
]
