"""Upgrade from 1.7.29 and before: phone keys leave out the extension written
after the number, e-mail keys what was typed around the address.

- "0755-8888 1234 转 801", "0755 8888 1234 分机 801", "… ext. 801" and
  "0755-88881234-801" (a last group that makes the number too long) are the
  number +8675588881234, and so is "0755-8888 1234 / 139 1234 5678" (the
  first of several numbers, which were glued together).
- "sales@jiafang.cn。" (a sentence's full stop), an address holding a
  zero-width space copied from a chat, and the first of several addresses
  ("sales@…; info@…", which had no key) are the address.

The phone and e-mail rules flag a customer registered again so. The keys of
the partners whose number may hold an extension, or whose e-mail holds
anything but one plain address, are computed again set-based (see
recompute_match_keys), writing only those whose keys change.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension import compat
from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)

# A number holding an extension's marker or a separator of numbers, or
# ending with a group of digits after a separator.
EXTENSION = (
    "(转|轉|分机|分機|内线|內線|ext|x|#|[/;,、或／；，])"
    "|[0-9][^0-9]+[0-9]{1,5}[[:space:]]*$"
)
# An e-mail holding a separator of addresses, a character outside printable
# ASCII, or ending with a dot.
EMAIL_TYPED_AROUND = "[,;]|[^ -~]|[.][[:space:]]*$"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(
        env,
        _logger,
        SQL(" OR ").join(
            [
                *(
                    SQL("p.%s ~* %s", SQL.identifier(fname), EXTENSION)
                    for fname in compat.PHONE_FIELDS
                ),
                SQL("p.email ~ %s", EMAIL_TYPED_AROUND),
            ]
        ),
    )
