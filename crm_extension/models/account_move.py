from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from ..tools.server_context import SETTLING_COMPLAINT


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.guarded.field.mixin"]

    # A credit note settles a complaint when it is issued from the complaint
    # (Odoo's reversal wizard, see wizard/account_move_reversal.py): the link
    # is the system's, on every path.
    _crm_guarded_fields = {"complaint_id": ()}

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

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_values(vals_list, creating=True)
        return super(AccountMove, self._without_guarded_defaults()).create(vals_list)

    def write(self, vals):
        self._check_guarded_values([vals])
        return super().write(vals)

    @api.model
    def _without_guarded_defaults(self):
        """Without a ``default_complaint_id`` of the context, whoever creates:
        the reversal wizard gives the credit note of the complaint's invoice
        its complaint explicitly (see wizard/account_move_reversal.py), while
        a default would link every move the call creates, the credit notes of
        other invoices and the new draft invoices among them, to whichever
        complaint the client names."""
        moves = super()._without_guarded_defaults()
        if "default_complaint_id" not in moves.env.context:
            return moves
        context = dict(moves.env.context)
        del context["default_complaint_id"]
        return moves.with_env(moves.env(context=context))

    @api.model
    def _guarded_fields_denied(self):
        denied = super()._guarded_fields_denied()
        if SETTLING_COMPLAINT.is_raised(self.env.context):
            denied.discard("complaint_id")
        return denied

    @api.constrains(
        "complaint_id", "reversed_entry_id", "move_type", "partner_id", "state"
    )
    def _check_complaint_credit_note(self):
        """A credit note settles a complaint only by reversing the complaint's
        invoice, to the complaint's customer: no credit note can be linked to
        another complaint, or given to another customer, on any path.

        A cancelled credit note settles nothing: the complaint's invoice may
        be corrected after it (see crm.complaint's _check_credit_notes_kept).
        Asked again when its state changes: one reset to draft, or posted,
        after such a correction is refused, whatever the order of the steps."""
        for move in self.sudo().filtered(
            lambda move: move.complaint_id and move.state != "cancel"
        ):
            complaint = move.complaint_id
            if (
                move.move_type != "out_refund"
                or not complaint.invoice_id
                or move.reversed_entry_id != complaint.invoice_id
                or move.commercial_partner_id != complaint.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(move)s cannot settle the complaint %(complaint)s: only a "
                        "credit note of the complaint's invoice, to its customer, "
                        "can.",
                        move=move.with_env(self.env)._crm_credit_note_label(),
                        complaint=complaint.name,
                    )
                )

    def _crm_credit_note_label(self):
        """How a message names this credit note: its number, or, for a draft
        that has none yet (Odoo names them all "Draft Credit Note"), its
        record number, so that two drafts read apart."""
        self.ensure_one()
        if self.name and self.name != "/":
            return self.name
        return self.env._("draft credit note #%(id)s", id=self.id)

    @api.model
    def _crm_credited_by_draft_domain(self):
        """The moves settled by a counterpart that is not posted: Odoo 19.0
        keeps a credit note reset to draft reconciled with its invoice, whose
        payment state stays *reversed*, while the draft credits nothing."""
        return [
            (
                "line_ids",
                "any",
                [("matched_credit_ids.credit_move_id.parent_state", "!=", "posted")],
            )
        ]

    @api.model
    def _crm_credited_in_full_domain(self):
        """The customer invoices credited in full: Odoo's payment state
        *reversed* (settled by credit notes, as its reversal wizard leaves an
        invoice; a partial credit note leaves it open), by credit notes that
        are posted (see :meth:`_crm_credited_by_draft_domain`). The one
        definition: the deals (:meth:`_crm_deal_domain`) and the customer
        values (``crm.customer.value``) read it."""
        return [
            ("move_type", "=", "out_invoice"),
            ("payment_state", "=", "reversed"),
            "!",
            *self._crm_credited_by_draft_domain(),
        ]

    @api.model
    def _crm_deal_domain(self):
        """The customer invoices that are deals: posted, and not credited in
        full (:meth:`_crm_credited_in_full_domain`). The one definition the
        customer's lifecycle (``lifecycle_sql``) and the shared pool's release
        read."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            "|",
            ("payment_state", "!=", "reversed"),
            *self._crm_credited_by_draft_domain(),
        ]

    def _crm_invoices_credited_in_full(self):
        """The customer invoices these credit notes reverse that are credited
        in full (:meth:`_crm_credited_in_full_domain`): no deals while the
        credit notes are posted (:meth:`_crm_deal_domain`)."""
        return (
            self.sudo()
            .filtered(lambda move: move.move_type == "out_refund")
            .reversed_entry_id.filtered_domain(self._crm_credited_in_full_domain())
        )

    @api.depends("complaint_ids")
    @api.depends_context("uid", "allowed_company_ids")
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

    def _crm_credited(self):
        """What the posted credit notes reversing these customer invoices
        credit, whatever their origin (a complaint, Odoo's reversal from the
        invoice, a credit note typed by hand), each in its invoice's
        currency: ``{invoice: amount}``. Draft and cancelled credit notes
        credit nothing."""
        credited = dict.fromkeys(self, 0.0)
        refunds = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("reversed_entry_id", "in", self.ids),
                ]
            )
        )
        for refund in refunds:
            invoice = refund.reversed_entry_id
            credited[invoice] += refund._crm_amount_in(invoice)
        return credited

    def _crm_amount_in(self, invoice):
        """The total of this credit note in the currency of ``invoice``."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            invoice.currency_id,
            invoice.company_id,
            self.invoice_date or self.date or fields.Date.context_today(self),
        )

    def _crm_check_credit_left(self):
        """Credit notes settling a complaint never credit more than their
        invoice: with the posted credit notes of the invoice (see
        :meth:`_crm_credited`), those of ``self`` about to be posted stay
        within its total. Credit notes linked to no complaint are Odoo's
        reversals, posted as Odoo posts them."""
        refunds = self.sudo().filtered(
            lambda move: (
                move.complaint_id
                and move.move_type == "out_refund"
                and move.state != "posted"
            )
        )
        if not refunds:
            return
        invoices = refunds.reversed_entry_id
        credited = invoices._crm_credited()
        for invoice in invoices:
            posting = refunds.filtered(
                lambda refund, invoice=invoice: refund.reversed_entry_id == invoice
            )
            currency = invoice.currency_id
            amount = sum(refund._crm_amount_in(invoice) for refund in posting)
            left = max(invoice.amount_total - credited[invoice], 0.0)
            if currency.compare_amounts(amount, left) > 0:
                raise UserError(
                    self.env._(
                        "%(credit_notes)s would credit %(amount)s, more than the "
                        "%(left)s left to credit on %(invoice)s (%(credited)s of "
                        "its %(total)s credited already).",
                        credit_notes=self.env._(", ").join(
                            posting.with_env(self.env).mapped(
                                lambda refund: refund._crm_credit_note_label()
                            )
                        ),
                        amount=format_amount(self.env, amount, currency),
                        left=format_amount(self.env, left, currency),
                        invoice=invoice.name,
                        credited=format_amount(self.env, credited[invoice], currency),
                        total=format_amount(self.env, invoice.amount_total, currency),
                    )
                )

    def _crm_check_invoice_covers_credits(self):
        """The credit notes of a complaint never credit more than its invoice,
        whichever changes: a customer invoice reset to draft and lowered is
        posted again only for at least what the posted credit notes settling
        its complaints credit (see :meth:`_crm_check_credit_left` for the
        other side). Odoo's own reversals count only as Odoo counts them."""
        invoices = self.sudo().filtered(
            lambda move: move.move_type == "out_invoice" and move.state != "posted"
        )
        if not invoices:
            return
        settling = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("complaint_id", "!=", False),
                    ("reversed_entry_id", "in", invoices.ids),
                ]
            )
        )
        for invoice in settling.reversed_entry_id:
            credited = sum(
                refund._crm_amount_in(invoice)
                for refund in settling
                if refund.reversed_entry_id == invoice
            )
            currency = invoice.currency_id
            if currency.compare_amounts(invoice.amount_total, credited) < 0:
                raise UserError(
                    self.env._(
                        "%(invoice)s cannot total %(total)s: the credit notes of "
                        "its complaints already credit %(credited)s of it.",
                        invoice=invoice.name,
                        total=format_amount(self.env, invoice.amount_total, currency),
                        credited=format_amount(self.env, credited, currency),
                    )
                )

    def _post(self, soft=True):
        self._crm_check_credit_left()
        self._crm_check_invoice_covers_credits()
        posted = super()._post(soft=soft)
        posted._crm_note_credits("posted")
        customers_by_date = defaultdict(lambda: self.env["res.partner"])
        for move in posted.filtered(lambda move: move.move_type == "out_invoice"):
            customers_by_date[move.invoice_date] |= move.commercial_partner_id
        for date, customers in customers_by_date.items():
            # A posted customer invoice is a deal for the customer's lifecycle,
            # whoever posts it.
            customers.sudo()._lifecycle_event("deal", date)
        # A credit note posted that credits its invoice in full (Odoo
        # reconciles the two as it posts it) undoes the invoice's deal.
        credited = posted._crm_invoices_credited_in_full()
        credited.commercial_partner_id._lifecycle_from_documents()
        return posted

    def button_draft(self):
        # (Cancelling a posted invoice resets it to draft first.)
        undone = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )
        # A posted credit note of a complaint reset to draft (or cancelled)
        # credits nothing from now on: the complaint says so.
        withdrawn = self.filtered(
            lambda move: move.move_type == "out_refund" and move.state == "posted"
        )
        # The invoices they credited in full are deals again.
        credited = withdrawn._crm_invoices_credited_in_full()
        res = super().button_draft()
        withdrawn._crm_note_credits("withdrawn")
        # An invoice no longer posted is no deal: its customers' lifecycle
        # follows the deals they have left, whoever resets it.
        (undone.sudo() | credited).commercial_partner_id._lifecycle_from_documents()
        return res

    def button_cancel(self):
        # A credit note cancelled no longer credits its invoice: Odoo
        # unreconciles the two here (19.0 keeps a credit note reset to draft
        # reconciled, its invoice still reversed), and the invoice is a deal
        # again.
        credited = self._crm_invoices_credited_in_full()
        # Odoo resets posted moves to draft on the way: the posted credit
        # notes are reset by Odoo's own step, so that their complaints are
        # told of the cancellation, not of a draft that may be posted again.
        withdrawn = self.filtered(
            lambda move: move.move_type == "out_refund" and move.state == "posted"
        )
        if withdrawn:
            # Odoo's step, not this class's (which would note a withdrawal).
            super(AccountMove, withdrawn).button_draft()  # pylint: disable=super-method-mismatch
        res = super().button_cancel()
        withdrawn._crm_note_credits("cancelled")
        credited.commercial_partner_id._lifecycle_from_documents()
        return res

    def unlink(self):
        # So for a draft credit note deleted while it still credits (19.0).
        credited = self._crm_invoices_credited_in_full()
        res = super().unlink()
        credited.exists().commercial_partner_id._lifecycle_from_documents()
        return res

    def _crm_note_credits(self, event):
        """Note on each complaint what its credit notes of ``self`` credit:
        ``posted`` (their number, linked, and the amount posted),
        ``withdrawn`` (reset to draft: no longer credited) or ``cancelled``
        (cancelled from posted: no longer credited, never again). The complaint's
        chatter then tells what was really credited, whatever was drafted,
        edited or deleted before. Posted as the system (the note is the
        accounting's, whoever posts may only read the complaint), in the
        poster's language, signed by them."""
        refunds = self.sudo().filtered(
            lambda move: move.complaint_id and move.move_type == "out_refund"
        )
        author = self.env.user.partner_id
        for refund in refunds:
            amount = format_amount(self.env, refund.amount_total, refund.currency_id)
            link = refund._get_html_link(title=refund.name)
            if event == "posted":
                body = self.env._(
                    "Credit note %(credit_note)s posted: %(amount)s credited for "
                    "this complaint.",
                    credit_note=link,
                    amount=amount,
                )
            elif event == "cancelled":
                body = self.env._(
                    "Credit note %(credit_note)s cancelled: its %(amount)s are no "
                    "longer credited.",
                    credit_note=link,
                    amount=amount,
                )
            else:
                body = self.env._(
                    "Credit note %(credit_note)s reset to draft: its %(amount)s are "
                    "no longer credited.",
                    credit_note=link,
                    amount=amount,
                )
            refund.complaint_id.message_post(
                body=body,
                author_id=author.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
