"""Upgrade from 1.7.16 and before: a name's umlauts are written out in its
core (ä, ö, ü as ae, oe, ue, as German writes them without: "Müller GmbH" and
"Mueller GmbH" are one core, which the similar-name rules warn of), and a
Cyrillic or Greek letter drawn as a Latin one, in a name holding no other
Cyrillic or Greek letter, is the Latin letter in its keys ("Wеber" with a
Cyrillic е is "Weber"), as are the pinyin input's ɑ and ɡ and Turkish ı.

Customers registered so had keys of their own: the same company typed
otherwise passed the rules. The keys of the customers whose name holds such
a letter are computed again set-based (see rekey_partners), writing only
those whose keys change; their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# An umlaut (or a letter and a combining diaeresis, U+0308), a Greek or a
# Cyrillic letter, ɑ, ɡ, ı or İ.
FOLDED = "[äöüÄÖÜ\u0308\u0370-\u03ff\u0400-\u052f\u0251\u0261\u0131\u0130]"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, SQL("p.name ~ %s", FOLDED))
