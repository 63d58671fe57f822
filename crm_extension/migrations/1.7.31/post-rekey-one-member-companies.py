"""Upgrade from 1.7.30 and before: the name key knows the legal form of a
company of one member, Macau's 一人有限公司 (and 一人有限责任公司): "澳門華星
貿易一人有限公司" and "澳門華星貿易有限公司", the company before and after a
partner joined it, are one name.

The keys of the customers whose name holds 一人 are computed again set-based
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
    rekey_partners(env, _logger, SQL("p.name LIKE %s", "%一人%"))
