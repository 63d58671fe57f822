"""Upgrade from 1.7.29 and before: a phone key leaves out the extension
written after the number.

"0755-8888 1234 转 801", "0755 8888 1234 分机 801", "… ext. 801" and
"0755-88881234-801" (a last group that makes the number too long) are the
number +8675588881234: the phone rule flags a customer registered again with
its switchboard and an extension. The keys of the partners whose number may
hold an extension are computed again set-based (see recompute_match_keys),
writing only those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension import compat
from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# A number holding an extension's marker, or ending with a group of digits
# after a separator.
EXTENSION = "(转|轉|分机|分機|内线|內線|ext|x|#)|[0-9][^0-9]+[0-9]{1,5}[[:space:]]*$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL(" OR ").join(
            SQL("p.%s ~* %s", SQL.identifier(fname), EXTENSION)
            for fname in compat.PHONE_FIELDS
        ),
    )
