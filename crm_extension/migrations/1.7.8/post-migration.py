"""Upgrade from 1.7.7 and before: the second number key of the customers
whose VAT and company registry hold two numbers (an old tax number beside the
credit code, a commercial register number beside a VAT number), computed
set-based, a batch at a time, for them only: a rule of numbers compares both
numbers of a customer (``tools.normalize.number_keys``)."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import (
    MATCH_KEY_FIELDS,
    fill_match_keys,
)

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    changed = fill_match_keys(
        env,
        condition=SQL(
            "COALESCE(p.vat, '') != '' AND COALESCE(p.company_registry, '') != ''"
        ),
    )
    env["res.partner"].invalidate_model(list(MATCH_KEY_FIELDS))
    _logger.info("crm_extension: %s customers hold a second number key", changed)
