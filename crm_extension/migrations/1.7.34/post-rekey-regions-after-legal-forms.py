"""Upgrade from 1.7.33 and before: a region (中国, 香港, 澳门, 台湾) in
brackets after a Chinese registered name's legal form is the region written
before it: "利豐有限公司（香港）" is "利丰（香港）有限公司", the group's company
there, one name (it was a name of its own, and the same company was
registered twice that way).

The keys of the customers whose name holds a region after 公司 are computed
again set-based (see rekey_partners), writing only those whose keys change;
their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

REGION_AFTER_FORM = SQL(
    "p.name ~ %s", "公司\\s*[(（【\\[〔].*(中[国國]|香港|澳[门門]|[台臺][湾灣])"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, REGION_AFTER_FORM)
