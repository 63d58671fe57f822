"""Upgrade from 1.7.32 and before: a British VAT number written with Northern
Ireland's "XI" ("XI 980 7806 84", which Odoo accepts for a British customer)
is the British number, one key ``"GB980780684"``: the customer registered
again with "GB" or without a prefix is refused.

The keys of the customers holding a key that starts with "XI" are computed
again set-based (see recompute_match_keys), writing only those whose keys
change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.32 gave these numbers: "XI" and the valid number.
NUMBER_KEYS = "^XI"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL("(p.vat_key ~ %s OR p.vat_other_key ~ %s)", NUMBER_KEYS, NUMBER_KEYS),
    )
