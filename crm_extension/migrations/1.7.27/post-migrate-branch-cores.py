"""Upgrade from 1.7.26 and before: a branch has its company's name core.

"深圳华星科技有限公司北京分公司" registers on its own (the block rule's name
key keeps the branch), and the similar-name rule now flags it for review
beside "深圳华星科技有限公司": its core drops the branch's designation
("北京分公司", "第一分公司", "深圳分行", "办事处"), as it drops places and
legal forms; before, the core kept it ("华星北京分") and the branch of
another salesperson's customer went unnoticed.

The keys of the customers whose name may hold such a designation (in either
script) are computed again set-based (see rekey_partners), writing only
those whose keys change; their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# Every branch designation holds one of these (simplified or traditional).
BRANCH_NAME = SQL(
    "p.name ~ %s",
    "分|支行|办事处|辦事處|代表处|代表處|营业部|營業部|经营部|經營部|门市部|門市部",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, BRANCH_NAME)
