"""Upgrade from 1.7.30 and before: an Austrian company register number
(Firmenbuchnummer, "FN 122119m") is one key with or without "FN",
``"FN122119M"``; a British customer's company number is one key with or
without "GB" and its leading zeros, its eight digits (``"01234567"``).

The keys of the customers holding a number that may be one (a key of digits
and a letter, after "FN" or not; of six to eight digits, after "GB" or not)
are computed again set-based (see recompute_match_keys), writing only those
whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.30 gave these numbers: their characters as typed.
NUMBER_KEYS = "^((FN)?[0-9]{1,8}[A-Z]|(GB)?[0-9]{6,8})$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL("(p.vat_key ~ %s OR p.vat_other_key ~ %s)", NUMBER_KEYS, NUMBER_KEYS),
    )
