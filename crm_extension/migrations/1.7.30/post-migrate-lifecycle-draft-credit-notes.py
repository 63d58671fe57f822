"""Upgrade from 1.7.29 and before: a credit note reset to draft credits nothing.

Odoo 19.0 keeps a credit note reset to draft reconciled with its invoice,
whose payment state stays *reversed*. Before 1.7.30 such an invoice was taken
for one credited in full: no deal for its customer's lifecycle. The customers
with such an invoice are worked out again from their documents
(``res.partner._lifecycle_from_documents``, which now counts the invoice as a
deal: ``account.move._crm_credited_in_full_domain``). The customer values
follow at the next run of their job.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Move = env["account.move"]
    invoices = Move.search(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "=", "reversed"),
            *Move._crm_credited_by_draft_domain(),
        ]
    )
    ids = invoices.commercial_partner_id.ids
    env["res.partner"]._lifecycle_from_documents_of(ids)
    _logger.info(
        "crm_extension: lifecycle of %s customers with an invoice whose credit "
        "note was reset to draft checked",
        len(ids),
    )
