from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, email_normalize, format_amount

from .. import bulk, compat
from ..readers import readable_by, user_langs
from ..tools import (
    SLA_BREACHED,
    SLA_PAUSED,
    WorkingTime,
    escalation_due,
    exclude_periods,
    first_readers,
    plan_working_hours,
    sla_status,
)
from ..tools.settings import parse_int_setting
from .crm_complaint_sla import SEVERITY_SELECTION
from .ir_cron import exclusive_job

SLA_STATUS_SELECTION = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
    (SLA_PAUSED, "Paused"),
]
CHANNEL_SELECTION = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("portal", "Portal"),
    ("in_person", "In Person"),
    ("other", "Other"),
]
MANAGERS = ("crm_extension.group_complaint_manager",)
# What only the company sees of a complaint: portal users, who read their own
# complaints, read none of it (the portal page shows the resolution once the
# complaint is resolved).
INTERNAL = "base.group_user"
# Working intervals fetched ahead of the latest complaint to plan its deadlines.
PLANNING_WINDOW = timedelta(weeks=12)
# The activity type of the follow-up of a resolved complaint.
FOLLOW_UP_TYPE = "mail.mail_activity_data_todo"
# The activity type of the complaints filed by the customer (_notify_intake).
INTAKE_TYPE = "crm_extension.mail_activity_type_complaint_intake"
# Whom a complaint is escalated to, in order (before the complaint managers,
# see _responsible_users): the service level's escalation contact, the team
# leader, the handler, who registered it, the leader of its customer's
# salesperson's team.
ESCALATION = (
    "s.escalate_to_id",
    "t.user_id",
    "c.user_id",
    "c.create_uid",
    "ct.user_id",
)
# Who hears of a complaint arriving by e-mail or on the portal: its handler,
# else the service level's escalation contact, the team leader, then the
# complaint managers.
INTAKE = ("c.user_id", "s.escalate_to_id", "t.user_id")
# The channels through which customers file complaints themselves.
INTAKE_CHANNELS = ("email", "portal")
# What a complaint's service-level clock reads from the complaint itself: a
# change of one may move its deadlines (see _keep_breached_sla).
CLOCK_INPUTS = frozenset(
    {"company_id", "severity", "category_id", "sla_id", "date_received", "stage_id"}
)
# What the service level of a complaint sets, kept once it is finished or
# breached (see sla_kept), in the order they are computed.
SLA_OUTCOME = (
    "sla_id",
    "response_deadline",
    "resolution_deadline",
    "response_at_risk",
    "resolution_at_risk",
    "sla_status",
)
# Corrections of a complaint manager (or the system): they compute the
# service level again, kept or not.
SLA_CORRECTIONS = ("sla_id", "date_received")


class CrmComplaint(models.Model):
    """A customer complaint, from intake to resolution and feedback."""

    _name = "crm.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "rating.mixin",
        "crm.guarded.field.mixin",
    ]
    # (The lists and kanban show the most severe first: their default_order;
    # severity is the company's to read, not the portal's.)
    _order = "date_received desc, id desc"
    _primary_email = "email_from"
    _mail_post_access = "read"
    _check_company_auto = True

    # The service-level clock is the system's: status, deadlines and the dates
    # that stop it are set by the stages, the first answer and the job, never
    # typed. Complaint managers correct the reference, the service level and when
    # a complaint was received (anybody gives the latter when registering one):
    # a correction computes the service level again, even a kept one.
    _crm_guarded_fields = {
        # The stage's and the customer's, as Odoo relates them: the portal's
        # access rule reads the customer, the jobs the stage's kind.
        "commercial_partner_id": (),
        "is_resolved": (),
        "is_closed": (),
        "name": MANAGERS,
        "sla_id": MANAGERS,
        "date_received": MANAGERS,
        "sla_status": (),
        "response_deadline": (),
        "resolution_deadline": (),
        "response_at_risk": (),
        "resolution_at_risk": (),
        "date_first_response": (),
        "date_resolved": (),
        "date_closed": (),
        "escalation_level": (),
        "sla_kept": (),
        "sla_met_rate": (),
        "resolution_days": (),
        "sla_pause_ids": (),
        "sla_paused_since": (),
        "sla_paused_hours": (),
        "hours_to_resolve": (),
        "hours_to_resolve_unpaused": (),
    }
    _crm_free_on_create = ("date_received",)

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    email_from = fields.Char(
        string="Email",
        compute="_compute_email_from",
        store=True,
        readonly=False,
        help="The customer's address, or the sender's for a complaint received "
        "from an unknown address.",
        groups=INTERNAL,
    )
    # (Odoo's carbon copies of the mail thread: the company's, as the address
    # it answers at, never on the portal's pages.)
    email_cc = fields.Char(groups=INTERNAL)
    channel = fields.Selection(
        CHANNEL_SELECTION, required=True, default="phone", groups=INTERNAL
    )
    category_id = fields.Many2one(
        "crm.complaint.category",
        index=True,
        tracking=True,
        check_company=True,
        groups=INTERNAL,
    )
    severity = fields.Selection(
        SEVERITY_SELECTION, required=True, default="1", tracking=True, groups=INTERNAL
    )
    stage_id = fields.Many2one(
        "crm.complaint.stage",
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_expand_full",
        default=lambda self: self.env["crm.complaint.stage"].search([], limit=1),
    )
    is_resolved = fields.Boolean(related="stage_id.is_resolved", store=True)
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Handler",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        groups=INTERNAL,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        index="btree_not_null",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('partner_id', 'child_of', commercial_partner_id)]",
    )
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", groups=INTERNAL
    )
    description = fields.Html()
    # What the handling found and gave is the original's: a duplicate (the
    # same problem reported again) starts without them, as without its stage,
    # dates and credit notes.
    resolution = fields.Html(groups=INTERNAL, copy=False)
    root_cause = fields.Text(groups=INTERNAL, copy=False)
    compensation_amount = fields.Monetary(
        currency_field="currency_id", groups=INTERNAL, copy=False
    )
    credit_note_ids = fields.One2many(
        "account.move",
        "complaint_id",
        string="Credit Notes",
        readonly=True,
        groups="account.group_account_invoice",
    )
    credit_note_count = fields.Integer(
        compute="_compute_credit_note_count", groups=INTERNAL
    )

    # (A duplicate is a new complaint, received when it is registered: the
    # original's reception would breach its service level at once.)
    date_received = fields.Datetime(
        string="Received",
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        copy=False,
    )
    date_first_response = fields.Datetime(
        string="First Response",
        copy=False,
        groups=INTERNAL,
        help="The first answer to the customer: the first message sent to them "
        "by an internal user (not a note), or the resolution when nobody wrote "
        "before. It stops the first-response clock.",
    )
    date_resolved = fields.Datetime(string="Resolved On", copy=False)
    date_closed = fields.Datetime(string="Closed On", copy=False, groups=INTERNAL)
    sla_id = fields.Many2one(
        "crm.complaint.sla",
        string="Service Level",
        compute="_compute_sla_id",
        store=True,
        readonly=False,
        copy=False,
        ondelete="set null",
        tracking=True,
        check_company=True,
        groups=INTERNAL,
    )
    response_deadline = fields.Datetime(
        compute="_compute_deadlines",
        store=True,
        copy=False,
        groups=INTERNAL,
    )
    resolution_deadline = fields.Datetime(
        compute="_compute_deadlines",
        store=True,
        copy=False,
        index="btree_not_null",
        groups=INTERNAL,
    )
    # When the complaint is at risk of missing each deadline: the service
    # level's share of the working time to it, planned on its calendar.
    response_at_risk = fields.Datetime(
        string="First Response at Risk From",
        compute="_compute_deadlines",
        store=True,
        copy=False,
        groups=INTERNAL,
    )
    resolution_at_risk = fields.Datetime(
        string="Resolution at Risk From",
        compute="_compute_deadlines",
        store=True,
        copy=False,
        groups=INTERNAL,
    )
    sla_status = fields.Selection(
        SLA_STATUS_SELECTION,
        string="SLA Status",
        compute="_compute_sla_status",
        store=True,
        copy=False,
        index=True,
        tracking=True,
        groups=INTERNAL,
    )
    escalation_level = fields.Integer(
        copy=False,
        readonly=True,
        help="1: escalated when at risk, 2: escalated when breached.",
        groups=INTERNAL,
    )
    sla_kept = fields.Boolean(
        string="Service Level Kept",
        copy=False,
        readonly=True,
        groups=INTERNAL,
        help="The complaint was resolved or closed, or it breached its service "
        "level: its service level, deadlines and status no longer move (a "
        "breach stays; reopening a complaint that did not breach computes them "
        "again).",
    )
    sla_met_rate = fields.Float(
        string="SLA Met (%)",
        compute="_compute_resolution_figures",
        store=True,
        aggregator="avg",
        groups=INTERNAL,
    )
    resolution_days = fields.Float(
        string="Days to Resolve",
        compute="_compute_resolution_figures",
        store=True,
        aggregator="avg",
        groups=INTERNAL,
    )
    hours_to_resolve = fields.Float(
        string="Working Hours to Resolve",
        compute="_compute_resolution_figures",
        store=True,
        aggregator="avg",
        groups=INTERNAL,
        help="Working hours from reception to resolution, the time the customer "
        "had the ball included.",
    )
    hours_to_resolve_unpaused = fields.Float(
        string="Working Hours to Resolve without Pauses",
        compute="_compute_resolution_figures",
        store=True,
        aggregator="avg",
        groups=INTERNAL,
        help="Working hours from reception to resolution that the service-level "
        "clock counted: without the pauses.",
    )

    # Pauses of the service-level clock (stages that pause it)
    sla_pause_ids = fields.One2many(
        "crm.complaint.sla.pause",
        "complaint_id",
        string="Service-Level Pauses",
        readonly=True,
        copy=False,
        groups=INTERNAL,
    )
    sla_paused_since = fields.Datetime(
        string="Paused Since",
        compute="_compute_sla_pause_figures",
        store=True,
        copy=False,
        groups=INTERNAL,
        help="The clock stands still since then: the complaint waits for the customer.",
    )
    sla_paused_hours = fields.Float(
        string="Paused (working hours)",
        compute="_compute_sla_pause_figures",
        store=True,
        copy=False,
        aggregator="avg",
        groups=INTERNAL,
        help="Working hours the clock stood still in the pauses that ended: the "
        "deadlines moved out by as much (a pause after a deadline does not move "
        "it).",
    )

    # Knowledge base
    # (Read as the reader, not as Odoo reads related fields: the category a
    # client names, in an onchange too, may be another company's.)
    standard_solution = fields.Html(
        related="category_id.standard_solution", compute_sudo=False, groups=INTERNAL
    )
    similar_complaint_ids = fields.Many2many(
        "crm.complaint",
        string="Similar Resolved Complaints",
        compute="_compute_similar_complaint_ids",
        groups=INTERNAL,
    )
    customer_complaint_count = fields.Integer(
        compute="_compute_customer_complaint_count",
        string="Complaints of the Customer",
        groups=INTERNAL,
    )

    _compensation_positive = compat.Constraint(
        "CHECK(compensation_amount >= 0)",
        "A compensation cannot be negative.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id.email")
    def _compute_email_from(self):
        for complaint in self:
            if complaint.partner_id.email:
                complaint.email_from = complaint.partner_id.email

    @api.depends("category_id", "company_id")
    def _compute_user_id(self):
        for complaint in self:
            handler = complaint.category_id.user_id
            # (A category the companies share may name a handler of another
            # company: not this complaint's. A category saved before handlers
            # had to be internal users who may read their complaints may name
            # a portal user or an accountant: nobody's. A handler archived
            # since, gone from the company, neither.)
            if (
                handler
                and handler.active
                and not complaint.user_id
                and handler._crm_handles_complaints()
                and complaint.company_id in handler.company_ids
            ):
                complaint.user_id = handler

    @api.depends("user_id")
    def _compute_team_id(self):
        for complaint in self:
            if complaint.user_id.sale_team_id:
                complaint.team_id = complaint.user_id.sale_team_id

    def _compute_credit_note_count(self):
        # How many, whoever asks: the credit notes themselves need accounting rights.
        counts = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
            )
        )
        for complaint in self:
            complaint.credit_note_count = counts.get(complaint, 0)

    @api.depends("company_id", "severity", "category_id", "sla_kept")
    def _compute_sla_id(self):
        Sla = self.env["crm.complaint.sla"]
        for complaint in self._keep_sla_outcome(["sla_id"]):
            complaint.sla_id = Sla._find_for(
                complaint.company_id, complaint.severity, complaint.category_id
            )

    def _keep_sla_outcome(self, fnames):
        """In a compute method of the fields ``fnames`` of :data:`SLA_OUTCOME`:
        give the complaints whose service level is kept (``sla_kept``) the
        values they have, and return the others, to compute.

        Odoo reads a stored field's value as it was before the change inside
        the method computing it (it marks the computation done first); a
        complaint edited in a form (a new record) reads its saved values.
        """
        kept = self.filtered("sla_kept")
        for complaint in kept:
            for fname in fnames:
                complaint[fname] = complaint._origin[fname]
        return self - kept

    @api.depends(
        "sla_id.response_hours",
        "sla_id.resolution_hours",
        "sla_id.resource_calendar_id",
        "sla_id.at_risk_ratio",
        "date_received",
        "sla_pause_ids.date_start",
        "sla_pause_ids.date_end",
        "sla_kept",
    )
    def _compute_deadlines(self):
        """Deadlines in working hours of the service level's calendar, the
        working time of the pauses that ended left out (it moves them out),
        and the moments the complaint is at risk of missing them: after the
        service level's share (``at_risk_ratio``) of the working time to each,
        planned the same way (a complaint received on Friday afternoon is not
        at risk over the weekend).

        The working intervals are fetched once per calendar for the whole batch,
        then each complaint is planned in Python. A pause still running moves
        nothing yet: the deadlines move when the clock resumes. The deadlines
        of a complaint whose service level is kept do not move.
        """
        planned = (
            "response_deadline",
            "resolution_deadline",
            "response_at_risk",
            "resolution_at_risk",
        )
        complaints = self._keep_sla_outcome(list(planned))
        with_sla = complaints.filtered(
            lambda complaint: complaint.sla_id and complaint.date_received
        )
        (complaints - with_sla).update(dict.fromkeys(planned, False))
        by_calendar = defaultdict(lambda: self.browse())
        for complaint in with_sla:
            by_calendar[complaint.sla_id.resource_calendar_id] |= complaint
        for calendar, complaints in by_calendar.items():
            pauses = {
                complaint: complaint._sla_pause_periods() for complaint in complaints
            }
            # From the clock's last start: the reception or the last resumption.
            resumed = {
                complaint: max(
                    [complaint.date_received] + [end for _begin, end in periods]
                )
                for complaint, periods in pauses.items()
            }
            start = min(complaints.mapped("date_received"))
            end = max(resumed.values()) + PLANNING_WINDOW
            spans = calendar._crm_work_spans(start, end)
            for complaint in complaints:
                sla = complaint.sla_id
                running = exclude_periods(spans, pauses[complaint])
                share = max(0.0, min(sla.at_risk_ratio or 75.0, 100.0)) / 100.0
                for fname, hours in (
                    ("response_deadline", sla.response_hours),
                    ("resolution_deadline", sla.resolution_hours),
                    ("response_at_risk", sla.response_hours * share),
                    ("resolution_at_risk", sla.resolution_hours * share),
                ):
                    deadline = plan_working_hours(
                        running, complaint.date_received, hours
                    )
                    if deadline is None:  # beyond the window: let the calendar plan
                        last = resumed[complaint]
                        counted = WorkingTime(running).hours(
                            complaint.date_received, last
                        )
                        deadline = calendar.plan_hours(
                            hours - counted, last, compute_leaves=True
                        )
                    # To the second: a calendar's day ends at 23:59:59.999999.
                    complaint[fname] = deadline and (
                        deadline + timedelta(microseconds=500000)
                    ).replace(microsecond=0)

    def _sla_pause_periods(self):
        """``(start, end)`` of the complaint's pauses that ended."""
        self.ensure_one()
        return [
            (pause.date_start, pause.date_end)
            for pause in self.sla_pause_ids
            if pause.date_end
        ]

    def _sla_calendar(self):
        """The working hours a complaint's clock counts: its service level's,
        or the company's without one (none without a complaint)."""
        return self.sla_id.resource_calendar_id or self.company_id.resource_calendar_id

    @api.depends(
        "sla_pause_ids.date_start",
        "sla_pause_ids.date_end",
        "sla_pause_ids.paused_hours",
    )
    def _compute_sla_pause_figures(self):
        for complaint in self:
            running = complaint.sla_pause_ids.filtered(lambda pause: not pause.date_end)
            complaint.sla_paused_since = (
                min(running.mapped("date_start")) if running else False
            )
            complaint.sla_paused_hours = sum(
                complaint.sla_pause_ids.mapped("paused_hours")
            )

    @api.depends(
        "response_deadline",
        "resolution_deadline",
        "response_at_risk",
        "resolution_at_risk",
        "date_first_response",
        "date_resolved",
        "date_closed",
        "sla_paused_since",
        "sla_kept",
    )
    def _compute_sla_status(self):
        """The status now; the outcome of a complaint whose service level is
        kept stays (met or breached when it finished, breached once it
        breached). A complaint closed without resolution is judged at its
        closing (see :func:`tools.sla_status`)."""
        now = fields.Datetime.now()
        for complaint in self._keep_sla_outcome(["sla_status"]):
            complaint.sla_status = complaint._sla_status_at(now)

    def _sla_status_at(self, now):
        self.ensure_one()
        return sla_status(
            now,
            self.date_received,
            self.response_deadline,
            self.resolution_deadline,
            first_response=self.date_first_response,
            resolved=self.date_resolved,
            response_at_risk=self.response_at_risk,
            resolution_at_risk=self.resolution_at_risk,
            paused_since=self.sla_paused_since,
            closed=self.date_closed,
        )

    @api.depends(
        "date_resolved",
        "date_received",
        "sla_status",
        "sla_paused_hours",
        "sla_id.resource_calendar_id",
        "company_id.resource_calendar_id",
    )
    def _compute_resolution_figures(self):
        """Time to resolve in days and in working hours, with and without the
        pauses. The working intervals are fetched once per calendar."""
        resolved = self.filtered("date_resolved")
        (self - resolved).update(
            {
                "resolution_days": 0.0,
                "sla_met_rate": 0.0,
                "hours_to_resolve": 0.0,
                "hours_to_resolve_unpaused": 0.0,
            }
        )
        by_calendar = defaultdict(lambda: self.browse())
        for complaint in resolved:
            complaint.resolution_days = (
                complaint.date_resolved - complaint.date_received
            ).total_seconds() / 86400.0
            complaint.sla_met_rate = 100.0 if complaint.sla_status == "met" else 0.0
            by_calendar[complaint._sla_calendar()] |= complaint
        for calendar, complaints in by_calendar.items():
            hours_each = calendar._crm_working_hours(
                [
                    (complaint.date_received, complaint.date_resolved)
                    for complaint in complaints
                ]
            )
            for complaint, hours in zip(complaints, hours_each, strict=True):
                complaint.hours_to_resolve = hours
                complaint.hours_to_resolve_unpaused = max(
                    0.0, hours - complaint.sla_paused_hours
                )

    @api.depends("category_id", "product_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_similar_complaint_ids(self):
        # The solved complaints the reader may read.
        for complaint in self:
            domain = [("is_resolved", "=", True), ("id", "!=", complaint._origin.id)]
            keys = []
            if complaint.category_id:
                keys.append([("category_id", "=", complaint.category_id.id)])
            if complaint.product_id:
                keys.append([("product_id", "=", complaint.product_id.id)])
            if not keys:
                complaint.similar_complaint_ids = False
                continue
            domain += ["|"] * (len(keys) - 1) + [leaf for key in keys for leaf in key]
            complaint.similar_complaint_ids = self.search(
                domain, order="date_resolved desc", limit=10
            )

    @api.depends("commercial_partner_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_customer_complaint_count(self):
        # The customer's complaints the reader may read.
        counts = self._count_by(
            "commercial_partner_id",
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
        )
        for complaint in self:
            complaint.customer_complaint_count = counts.get(
                complaint.commercial_partner_id, 0
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return res

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("name", "company_id")
    def _check_reference(self):
        """A reference names one complaint of its company, and names it: the
        sequence gives each its own, a complaint manager's correction may not
        give one twice nor leave it blank. (The other complaint may be one the
        manager cannot read: the message names only the reference typed.)"""
        for complaint in self:
            if not (complaint.name or "").strip():
                raise ValidationError(self.env._("A complaint needs a reference."))
        # Two complaints given one reference at the same moment (two
        # managers' corrections, a correction and the sequence): the second
        # waits for the first, then is run again and refused below.
        self.env["crm.duplicate.key"].sudo()._lock(
            {
                f"crm.complaint:{complaint.company_id.id}:{complaint.name}"
                for complaint in self
            }
        )
        used = self.sudo()._read_group(
            [
                ("name", "in", self.mapped("name")),
                ("company_id", "in", self.company_id.ids),
            ],
            ["name", "company_id"],
            having=[("__count", ">", 1)],
        )
        keys = {(complaint.name, complaint.company_id.id) for complaint in self}
        for name, company in used:
            if (name, company.id) in keys:
                raise ValidationError(
                    self.env._(
                        "The reference %(reference)s is already used by another "
                        "complaint.",
                        reference=name,
                    )
                )

    @api.model
    def _latest_reception(self):
        """The latest moment a complaint may be received: now, give or take
        the five minutes a user's clock may run ahead."""
        return fields.Datetime.now() + timedelta(minutes=5)

    @api.constrains("date_received")
    def _check_date_received(self):
        """A complaint is received when it is registered or before (a phone call
        of yesterday), never later: a date ahead would stop its clock. (New
        complaints are checked before they take a reference: see
        :meth:`_check_new_receptions`.)"""
        latest = self._latest_reception()
        for complaint in self:
            if complaint.date_received and complaint.date_received > latest:
                raise ValidationError(
                    self.env._(
                        "%(complaint)s cannot be received in the future.",
                        complaint=complaint.display_name,
                    )
                )

    @api.model
    def _check_new_receptions(self, vals_list):
        """:meth:`_check_date_received` on the values of new complaints, before
        they take a reference from the sequence: the refusal names no
        reference that would never be saved, and takes no number."""
        latest = self._latest_reception()
        for vals in vals_list:
            received = fields.Datetime.to_datetime(vals.get("date_received"))
            if received and received > latest:
                raise ValidationError(
                    self.env._("A complaint cannot be received in the future.")
                )

    @api.constrains("date_received", "date_first_response", "date_resolved")
    def _check_received_first(self):
        """A complaint is answered and resolved after it is received: a
        reception corrected to a later date would make its time to resolve
        negative and its service level met whatever happened."""
        for complaint in self:
            received = complaint.date_received
            if not received:
                continue
            if complaint.date_first_response and received > (
                complaint.date_first_response
            ):
                raise ValidationError(
                    self.env._(
                        "%(complaint)s cannot be received after its first response.",
                        complaint=complaint.display_name,
                    )
                )
            if complaint.date_resolved and received > complaint.date_resolved:
                raise ValidationError(
                    self.env._(
                        "%(complaint)s cannot be received after its resolution.",
                        complaint=complaint.display_name,
                    )
                )

    @api.constrains("user_id", "company_id", "invoice_id", "partner_id")
    def _check_handler(self):
        """A handler is an internal user who may read the complaint (its
        follow-up and escalations are theirs): the complaint groups, and
        whoever else the rules let read it (a salesperson reads those
        assigned to them; an accountant only those about an invoice). Asked
        as the handler, by :meth:`_readable_by`, the escalation's test. The
        message names no reference: a refused registration takes none."""
        for user, complaints in self.grouped("user_id").items():
            if not user:
                continue
            if user.share:
                raise UserError(
                    self.env._(
                        "%(user)s cannot handle complaints: only internal users can.",
                        user=user.name,
                    )
                )
            if set(complaints.ids) - self._readable_by(user.id, complaints.ids):
                raise UserError(
                    self.env._(
                        "%(user)s may not read this complaint and so cannot handle "
                        "it: choose a complaint officer, or a salesperson.",
                        user=user.name,
                    )
                )

    @api.constrains("sale_order_id", "invoice_id", "partner_id")
    def _check_documents_of_customer(self):
        for complaint in self:
            customer = complaint.commercial_partner_id
            for document, label in (
                (complaint.sale_order_id, self.env._("order")),
                (complaint.invoice_id, self.env._("invoice")),
            ):
                if document and (
                    not customer
                    or document.sudo().partner_id.commercial_partner_id != customer
                ):
                    customer_name = (
                        customer.sudo(False).has_access("read")
                        and customer.display_name
                    ) or self.env._("the complaint's customer")
                    # Named only to whoever may read it (constraints run as
                    # the superuser on Odoo 19: the user's own rights).
                    if not document.sudo(False).has_access("read"):
                        raise UserError(
                            self.env._(
                                "This %(document)s is not one of %(customer)s's.",
                                document=label,
                                customer=customer_name,
                            )
                        )
                    raise UserError(
                        self.env._(
                            "The %(document)s %(name)s is not one of %(customer)s's.",
                            document=label,
                            name=document.display_name,
                            customer=customer_name,
                        )
                    )
            if (
                complaint.invoice_id
                and complaint.invoice_id.sudo().move_type != "out_invoice"
            ):
                raise UserError(
                    self.env._("A complaint can only refer to a customer invoice.")
                )

    @api.constrains("invoice_id", "partner_id")
    def _check_credit_notes_kept(self):
        """The credit notes that settle a complaint reverse its invoice, to its
        customer: once one is issued, neither changes."""
        credit_notes = (
            self.env["account.move"]
            .sudo()
            .search([("complaint_id", "in", self.ids), ("state", "!=", "cancel")])
        )
        for complaint in self:
            if any(
                credit_note.reversed_entry_id != complaint.invoice_id
                or credit_note.commercial_partner_id != complaint.commercial_partner_id
                for credit_note in credit_notes
                if credit_note.complaint_id == complaint
            ):
                raise UserError(
                    self.env._(
                        "%(complaint)s is settled by credit notes of its invoice: its "
                        "invoice and customer can no longer change.",
                        complaint=complaint.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        """A complaint settled by credit notes stays: they name it."""
        settled = (
            self.env["account.move"]
            .sudo()
            .search(
                [("complaint_id", "in", self.ids), ("state", "!=", "cancel")], limit=1
            )
            .complaint_id
        )
        if settled:
            raise UserError(
                self.env._(
                    "%(complaint)s is settled by credit notes: it cannot be deleted.",
                    complaint=settled.with_env(self.env).display_name,
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _check_own_company(self, vals_list):
        """A complaint is registered in, or moved to, one of its user's
        companies only: Odoo's record rules check a record before a write, and
        a complaint moved to another company would leave its own (its internal
        notes read by the other company's staff)."""
        if self.env.su:
            return
        allowed = self.env.user.company_ids.ids
        for vals in vals_list:
            company_id = vals.get("company_id")
            if (
                isinstance(company_id, int)
                and not isinstance(company_id, bool)
                and company_id not in allowed
            ):
                raise AccessError(
                    self.env._(
                        "A complaint can only be registered in, or moved to, one "
                        "of your companies."
                    )
                )

    @api.model
    def _check_documents_readable(self, vals_list, complaints=None):
        """The customer, order and invoice a user links to a complaint are
        ones they may read: the complaint would show them their reference and
        customer otherwise, and Odoo's check of companies names a customer of
        another company. (Those a complaint already has stay: writing them
        again passes.) The portal and the mail gateway link the customer's
        own documents as the system. A new complaint's defaults of the
        context count as its values (Odoo gives them after this check).

        :param complaints: the complaints written (their own ones pass), none
            for new complaints
        """
        if self.env.su:
            return
        context = self.env.context
        for vals in vals_list:
            for fname in ("partner_id", "sale_order_id", "invoice_id"):
                value = vals.get(fname)
                if fname not in vals and complaints is None:
                    value = context.get(f"default_{fname}")
                # (A client may send anything: only a record id is one.)
                if not isinstance(value, int) or isinstance(value, bool):
                    continue
                document = self[fname].browse(value)
                if not document or (
                    complaints and all(c[fname] == document for c in complaints)
                ):
                    continue
                if document.has_access("read"):
                    continue
                if fname == "partner_id":
                    raise AccessError(
                        self.env._(
                            "You may not read this customer: it cannot be linked "
                            "to a complaint by you."
                        )
                    )
                raise AccessError(
                    self.env._(
                        "You may not read this order or invoice: it cannot be "
                        "linked to a complaint by you."
                    )
                )

    def onchange(self, values, field_names, fields_spec):
        """The form computes from the customer, order and invoice it is given
        (the customer's e-mail, their names): only ones the user may read,
        whatever a client sends."""
        self._check_documents_readable([values], self or None)
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        # What refuses a registration is asked before the complaints take
        # their references from the sequence (a refusal does not name one,
        # nor take a number): Odoo checks the rights after, and would refuse
        # a portal user's registration with an error about sequences.
        # (The caller's values stay as given: Odoo's import creates the rows
        # of a refused batch again, one by one, from the same dictionaries.)
        vals_list = [dict(vals) for vals in vals_list]
        self.browse().check_access("create")
        self._check_guarded_values(vals_list, creating=True)
        self._check_own_company(vals_list)
        self._check_documents_readable(vals_list)
        self._check_new_receptions(vals_list)
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("crm.complaint") or self.env._("New")
        complaints = super(CrmComplaint, self._without_guarded_defaults()).create(
            vals_list
        )
        # Registered in a resolved or closed stage (its kanban column, an
        # import): the stage is entered as by a move there.
        entered = complaints.filtered(
            lambda complaint: (
                complaint.stage_id.is_resolved or complaint.stage_id.is_closed
            )
        )
        now = fields.Datetime.now()
        for stage in entered.stage_id:
            in_stage = entered.filtered(
                lambda complaint, stage=stage: complaint.stage_id == stage
            )
            for fname, value in self._stage_dates(stage, now).items():
                # (Dates the system gave, as the demo's history, are kept.)
                missing = in_stage.filtered(
                    lambda complaint, fname=fname: not complaint[fname]
                )
                if value and missing:
                    # The dates are the system's (see _crm_guarded_fields).
                    missing.sudo().write({fname: value})
        complaints._apply_stage_dates()
        complaints.filtered("stage_id.pauses_sla")._sync_sla_pauses()
        entered._sync_sla_kept()
        for complaint in complaints.filtered("partner_id"):
            if complaint.partner_id not in complaint.message_partner_ids:
                complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
        entered.filtered("is_resolved")._on_resolved()
        complaints.filtered(
            lambda complaint: (
                complaint.channel in INTAKE_CHANNELS and not complaint.is_closed
            )
        )._notify_intake()
        return complaints

    @api.model
    def name_create(self, name):
        """A complaint quickly registered (a kanban column's quick create): the
        name typed is its subject; its reference comes from the sequence."""
        complaint = self.create({"subject": name})
        return complaint.id, complaint.display_name

    @api.model
    def _stage_dates(self, stage, now):
        """The dates a complaint entering ``stage`` gets: resolved or closed
        now, or reopened (no date). The system's: see _crm_guarded_fields."""
        dates = {"date_closed": now if stage.is_closed else False}
        if stage.is_resolved:
            dates["date_resolved"] = now
        elif not stage.is_closed:
            dates["date_resolved"] = False
        return dates

    def write(self, vals):
        # (The caller's values stay as given: the stage's dates are added
        # below, and Odoo's import writes the rows of a refused batch again,
        # one by one, from the same dictionaries.)
        vals = dict(vals)
        self._check_guarded_values([vals])
        self._check_own_company([vals])
        self._check_documents_readable([vals], self)
        if "stage_id" in vals:
            staying = self.filtered(
                lambda complaint: complaint.stage_id.id == vals["stage_id"]
            )
            if staying and staying != self:
                # Those already in the stage keep their dates (an exported
                # file imported back): written apart from those entering it.
                (self - staying).write(dict(vals))
                return staying.write(dict(vals))
        corrected = self.browse()
        clock_basis = {}
        if CLOCK_INPUTS & vals.keys():
            clock_basis = self._sla_basis()
            corrected = self._sla_corrected(vals)
            # A breach is kept before anything moves the deadlines it missed
            # (judged when the system's history says the change happened, as
            # the demo's resolutions); a correction of what the clock counts
            # from computes them again.
            moment = self.env.su and (
                vals.get("date_resolved") or vals.get("date_closed")
            )
            (self - corrected)._keep_breached_sla(
                fields.Datetime.to_datetime(moment) if moment else None
            )
            corrected._release_sla()
        if "stage_id" in vals and not all(
            complaint.stage_id.id == vals["stage_id"] for complaint in self
        ):
            stage = self.env["crm.complaint.stage"].browse(vals["stage_id"])
            dates = self._stage_dates(stage, fields.Datetime.now())
            if self.env.su:
                # The system may give the dates of a history (the demo's).
                for fname, value in dates.items():
                    vals.setdefault(fname, value)
            else:
                # The guard let values equal to the current ones pass: the
                # stage's dates are the system's, whatever the client sent.
                vals.update(dates)
            newly_resolved = self.filtered(
                lambda complaint: stage.is_resolved and not complaint.is_resolved
            )
            # Those leaving or entering a stage that pauses the clock.
            pausing = self.filtered("stage_id.pauses_sla")
            if stage.pauses_sla:
                pausing = self
        else:
            newly_resolved = pausing = self.browse()
        res = super().write(vals)
        if "stage_id" in vals:
            self._apply_stage_dates()
            pausing._sync_sla_pauses()
            self._sync_sla_kept()
        elif corrected:
            corrected._sync_sla_kept()
        if newly_resolved:
            newly_resolved._on_resolved()
        if clock_basis:
            self._reset_escalation(clock_basis)
        return res

    def _sla_basis(self):
        """``{complaint: (service level, reception, finished)}``: what a
        complaint's deadlines are counted from, and whether it is resolved or
        closed (see :meth:`_reset_escalation`)."""
        return {
            complaint: (
                complaint.sla_id.id,
                complaint.date_received,
                complaint.is_resolved or complaint.is_closed,
            )
            for complaint in self.sudo()
        }

    def _reset_escalation(self, basis):
        """Escalate the complaints of ``self`` anew once their service level
        or reception changed since ``basis`` (:meth:`_sla_basis`), or they
        were reopened: their deadlines are new ones, each at risk and breach
        of them is escalated once (a breach kept keeps its service level:
        lowering the severity escalates nothing again)."""
        after = self._sla_basis()
        reset = self.sudo().filtered(
            lambda complaint: (
                complaint.escalation_level
                and (
                    after[complaint][:2] != basis[complaint][:2]
                    or (basis[complaint][2] and not after[complaint][2])
                )
            )
        )
        # The escalation is the system's (see _crm_guarded_fields).
        reset.write({"escalation_level": 0})

    def _sla_corrected(self, vals):
        """The complaints of ``self`` whose service level or reception
        ``vals`` change (:data:`SLA_CORRECTIONS`): a complaint manager's
        correction, or the system's. The guard lets anybody write the values a
        complaint has: they change nothing."""
        fnames = [fname for fname in SLA_CORRECTIONS if fname in vals]
        if not fnames:
            return self.browse()
        return self.filtered(
            lambda complaint: any(
                complaint._fields[fname].convert_to_cache(vals[fname], complaint)
                != complaint._fields[fname].convert_to_cache(
                    complaint[fname], complaint
                )
                for fname in fnames
            )
        )

    def _keep_breached_sla(self, moment=None):
        """Keep the service level of the complaints of ``self`` that breached
        it by ``moment`` (now): their status is written Breached (tracked),
        and their service level, deadlines and status are kept
        (``sla_kept``).

        Asked before a change that would move their deadlines (of the
        severity, the category, the stage; of a service level or a stage
        that pauses): a breach is never undone by lowering the severity, and
        the status the job has not refreshed yet counts as it is now.
        """
        moment = moment or fields.Datetime.now()
        # The clock is the system's (see _crm_guarded_fields): as sudo.
        breached = self.sudo().filtered(
            lambda complaint: (
                complaint.id
                and not complaint.sla_kept
                and complaint._sla_status_at(moment) == SLA_BREACHED
            )
        )
        breached.write({"sla_status": SLA_BREACHED, "sla_kept": True})

    def _release_sla(self):
        """Let the service level of the complaints of ``self`` be computed
        again, before a correction of their service level or reception: each
        keeps its service level unless the correction changes it."""
        kept = self.sudo().filtered("sla_kept")
        for sla, complaints in kept.grouped("sla_id").items():
            # (Written with the flag, the service level is not computed again.)
            complaints.write({"sla_kept": False, "sla_id": sla.id})

    def _sync_sla_kept(self):
        """Keep the service level, deadlines and status of the complaints of
        ``self`` that are resolved or closed, as they are computed for the
        resolution or the closing (its answer, the pause it ended counted);
        compute those of the complaints reopened again, unless they breached.
        """
        # The clock is the system's (see _crm_guarded_fields): as sudo.
        complaints = self.sudo()
        finished = complaints.filtered(
            lambda complaint: complaint.is_resolved or complaint.is_closed
        )
        keeping = finished.filtered(lambda complaint: not complaint.sla_kept)
        if keeping:
            keeping._recompute_recordset(list(SLA_OUTCOME))
            keeping.write({"sla_kept": True})
        reopened = (complaints - finished).filtered(
            lambda complaint: (
                complaint.sla_kept and complaint.sla_status != SLA_BREACHED
            )
        )
        reopened.write({"sla_kept": False})

    def _apply_stage_dates(self):
        """Reaching a resolved stage answers the customer, if nobody did
        before: the first-response clock stops at the resolution at the latest.
        Other stage changes (taking a complaint in hand, asking the customer to
        wait) are no answer: see :meth:`_is_answer_to_customer`."""
        for complaint in self:
            if complaint.is_resolved and not complaint.date_first_response:
                # The clock is the system's (see _crm_guarded_fields).
                complaint.sudo().date_first_response = (
                    complaint.date_resolved or fields.Datetime.now()
                )

    def _sync_sla_pauses(self):
        """Stop the service-level clock of the complaints in a stage that
        pauses it, restart the others': one pause opened per complaint entering
        such a stage, its open pause closed when it leaves. Set-based: one
        search, one write, one create for any number of complaints. The
        pauses are the system's (see _crm_guarded_fields): written as sudo."""
        if not self:
            return
        now = fields.Datetime.now()
        Pause = self.env["crm.complaint.sla.pause"].sudo()
        running = Pause.search(
            [("complaint_id", "in", self.ids), ("date_end", "=", False)]
        )
        ending = running.filtered(
            lambda pause: (
                pause.complaint_id.stage_id != pause.stage_id
                or not pause.stage_id.pauses_sla
            )
        )
        ending.write({"date_end": now})
        still_paused = (running - ending).complaint_id
        Pause.create(
            [
                {
                    "complaint_id": complaint.id,
                    "stage_id": complaint.stage_id.id,
                    "date_start": now,
                }
                for complaint in self.sudo()
                if complaint.stage_id.pauses_sla and complaint not in still_paused
            ]
        )

    def _message_post_after_hook(self, message, msg_vals):
        # The first answer to the customer stops the first-response clock.
        if not self.sudo().date_first_response and self._is_answer_to_customer(
            msg_vals
        ):
            # The clock is the system's (see _crm_guarded_fields).
            self.sudo().date_first_response = fields.Datetime.now()
        return super()._message_post_after_hook(message, msg_vals)

    def _is_answer_to_customer(self, msg_vals):
        """Whether a message posted on the complaint answers the customer.

        An answer is a message *sent* (the chatter's "Send message", an e-mail
        from the composer, or a reply by e-mail to the complaint's
        notifications, which Odoo posts and sends to its followers), not a
        note, not a notification; written by an internal user (a portal
        user's message, or the customer's e-mail, is the customer talking);
        and reaching the customer: one of the customer's
        contacts is among its recipients or follows the complaint's
        discussions (for a complaint from an unknown address: a recipient with
        that address).
        """
        self.ensure_one()
        comment = self.env.ref("mail.mt_comment")
        if (
            msg_vals.get("message_type") not in ("comment", "email")
            or msg_vals.get("subtype_id") != comment.id
            or self.env.user.share
        ):
            return False
        Partner = self.env["res.partner"].sudo()
        author = Partner.browse(msg_vals.get("author_id"))
        if not any(not user.share for user in author.user_ids):
            return False
        complaint = self.sudo()
        # (Not the author: a colleague's e-mail registering a complaint names
        # them its customer.)
        reached = (
            Partner.browse(list(msg_vals.get("partner_ids") or []))
            | complaint.message_follower_ids.filtered(
                lambda follower: comment in follower.subtype_ids
            ).partner_id
        ) - author
        customer = complaint.commercial_partner_id
        if customer:
            return any(partner.commercial_partner_id == customer for partner in reached)
        email = email_normalize(complaint.email_from or "")
        return bool(email) and email in reached.mapped("email_normalized")

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint from an incoming email: the customer is found by address,
        among the customers of the alias's company (its defaults may name one;
        else the company the mail gateway runs in) and the shared ones."""
        values = dict(custom_values or {})
        company = (
            self.env["res.company"].browse(values.get("company_id")).exists()
            or self.env.company
        )
        values["company_id"] = company.id
        email = email_normalize(msg_dict.get("email_from") or "")
        partner = self.env["res.partner"]
        if email:
            partner = partner.search(
                [
                    ("email_normalized", "=", email),
                    ("company_id", "in", [False, company.id]),
                ],
                order="is_company desc, id",
                limit=1,
            )
        values.setdefault(
            "subject", msg_dict.get("subject") or self.env._("No subject")
        )
        # The reference comes from the sequence (Odoo would name the record
        # after the e-mail's subject, whatever the sender wrote there).
        values["name"] = self.env._("New")
        values.setdefault("channel", "email")
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("email_from", msg_dict.get("email_from"))
        if partner:
            values.setdefault("partner_id", partner.id)
        return super().message_new(msg_dict, custom_values=values)

    def _message_get_suggested_recipients(self, *args, **kwargs):
        """The customer, else the address the complaint came from."""
        recipients = super()._message_get_suggested_recipients(*args, **kwargs)
        for complaint in self:
            if complaint.partner_id:
                compat.add_suggested_recipient(
                    complaint,
                    recipients,
                    partner=complaint.partner_id,
                    reason=self.env._("Customer"),
                )
            elif complaint.email_from:
                compat.add_suggested_recipient(
                    complaint,
                    recipients,
                    email=complaint.email_from,
                    reason=self.env._("Customer Email"),
                )
        return recipients

    # ------------------------------------------------------------------
    # Resolution and feedback
    # ------------------------------------------------------------------

    def _on_resolved(self):
        """Schedule the follow-up and ask the customer to rate the handling.

        A complaint resolved again (reopened, then resolved) whose follow-up
        is still open gets no second one (the customer is asked again: the
        rating is of the last resolution)."""
        key = "crm_extension.complaint_follow_up_days"
        follow_up_days = parse_int_setting(
            key, self.env["ir.config_parameter"].sudo().get_param(key)
        )
        template = self.env.ref(
            "crm_extension.mail_template_complaint_rating", raise_if_not_found=False
        )
        handlers = {
            complaint.id: complaint.user_id.id or self.env.uid for complaint in self
        }
        langs = user_langs(self.env, handlers.values())
        following = self._open_follow_ups().mapped("res_id")
        for complaint in self:
            handler = handlers[complaint.id]
            if complaint.id not in following:
                complaint.activity_schedule(
                    FOLLOW_UP_TYPE,
                    date_deadline=fields.Date.context_today(complaint)
                    + timedelta(days=follow_up_days),
                    # In the handler's language: the follow-up is theirs.
                    summary=self.with_context(lang=langs[handler]).env._(
                        "Follow up: is the customer satisfied?"
                    ),
                    user_id=handler,
                )
            if template and complaint.partner_id:
                complaint.rating_send_request(template, lang=complaint.partner_id.lang)

    def _open_follow_ups(self):
        """The open follow-up activities of the complaints: the automated
        to-dos :meth:`_on_resolved` schedules (escalations are warnings),
        whoever they were moved to since."""
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self.env.ref(FOLLOW_UP_TYPE).id),
                    ("automated", "=", True),
                ]
            )
        )

    def _notify_intake(self):
        """Tell whoever is responsible for a complaint that arrived by e-mail
        or on the portal (:meth:`_responsible_users`: its handler, else the
        service level's escalation contact, the team leader or a complaint
        manager) with a to-do to take it in hand: nobody registered it in the
        company. Their own registration needs none."""
        assignees = self._responsible_users(INTAKE)
        langs = user_langs(self.env, set(assignees.values()))
        today = fields.Date.context_today(self)
        for complaint in self.sudo():
            user_id = assignees.get(complaint.id)
            if not user_id or user_id == self.env.uid:
                continue
            complaint.activity_schedule(
                INTAKE_TYPE,
                date_deadline=today,
                # In the assignee's language: the to-do is theirs.
                summary=self.with_context(lang=langs[user_id]).env._(
                    "New complaint from the customer: take it in hand"
                ),
                user_id=user_id,
            )

    def _rating_get_partner(self):
        return self.partner_id

    def _rating_get_operator(self):
        return self.user_id.partner_id

    def action_issue_credit_note(self):
        """Open Odoo's reversal wizard on the complaint's invoice."""
        self.ensure_one()
        self._check_credit_note_allowed()
        return {
            "name": self.env._("Credit Note for %(complaint)s", complaint=self.name),
            "type": "ir.actions.act_window",
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": self.invoice_id.ids,
                "default_crm_complaint_id": self.id,
                # In the language of the reference Odoo writes it into.
                "default_reason": self.with_context(
                    lang=compat.reversal_lang(self.invoice_id)
                ).env._(
                    "Complaint %(complaint)s: %(subject)s",
                    complaint=self.name,
                    subject=self.subject,
                ),
            },
        }

    def _check_credit_note_allowed(self):
        """Whether the current user may issue a credit note settling this
        complaint: asked when the wizard opens and again when it reverses
        (a client may create the wizard itself)."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only accountants may issue credit notes from complaints.")
            )
        if not self.invoice_id or self.invoice_id.state != "posted":
            raise UserError(
                self.env._("Link a posted customer invoice to the complaint first.")
            )
        if self.is_closed:
            # (The form hides the button: the same answer to any client.)
            raise UserError(
                self.env._(
                    "%(complaint)s is closed: reopen it to issue a credit note.",
                    complaint=self.display_name,
                )
            )
        invoice = self.invoice_id
        credited = invoice._crm_credited()[invoice]
        if invoice.currency_id.compare_amounts(credited, invoice.amount_total) >= 0:
            raise UserError(
                self.env._(
                    "Nothing is left to credit on %(invoice)s: its credit notes "
                    "already credit %(credited)s of its %(total)s.",
                    invoice=invoice.name,
                    credited=format_amount(self.env, credited, invoice.currency_id),
                    total=format_amount(
                        self.env, invoice.amount_total, invoice.currency_id
                    ),
                )
            )

    def action_view_credit_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_refund", "create": False}
        if len(self.credit_note_ids) == 1:
            action.update(views=[(False, "form")], res_id=self.credit_note_ids.id)
        return action

    @api.model
    def _action_register(self, partner=None, order=None, invoice=None):
        """The form of a new complaint about a customer, order or invoice."""
        context = {"default_channel": "phone"}
        if partner:
            context["default_partner_id"] = partner.id
        if order:
            context["default_sale_order_id"] = order.id
            context["default_company_id"] = order.company_id.id
        if invoice:
            context["default_invoice_id"] = invoice.id
            context["default_company_id"] = invoice.company_id.id
            product = invoice.invoice_line_ids.product_id[:1]
            if product:
                context["default_product_id"] = product.id
        return {
            "name": self.env._("New Complaint"),
            "type": "ir.actions.act_window",
            "res_model": "crm.complaint",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    @api.model
    def _count_by(self, fname, domain):
        """``{record: number of complaints}`` per value of the many2one
        ``fname``, among the complaints meeting ``domain`` that this environment
        may read: call it on ``sudo()`` for a figure that must not depend on the
        reader. The one count of complaints: the counters of customers, orders,
        invoices and complaints, and the repeated-complaints rule of the
        customer value job. One grouped query for any number of records."""
        if not self.env.su and not self.has_access("read"):
            return {}
        return dict(self._read_group(domain, [fname], ["__count"]))

    @api.model
    def _action_view(self, domain, context):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_extension.crm_complaint_action"
        )
        action["domain"] = domain
        action["context"] = context
        return action

    # ------------------------------------------------------------------
    # Service level
    # ------------------------------------------------------------------

    @api.model
    def _cron_escalate(self):
        """The scheduled job: :meth:`_escalate_due` now, or as a queued job
        where OCA's queue_job is installed."""
        return self.env["ir.cron"]._crm_queue_or_run(self, "_escalate_due")

    @api.model
    @exclusive_job
    def _escalate_due(self):
        """Refresh the service-level status of open complaints and escalate.

        Paused complaints are left alone: their clock stands still, their status
        was set when it stopped (see :func:`tools.sla_status`), and they are
        never escalated. A complaint that breached keeps its status (and its
        service level and deadlines: ``sla_kept``). Each level (at risk,
        breached) is escalated once: a level is recorded when its activity is
        scheduled, so a complaint with nobody to escalate to is tried again at
        the next run.

        Set-based, whatever the number of complaints (the job runs every 15
        minutes over every open complaint, tens of thousands of them, and the
        ORM writes, logs and creates record by record or a thousand at a
        time): one read of the open complaints that are not paused, one UPDATE
        of the statuses that changed (:meth:`_write_sla_escalation`), each
        change of status noted in the chatter as Odoo tracks a change by hand
        (:meth:`_log_sla_status_changes`), the escalation activities created
        with what Odoo's API does besides (:meth:`_schedule_escalations`), and
        one UPDATE of the levels escalated: a number of queries that does not
        grow with the complaints.
        """
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            SELECT c.id, c.date_received, c.response_deadline, c.resolution_deadline,
                   c.date_first_response, c.sla_status, c.escalation_level,
                   c.response_at_risk, c.resolution_at_risk, c.sla_kept
              FROM crm_complaint c
             WHERE NOT c.is_closed AND NOT c.is_resolved
               AND c.resolution_deadline IS NOT NULL
               AND c.sla_paused_since IS NULL
            """
        )
        old_statuses, new_statuses, levels, breaches = {}, {}, {}, {}
        for row in self.env.cr.fetchall():
            (
                complaint_id,
                received,
                response_deadline,
                resolution_deadline,
                first_response,
                status,
                level,
                response_at_risk,
                resolution_at_risk,
                kept,
            ) = row
            new_status = (
                status
                if kept
                else sla_status(
                    now,
                    received,
                    response_deadline,
                    resolution_deadline,
                    first_response=first_response,
                    response_at_risk=response_at_risk,
                    resolution_at_risk=resolution_at_risk,
                )
            )
            if new_status != status:
                old_statuses[complaint_id] = status
                new_statuses[complaint_id] = new_status
            if new_status == SLA_BREACHED and not kept:
                breaches[complaint_id] = True
            due = escalation_due(new_status, level)
            if due:
                levels[complaint_id] = due
        # The clock is the system's (see _crm_guarded_fields): done as sudo.
        Complaint = self.sudo()
        Complaint._write_sla_escalation(new_statuses, {}, breaches)
        Complaint.browse(sorted(old_statuses))._log_sla_status_changes(
            old_statuses, new_statuses
        )
        escalated = Complaint.browse(sorted(levels))._schedule_escalations()
        Complaint._write_sla_escalation(
            {},
            {complaint_id: levels[complaint_id] for complaint_id in escalated.ids},
            {},
        )
        compat.cron_progress(self.env, len(old_statuses) + len(levels), 0)
        return {"status_changed": len(old_statuses), "escalated": len(escalated)}

    @api.model
    def _write_sla_escalation(self, statuses, levels, kept):
        """Store the new service-level statuses, escalation levels and the
        service levels kept (a complaint that breached keeps its service
        level from then on: ``sla_kept``) of the job, in one UPDATE
        (``bulk.update_columns``).

        Not through the ORM: its write of thousands of complaints runs one
        UPDATE per thousand of them (and its recomputations read them back), a
        number of queries that grows with the complaints. The job writes what
        only the system writes (see _crm_guarded_fields) on open complaints.
        The stored fields computed from the status
        (``_compute_resolution_figures``) need no recomputation: they use it
        for resolved complaints only, and the job changes open ones; those
        computed from ``sla_kept`` keep their values when it is set.

        :param statuses: ``{complaint id: new status}``
        :param levels: ``{complaint id: new escalation level}``
        :param kept: ``{complaint id: True}`` of the complaints that breached
        """
        bulk.update_columns(
            self,
            {"sla_status": statuses, "escalation_level": levels, "sla_kept": kept},
        )

    def _log_sla_status_changes(self, old_statuses, new_statuses):
        """Note each change of the service-level status in the chatter as Odoo
        tracks a field changed by hand (``bulk.log_field_changes``): the job
        changes thousands of complaints at a time, and Odoo's tracking creates
        the messages and their values through the ORM, whose queries grow with
        the complaints.

        :param old_statuses: ``{complaint id: status before}``
        :param new_statuses: ``{complaint id: status after}``
        """
        bulk.log_field_changes(self, "sla_status", old_statuses, new_statuses)

    def _schedule_escalations(self):
        """An activity for whoever each complaint escalates to
        (:meth:`_responsible_users`).

        The activities are created with what ``mail.activity.create`` does
        besides (called with ``mail_activity_quick_update``, as automated
        activities are: no e-mail per activity) by
        ``bulk.create_automated_activities``: the assignees follow the
        complaints (Odoo's default subscription, existing followers left as
        they are) and each assignee is told once on the bus. Not through the
        ORM: the job escalates thousands of complaints at a time, and
        ``mail.activity.create`` (its computed fields, then a subscription per
        assignee) runs a number of queries that grows with them; here they
        grow with the assignees only.

        :return: the complaints escalated
        """
        if not self:
            return self.browse()
        activity_type = self.env.ref(
            "mail.mail_activity_data_warning", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        assignees = self._responsible_users(ESCALATION)
        # res_name is the complaint's display name: its reference.
        self.env.cr.execute(
            SQL(
                "SELECT id, name, sla_status FROM crm_complaint WHERE id = ANY(%s)",
                sorted(assignees),
            )
        )
        complaints = {
            complaint_id: (name, status)
            for complaint_id, name, status in self.env.cr.fetchall()
        }
        # Each assignee reads the summary in their language.
        langs = user_langs(self.env, set(assignees.values()))
        summaries = {}
        for lang in set(langs.values()):
            env = self.with_context(lang=lang).env
            summaries[lang] = {
                "breached": env._("Complaint breached its service level"),
                "at_risk": env._("Complaint at risk of missing its service level"),
            }
        rows = []
        for complaint_id, user_id in sorted(assignees.items()):
            name, status = complaints[complaint_id]
            rows.append(
                {
                    "res_id": complaint_id,
                    "res_name": name,
                    "user_id": user_id,
                    "summary": summaries[langs[user_id]][
                        "breached" if status == SLA_BREACHED else "at_risk"
                    ],
                    "date_deadline": today,
                }
            )
        bulk.create_automated_activities(
            self.env, self._name, rows, activity_type=activity_type
        )
        return self.browse(sorted(assignees))

    def _responsible_users(self, candidates):
        """Who is responsible for each complaint, for ``candidates``
        (:data:`ESCALATION` or :data:`INTAKE`): the first, in that order, of
        the people it names who is an active internal user of the
        complaint's company and may read the complaint; the complaint
        managers come last, for a complaint nobody else is there for (one
        from the portal or by e-mail, without category handler nor team).
        A complaint with none of them is left out.

        One query lists the candidates, in order, whatever the number of
        complaints (the ORM reads them by thousands: its queries would grow
        with the escalation job); whether they may read the complaints is
        asked as each of them, once, and only of those who come first for a
        complaint (:func:`tools.first_readers`).

        :return: ``{complaint id: user id}``
        """
        if not self:
            return {}
        self.env.flush_all()
        managers = self.env["res.users"]._crm_complaint_managers().sorted("id").ids
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id,
                       ARRAY(
                           SELECT candidate.user_id
                             FROM unnest(ARRAY[%(named)s]::int[] || %(managers)s::int[])
                                  WITH ORDINALITY AS candidate(user_id, rank)
                             JOIN res_users u ON u.id = candidate.user_id
                                             AND u.active AND NOT u.share
                             JOIN res_company_users_rel r ON r.user_id = u.id
                                                         AND r.cid = c.company_id
                            ORDER BY candidate.rank)
                  FROM crm_complaint c
                  LEFT JOIN crm_complaint_sla s ON s.id = c.sla_id
                  LEFT JOIN crm_team t ON t.id = c.team_id
                  LEFT JOIN res_partner p ON p.id = c.commercial_partner_id
                  LEFT JOIN res_users salesperson ON salesperson.id = p.user_id
                  LEFT JOIN crm_team ct ON ct.id = salesperson.sale_team_id
                 WHERE c.id = ANY(%(ids)s)
                 ORDER BY c.id
                """,
                named=SQL(", ").join(SQL(column) for column in candidates),
                managers=managers,
                ids=self.ids,
            )
        )
        return first_readers(dict(self.env.cr.fetchall()), self._readable_by)

    def _readable_by(self, user_id, complaint_ids):
        """The complaints of ``complaint_ids`` the user may read, as the user
        (in all their companies), in one query: who may be their handler
        (:meth:`_check_handler`) or hear of them (escalations, intake)."""
        return readable_by(self.env, user_id, self._name, complaint_ids)

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name
