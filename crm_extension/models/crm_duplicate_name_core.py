import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL, sql

from .. import compat
from .ir_cron import exclusive_job

_logger = logging.getLogger(__name__)

# The name cores are put back in order once this share of them was added since.
REORDER_GROWTH = 0.1
REORDER_PARAM = "crm_extension.name_cores_ordered_up_to"


class CrmDuplicateNameCore(models.Model):
    """Technical: the distinct name cores of the customers, trigram-indexed.

    Similarity rules search this narrow table instead of res_partner: many
    customers share one core, and checking a candidate reads a short row here
    instead of a customer. Cores are only ever added (a core that nobody carries
    any more finds no customer): by partners while a similarity rule is active,
    and all at once when one is activated and when the module is installed or
    updated.
    """

    _name = "crm.duplicate.name.core"
    _description = "Name Core of Customers"
    _log_access = False

    core = fields.Char(string="Name Core", required=True)

    _core_uniq = compat.Constraint(
        "unique(core)",
        "The name core is already listed.",
    )

    def init(self):
        res = super().init()
        self._fill_if_empty()
        if self.env.registry.has_trigram:
            # Built after the first fill, in one go. No fast update: new cores are
            # few, and a pending list would be read by every similarity search
            # until the next vacuum.
            self.env.cr.execute(
                "CREATE INDEX IF NOT EXISTS crm_duplicate_name_core_trgm_idx "
                "ON crm_duplicate_name_core USING gin (core gin_trgm_ops) "
                "WITH (fastupdate = off)"
            )
        return res

    @api.model
    def _fill_if_empty(self):
        """List every core on install or on the update that adds the table (run
        by the init() of this model and of res.partner: whichever comes second
        finds both the table and the partners' column)."""
        cr = self.env.cr
        if not (
            sql.table_exists(cr, self._table)
            and sql.column_exists(cr, "res_partner", "name_core_key")
        ):
            return
        cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(self._table)))
        if not cr.rowcount:
            self._add_all()
            cr.execute("SELECT max(id) FROM crm_duplicate_name_core")
            self.env["ir.config_parameter"].sudo().set_param(
                REORDER_PARAM, cr.fetchone()[0] or 0
            )

    @api.model
    def _add(self, cores):
        """List ``cores``. Only new ones are inserted: two transactions listing
        a known core never wait for each other."""
        if cores:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO crm_duplicate_name_core (core)
                    SELECT v.core FROM unnest(%s::varchar[]) AS v(core)
                     WHERE NOT EXISTS (SELECT 1 FROM crm_duplicate_name_core c
                                        WHERE c.core = v.core)
                    ON CONFLICT DO NOTHING
                    """,
                    sorted(cores),
                )
            )

    @api.model
    def _add_all(self):
        """List the cores of every partner, in the order of the cores (see
        :meth:`_cron_keep_in_order`)."""
        self.env["res.partner"].flush_model(["name_core_key"])
        self.env.cr.execute(
            """
            INSERT INTO crm_duplicate_name_core (core)
            SELECT DISTINCT name_core_key FROM res_partner
             WHERE name_core_key IS NOT NULL
             ORDER BY name_core_key
            ON CONFLICT DO NOTHING
            """
        )

    @api.model
    @exclusive_job
    def _cron_keep_in_order(self, growth=REORDER_GROWTH):
        """Keep the cores stored in their alphabetical order.

        Cores that share trigrams then share table pages: a similarity search
        walks shorter stretches of the trigram index and reads far fewer pages
        (at a million customers it is about 1.5 times as fast). New cores are
        stored at the end; once they are more than ``growth`` of the list, the
        list is rewritten in order (CLUSTER). The rewrite locks the list for
        seconds, so it gives up rather than wait for registrations in progress.

        :return: whether the list was rewritten
        """
        cr = self.env.cr
        ordered_up_to = int(
            self.env["ir.config_parameter"].sudo().get_param(REORDER_PARAM, 0)
        )
        cr.execute(
            "SELECT count(*) FILTER (WHERE id > %s), count(*), COALESCE(max(id), 0) "
            "FROM crm_duplicate_name_core",
            [ordered_up_to],
        )
        added, total, last_id = cr.fetchone()
        if not added or added <= growth * (total - added):
            return False
        try:
            with cr.savepoint():
                cr.execute("SET LOCAL lock_timeout = '5s'")
                cr.execute(
                    "CLUSTER crm_duplicate_name_core "
                    "USING crm_duplicate_name_core_core_uniq"
                )
                cr.execute("SET LOCAL lock_timeout = DEFAULT")
        except psycopg2.errors.LockNotAvailable:
            _logger.info("crm_extension: name cores busy, kept in order next time")
            return False
        cr.execute("ANALYZE crm_duplicate_name_core")
        self.env["ir.config_parameter"].sudo().set_param(REORDER_PARAM, last_id)
        _logger.info("crm_extension: %s name cores put in order", total)
        return True
