"""Upgrade from 1.7.26 and before: the stays say what the funnel analysis
counts.

The funnel analysis counts opportunities, not stays: an opportunity that
entered a stage twice (lost and restored, moved back and forward again)
counts once there. It reads it from two new columns of the stage history,
kept by every move: ``first_in_stage`` (the opportunity's first stay in the
stage, the lost state left out) and ``moved_on`` (after the stay the
opportunity reached a later phase, winning included). The existing stays get
them as the moves would have given them, in one statement (window functions
over each opportunity's stays in the order they began).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    count = env["crm.lead.stage.history"]._fill_stay_flags()
    _logger.info("Stage history: %s stays flagged for the funnel analysis", count)
