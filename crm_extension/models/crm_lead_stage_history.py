from itertools import product

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import FUNNEL_PHASES, LOST_PHASE, exit_type, phase_rank
from .crm_stage import FUNNEL_PHASE_SELECTION

# Leads whose type or won state changed in the transaction (precommit data).
PENDING_LEAD_STATE = "crm_extension.stage_history.lead_state"
# What a stay keeps of its lead while the transaction changes it.
LEAD_STATE_FIELDS = frozenset(
    {"lead_type", "lead_won", "user_id", "team_id", "company_id"}
)

HISTORY_PHASE_SELECTION = [*FUNNEL_PHASE_SELECTION, (LOST_PHASE, "Lost")]
EXIT_TYPE_SELECTION = [
    ("forward", "Moved Forward"),
    ("backward", "Moved Back"),
    ("same_phase", "Moved Within the Phase"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("reopened", "Reopened"),
]


def exit_type_sql(from_phase, to_phase):
    """SQL expression of :func:`tools.exit_type` for two phase expressions.

    Generated from the pure rule, so the live path and the install-time backfill
    classify stays exactly as the rule does.
    """
    phases = (*FUNNEL_PHASES, LOST_PHASE)
    cases = [
        SQL("WHEN %s THEN %s", f"{before}>{after}", exit_type(before, after))
        for before, after in product(phases, phases)
    ]
    return SQL(
        "(CASE (%s || '>' || %s) %s END)",
        from_phase,
        to_phase,
        SQL(" ").join(cases),
    )


def phase_rank_sql(phase):
    """SQL expression of :func:`tools.phase_rank` for a phase expression
    (generated from the pure rule, as :func:`exit_type_sql`)."""
    cases = [
        SQL("WHEN %s THEN %s", name, phase_rank(name))
        for name in (*FUNNEL_PHASES, LOST_PHASE)
    ]
    return SQL("(CASE %s %s ELSE -1 END)", phase, SQL(" ").join(cases))


def stay_flags_sql(lead, stage, phase, order):
    """SQL expressions of a stay's ``first_in_stage`` and ``moved_on`` among
    the stays of its opportunity, as window functions: ``lead``, ``stage`` and
    ``phase`` are the stay's columns, ``order`` the columns that put the
    stays in order (SQL, each ascending).

    For the install-time backfill and the upgrade, which flag many stays at
    once; a move flags its stays one step at a time in the same terms
    (:meth:`CrmLeadStageHistory._record_stays`). The lost state is no stay in
    a stage and no phase: never first, never moved on, and it moves nothing
    on (its rank is below the funnel's); winning is the last phase
    (:func:`tools.moved_on`).
    """
    lost = SQL("(%s = %s)", phase, LOST_PHASE)
    rank = phase_rank_sql(phase)
    first = SQL(
        "(NOT %(lost)s AND ROW_NUMBER() OVER ("
        "PARTITION BY %(lead)s, %(stage)s, %(lost)s ORDER BY %(order)s) = 1)",
        lost=lost,
        lead=lead,
        stage=stage,
        order=SQL(", ").join(order),
    )
    # The furthest phase of the stays that follow: the stays from the last
    # one back, so that the maximum grows row by row (a frame ending at the
    # partition's end would compute it again for every row).
    moved = SQL(
        "(NOT %(lost)s AND COALESCE(MAX(%(rank)s) OVER ("
        "PARTITION BY %(lead)s ORDER BY %(order)s "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -1) > %(rank)s)",
        lost=lost,
        rank=rank,
        lead=lead,
        order=SQL(", ").join(SQL("%s DESC", column) for column in order),
    )
    return first, moved


class CrmLeadStageHistory(models.Model):
    """One stay of an opportunity in a stage of the pipeline.

    Rows are written by the opportunity itself, with set-based SQL: each stage
    change (and losing or reopening) closes the open row and opens one new row,
    in the same transaction.
    """

    _name = "crm.lead.stage.history"
    _description = "Opportunity Stage History"
    _order = "date_entered desc, id desc"
    _rec_name = "stage_id"

    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    stage_id = fields.Many2one(
        "crm.stage", index=True, ondelete="set null", readonly=True
    )
    funnel_phase = fields.Selection(
        HISTORY_PHASE_SELECTION, required=True, readonly=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_entered = fields.Datetime(string="Entered", required=True, readonly=True)
    date_left = fields.Datetime(string="Left", readonly=True)
    duration_days = fields.Float(
        string="Days in Stage",
        readonly=True,
        aggregator="avg",
        help="Length of the stay in days, once the opportunity left the stage.",
    )
    exit_type = fields.Selection(EXIT_TYPE_SELECTION, string="Outcome", readonly=True)
    expected_revenue = fields.Monetary(
        string="Expected Revenue on Entry", readonly=True
    )
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")],
        string="Type",
        readonly=True,
        help="The lead's type now (kept in step with the lead for the analysis).",
    )
    lead_won = fields.Boolean(
        string="Won Now",
        readonly=True,
        help="The opportunity is won now (kept in step with the lead for the "
        "analysis).",
    )
    first_in_stage = fields.Boolean(
        string="First in Stage",
        readonly=True,
        help="The opportunity's first stay in this stage (the lost state left "
        "out): the funnel analysis counts it as entered here.",
    )
    moved_on = fields.Boolean(
        readonly=True,
        help="After this stay the opportunity reached a later phase of the "
        "funnel (winning included, losing not).",
    )
    stall_notified = fields.Boolean(
        readonly=True,
        help="The salesperson was reminded that the opportunity stalled here.",
    )

    def init(self):
        # One open stay per opportunity, and a fast way to find it.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (lead_id) "
                "WHERE date_left IS NULL",
                SQL.identifier(f"{self._table}_open_lead_uniq"),
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _record_stays(self, leads, now=None, close=True):
        """Close the open stay of ``leads`` and open their new one.

        Three queries for any number of leads. The new stay is in the lead's
        current stage, or in the lost state when the lead is archived. What the
        funnel analysis counts is kept on the stays as the lead moves: the new
        stay is the first in its stage unless the lead was there before, and
        the stays of an earlier phase than the new one's have moved on.
        """
        leads = leads.filtered("id")
        if not leads:
            return
        now = now or fields.Datetime.now()
        leads.flush_recordset(
            [
                "stage_id",
                "active",
                "user_id",
                "team_id",
                "company_id",
                "expected_revenue",
            ]
        )
        new_phase = SQL(
            "CASE WHEN l.active THEN s.funnel_phase ELSE %s END",
            LOST_PHASE,
        )
        cr = self.env.cr
        if close:
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s h
                       SET date_left = %(now)s,
                           duration_days = GREATEST(
                               EXTRACT(EPOCH FROM (%(now)s - h.date_entered))
                               / 86400.0, 0),
                           exit_type = %(exit)s,
                           write_uid = %(uid)s,
                           write_date = %(now)s
                      FROM crm_lead l
                      JOIN crm_stage s ON s.id = l.stage_id
                     WHERE h.lead_id = l.id
                       AND h.date_left IS NULL
                       AND l.id = ANY(%(ids)s)
                    """,
                    table=SQL.identifier(self._table),
                    now=now,
                    exit=exit_type_sql(SQL("h.funnel_phase"), new_phase),
                    uid=self.env.uid,
                    ids=leads.ids,
                )
            )
            # The stays of an earlier phase than the new stay's have moved on
            # (the lost state is no phase: it moves nothing on, and is never
            # moved on from). A new lead has no stay before its first.
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s h
                       SET moved_on = true
                      FROM crm_lead l
                      JOIN crm_stage s ON s.id = l.stage_id
                     WHERE h.lead_id = l.id
                       AND l.id = ANY(%(ids)s)
                       AND h.moved_on IS NOT TRUE
                       AND h.funnel_phase != %(lost)s
                       AND %(rank)s < %(new_rank)s
                    """,
                    table=SQL.identifier(self._table),
                    lost=LOST_PHASE,
                    rank=phase_rank_sql(SQL("h.funnel_phase")),
                    new_rank=phase_rank_sql(new_phase),
                    ids=leads.ids,
                )
            )
        cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (
                    lead_id, stage_id, funnel_phase, user_id, team_id, company_id,
                    date_entered, expected_revenue, stall_notified,
                    lead_type, lead_won, first_in_stage, moved_on,
                    create_uid, create_date, write_uid, write_date)
                SELECT l.id, l.stage_id, %(phase)s, l.user_id, l.team_id,
                       l.company_id, %(now)s, l.expected_revenue, false, l.type,
                       l.active AND COALESCE(s.is_won, false),
                       l.active AND NOT EXISTS (
                           SELECT 1 FROM %(table)s h
                            WHERE h.lead_id = l.id AND h.stage_id = l.stage_id
                              AND h.funnel_phase != %(lost)s),
                       false,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM crm_lead l
                  JOIN crm_stage s ON s.id = l.stage_id
                 WHERE l.id = ANY(%(ids)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM %(table)s h
                        WHERE h.lead_id = l.id AND h.date_left IS NULL)
                """,
                table=SQL.identifier(self._table),
                phase=new_phase,
                lost=LOST_PHASE,
                now=now,
                uid=self.env.uid,
                ids=leads.ids,
            )
        )
        if close:
            self._sync_lead_state(leads)
        self.invalidate_model()
        leads.invalidate_recordset(["stage_history_ids"])

    @api.model
    def _not_entered(self, leads):
        """The leads of ``leads`` whose last stay in a stage (the lost state
        left out) is not in their current stage: they never entered it as
        the moves record them (moved there while archived, or created
        archived there). One query."""
        if not leads.ids:
            return leads
        self.flush_model(["lead_id", "stage_id", "funnel_phase", "date_entered"])
        leads.flush_recordset(["stage_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT l.id
                  FROM crm_lead l
                 WHERE l.id = ANY(%(ids)s)
                   AND l.stage_id IS DISTINCT FROM (
                       SELECT h.stage_id
                         FROM %(table)s h
                        WHERE h.lead_id = l.id AND h.funnel_phase != %(lost)s
                        ORDER BY h.date_entered DESC, h.id DESC
                        LIMIT 1)
                """,
                ids=leads.ids,
                table=SQL.identifier(self._table),
                lost=LOST_PHASE,
            )
        )
        return leads.browse([row[0] for row in rows])

    @api.model
    def _sync_lead_state(self, leads):
        """Keep the lead's type, won state and company on its stays, and its
        current salesperson and team on its open stay (a lead Odoo's assignment
        gives a salesperson after its creation, a handover); the stays it left
        keep whose they were. (A lead moved to another company takes its whole
        history along: the company's funnel is the opportunities it has, as its
        record rules read them; the currency of the stays is their company's.)

        Done once per transaction, for every lead it changed, when the stays are
        next read or before it commits (as Odoo's tracking waits for the end of
        the transaction): Odoo's lead assignment converts leads one write at a
        time, and a query per write would grow with the leads.
        """
        if not leads.ids:
            return
        data = self.env.cr.precommit.data
        pending = data.get(PENDING_LEAD_STATE)
        if pending is None:
            pending = data[PENDING_LEAD_STATE] = set()
            self.env.cr.precommit.add(self.sudo()._flush_lead_state)
        pending.update(leads.ids)
        self.invalidate_model(LEAD_STATE_FIELDS, flush=False)

    def flush_model(self, fnames=None):
        if fnames is None or not LEAD_STATE_FIELDS.isdisjoint(fnames):
            self._flush_lead_state()
        return super().flush_model(fnames)

    def fetch(self, field_names=None):
        # (Odoo reads records without a flush: the pending lead state first.)
        if field_names is None or not LEAD_STATE_FIELDS.isdisjoint(field_names):
            self._flush_lead_state()
        return super().fetch(field_names)

    @api.model
    def _flush_lead_state(self):
        """Write the type, won state and company of the leads
        :meth:`_sync_lead_state` was given on their stays (one query)."""
        ids = self.env.cr.precommit.data.pop(PENDING_LEAD_STATE, None)
        if not ids:
            return
        self.env["crm.lead"].flush_model(
            ["type", "active", "stage_id", "user_id", "team_id", "company_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s h
                   SET lead_type = l.type,
                       lead_won = l.active AND COALESCE(s.is_won, false),
                       company_id = l.company_id,
                       user_id = CASE WHEN h.date_left IS NULL THEN l.user_id
                                      ELSE h.user_id END,
                       team_id = CASE WHEN h.date_left IS NULL THEN l.team_id
                                      ELSE h.team_id END
                  FROM crm_lead l
                  LEFT JOIN crm_stage s ON s.id = l.stage_id
                 WHERE h.lead_id = l.id
                   AND l.id = ANY(%(ids)s)
                   AND (h.lead_type IS DISTINCT FROM l.type
                        OR h.lead_won IS DISTINCT FROM
                           (l.active AND COALESCE(s.is_won, false))
                        OR h.company_id IS DISTINCT FROM l.company_id
                        OR (h.date_left IS NULL
                            AND (h.user_id IS DISTINCT FROM l.user_id
                                 OR h.team_id IS DISTINCT FROM l.team_id)))
                """,
                table=SQL.identifier(self._table),
                ids=sorted(ids),
            )
        )
        self.invalidate_model(LEAD_STATE_FIELDS, flush=False)

    @api.model
    def _follow_stages(self, stages):
        """Keep the stays in step with ``stages``, whose phase or won state a
        sales administrator changed: the opportunities in them are in the new
        phase, won or not, from now on. Their open stays take the stage's
        phase (the stays they left keep the phase they had then), the stays
        of the opportunities in them the won state, and the stays before
        them whether the opportunity moved on since (a stage made won:
        winning is a later phase). Set-based: three statements for any number
        of opportunities."""
        if not stages.ids:
            return
        self.flush_model()
        self.env["crm.lead"].flush_model(["active", "stage_id"])
        stages.flush_recordset(["funnel_phase", "is_won"])
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                UPDATE %(table)s h
                   SET funnel_phase = s.funnel_phase
                  FROM crm_stage s
                 WHERE s.id = h.stage_id
                   AND s.id = ANY(%(stages)s)
                   AND h.date_left IS NULL
                   AND h.funnel_phase NOT IN (%(lost)s, s.funnel_phase)
             RETURNING h.lead_id
                """,
                table=SQL.identifier(self._table),
                stages=stages.ids,
                lost=LOST_PHASE,
            )
        )
        moved_phase = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                """
                UPDATE %(table)s h
                   SET lead_won = l.active AND COALESCE(s.is_won, false)
                  FROM crm_lead l
                  JOIN crm_stage s ON s.id = l.stage_id
                 WHERE h.lead_id = l.id
                   AND l.stage_id = ANY(%(stages)s)
                   AND h.lead_won IS DISTINCT FROM
                       (l.active AND COALESCE(s.is_won, false))
                """,
                table=SQL.identifier(self._table),
                stages=stages.ids,
            )
        )
        self.invalidate_model(["funnel_phase", "lead_won"])
        if moved_phase:
            self._fill_stay_flags(moved_phase)

    @api.model
    def _fill_stay_flags(self, lead_ids=None):
        """Flag every stay (of the leads ``lead_ids``, all by default) as the
        moves would have (first in its stage, moved on), in the order the
        stays began: one statement, writing only the stays whose flags change
        (the upgrade to them). Returns the number of stays written."""
        self.flush_model()
        first, moved = stay_flags_sql(
            SQL("lead_id"),
            SQL("stage_id"),
            SQL("funnel_phase"),
            [SQL("date_entered"), SQL("id")],
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s h
                   SET first_in_stage = f.first_in_stage, moved_on = f.moved_on
                  FROM (SELECT id, %(first)s AS first_in_stage,
                               %(moved)s AS moved_on
                          FROM %(table)s
                         %(of_leads)s) f
                 WHERE h.id = f.id
                   AND (h.first_in_stage IS DISTINCT FROM f.first_in_stage
                        OR h.moved_on IS DISTINCT FROM f.moved_on)
                """,
                table=SQL.identifier(self._table),
                first=first,
                moved=moved,
                # (The flags of a stay depend on its lead's stays alone.)
                of_leads=SQL()
                if lead_ids is None
                else SQL("WHERE lead_id = ANY(%s)", list(lead_ids)),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["first_in_stage", "moved_on"])
        return count

    @api.model
    def _backfill_from_tracking(self):
        """Build the history of opportunities that have none (installation).

        Each stage change tracked in the chatter ends one stay and starts the
        next; the first stay starts when the opportunity was created. A lost
        (archived) opportunity's last stay ends when it was closed, followed by
        an open stay in the lost state. The stays are flagged as the moves
        would have (first in their stage, moved on). Set-based SQL: one
        statement whatever the number of opportunities. Returns the number of
        rows written.
        """
        self.env.flush_all()
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        phase = SQL("COALESCE(s.funnel_phase, 'potential')")
        # In the order of the chatter (the lost state last).
        first, moved = stay_flags_sql(
            SQL("r.lead_id"),
            SQL("r.stage_id"),
            SQL("r.phase"),
            [SQL("r.entered"), SQL("r.n")],
        )
        self.env.cr.execute(
            SQL(
                """
                WITH targets AS (
                    SELECT l.id, l.create_date, l.stage_id, l.active, l.user_id,
                           l.team_id, l.company_id, l.expected_revenue, l.type,
                           l.active AND COALESCE(ls.is_won, false) AS won,
                           COALESCE(l.date_closed, l.write_date, l.create_date)
                               AS lost_date
                      FROM crm_lead l
                      LEFT JOIN crm_stage ls ON ls.id = l.stage_id
                     WHERE l.stage_id IS NOT NULL
                       AND NOT EXISTS (
                           SELECT 1 FROM %(table)s h WHERE h.lead_id = l.id)
                ),
                changes AS (
                    SELECT m.res_id AS lead_id, m.date AS changed,
                           t.old_value_integer AS old_stage,
                           t.new_value_integer AS new_stage,
                           ROW_NUMBER() OVER w AS n,
                           LEAD(m.date) OVER w AS next_changed
                      FROM mail_tracking_value t
                      JOIN mail_message m ON m.id = t.mail_message_id
                      JOIN targets tg ON tg.id = m.res_id
                     WHERE t.field_id = %(field)s AND m.model = 'crm.lead'
                    WINDOW w AS (PARTITION BY m.res_id ORDER BY m.date, t.id)
                ),
                stays AS (
                    SELECT c.lead_id, c.old_stage AS stage_id,
                           LEAST(tg.create_date, c.changed) AS entered,
                           c.changed AS left_at, 0 AS n
                      FROM changes c JOIN targets tg ON tg.id = c.lead_id
                     WHERE c.n = 1
                    UNION ALL
                    SELECT c.lead_id, c.new_stage, c.changed, c.next_changed, c.n
                      FROM changes c
                    UNION ALL
                    SELECT tg.id, tg.stage_id, tg.create_date, NULL, 0
                      FROM targets tg
                     WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.lead_id = tg.id)
                ),
                phased AS (
                    SELECT st.lead_id, s.id AS stage_id, %(phase)s AS phase,
                           st.entered, st.n,
                           CASE WHEN st.left_at IS NULL AND NOT tg.active
                                THEN GREATEST(tg.lost_date, st.entered)
                                ELSE st.left_at END AS left_at,
                           tg.active
                      FROM stays st
                      JOIN targets tg ON tg.id = st.lead_id
                      LEFT JOIN crm_stage s ON s.id = st.stage_id
                ),
                sequenced AS (
                    SELECT p.*,
                           COALESCE(
                               LEAD(p.phase) OVER w,
                               CASE WHEN p.active THEN NULL ELSE %(lost)s END
                           ) AS next_phase,
                           LEAD(p.phase) OVER w IS NULL AS is_last
                      FROM phased p
                    WINDOW w AS (PARTITION BY p.lead_id ORDER BY p.entered, p.n)
                ),
                rows AS (
                    SELECT lead_id, stage_id, phase, entered, n, left_at,
                           CASE WHEN left_at IS NULL THEN NULL
                                ELSE %(exit)s END AS exit_type
                      FROM sequenced
                    UNION ALL
                    -- the lost state of archived opportunities, still open
                    SELECT tg.id, tg.stage_id, %(lost)s,
                           GREATEST(tg.lost_date, sq.entered), sq.n + 1, NULL, NULL
                      FROM sequenced sq
                      JOIN targets tg ON tg.id = sq.lead_id
                     WHERE sq.is_last AND NOT sq.active
                ),
                flagged AS (
                    SELECT r.*, %(first)s AS first_in_stage, %(moved)s AS moved_on
                      FROM rows r
                )
                INSERT INTO %(table)s (
                    lead_id, stage_id, funnel_phase, user_id, team_id, company_id,
                    date_entered, date_left, duration_days, exit_type,
                    expected_revenue, stall_notified, lead_type, lead_won,
                    first_in_stage, moved_on,
                    create_uid, create_date, write_uid, write_date)
                SELECT r.lead_id, r.stage_id, r.phase, tg.user_id, tg.team_id,
                       tg.company_id, r.entered, r.left_at,
                       CASE WHEN r.left_at IS NULL THEN NULL
                            ELSE GREATEST(EXTRACT(EPOCH FROM (r.left_at - r.entered))
                                          / 86400.0, 0) END,
                       r.exit_type, tg.expected_revenue, false, tg.type, tg.won,
                       r.first_in_stage, r.moved_on,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM flagged r JOIN targets tg ON tg.id = r.lead_id
                 -- (ids in the order of the stays, as the moves give them)
                 ORDER BY r.lead_id, r.entered, r.n
                """,
                table=SQL.identifier(self._table),
                field=field.id,
                phase=phase,
                lost=LOST_PHASE,
                exit=exit_type_sql(SQL("phase"), SQL("next_phase")),
                first=first,
                moved=moved,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count
