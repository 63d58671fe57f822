from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_lead_stage_history import HISTORY_PHASE_SELECTION
from ..tools import LOST_PHASE, WON_PHASE


class CrmFunnelReport(models.Model):
    """Funnel analysis: one row per stay of an opportunity in a stage, its
    figures counting opportunities.

    The counts, the rates and the revenues on entry are on the opportunity's
    first stay in each stage: a stage it entered several times (lost and
    reopened, moved back and forward again) counts it once, exactly, in any
    grouping by stage; over several stages (a phase, a salesperson's total)
    it counts once per stage it entered. Whether the stay is the first in its
    stage, whether the opportunity moved on to a later phase afterwards and
    whether it is won now are kept on the stays as the history is written:
    the figures are sums and averages over one scan of the history, with no
    window and no distinct count at every read. Days in stage are per stay.
    Lost states are not stages and are left out. Won is where the funnel
    ends: a won stage's stays have no days in stage (an open one would count
    the days since the deal was won) and no conversion to a next phase (there
    is none), NULL rather than a figure that pulls the averages down; a lost
    opportunity's last stay in a stage counts, its days until it was lost and
    no conversion. A SQL view over the stage history (no per-record
    computation).

    The month a stay entered (*Month Entered*) is its ``date_entered``
    grouped by month as Odoo groups any date and time: in the reader's time
    zone, the one the filter *Entered* reads too, so that a stay begun on 31
    March at 20:00 UTC is in April for a reader in Shanghai, in the filter as
    in the grouping (a month stored in UTC, or in the company's time zone,
    would put it in March for some readers while their filter says April).
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
            "first_in_stage",
            "moved_on",
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
    is_current = fields.Boolean(string="Still in Stage", readonly=True)
    entered_count = fields.Integer(
        string="Opportunities Entered",
        readonly=True,
        help="Opportunities that entered the stage, each counted once however "
        "often it entered; over several stages (a phase, a total), once per "
        "stage it entered.",
    )
    next_count = fields.Integer(
        string="Moved to a Later Phase",
        readonly=True,
        help="Opportunities that entered the stage and reached a later phase of "
        "the funnel afterwards (winning included, losing not); over several "
        "stages, once per stage.",
    )
    won_count = fields.Integer(
        string="Won Opportunities",
        readonly=True,
        help="Opportunities that entered the stage and are won now; over several "
        "stages, once per stage.",
    )
    next_rate = fields.Float(
        string="Conversion to Next Phase (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the opportunities that entered the stage which reached a "
        "later phase; over several stages (a phase, a total), an opportunity "
        "counts once per stage it entered. Won stages have none: there is no "
        "later phase.",
    )
    won_rate = fields.Float(
        string="Conversion to Won (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the opportunities that entered the stage which are won "
        "now; over several stages (a phase, a total), an opportunity counts once "
        "per stage it entered.",
    )
    days_in_stage = fields.Float(
        string="Average Days in Stage",
        readonly=True,
        aggregator="avg",
        help="Days spent in the stage, per stay; for opportunities still there, "
        "so far; for lost ones, until they were lost. Won stages count none: "
        "the funnel ends there.",
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
        # state, the stay's first in its stage and moved on are kept on them):
        # one scan, and the stages' weights (a handful of rows, hashed).
        return SQL(
            """
            SELECT h.id, h.lead_id, h.stage_id, h.funnel_phase, h.user_id,
                   h.team_id, h.company_id, h.lead_type,
                   h.date_entered, h.date_left,
                   h.date_left IS NULL AS is_current,
                   h.first_in_stage::int AS entered_count,
                   (h.first_in_stage AND h.moved_on)::int AS next_count,
                   (h.first_in_stage AND h.lead_won)::int AS won_count,
                   CASE WHEN h.first_in_stage AND h.funnel_phase != %(won)s
                        THEN CASE WHEN h.moved_on THEN 100.0 ELSE 0 END
                   END AS next_rate,
                   CASE WHEN h.first_in_stage
                        THEN CASE WHEN h.lead_won THEN 100.0 ELSE 0 END
                   END AS won_rate,
                   CASE WHEN h.funnel_phase != %(won)s
                        THEN COALESCE(h.duration_days,
                                      EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC'
                                                          - h.date_entered))
                                      / 86400.0)
                   END AS days_in_stage,
                   CASE WHEN h.first_in_stage THEN h.expected_revenue END
                       AS expected_revenue,
                   CASE WHEN h.first_in_stage
                        THEN h.expected_revenue
                             * COALESCE(s.default_probability, 0) / 100.0
                   END AS weighted_revenue
              FROM crm_lead_stage_history h
              LEFT JOIN crm_stage s ON s.id = h.stage_id
             WHERE h.funnel_phase != %(lost)s
            """,
            won=WON_PHASE,
            lost=LOST_PHASE,
        )
