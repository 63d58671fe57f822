"""Upgrade from 1.7.31 and before: a valid VAT or registry number typed
after its label without a colon ("USt-IdNr. DE 136 695 976", "P.IVA
00905811006", "統一編號 04595257", "BR No. 12345678") is that number, as it
was with a colon: the same customer registered with the number alone is
refused.

The keys of the customers whose VAT or registry field holds letters and
digits are computed again set-based (see rekey_partners), writing only
those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# A field holding a letter (of any script) before a digit.
LABELLED = r"[^0-9\s[:punct:]].*[0-9]"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(
        env,
        _logger,
        SQL("(p.vat ~ %s OR p.company_registry ~ %s)", LABELLED, LABELLED),
    )
