"""Upgrade from 1.7.33 and before: a place in brackets after a registered
name's legal form is the place written before it: a region (中国, 香港, 澳门,
台湾) after a Chinese legal form ("利豐有限公司（香港）" is "利丰（香港）有限公司",
the group's company there), a place in Latin letters after any ("Li & Fung
Ltd (HK)" is "Li & Fung (HK) Limited"): one name (it was a name of its own,
and the same company was registered twice that way).

The keys of the customers whose name ends with a bracket are computed again
set-based (see rekey_partners), writing only those whose keys change; their
cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

ENDING_WITH_A_BRACKET = SQL("p.name ~ %s", "[]})>）】〕〉》」』〗〙〛⦆]\\s*$")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, ENDING_WITH_A_BRACKET)
