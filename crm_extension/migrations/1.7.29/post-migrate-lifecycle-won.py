"""Upgrade from 1.7.28 and before: a won opportunity is no intention.

In 1.7.28 a customer whose deal was undone (an order cancelled, an invoice
reset to draft or cancelled) and who had nothing left went back to an
intention when it had an active opportunity, a won one included: the
opportunity its cancelled order had won kept it there although nothing was
open. Open is now active and not won (``crm.lead._lifecycle_open_domain``).

The customers that rule put back to an intention are those at an intention
whose last lifecycle change, in their chatter, came from a deal, VIP or
dormant stage (the events move a customer to an intention from a target
only): they are worked out again from their documents
(``res.partner._lifecycle_from_documents``, the rule of the installation),
a batch at a time; those with an open opportunity stay where they are, the
others become targets, tracked in their chatter as any lifecycle move. The
chatter names the stage in the language of whoever undid the deal: every
translation of the stages' labels is read.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)
# The stages only the work-out from the documents leaves for an intention.
WITH_A_DEAL = ("deal", "vip", "dormant")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    field = env["ir.model.fields"]._get("res.partner", "lifecycle_stage")
    env.flush_all()
    cr.execute(
        SQL(
            """
            WITH labels AS (
                SELECT label.value
                  FROM ir_model_fields_selection s,
                       jsonb_each_text(s.name) label
                 WHERE s.field_id = %(field)s AND s.value IN %(with_a_deal)s
            )
            SELECT p.id
              FROM res_partner p
             WHERE p.id = p.commercial_partner_id
               AND p.lifecycle_stage = 'intention'
               AND (SELECT t.old_value_char
                      FROM mail_tracking_value t
                      JOIN mail_message m ON m.id = t.mail_message_id
                     WHERE m.model = 'res.partner' AND m.res_id = p.id
                       AND t.field_id = %(field)s
                     ORDER BY m.date DESC, t.id DESC
                     LIMIT 1) IN (SELECT value FROM labels)
             ORDER BY p.id
            """,
            field=field.id,
            with_a_deal=WITH_A_DEAL,
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    env["res.partner"]._lifecycle_from_documents_of(ids)
    _logger.info(
        "crm_extension: lifecycle of %s customers back from a deal checked", len(ids)
    )
