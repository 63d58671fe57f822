"""Upgrade from 1.7.26 and before: the stage history of an opportunity moved
to another company is that company's.

1.7.26 kept each stay's company as it was when the stay began, so the funnel
analysis grouped by company (and the stays' currency) still showed the old
company for opportunities that changed company; the lead's salesperson and
team were kept in step, its company was not. The stays whose company differs
from their opportunity's take it, in one statement.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE crm_lead_stage_history h
           SET company_id = l.company_id
          FROM crm_lead l
         WHERE l.id = h.lead_id
           AND h.company_id IS DISTINCT FROM l.company_id
        """
    )
    _logger.info(
        "Stage history: %s stays moved to their opportunity's company", cr.rowcount
    )
