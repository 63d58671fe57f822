"""Upgrade from 1.7.18 and before: the name key drops the words joining two
others ("and", "und"), as "&" (punctuation) always was, and a leading "The":
"The Procter and Gamble Company" and "Procter & Gamble Co." are one name,
which the block rule refuses twice ("Müller GmbH und Co. KG" loses its legal
form too).

The keys of the customers whose name holds one of these words are computed
again set-based (see rekey_partners), writing only those whose keys change;
their cores are listed again.

The name core also drops the words Taiwan and Hong Kong write for generic
words (網路 for 网络, 軟體 for 软件, 資訊 for 信息, 數位 for 数码, 電訊 for 通信):
"阿里巴巴(中國)網路技術有限公司" is flagged for review beside
"阿里巴巴（中国）网络技术有限公司". The customers whose name holds one of them,
in either script, are re-keyed as well.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# The words, whole and in any case (a key changes only where one joins two
# other words, or "The" starts the name).
JOINING_WORDS = r"\m(and|und|the)\M"
# Taiwan's and Hong Kong's generic words, in both scripts.
REGIONAL_WORDS = "網路|网路|軟體|软体|資訊|资讯|數位|数位|電訊|电讯"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(
        env,
        _logger,
        SQL("(p.name ~* %s OR p.name ~ %s)", JOINING_WORDS, REGIONAL_WORDS),
    )
