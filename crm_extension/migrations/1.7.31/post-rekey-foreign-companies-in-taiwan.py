"""Upgrade from 1.7.30 and before: the name core of a foreign company
registered in Taiwan leaves out the nationality it puts before its name with
商 ("香港商華星科技有限公司", "美商…", "英屬維京群島商…台灣分公司"): it is
near the company of that name abroad, which the similar-name rules flag.

The keys of the customers whose name holds 商 are computed again set-based
(see rekey_partners), writing only those whose keys change; their cores are
listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, SQL("p.name LIKE %s", "%商%"))
