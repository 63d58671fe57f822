"""Upgrade from 1.7.30 and before: a German commercial register number is a
key only with its register court.

"HRB 12345" is unique only at its court (Amtsgericht): two companies of Munich
and Hamburg may both be "HRB 12345", and the second was refused as a
duplicate of the first. Written without its court the number is no key now;
written with it, before or after the number ("Amtsgericht München HRB 12345",
"HRB 12345 München"), it is one key, the court's name and the number
("MUENCHENHRB12345").

The keys of the customers whose VAT or registry number holds a register's
letters and digits (HRA, HRB, GnR, GsR, PR, VR), or whose number keys do, are
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

# A register's letters and its number, in a number's letters and digits (the
# keys 1.7.30 gave them: their characters as typed).
REGISTER = "(HRA|HRB|GNR|GSR|PR|VR)(NR|NO)?[0-9]"


def _letters_and_digits(column):
    return SQL(
        "upper(regexp_replace(COALESCE(%s, ''), '[^[:alnum:]]', '', 'g'))", column
    )


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL(
            "(%s ~ %s OR %s ~ %s OR p.vat_key ~ %s OR p.vat_other_key ~ %s)",
            _letters_and_digits(SQL("p.vat")),
            REGISTER,
            _letters_and_digits(SQL("p.company_registry")),
            REGISTER,
            REGISTER,
            REGISTER,
        ),
    )
