from collections import defaultdict

from odoo import api, fields, models

from .. import compat


class CrmComplaintSlaPause(models.Model):
    """A period during which a complaint's service-level clock stood still.

    Opened when the complaint enters a stage that pauses the service level
    (*Waiting for Customer*), closed when it leaves it; written by the
    complaint itself, with sudo (users read them, nobody writes them). The
    working hours it lasted, in the calendar of the complaint's service level,
    moved the complaint's deadlines out.
    """

    _name = "crm.complaint.sla.pause"
    _description = "Complaint Service-Level Pause"
    _order = "date_start desc, id desc"
    _rec_name = "stage_id"

    complaint_id = fields.Many2one(
        "crm.complaint",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="complaint_id.company_id", store=True, index=True
    )
    stage_id = fields.Many2one(
        "crm.complaint.stage",
        required=True,
        ondelete="restrict",
        readonly=True,
        help="The stage that paused the clock.",
    )
    date_start = fields.Datetime(string="Paused At", required=True, readonly=True)
    date_end = fields.Datetime(
        string="Resumed At",
        readonly=True,
        index="btree_not_null",
        help="Empty while the clock stands still.",
    )
    paused_hours = fields.Float(
        string="Paused (working hours)",
        compute="_compute_paused_hours",
        store=True,
        help="Working hours of the service level's calendar (the company's "
        "without a service level) between the pause and the resumption: the "
        "deadlines moved out by as much. Counted once the clock resumes.",
    )

    _end_after_start = compat.Constraint(
        "CHECK(date_end IS NULL OR date_end >= date_start)",
        "A pause cannot end before it starts.",
    )

    @api.depends(
        "date_start",
        "date_end",
        "complaint_id.sla_id.resource_calendar_id",
        "complaint_id.company_id.resource_calendar_id",
    )
    def _compute_paused_hours(self):
        """Working hours per calendar, its intervals fetched once per batch."""
        closed = self.filtered("date_end")
        (self - closed).paused_hours = 0.0
        by_calendar = defaultdict(lambda: self.browse())
        for pause in closed:
            by_calendar[pause.complaint_id._sla_calendar()] |= pause
        for calendar, pauses in by_calendar.items():
            hours = calendar._crm_working_hours(
                [(pause.date_start, pause.date_end) for pause in pauses]
            )
            for pause, paused in zip(pauses, hours, strict=True):
                pause.paused_hours = paused
