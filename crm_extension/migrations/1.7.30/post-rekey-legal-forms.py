"""Upgrade from 1.7.29 and before: the name key knows two more Chinese legal
forms.

- Taiwan's abbreviation of 股份有限公司 in brackets: "台灣積體電路製造(股)公司",
  "…（股）有限公司", "統一企業(股)" are the companies registered as
  "…股份有限公司".
- The kind of a partnership its name ends with: "…投资合伙企业（有限合伙）"
  and "…投资合伙企业" are one name (also 普通合伙, 特殊普通合伙).
- 中国, 香港, 澳门 or 台湾 in brackets after a registered name
  ("…有限公司（香港）") is the group's company there, another registrant, as
  "(HK)" already was: no longer the name without it.

The keys of the customers whose name holds one of them are computed again
set-based (see rekey_partners), writing only those whose keys change; their
cores are listed again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# A name holding one of the forms (合伙 and 合夥: before the script is
# folded), or a region in brackets.
ADDED_FORMS = (
    "([(（【]\\s*股\\s*[)）】]|普通合[伙夥]|有限合[伙夥]"
    "|[(（【〔\\[][^)）】〕\\]]*(中[国國]|香港|澳[门門]|[台臺][湾灣]))"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger, SQL("p.name ~ %s", ADDED_FORMS))
