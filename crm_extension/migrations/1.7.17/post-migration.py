"""Upgrade from 1.7.16 and before: a name's umlauts are written out in its
keys (ä, ö, ü as ae, oe, ue, as German writes them without): "Müller GmbH"
and "Mueller GmbH" are one name.

Customers registered with umlauts had keys of their own: the same company
typed without them passed the block rules. The keys of the customers whose
name holds an umlaut are computed again set-based (see rekey_partners),
writing only those whose keys change; their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# An umlaut, in capitals, or as a letter and a combining diaeresis (U+0308).
UMLAUT = "[äöüÄÖÜ\u0308]"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, SQL("p.name ~ %s", UMLAUT))
