"""Customer service history: the complaints of a customer and its contacts."""

from odoo import api, fields, models

from .crm_guarded_field_mixin import INTERNAL


class ResPartner(models.Model):
    _inherit = "res.partner"

    complaint_ids = fields.One2many(
        "crm.complaint", "partner_id", string="Complaints", groups=INTERNAL
    )

    complaint_count = fields.Integer(
        compute="_compute_complaint_count", groups=INTERNAL
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_complaint_count(self):
        # The complaints of the customer and of its contacts the reader may
        # read (the list the button opens).
        counts = self.env["crm.complaint"]._count_by(
            "commercial_partner_id",
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
        )
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_complaints(self):
        self.ensure_one()
        return self.env["crm.complaint"]._action_view(
            [("commercial_partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.id},
        )
