from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import compat

FUNNEL_PHASE_SELECTION = [
    ("potential", "Potential"),
    ("shortlisted", "Shortlisted"),
    ("tracking", "Tracking"),
    ("near_close", "Near Close"),
    ("won", "Won"),
]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    funnel_phase = fields.Selection(
        FUNNEL_PHASE_SELECTION,
        compute="_compute_funnel_phase",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="Phase of the sales funnel this stage belongs to. The funnel analysis "
        "counts conversions from phase to phase.",
    )
    default_probability = fields.Float(
        help="Share of the opportunities of this stage expected to be won: the "
        "funnel analysis weights their expected revenue with it. It never "
        "changes an opportunity's own probability, which Odoo's predictive lead "
        "scoring keeps.",
    )
    # Odoo's "Days to rot" on 19.0 (see compat): one threshold per stage.
    stall_days = compat.stall_days_field(
        string="Stalled After (days)",
        help="An opportunity staying longer than this in the stage is stalled: its "
        "salesperson gets a reminder. 0 never stalls.",
    )
    gate_ids = fields.One2many("crm.stage.gate", "stage_id", string="Gates")
    allow_gate_bypass = fields.Boolean(
        string="Administrators May Bypass Gates",
        help="Sales administrators may move opportunities into this stage even when "
        "its gates fail; the bypass is logged on the opportunity.",
    )

    _default_probability_range = compat.Constraint(
        "CHECK(default_probability >= 0 AND default_probability <= 100)",
        "The default probability must be between 0 and 100.",
    )
    _stall_days_positive = compat.Constraint(
        f"CHECK({compat.STALL_DAYS_COLUMN} >= 0)",
        "The stall threshold cannot be negative.",
    )

    @api.depends("is_won")
    def _compute_funnel_phase(self):
        for stage in self:
            if stage.is_won:
                stage.funnel_phase = "won"
            elif not stage.funnel_phase or stage.funnel_phase == "won":
                stage.funnel_phase = "potential"

    @api.constrains("is_won", "funnel_phase")
    def _check_funnel_phase(self):
        for stage in self:
            if stage.is_won != (stage.funnel_phase == "won"):
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s: won stages, and only they, belong to the "
                        "Won phase of the funnel.",
                        stage=stage.name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if {"is_won", "funnel_phase"} & vals.keys():
            # (As Odoo gives the leads of a stage made won their 100 %.)
            self.env["crm.lead.stage.history"]._follow_stages(self)
        return res

    @api.model
    def _setup_default_funnel(self):
        """Map Odoo's default pipeline onto the funnel (installation only). A
        stall threshold the stage already has (Odoo's days to rot, 19.0) stays."""
        for xmlid, phase, probability, stall_days in (
            ("crm.stage_lead1", "potential", 10, 14),
            ("crm.stage_lead2", "shortlisted", 30, 14),
            ("crm.stage_lead3", "tracking", 50, 21),
        ):
            stage = self.env.ref(xmlid, raise_if_not_found=False)
            if stage and not stage.is_won:
                stage.write(
                    {
                        "funnel_phase": phase,
                        "default_probability": probability,
                        "stall_days": stage.stall_days or stall_days,
                    }
                )

    def _active_gates(self):
        """The gates of these stages that apply: the active ones, whatever
        the caller's context says (``active_test`` is a client's to send, and
        an archived gate refuses nobody)."""
        return self.with_context(active_test=True).gate_ids
