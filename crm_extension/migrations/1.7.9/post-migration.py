"""Upgrade from 1.7.8 and before: the name cores carry the classes of trade
their names say.

The similar-name rules compared the trade names alone (恒达 of 上海恒达科技 and
of 北京恒达贸易): at a million customers most new companies shared a trade name
with an unrelated one in another trade and were flagged for review. A core
now keeps the classes of trade its generic words say (``恒达|tech``,
``恒达|trade``), and companies of one trade name in trades that share no class
are not near. Nothing the ORM sees changed, so nothing would recompute the
cores: the match keys are computed here set-based, a batch at a time, writing
only the customers whose keys change; the cores nobody carries any more are
forgotten and the new ones listed, as the activation of a similarity rule
lists them.
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
