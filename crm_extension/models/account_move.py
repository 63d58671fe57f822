from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    complaint_id = fields.Many2one(
        "crm.complaint",
        index="btree_not_null",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="The complaint this credit note settles.",
    )
    complaint_ids = fields.One2many(
        "crm.complaint",
        "invoice_id",
        string="Complaints",
        groups="base.group_user",
    )
    complaint_count = fields.Integer(
        compute="_compute_complaint_count", groups="base.group_user"
    )

    @api.constrains("complaint_id", "reversed_entry_id", "move_type")
    def _check_complaint_credit_note(self):
        """A credit note settles a complaint only by reversing the complaint's
        invoice: no credit note can be linked to another complaint, on any path."""
        for move in self.sudo().filtered("complaint_id"):
            if (
                move.move_type != "out_refund"
                or not move.complaint_id.invoice_id
                or move.reversed_entry_id != move.complaint_id.invoice_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(move)s cannot settle the complaint %(complaint)s: only a "
                        "credit note of the complaint's invoice can.",
                        move=move.display_name,
                        complaint=move.complaint_id.name,
                    )
                )

    @api.depends("complaint_ids")
    def _compute_complaint_count(self):
        counts = self.env["crm.complaint"]._count_by(
            "invoice_id", [("invoice_id", "in", self.ids)]
        )
        for move in self:
            move.complaint_count = counts.get(move, 0)

    def action_register_complaint(self):
        """Register a complaint about this invoice."""
        self.ensure_one()
        return self.env["crm.complaint"]._action_register(
            partner=self.commercial_partner_id, invoice=self
        )

    def action_open_complaint(self):
        """The complaint this credit note settles."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.complaint",
            "res_id": self.complaint_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_complaints(self):
        self.ensure_one()
        return self.env["crm.complaint"]._action_view(
            [("invoice_id", "=", self.id)],
            {"default_invoice_id": self.id, "default_partner_id": self.partner_id.id},
        )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        customers_by_date = defaultdict(lambda: self.env["res.partner"])
        for move in posted.filtered(lambda move: move.move_type == "out_invoice"):
            customers_by_date[move.invoice_date] |= move.commercial_partner_id
        for date, customers in customers_by_date.items():
            # A posted customer invoice is a deal for the customer's lifecycle,
            # whoever posts it.
            customers.sudo()._lifecycle_event("deal", date)
        return posted
