"""Upgrade from 1.7.30 and before: a French company's registration written
with its register and court ("RCS Paris B 303 265 045", "303 265 045 R.C.S.
Nanterre", "SIRET 303 265 045 00011") is its SIREN, the company's VAT number
(``"FR40303265045"``), whichever court.

The keys of the customers holding a number that may be one (a key of nine or
fourteen digits between letters naming a register or the number) are
computed again set-based (see recompute_match_keys), writing only those
whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.30 gave these numbers: their letters and digits as
# typed.
NUMBER_KEYS = "^[A-Z]*([0-9]{9}|[0-9]{14})[A-Z]*$"
LABEL = "RCS|SIRE[NT]|^RM|RM$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL(
            "((p.vat_key ~ %s AND p.vat_key ~ %s)"
            " OR (p.vat_other_key ~ %s AND p.vat_other_key ~ %s))",
            NUMBER_KEYS,
            LABEL,
            NUMBER_KEYS,
            LABEL,
        ),
    )
