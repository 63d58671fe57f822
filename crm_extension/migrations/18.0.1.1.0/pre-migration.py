"""Upgrade from 18.0.1.0.x: fill the new name core key set-based.

Without this, the ORM would compute the new stored key partner by partner.
The install hook adds the missing key columns and fills every key in batches.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension.hooks import pre_init_hook


def migrate(cr, version):
    if not version:
        return
    pre_init_hook(api.Environment(cr, SUPERUSER_ID, {}))
