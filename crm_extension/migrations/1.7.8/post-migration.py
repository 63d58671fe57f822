"""Upgrade from 1.7.7 and before: the match keys of every customer computed
again.

1.7.6: a name key drops the administrative suffix of the places a name
starts with ("深圳市华星科技" and "深圳华星科技" are one name). 1.7.7: of
every prefecture- and county-level city too ("张家港市华星" and "张家港华星"),
and of the full names of the autonomous regions ("广西壮族自治区"); a
variation selector is no part of a name; the credit code is the number key of
a customer whichever of its VAT and registry holds it; the letters and digits
of other scripts in a number stay; an address in full-width characters is the
address. 1.7.8: a customer holding two numbers in its VAT and registry fields
(an old tax number beside the credit code, a commercial register number
beside a VAT number) has both as keys (``vat_other_key``, its column added
empty by the pre-migration), and so has one reached at a mobile and a
landline on 18.0 (``phone_other_key``); a name's key puts the place named in
brackets after the trade name (华星科技（深圳）有限公司) before it, and keeps
the 市 of 市场. Nothing the ORM sees changed, so nothing
would recompute them: they are computed here set-based, a batch at a time,
writing only the customers whose keys change (most keep theirs). (One
computation for all three: a database at 1.7.5 runs this one only.) A name
core that changed is listed for the similarity rules, as their activation
lists every core.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    recompute_match_keys,
)

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    recompute_match_keys(env, _logger)
    env["crm.duplicate.rule"].search([("match", "=", "similar")])._complete_name_cores()
