"""Upgrade from 1.7.29 and before: a partner given a company brings its
business along.

Before 1.7.30 a customer that had bought as an individual and was then put
under a company (Odoo copies the company's commercial fields, the lifecycle
among them, onto its contacts) lost its stage, and the company never took
its deal: both stayed a target, or an intention, though the company's
documents now include the contact's orders and invoices. The customers whose
documents give them a further stage than they hold (``lifecycle_sql``, the
rule of the installation, and ``LIFECYCLE_RANK``) take it, as the partner
operation now does when a partner joins a company
(``res.partner._crm_lifecycle_of_moved_partners``): nothing they hold is
taken away; their contacts follow, tracked in their chatter as any
lifecycle move. A batch at a time.
"""

import logging

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_lifecycle import (
    LIFECYCLE_RANK,
    lifecycle_sql,
)

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.flush_all()
    Partner = env["res.partner"]

    def rank(stage):
        return SQL(
            "(CASE %s %s END)",
            stage,
            SQL(" ").join(
                SQL("WHEN %s THEN %s", name, value)
                for name, value in LIFECYCLE_RANK.items()
            ),
        )

    cr.execute(
        SQL(
            """
            SELECT lifecycle.id
              FROM (%(lifecycle)s) lifecycle
              JOIN res_partner p ON p.id = lifecycle.id
             WHERE %(documents)s > %(held)s
             ORDER BY 1
            """,
            lifecycle=lifecycle_sql(env, fields.Date.context_today(Partner)),
            documents=rank(SQL("lifecycle.lifecycle_stage")),
            held=rank(SQL("p.lifecycle_stage")),
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    Partner._lifecycle_from_documents_of(ids, only_further=True)
    _logger.info(
        "crm_extension: lifecycle of %s customers behind their documents moved on",
        len(ids),
    )
