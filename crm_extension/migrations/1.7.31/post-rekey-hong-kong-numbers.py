"""Upgrade from 1.7.30 and before: a Hong Kong customer's business
registration number is one key, ``"HK"`` and its eight digits, with or without
"HK" and whichever year's certificate number was typed ("12345678-000-05-25-1");
a branch's certificate number is the branch's key (``"HK12345678001"``).

The keys of the customers holding a number that may be one (a key of eight,
eleven or sixteen characters of digits, after "HK" or not) are computed again
set-based (see recompute_match_keys), writing only those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.30 gave these numbers: their characters as typed.
NUMBER_KEYS = "^(HK)?[0-9]{8}([0-9]{3}([0-9]{4}[0-9A-Z])?)?$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL("(p.vat_key ~ %s OR p.vat_other_key ~ %s)", NUMBER_KEYS, NUMBER_KEYS),
    )
