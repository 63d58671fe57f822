"""Customer service history: the complaints of a customer and its contacts."""

from odoo import fields, models

from .crm_guarded_field_mixin import INTERNAL


class ResPartner(models.Model):
    _inherit = "res.partner"

    complaint_ids = fields.One2many(
        "crm.complaint", "partner_id", string="Complaints", groups=INTERNAL
    )

    complaint_count = fields.Integer(
        compute="_compute_complaint_count", groups=INTERNAL
    )

    def _compute_complaint_count(self):
        counts = self._get_complaint_counts()
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id.id, 0)

    def _get_complaint_counts(self, date_from=None):
        """Complaints per commercial partner: ``{commercial partner id: count}``.

        Counts the complaints of the customer and of its contacts, received since
        ``date_from`` when given, whoever may read them (the figure feeds the
        customer's analytics). One grouped query for any number of partners.
        """
        domain = [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
        if date_from:
            domain.append(("date_received", ">=", date_from))
        return {
            partner.id: count
            for partner, count in self.env["crm.complaint"]
            .sudo()
            ._read_group(domain, ["commercial_partner_id"], ["__count"])
        }

    def action_view_complaints(self):
        self.ensure_one()
        return self.env["crm.complaint"]._action_view(
            [("commercial_partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.id},
        )
