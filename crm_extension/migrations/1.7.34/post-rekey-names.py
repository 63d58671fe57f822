"""Upgrade from 1.7.33 and before: two changes of the names' keys and cores,
in one re-key of the customers they concern.

- A place in brackets after a registered name's legal form is the place
  written before it: a region (中国, 香港, 澳门, 台湾) after a Chinese legal form
  ("利豐有限公司（香港）" is "利丰（香港）有限公司", the group's company there), a
  place in Latin letters after any ("Li & Fung Ltd (HK)" is "Li & Fung (HK)
  Limited"): one name (it was a name of its own, and the same company was
  registered twice that way).
- The Chinese characters Unicode encodes twice (the Kangxi dictionary's and
  Korean hanja's forms, 靑 for 青, 淸 for 清, 寳 for 寶: see
  ``tools.normalize.CJK_LOOKALIKES``) are the characters themselves:
  "靑島啤酒股份有限公司" is "青岛啤酒股份有限公司".

The keys of the customers whose name ends with a bracket or holds one of those
characters are computed again set-based (see rekey_partners), writing only
those whose keys change; their cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners
from odoo.addons.crm_extension.tools.normalize import CJK_LOOKALIKES

_logger = logging.getLogger(__name__)

ENDING_WITH_A_BRACKET = "[]})>）】〕〉》」』〗〙〛⦆]\\s*$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    lookalikes = "[{}]".format("".join(map(chr, CJK_LOOKALIKES)))
    rekey_partners(
        env,
        _logger,
        SQL("(p.name ~ %s OR p.name ~ %s)", ENDING_WITH_A_BRACKET, lookalikes),
    )
