"""Upgrade from 1.7.22 and before: the name core reads the words Taiwan
writes for a trade or a thing as the mainland's.

The core is now computed from the name in one wording as well as one script
(OpenCC's phrase dictionaries, see ``tools.normalize.fold_wording``): 裝置 is
设备, 線上 在线, 網路 网络, 資料 数据, 印表機 打印机, and 数字 (數位 in Taiwan) is a
generic word like 数码. "百度線上網路技術(北京)有限公司" is flagged for review
beside "百度在线网络技术（北京）有限公司"; the name keys, and so the block
rule, are as they were.

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
