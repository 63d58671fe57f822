"""Upgrade from 1.7.20 and before: the number key reads the national company
numbers a VAT number is made of as that VAT number.

- A French customer's SIREN, or the SIRET of one of its establishments, is
  the company's VAT number (FR, its key, the SIREN): "303 265 045" typed as
  the registry number is "FR40303265045" registered again.
- A Swiss VAT number is the company's UID, whatever language names the tax
  after it ("CHE-116.281.710 MWST", "... TVA", "... IVA"), and the UID typed
  as the registry number is that number.

The keys of the customers holding a number that may be one of these (a key
of nine or fourteen digits, or beginning with CHE) are computed again
set-based (see recompute_match_keys), writing only those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.20 gave these numbers: a SIREN's or a SIRET's digits, a
# Swiss UID with or without the tax's name.
NUMBER_KEYS = "^([0-9]{9}|[0-9]{14}|CHE[0-9]{9}[A-Z]*)$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL("(p.vat_key ~ %s OR p.vat_other_key ~ %s)", NUMBER_KEYS, NUMBER_KEYS),
    )
