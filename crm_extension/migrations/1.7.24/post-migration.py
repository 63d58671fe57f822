"""Upgrade from 1.7.23 and before: the name key drops a province before one
of its cities.

"广东省深圳市华星科技有限公司" is "深圳市华星科技有限公司" registered again
(the key of both is "深圳华星科技"), refused by the block rule of names, where
1.7.23 kept the province ("广东深圳华星科技") and only the similar-name rule
flagged it. The cities are known by province (``tools.normalize``'s
``_PROVINCE_CITIES``, the national division codes of 2022), with 51
county-level cities the list lacked (龙港, 邵东 ...), whose 市 a name key now
drops too.

The keys of the customers whose name holds a Chinese character are computed
again set-based (see rekey_partners), writing only those whose keys change;
their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    CHINESE_NAME,
    rekey_partners,
)

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, CHINESE_NAME)
