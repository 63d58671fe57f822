"""Upgrade from 1.7.32 and before: a Swiss UID written with the supplements
of its registrations ("CHE-116.281.710 HR/MWST", "... RC/TVA", "... HR",
also after "CH" or, a Swiss customer's, without "CHE") is the UID, one key
``"CHE116281710"``: the company registered again with its VAT number is
refused.

The keys of the customers holding a key of a UID's digits and a
supplement are computed again set-based (see recompute_match_keys), writing
only those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# The number keys 1.7.32 gave these numbers: their characters as typed.
NUMBER_KEYS = "^(CHE?)?[0-9]{9}(HR|RC|MWST|TVA|IVA|TPV)"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL("(p.vat_key ~ %s OR p.vat_other_key ~ %s)", NUMBER_KEYS, NUMBER_KEYS),
    )
