"""Upgrade from 1.7.33 and before: the Chinese characters Unicode encodes
twice (the Kangxi dictionary's and Korean hanja's forms, 靑 for 青, 淸 for 清,
寳 for 寶: see ``tools.normalize.CJK_LOOKALIKES``) are the characters
themselves in the name keys and cores: "靑島啤酒股份有限公司" is "青岛啤酒股份
有限公司" (it was a name of its own, and the company was registered twice that
way).

The keys of the customers whose name holds one of them are computed again
set-based (see rekey_partners), writing only those whose keys change; their
cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners
from odoo.addons.crm_extension.tools.normalize import CJK_LOOKALIKES

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    characters = "".join(map(chr, CJK_LOOKALIKES))
    rekey_partners(env, _logger, SQL("p.name ~ %s", f"[{characters}]"))
