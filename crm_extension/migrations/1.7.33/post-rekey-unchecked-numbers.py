"""Upgrade from 1.7.32 and before: digits that are no number of the kind
python-stdnum checks for the customer's country (a US company's registry
number, a Malaysian one, a Chinese registration number of 15 digits) are
the number of the customer's country ("87654321" of a US customer is
"US87654321"), and a British company number is its eight digits after "GB"
("GB01234567"): a company of another country holding the same digits is no
duplicate any more, and the number typed with its country's code is the
same one. It also gives the numbers the other changes of 1.7.33 read
otherwise their new keys: a Northern Irish VAT number ("XI 980 7806 84") is
the British one ("GB980780684"), a Swiss UID written with its supplements
("CHE-116.281.710 HR/MWST", also after "CH" or without "CHE") is the UID
("CHE116281710"), all of them held by customers whose fields hold a digit.

The keys of the customers whose VAT or registry field holds a digit are
computed again set-based (see rekey_partners), writing only those whose
keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# A field holding a digit (full-width ones too).
DIGIT = "[0-9０-９]"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(
        env,
        _logger,
        SQL("(p.vat ~ %s OR p.company_registry ~ %s)", DIGIT, DIGIT),
    )
