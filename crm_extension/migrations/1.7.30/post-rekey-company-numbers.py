"""Upgrade from 1.7.29 and before: the number key reads more national company
numbers as the VAT number they make.

- A Swedish customer's organisation number ("556703-7485") is its VAT number
  SE556703748501, a Norwegian one's ("974 760 673") NO974760673MVA.
- A Swiss customer's UID typed without its letters ("116.281.710") is
  CHE116281710.
- These numbers and a French SIREN typed after their country's code ("NO
  974 760 673", "FR 303 265 045") are those VAT numbers.

The keys of the customers holding a number that may be one of these (a key
of nine or ten digits, after two letters or not) are computed again
set-based (see recompute_match_keys), writing only those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.29 gave these numbers: their digits, after their
# country's code or not.
NUMBER_KEYS = "^([A-Z]{2})?[0-9]{9,10}$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL("(p.vat_key ~ %s OR p.vat_other_key ~ %s)", NUMBER_KEYS, NUMBER_KEYS),
    )
