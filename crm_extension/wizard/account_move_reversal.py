from odoo import fields, models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    # Not "complaint_id": its default in the context would reach the credit notes
    # the wizard creates, whichever invoice they reverse.
    crm_complaint_id = fields.Many2one(
        "crm.complaint", string="Complaint", readonly=True
    )

    def _prepare_default_reversal(self, move):
        values = super()._prepare_default_reversal(move)
        complaint = self.crm_complaint_id
        # The complaint comes from the context: the user must see it, and the
        # credit note settles it only when it reverses the complaint's invoice.
        if complaint and complaint.invoice_id == move:
            complaint.check_access("read")
            # The credit note settles the complaint: linked both ways.
            values["complaint_id"] = complaint.id
        return values

    def reverse_moves(self, is_modify=False):
        action = super().reverse_moves(is_modify=is_modify)
        if self.crm_complaint_id:
            refunds = self.new_move_ids.filtered(lambda move: move.complaint_id)
            if refunds:
                self.crm_complaint_id.message_post(
                    body=self.env._(
                        "Credit note %(credit_notes)s issued.",
                        credit_notes=", ".join(refunds.mapped("display_name")),
                    )
                )
        return action
