from odoo import fields, models
from odoo.tools import format_amount

from ..tools.server_context import SETTLING_COMPLAINT


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
        complaint = self.crm_complaint_id
        if not complaint:
            return super().reverse_moves(is_modify=is_modify)
        complaint._check_credit_note_allowed()
        Move = self.env["account.move"]
        before = Move.search([("complaint_id", "=", complaint.id)])
        # The one path that links credit notes to a complaint (see
        # account.move's guarded complaint_id).
        action = super(
            AccountMoveReversal, self.with_context(**SETTLING_COMPLAINT.context())
        ).reverse_moves(is_modify=is_modify)
        # (Not new_move_ids: with "full refund and new draft invoice" they are
        # the new invoices, the credit notes posted and reconciled.)
        refunds = Move.search([("complaint_id", "=", complaint.id)]) - before
        for refund in refunds:
            complaint.message_post(body=self._crm_settling_note(refund))
        return action

    def _crm_settling_note(self, refund):
        """The complaint's note on the credit note ``refund`` issued for it:
        its amount, its number once posted, a link to it (not its name, which
        for a draft is Odoo's "Draft Credit Note" with the reference Odoo
        wrote in the customer's language)."""
        amount = format_amount(self.env, refund.amount_total, refund.currency_id)
        if refund.state == "posted":
            return self.env._(
                "Credit note %(credit_note)s of %(amount)s issued for this complaint.",
                credit_note=refund._get_html_link(title=refund.name),
                amount=amount,
            )
        return self.env._(
            "Draft credit note of %(amount)s created for this complaint.",
            amount=refund._get_html_link(title=amount),
        )
