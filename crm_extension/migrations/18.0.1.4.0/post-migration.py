"""Upgrade from 18.0.1.3.x: the match keys of every customer computed again.

The keys now fold Chinese names to one script (traditional and simplified
characters are one name) and compact valid VAT and registry numbers per country
(with or without the country prefix: one key). Nothing the ORM sees changed, so
nothing would recompute them: they are computed here set-based, a batch at a
time, writing only the customers whose keys change (customers merged into
another keep none). The similarity rules' list of name cores gets the new
cores, and loses those nobody carries any more; every core gets its neighbour
keys (the similarity rules look near cores up by them, in an index, instead
of searching the cores' trigrams).
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
    Core = env["crm.duplicate.name.core"]
    Core._drop_unused()
    Core._add_all()
