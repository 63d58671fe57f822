from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import compat

# What a complaint's deadlines and status read from its service level.
CLOCK_SETTINGS = frozenset(
    {"response_hours", "resolution_hours", "resource_calendar_id", "at_risk_ratio"}
)

SEVERITY_SELECTION = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Critical"),
]


class CrmComplaintSla(models.Model):
    """Service level of complaints: how fast to answer and to resolve them."""

    _name = "crm.complaint.sla"
    _description = "Complaint Service Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    severity = fields.Selection(
        SEVERITY_SELECTION,
        help="The severity of the complaints it applies to; empty: any severity.",
    )
    category_ids = fields.Many2many(
        "crm.complaint.category",
        string="Categories",
        help="The categories (and their subcategories) it applies to; empty: any "
        "category.",
    )
    response_hours = fields.Float(
        string="First Response (working hours)", required=True, default=4
    )
    resolution_hours = fields.Float(
        string="Resolution (working hours)", required=True, default=24
    )
    at_risk_ratio = fields.Float(
        string="At Risk After (%)",
        default=75,
        help="Share of the working hours to a deadline after which an open "
        "complaint is at risk of missing it.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Deadlines count the working hours of this calendar, its public "
        "holidays excluded.",
    )
    escalate_to_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Who is alerted when a complaint is at risk or breaches the service "
        "level; when empty, the team leader, else the handler, else whoever "
        "registered the complaint, else the leader of the customer's "
        "salesperson's team, else a complaint manager.",
    )

    _hours_positive = compat.Constraint(
        "CHECK(response_hours > 0 AND resolution_hours > 0)",
        "Response and resolution times must be positive.",
    )
    _at_risk_ratio_range = compat.Constraint(
        "CHECK(at_risk_ratio > 0 AND at_risk_ratio < 100)",
        "The at-risk share must be between 0 and 100 %.",
    )

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for sla in self:
            if sla.response_hours > sla.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "Service level %(name)s: the first response cannot be due "
                        "after the resolution.",
                        name=sla.name,
                    )
                )

    @api.constrains("escalate_to_id", "company_id")
    def _check_escalate_to(self):
        """Escalations are activities on complaints, and their assignees follow
        the complaints: an internal user of the service level's company only
        (a portal user would read another customer's complaint)."""
        for sla in self:
            user = sla.escalate_to_id.sudo()
            if not user:
                continue
            if user.share:
                raise ValidationError(
                    self.env._(
                        "Service level %(name)s: %(user)s is not an internal user "
                        "and cannot receive escalations.",
                        name=sla.name,
                        user=user.name,
                    )
                )
            if sla.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "Service level %(name)s: %(user)s does not work for "
                        "%(company)s and cannot receive its escalations.",
                        name=sla.name,
                        user=user.name,
                        company=sla.company_id.sudo().name,
                    )
                )

    def write(self, vals):
        if not CLOCK_SETTINGS & vals.keys():
            return super().write(vals)
        # The complaints that breached it keep their deadlines and status:
        # a breach is never undone by a longer service level.
        complaints = (
            self.env["crm.complaint"]
            .sudo()
            .search(
                [
                    ("sla_id", "in", self.ids),
                    ("sla_kept", "=", False),
                    ("is_resolved", "=", False),
                    ("is_closed", "=", False),
                ]
            )
        )
        complaints._keep_breached_sla()
        res = super().write(vals)
        # The others count from new settings: their new deadlines are
        # escalated anew, once each (see crm.complaint's _reset_escalation).
        complaints.filtered(
            lambda complaint: not complaint.sla_kept and complaint.escalation_level
        ).write({"escalation_level": 0})
        return res

    def _applies_to(self, severity, category):
        self.ensure_one()
        if self.severity and self.severity != severity:
            return False
        if self.category_ids:
            if not category:
                return False
            ancestors = {int(part) for part in category.parent_path.split("/") if part}
            if not ancestors & set(self.category_ids.ids):
                return False
        return True

    @api.model
    def _find_for(self, company, severity, category):
        """The most specific active service level for a complaint."""
        candidates = self.search(
            [("company_id", "=", company.id)], order="sequence, id"
        )
        matching = candidates.filtered(lambda sla: sla._applies_to(severity, category))
        # Specific (category, then severity) before generic, then by sequence.
        return matching.sorted(
            lambda sla: (not sla.category_ids, not sla.severity, sla.sequence, sla.id)
        )[:1]
