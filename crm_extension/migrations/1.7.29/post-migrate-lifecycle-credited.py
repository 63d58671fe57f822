"""Upgrade from 1.7.28 and before: an invoice credited in full is no deal.

Before 1.7.29 a customer invoice credited in full by credit notes (Odoo's
reversal: payment state *reversed*) still made its customer's deal and last
deal date. The customers with such an invoice, through any of their
partners, are worked out again from their documents
(``res.partner._lifecycle_from_documents``, the rule of the installation,
which now leaves those invoices out), a batch at a time: only those whose
stage or date change are written, tracked in their chatter as any lifecycle
move. (The shared pool's daily job reads the same rule from now on.)
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
        SELECT DISTINCT p.commercial_partner_id
          FROM account_move m
          JOIN res_partner p ON p.id = m.partner_id
         WHERE m.state = 'posted'
           AND m.move_type = 'out_invoice'
           AND m.payment_state = 'reversed'
           AND p.commercial_partner_id IS NOT NULL
         ORDER BY 1
        """
    )
    ids = [row[0] for row in cr.fetchall()]
    env["res.partner"]._lifecycle_from_documents_of(ids)
    _logger.info(
        "crm_extension: lifecycle of %s customers with an invoice credited in full "
        "checked",
        len(ids),
    )
