from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.server_context import SETTLING_COMPLAINT


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    # Not "complaint_id": its default in the context would reach the credit notes
    # the wizard creates, whichever invoice they reverse.
    crm_complaint_id = fields.Many2one(
        "crm.complaint", string="Complaint", readonly=True
    )

    @api.model
    def default_get(self, fields_list):
        """The complaint a context gives the wizard (the complaint's button
        does) is one the user may read: the form would show its reference,
        as Odoo shows a default's."""
        values = super().default_get(fields_list)
        complaint = self.env["crm.complaint"].browse(values.get("crm_complaint_id"))
        if complaint and not self.env.su and not complaint.has_access("read"):
            raise AccessError(
                self.env._(
                    "You cannot issue a credit note for a complaint you may not read."
                )
            )
        return values

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_complaint_readable()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if "crm_complaint_id" in vals:
            self._check_complaint_readable()
        return res

    def _check_complaint_readable(self):
        """The complaint a client names (from the context too) is one the
        user may read: the wizard would show its reference otherwise."""
        if self.env.su:
            return
        if not all(complaint.has_access("read") for complaint in self.crm_complaint_id):
            raise AccessError(
                self.env._(
                    "You cannot issue a credit note for a complaint you may not read."
                )
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
        # A draft credits nothing yet, and may be edited or deleted: noted
        # without amount nor link. Posting it notes what it credits (see
        # account.move's _crm_note_credits), as does "full refund and new
        # draft invoice", which posts it at once.
        if refunds.filtered(lambda refund: refund.state == "draft"):
            complaint.message_post(
                body=self.env._(
                    "Draft credit note created for this complaint: it credits "
                    "nothing until it is posted."
                )
            )
        return action
