"""Upgrade from 1.7.5 and before: the name keys of every customer computed
again.

A name key now drops the administrative suffix of the places a name starts
with ("深圳市华星科技" and "深圳华星科技" are one name). Nothing the ORM sees
changed, so nothing would recompute them: they are computed here set-based,
a batch at a time, writing only the customers whose keys change (most keep
theirs). The name cores are unchanged (they never held the places).
"""

import logging

from odoo import SUPERUSER_ID, api

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
        log=lambda last_id: _logger.info(
            "crm_extension: match keys computed again up to partner %s", last_id
        ),
    )
    env["res.partner"].invalidate_model(list(MATCH_KEY_FIELDS))
    _logger.info("crm_extension: the match keys of %s partners changed", changed)
