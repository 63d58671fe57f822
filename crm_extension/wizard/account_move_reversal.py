from odoo import fields, models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    complaint_id = fields.Many2one("crm.complaint", readonly=True)

    def _prepare_default_reversal(self, move):
        values = super()._prepare_default_reversal(move)
        if self.complaint_id:
            # The credit note settles the complaint: linked both ways.
            values["complaint_id"] = self.complaint_id.id
        return values

    def reverse_moves(self, is_modify=False):
        action = super().reverse_moves(is_modify=is_modify)
        if self.complaint_id:
            refunds = self.new_move_ids.filtered(lambda move: move.complaint_id)
            if refunds:
                self.complaint_id.message_post(
                    body=self.env._(
                        "Credit note %(credit_notes)s issued.",
                        credit_notes=", ".join(refunds.mapped("display_name")),
                    )
                )
        return action
