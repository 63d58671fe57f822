import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL, sql

from .. import compat
from ..tools.normalize import CLASS_MARK, core_neighbours
from .ir_cron import exclusive_job

_logger = logging.getLogger(__name__)

# The name cores are put back in order once this share of them was added since.
REORDER_GROWTH = 0.1
# Cores whose neighbours are listed per statement (install, activation).
NEIGHBOUR_BATCH = 20000
REORDER_PARAM = "crm_extension.name_cores_ordered_up_to"
# The ids of the list are restarted once this many of them are spent (of
# 2,147,483,647: see CrmDuplicateNameCore._restart_spent_ids).
SPENT_IDS = 1_500_000_000


def neighbour_rows(cores):
    """``(keys, cores, indexes)``: three parallel lists, every neighbour key
    of each core (:func:`core_neighbours`) beside its core and the index of
    that core in ``cores``."""
    keys, owners, indexes = [], [], []
    for index, core in enumerate(cores):
        for key in core_neighbours(core):
            keys.append(key)
            owners.append(core)
            indexes.append(index)
    return keys, owners, indexes


def core_trade_sql(core):
    """SQL: the trade name of the name core ``core`` (an SQL expression),
    without its classes (``tools.normalize.split_core``)."""
    return f"split_part({core}, '{CLASS_MARK}', 1)"


def core_classes_sql(core):
    """SQL: the classes of the name core ``core``, comma-separated, ``''``
    for none."""
    return f"split_part({core}, '{CLASS_MARK}', 2)"


def classes_fit_sql(core, other):
    """SQL: whether the trades of the name cores ``core`` and ``other`` (SQL
    expressions) fit: they share a class, or one of them says none."""
    one, two = core_classes_sql(core), core_classes_sql(other)
    return (
        f"({one} = '' OR {two} = '' "
        f"OR string_to_array({one}, ',') && string_to_array({two}, ','))"
    )


def near_similarity_sql(core, other, anagram):
    """SQL: how similar the similarity rules find the name cores ``core`` and
    ``other`` (SQL expressions): 1 when ``anagram`` (an SQL boolean: they were
    found by the key of their letters in order), else the trigram similarity
    (pg_trgm) of their trade names."""
    return (
        f"(CASE WHEN {anagram} THEN 1.0 ELSE similarity("
        f"{core_trade_sql(core)}, {core_trade_sql(other)}) END)::real"
    )


class CrmDuplicateNameCore(models.Model):
    """Technical: the distinct name cores of the customers.

    Many customers share one core; similarity rules look up the cores near a
    new customer's one through their neighbour keys
    (``crm.duplicate.name.neighbour``: one index probe per key) and then the
    customers of those cores by the btree index of ``name_core_key``. Cores
    are only ever added (a core that nobody carries any more finds no
    customer): by partners while a similarity rule is active, all at once
    when one is activated and when the module is installed or updated, and by
    the job that keeps them in order (those of registrations committed while
    a rule was activated). Those aside, no customer carries a core before it
    is listed: the match statement lists the cores of the names it looks
    up after it looked up their near cores.
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
        # Replaced by the neighbour keys (an index probe, not a trigram search).
        self.env.cr.execute("DROP INDEX IF EXISTS crm_duplicate_name_core_trgm_idx")
        self._restart_spent_ids()
        self._fill_if_empty()
        return res

    @api.model
    def _restart_spent_ids(self):
        """Restart the ids after the highest one when most of them are spent.

        Before 1.7.3, each activation of a similarity rule spent an id per
        distinct core of the customers, listed or not (the ids of the rows an
        ``INSERT ... ON CONFLICT DO NOTHING`` skips are spent all the same): a
        few thousand activations at a million customers spent the 2,147,483,647
        ids of the list, after which every registration of a new name failed
        while a similarity rule was active. Run at each update; the listed
        cores keep their ids.
        """
        self.env.cr.execute(
            SQL(
                """
                SELECT setval(seq, COALESCE((SELECT max(id) FROM %(table)s), 0) + 1,
                              false)
                  FROM pg_get_serial_sequence(%(name)s, 'id') AS seq
                 WHERE pg_sequence_last_value(seq::regclass) > %(spent)s
                """,
                table=SQL.identifier(self._table),
                name=self._table,
                spent=SPENT_IDS,
            )
        )

    @api.model
    def _fill_if_empty(self):
        """List every core on install or on the update that adds the table (run
        by the init() of this model, of its neighbours and of res.partner:
        whichever comes last finds the tables and the partners' column)."""
        cr = self.env.cr
        if not (
            sql.table_exists(cr, self._table)
            and sql.table_exists(cr, "crm_duplicate_name_neighbour")
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
        else:
            self._add_missing_neighbours()

    @api.model
    def _add_all(self):
        """List the cores of every partner, in the order of the cores (see
        :meth:`_cron_keep_in_order`), and their neighbour keys."""
        self._insert_missing_cores()
        self._add_missing_neighbours()

    @api.model
    def _add_missing(self):
        """List the cores of the partners whose core is not listed, and their
        neighbour keys (those of the cores listed here only).

        Partners list their cores while a similarity rule is active, and the
        activation of one lists every core; a registration that began before
        the activation was committed lists nothing and may be committed after
        the activation read the partners. The job that keeps the cores in
        order lists such cores (daily, and soon after each activation).

        :return: the number of cores listed
        """
        cores = self._insert_missing_cores(returning=True)
        for start in range(0, len(cores), NEIGHBOUR_BATCH):
            self._insert_neighbours(cores[start : start + NEIGHBOUR_BATCH])
        return len(cores)

    @api.model
    def _insert_missing_cores(self, returning=False):
        """Insert the cores of the partners that are not listed, in their
        order; with ``returning``, return them."""
        self.env["res.partner"].flush_model(["name_core_key"])
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_duplicate_name_core (core)
                SELECT DISTINCT p.name_core_key FROM res_partner p
                 WHERE p.name_core_key IS NOT NULL
                   -- Only the cores not listed yet: each row inserted spends an
                   -- id, even one ON CONFLICT skips.
                   AND NOT EXISTS (SELECT 1 FROM crm_duplicate_name_core c
                                    WHERE c.core = p.name_core_key)
                 ORDER BY p.name_core_key
                ON CONFLICT DO NOTHING
                %s
                """,
                SQL("RETURNING core") if returning else SQL(),
            )
        )
        return sorted(core for (core,) in self.env.cr.fetchall()) if returning else []

    @api.model
    def _add_missing_neighbours(self):
        """The neighbour keys of the cores that have none yet (the trade name
        of every core is one of its keys), a batch of cores per statement."""
        cr = self.env.cr
        last = ""
        while True:
            cr.execute(
                SQL(
                    """
                    SELECT c.core FROM crm_duplicate_name_core c
                     WHERE c.core > %(last)s
                       AND NOT EXISTS (
                           SELECT 1 FROM crm_duplicate_name_neighbour n
                            WHERE n.key = %(trade)s AND n.core = c.core)
                     ORDER BY c.core
                     LIMIT %(batch)s
                    """,
                    last=last,
                    trade=SQL(core_trade_sql("c.core")),
                    batch=NEIGHBOUR_BATCH,
                )
            )
            cores = [core for (core,) in cr.fetchall()]
            if not cores:
                return
            last = cores[-1]
            self._insert_neighbours(cores)

    @api.model
    def _insert_neighbours(self, cores):
        """Insert the neighbour keys of ``cores`` (one statement)."""
        keys, owners, _indexes = neighbour_rows(cores)
        self.env.cr.execute(
            """
            INSERT INTO crm_duplicate_name_neighbour (key, core)
            SELECT * FROM unnest(%s::varchar[], %s::varchar[])
            ON CONFLICT DO NOTHING
            """,
            [keys, owners],
        )

    @api.model
    def _drop_unused(self):
        """Forget the cores (and their keys) nobody carries any more."""
        self.env["res.partner"].flush_model(["name_core_key"])
        self.env.cr.execute(
            """
            WITH unused AS (
                DELETE FROM crm_duplicate_name_core c
                 WHERE NOT EXISTS (SELECT 1 FROM res_partner p
                                    WHERE p.name_core_key = c.core)
                RETURNING core
            )
            DELETE FROM crm_duplicate_name_neighbour n USING unused
             WHERE n.core = unused.core
            """
        )

    @api.model
    @exclusive_job
    def _cron_keep_in_order(self, growth=REORDER_GROWTH):
        """Keep the cores stored in their alphabetical order.

        Neighbouring cores (a core and the core with one more character, which
        the similarity rules find together) then share table pages. New cores
        are stored at the end; once they are more than ``growth`` of the list,
        the list is rewritten in order (CLUSTER). The rewrite locks the list for
        seconds, so it gives up rather than wait for registrations in progress.

        First, while a similarity rule is active, it lists the cores of the
        partners whose core is not listed (see :meth:`_add_missing`).

        :return: whether the list was rewritten
        """
        cr = self.env.cr
        rules = self.env["crm.duplicate.rule"]._get_active_rules()
        if any(rule["match"] == "similar" for rule in rules):
            listed = self._add_missing()
            if listed:
                _logger.info("crm_extension: %s name cores were not listed", listed)
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


class CrmDuplicateNameNeighbour(models.Model):
    """Technical: the neighbour keys of the name cores
    (``tools.normalize.core_neighbours``): the core itself, the core without
    one of its characters, its characters in order. A new core's keys probe
    the index of ``key``: the cores sharing one are its neighbours."""

    _name = "crm.duplicate.name.neighbour"
    _description = "Neighbour Key of a Name Core"
    _log_access = False

    key = fields.Char(required=True)
    core = fields.Char(string="Name Core", required=True)

    # (The unique index on (key, core) is the one the lookups probe: the core
    # is read from the index alone.)
    _key_core_uniq = compat.Constraint(
        "unique(key, core)",
        "The neighbour key is listed.",
    )

    def init(self):
        res = super().init()
        self.env["crm.duplicate.name.core"]._fill_if_empty()
        return res
