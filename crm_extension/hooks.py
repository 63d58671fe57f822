import logging

from odoo import fields
from odoo.tools import SQL, sql

from .models.crm_duplicate_rule import MATCH_FUNCTION
from .models.res_partner_duplicate import MATCH_KEY_FIELDS, fill_match_keys
from .models.res_partner_lifecycle import lifecycle_sql

_logger = logging.getLogger(__name__)

BATCH_SIZE = 20000


def pre_init_hook(env):
    """Prepare res_partner before the ORM sees the module's fields.

    - The ownership columns are filled from ``create_uid`` / ``create_date``, so
      existing partners keep their real registrant instead of the installing user.
    - The duplicate match keys are computed here in batches, with set-based
      updates, instead of by the ORM's per-record recomputation of new stored
      fields: installing on a million partners stays a matter of minutes.
    - pg_trgm is enabled when the database allows it (similarity rules).
    - The new columns with a constant default (lifecycle stage, currency of the
      registered capital) get it when added, without rewriting the table (the
      ORM would update every partner, once per column), and the main class
      related to the (new, empty) class is added empty instead of computed by
      the ORM for every partner.
    """
    cr = env.cr
    cr.execute(
        SQL(
            "ALTER TABLE res_partner "
            "ADD COLUMN IF NOT EXISTS registered_by_id int4, "
            "ADD COLUMN IF NOT EXISTS registered_date timestamp, %s"
            "ADD COLUMN IF NOT EXISTS lifecycle_stage varchar DEFAULT 'target', "
            "ADD COLUMN IF NOT EXISTS capital_currency_id int4 DEFAULT %s, %s",
            SQL()
            if sql.column_exists(cr, "res_partner", "customer_class_id")
            else SQL("ADD COLUMN IF NOT EXISTS customer_main_class_id int4, "),
            env.company.currency_id.id,
            SQL(", ").join(
                SQL("ADD COLUMN IF NOT EXISTS %s varchar", SQL.identifier(fname))
                for fname in MATCH_KEY_FIELDS
            ),
        )
    )
    # Odoo keeps defaults in Python: the columns keep no default of their own.
    cr.execute(
        "ALTER TABLE res_partner ALTER COLUMN lifecycle_stage DROP DEFAULT, "
        "ALTER COLUMN capital_currency_id DROP DEFAULT"
    )
    cr.execute(
        """
        UPDATE res_partner p
           -- (A partner a website visitor or a portal user created registered
           -- online: by nobody of ours.)
           SET registered_by_id = (
                   SELECT u.id FROM res_users u
                    WHERE u.id = p.create_uid AND NOT u.share
               ),
               registered_date = COALESCE(p.create_date, now() at time zone 'UTC')
         WHERE p.registered_by_id IS NULL
        """
    )
    fill_match_keys(
        env,
        BATCH_SIZE,
        log=lambda last_id: _logger.info(
            "crm_extension: match keys computed up to partner %s", last_id
        ),
    )
    _enable_trigram(env)


def _enable_trigram(env):
    if env.registry.has_trigram:
        return
    try:
        with env.cr.savepoint():
            env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        env.registry.has_trigram = True
    except Exception:  # noqa: BLE001 - any refusal only disables similarity rules
        _logger.warning(
            "crm_extension: the PostgreSQL extension pg_trgm could not be enabled; "
            "rules matching similar names are ignored until a database "
            "administrator runs CREATE EXTENSION pg_trgm."
        )


def post_init_hook(env):
    """Start the funnel history and the customer lifecycle from existing data.

    - Opportunities get their stage history from the chatter's tracking values.
    - Customers get their lifecycle stage from their orders, invoices and
      opportunities, with set-based updates.
    """
    rows = env["crm.lead.stage.history"]._backfill_from_tracking()
    _logger.info("crm_extension: %s stage history rows built from the chatter", rows)
    _init_lifecycle(env)


def uninstall_hook(env):
    """The match statement of the duplicate rules, a function of the database
    (``crm.duplicate.rule``), goes with the addon."""
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL.identifier(MATCH_FUNCTION)))


def _init_lifecycle(env):
    """The lifecycle the events would have given (:func:`lifecycle_sql`): a
    deal (a key customer's is VIP), dormant when the last one is older than
    the company allows, an intention for an open opportunity (active, not
    won). Contacts take their company's."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE res_partner p
               SET lifecycle_stage = lifecycle.lifecycle_stage,
                   last_deal_date = lifecycle.last_deal_date
              FROM (%s) lifecycle
             WHERE p.commercial_partner_id = lifecycle.id
               AND (p.lifecycle_stage, p.last_deal_date) IS DISTINCT FROM
                   (lifecycle.lifecycle_stage, lifecycle.last_deal_date)
            """,
            lifecycle_sql(env, fields.Date.context_today(env["res.partner"])),
        )
    )
    env["res.partner"].invalidate_model(["lifecycle_stage", "last_deal_date"])
