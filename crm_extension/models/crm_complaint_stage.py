from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    pauses_sla = fields.Boolean(
        string="Pauses the Service Level",
        help="The customer has the ball: while a complaint is in this stage its "
        "service-level clock stands still (status Paused, never escalated), and "
        "the working hours it spends here move its deadlines out.",
    )
    description = fields.Text(translate=True)

    @api.constrains("pauses_sla", "is_resolved", "is_closed")
    def _check_pauses_open_stage(self):
        for stage in self:
            if stage.pauses_sla and (stage.is_resolved or stage.is_closed):
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s: only a stage of open complaints can pause "
                        "the service level.",
                        stage=stage.name,
                    )
                )

    def write(self, vals):
        toggled = (
            self.filtered(lambda stage: stage.pauses_sla != bool(vals["pauses_sla"]))
            if "pauses_sla" in vals
            else self.browse()
        )
        res = super().write(vals)
        if toggled:
            # The complaints already in the stage stop or restart their clock
            # now (those that breached keep their deadlines).
            complaints = (
                self.env["crm.complaint"]
                .sudo()
                .search([("stage_id", "in", toggled.ids)])
            )
            complaints._keep_breached_sla()
            complaints._sync_sla_pauses()
        return res
