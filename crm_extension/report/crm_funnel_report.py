from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_lead_stage_history import HISTORY_PHASE_SELECTION
from ..tools.funnel import CONVERTING_EXITS


class CrmFunnelReport(models.Model):
    """Funnel analysis: one row per stay of an opportunity in a stage.

    Summed, the rows give the number of opportunities that entered a stage or
    phase, how many went on to a later phase and how many are won; averaged, the
    conversion rates and the days spent. Lost states are not stages and are left
    out. A SQL view over the stage history (no per-record computation).
    """

    _name = "crm.funnel.report"
    _description = "Sales Funnel Analysis"
    _auto = False
    _order = "date_entered desc"
    _rec_name = "stage_id"
    # What a transaction changed in the stays is written before the view is
    # read (the lead state a stay keeps is written once per transaction).
    _depends = {
        "crm.lead.stage.history": ["lead_type", "lead_won", "user_id", "team_id"],
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
    is_current = fields.Boolean(string="Still There", readonly=True)
    entered_count = fields.Integer(string="Entries", readonly=True)
    next_count = fields.Integer(
        string="Moved to a Later Phase",
        readonly=True,
        help="Stays that ended by moving to a later phase of the funnel or winning.",
    )
    won_count = fields.Integer(
        string="Won",
        readonly=True,
        help="Stays of opportunities that are won now.",
    )
    next_rate = fields.Float(
        string="Conversion to Next Phase (%)",
        readonly=True,
        aggregator="avg",
    )
    won_rate = fields.Float(
        string="Conversion to Won (%)", readonly=True, aggregator="avg"
    )
    days_in_stage = fields.Float(
        string="Average Days in Stage",
        readonly=True,
        aggregator="avg",
        help="Days spent in the stage; for opportunities still there, so far.",
    )
    expected_revenue = fields.Float(string="Expected Revenue on Entry", readonly=True)
    weighted_revenue = fields.Float(
        string="Weighted Revenue on Entry",
        readonly=True,
        help="Expected revenue on entry weighted by the stage's default probability.",
    )

    @property
    def _table_query(self):
        # The history rows carry all the analysis needs (the lead's type and won
        # state are kept on them): one scan, and the stages' weights (a handful of
        # rows, hashed).
        return SQL(
            """
            SELECT h.id, h.lead_id, h.stage_id, h.funnel_phase, h.user_id,
                   h.team_id, h.company_id, h.lead_type,
                   h.date_entered, h.period, h.date_left,
                   h.date_left IS NULL AS is_current,
                   1 AS entered_count,
                   CASE WHEN h.exit_type IN %(converting)s THEN 1 ELSE 0 END
                       AS next_count,
                   CASE WHEN h.lead_won THEN 1 ELSE 0 END AS won_count,
                   CASE WHEN h.exit_type IN %(converting)s THEN 100.0 ELSE 0 END
                       AS next_rate,
                   CASE WHEN h.lead_won THEN 100.0 ELSE 0 END AS won_rate,
                   COALESCE(h.duration_days,
                            EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC'
                                                - h.date_entered)) / 86400.0)
                       AS days_in_stage,
                   h.expected_revenue,
                   h.expected_revenue * COALESCE(s.default_probability, 0) / 100.0
                       AS weighted_revenue
              FROM crm_lead_stage_history h
              LEFT JOIN crm_stage s ON s.id = h.stage_id
             WHERE h.funnel_phase != 'lost'
            """,
            converting=tuple(CONVERTING_EXITS),
        )
