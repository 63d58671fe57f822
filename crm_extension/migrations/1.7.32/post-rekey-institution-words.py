"""Upgrade from 1.7.31 and before: the name core leaves out the kind of
institution a name says after its place (银行, 证券, 保险, 大学, 医院, 第一,
建工, 啤酒 ...; "Bank", "Insurance", "University", "Sparkasse" ...), as it
leaves out the other generic words: 北京银行 and 上海银行, "Bank of Beijing"
and "Bank of Shanghai" had one core (银行, "bank"), which the similar-name
rules flagged; their cores are now their whole names. So do the English of
Chinese generic words ("Digital", "Construction", "Power" ...): "Shenzhen
Digital Technology" and "Beijing Digital Technology" had one core. A name
of such words after its country is near the same name without it (中国建设银行
and 建设银行).

The keys of the customers whose name holds a Chinese character or one of
those Latin words are computed again set-based (see rekey_partners), writing
only those whose keys change; their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    CHINESE_NAME,
    rekey_partners,
)

_logger = logging.getLogger(__name__)

LATIN_WORDS = SQL(
    "p.name ~* %s",
    r"(bank|insurance|assurance|securities|versicherung|sparkasse|university"
    r"|hospital|hotel|digital|smart|automation|power|construction|communication"
    r"|telecom|propert|realty|tourism|travel|apparel|clothing|printing"
    r"|advertising|healthcare|beverage|steel|metal|mechanical|automobile)",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, SQL("(%s OR %s)", CHINESE_NAME, LATIN_WORDS))
