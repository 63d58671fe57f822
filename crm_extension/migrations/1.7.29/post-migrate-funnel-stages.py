"""Upgrade from 1.7.28 and before: the open stays are in their stage's phase.

Before 1.7.29 a stage a sales administrator made won, or moved to another
phase of the funnel, left the opportunities in it where they were in the
stage history: their open stays kept the old phase, their stays not won,
and the funnel analysis counted them so. Every stage's open stays now follow
it (``crm.lead.stage.history._follow_stages``, as a change of a stage does
since): only the stays out of step are written.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    stages = env["crm.stage"].with_context(active_test=False).search([])
    env["crm.lead.stage.history"]._follow_stages(stages)
    _logger.info("Stage history: the open stays of %s stages checked", len(stages))
