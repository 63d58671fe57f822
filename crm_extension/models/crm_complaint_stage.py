from odoo import fields, models


class CrmComplaintStage(models.Model):
    _name = "crm.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    is_resolved = fields.Boolean(
        string="Resolved Stage",
        help="Complaints in this stage are resolved: the resolution date is set, "
        "the service level is met or breached, a follow-up is scheduled and the "
        "customer is asked to rate the handling.",
    )
    is_closed = fields.Boolean(
        string="Closed Stage",
        help="Complaints in this stage need no more work.",
    )
    description = fields.Text(translate=True)
