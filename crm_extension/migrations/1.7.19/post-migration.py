"""Upgrade from 1.7.18 and before: the name key drops the words joining two
others ("and", "und"), as "&" (punctuation) always was, and a leading "The":
"The Procter and Gamble Company" and "Procter & Gamble Co." are one name,
which the block rule refuses twice ("Müller GmbH und Co. KG" loses its legal
form too).

The keys of the customers whose name holds one of these words are computed
again set-based (see rekey_partners), writing only those whose keys change;
their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# The words, whole and in any case (a key changes only where one joins two
# other words, or "The" starts the name).
JOINING_WORDS = r"\m(and|und|the)\M"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, SQL("p.name ~* %s", JOINING_WORDS))
