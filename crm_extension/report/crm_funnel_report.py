from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_lead_stage_history import HISTORY_PHASE_SELECTION, phase_rank_sql
from ..tools import LOST_PHASE

# The opportunities a figure counts are counted once in any grouping, whatever
# the number of their stays in it (lost and reopened, moved back and forward
# again): the row holds the opportunity, the figure counts them distinct.
OPPORTUNITY_COUNT = "count_distinct"


class CrmFunnelReport(models.Model):
    """Funnel analysis: one row per stay of an opportunity in a stage, its
    figures counting opportunities.

    A stage or phase an opportunity entered several times (lost and reopened,
    moved back and forward again) counts it once: the count columns hold the
    opportunity on the rows it counts on, and count them distinct in any
    grouping. The rates are on the opportunity's first stay in each stage
    only, so that their average is the share of the opportunities that
    entered the stage; so are the revenues on entry. Lost states are not
    stages and are left out. A SQL view over the stage history (no per-record
    computation).
    """

    _name = "crm.funnel.report"
    _description = "Sales Funnel Analysis"
    _auto = False
    _order = "date_entered desc"
    _rec_name = "stage_id"
    # What a transaction changed in the stays is written before the view is
    # read (the lead state a stay keeps is written once per transaction).
    _depends = {
        "crm.lead.stage.history": [
            "lead_type",
            "lead_won",
            "user_id",
            "team_id",
            "company_id",
        ],
    }

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    funnel_phase = fields.Selection(HISTORY_PHASE_SELECTION, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")],
        string="Type",
        readonly=True,
    )
    date_entered = fields.Datetime(string="Entered", readonly=True)
    date_left = fields.Datetime(string="Left", readonly=True)
    period = fields.Date(string="Month Entered", readonly=True)
    is_current = fields.Boolean(string="Still in Stage", readonly=True)
    entered_count = fields.Integer(
        string="Opportunities Entered",
        readonly=True,
        aggregator=OPPORTUNITY_COUNT,
        help="Opportunities that entered the stage or phase, each counted once "
        "however often it entered.",
    )
    next_count = fields.Integer(
        string="Moved to a Later Phase",
        readonly=True,
        aggregator=OPPORTUNITY_COUNT,
        help="Opportunities that reached a later phase of the funnel after their "
        "stay (winning included, losing not), each counted once.",
    )
    won_count = fields.Integer(
        string="Won Opportunities",
        readonly=True,
        aggregator=OPPORTUNITY_COUNT,
        help="Opportunities that entered the stage or phase and are won now, each "
        "counted once.",
    )
    next_rate = fields.Float(
        string="Conversion to Next Phase (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the opportunities that entered the stage which reached a "
        "later phase. For a phase of several stages, the average of its stages' "
        "rates, each weighing as many opportunities as entered it.",
    )
    won_rate = fields.Float(
        string="Conversion to Won (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the opportunities that entered the stage which are won now. "
        "For a phase of several stages, the average of its stages' rates, each "
        "weighing as many opportunities as entered it.",
    )
    days_in_stage = fields.Float(
        string="Average Days in Stage",
        readonly=True,
        aggregator="avg",
        help="Days spent in the stage, per stay; for opportunities still there, "
        "so far.",
    )
    expected_revenue = fields.Float(
        string="Expected Revenue on Entry",
        readonly=True,
        help="Expected revenue when the opportunity first entered the stage.",
    )
    weighted_revenue = fields.Float(
        string="Weighted Revenue on Entry",
        readonly=True,
        help="Expected revenue when the opportunity first entered the stage, "
        "weighted by the stage's default probability.",
    )

    @property
    def _table_query(self):
        # The history rows carry all the analysis needs (the lead's type and won
        # state are kept on them): one scan, the stays of each opportunity in
        # order (what it reached after each stay; its first stay in each
        # stage), and the stages' weights (a handful of rows, hashed).
        return SQL(
            """
            SELECT h.id, h.lead_id, h.stage_id, h.funnel_phase, h.user_id,
                   h.team_id, h.company_id, h.lead_type,
                   h.date_entered, h.period, h.date_left,
                   h.date_left IS NULL AS is_current,
                   h.lead_id AS entered_count,
                   CASE WHEN h.later_rank > h.phase_rank THEN h.lead_id END
                       AS next_count,
                   CASE WHEN h.lead_won THEN h.lead_id END AS won_count,
                   CASE WHEN h.first_in_stage
                        THEN CASE WHEN h.later_rank > h.phase_rank THEN 100.0
                                  ELSE 0 END
                   END AS next_rate,
                   CASE WHEN h.first_in_stage
                        THEN CASE WHEN h.lead_won THEN 100.0 ELSE 0 END
                   END AS won_rate,
                   COALESCE(h.duration_days,
                            EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC'
                                                - h.date_entered)) / 86400.0)
                       AS days_in_stage,
                   CASE WHEN h.first_in_stage THEN h.expected_revenue END
                       AS expected_revenue,
                   CASE WHEN h.first_in_stage
                        THEN h.expected_revenue
                             * COALESCE(s.default_probability, 0) / 100.0
                   END AS weighted_revenue
              FROM (
                  SELECT stay.*, %(rank)s AS phase_rank,
                         -- the furthest phase the opportunity reached after
                         -- this stay (lost states left out): its stays from
                         -- the last one back, so that the maximum grows row
                         -- by row (a frame ending at the partition's end
                         -- would compute it again for every row)
                         MAX(%(rank)s) OVER (
                             PARTITION BY stay.lead_id
                             ORDER BY stay.date_entered DESC, stay.id DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                         ) AS later_rank,
                         ROW_NUMBER() OVER (
                             PARTITION BY stay.lead_id, stay.stage_id
                             ORDER BY stay.date_entered, stay.id
                         ) = 1 AS first_in_stage
                    FROM crm_lead_stage_history stay
                   WHERE stay.funnel_phase != %(lost)s
              ) h
              LEFT JOIN crm_stage s ON s.id = h.stage_id
            """,
            rank=phase_rank_sql(SQL("stay.funnel_phase")),
            lost=LOST_PHASE,
        )
