"""Upgrade from 1.7.15 and before: a remark after a Chinese registered name
is left out of its keys in brackets of any kind (【总部】, [HQ]) or after a
separator (" 总部", "-总部"), and so are a former name in brackets
("（原…有限公司）") and a translation naming its place first without a legal
form ("… Shenzhen Huaxing Tech").

Customers registered so had keys of their own: the same company registered
again passed the block rules. The keys are computed again set-based (see
rekey_partners), writing only the customers whose keys change.

An approved exception let its two customers share every key afterwards:
after an exception for their name, one of them took the VAT number of the
other unrefused. Each notes now the kinds of keys they share (its rule's, and
any other they have in common), which alone the block rules let them share.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger)
    approved = env["crm.duplicate.exception"].search(
        [("state", "=", "approved"), ("partner_id", "!=", False)]
    )
    approved._note_approved_keys()
    _logger.info("crm_extension: keys noted of %s approved exceptions", len(approved))
