"""Upgrade from 1.7.27 and before: the customers whose deal was undone get
their lifecycle again.

Before 1.7.28 a customer kept its deal (or VIP) stage and its last deal date
when the invoice or order that made it was reset to draft or cancelled. The
customers with a deal are worked out again from the documents they have
(``res.partner._lifecycle_from_documents``, the rule of the installation), a
batch at a time: only those whose stage or date change are written, tracked
in their chatter as any lifecycle move.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """
        SELECT id FROM res_partner
         WHERE id = commercial_partner_id
           AND (lifecycle_stage IN ('deal', 'vip', 'dormant')
                OR last_deal_date IS NOT NULL)
         ORDER BY id
        """
    )
    ids = [row[0] for row in cr.fetchall()]
    env["res.partner"]._lifecycle_from_documents_of(ids)
    _logger.info(
        "crm_extension: lifecycle of %s customers with a deal checked", len(ids)
    )
