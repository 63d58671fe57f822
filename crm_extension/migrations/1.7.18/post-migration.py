"""Upgrade from 1.7.17 and before: a name's accents are dropped in its core
(the accents of Latin and Greek letters, and ø, æ, œ, ł, đ written without
their stroke or ligature: "Societe Generale SA" and "Société Générale S.A."
are one core, which the similar-name rules warn of). German umlauts stay
written out ("Müller" is "Mueller", not "Muller").

A place written in two words ("Hong Kong", "New Taipei", "Inner Mongolia")
is a place of the core, as "Hongkong", "HK" and 香港 were: "Caterpillar (Hong
Kong) Inc." and "Caterpillar Inc." are one core.

A customer registered so had a core of its own: the same company typed
otherwise passed the similar-name rule. The keys of the customers whose name
holds a letter outside ASCII of the Latin or Greek alphabets (or a combining
accent), or such a place, are computed again set-based (see rekey_partners),
writing only those whose keys change; their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# Latin-1 Supplement to Latin Extended-B, Latin Extended Additional, the
# combining accents, and Greek (with its extended letters).
ACCENTED = "[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f\u0370-\u03ff\u1f00-\u1fff]"
TWO_WORD_PLACE = r"(hong|new|inner)\W+(kong|taipei|mongolia)"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(
        env, _logger, SQL("(p.name ~ %s OR p.name ~* %s)", ACCENTED, TWO_WORD_PLACE)
    )
