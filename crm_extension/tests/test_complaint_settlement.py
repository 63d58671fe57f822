"""A complaint is settled only by credit notes of its own invoice, never for
more than that invoice, whatever the order of the accountant's and the
officer's steps (posting, reset to draft, cancelling, correcting the
complaint's invoice, lowering the invoice)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_amount

from .test_chinese import load_chinese
from .test_complaint import CreditNoteCase


@tagged("post_install", "-at_install")
class TestComplaintSettlement(CreditNoteCase):
    def _amount(self, value, lang=None):
        return format_amount(
            self.env(context={"lang": lang}) if lang else self.env,
            value,
            self.invoice.currency_id,
        )

    def test_a_cancelled_credit_note_of_the_old_invoice_settles_nothing(self):
        """The accountant cancels the credit note of the complaint's invoice,
        the officer corrects the complaint's invoice, the accountant revives
        the credit note: refused, the complaint about the new invoice is
        never settled by a credit note of the old one."""
        complaint = self._complaint(invoice_id=self.invoice.id)
        credit_note = self._issue_credit_note(complaint)
        credit_note.action_post()
        credit_note.button_draft()
        credit_note.button_cancel()
        other_invoice = self._posted_invoice()
        # A cancelled credit note settles nothing: the invoice is corrected.
        complaint.with_user(self.complaint_officer).write(
            {"invoice_id": other_invoice.id}
        )
        self.assertEqual(complaint.invoice_id, other_invoice)
        with self.assertRaises(ValidationError) as refused:
            credit_note.button_draft()
        self.assertEqual(
            str(refused.exception),
            f"{credit_note.name} cannot settle the complaint {complaint.name}: only "
            "a credit note of the complaint's invoice, to its customer, can.",
        )
        self.assertEqual(credit_note.state, "cancel")
        # Nor a cancelled draft that never had a number.
        complaint.with_user(self.complaint_officer).write(
            {"invoice_id": self.invoice.id}
        )
        draft = self._issue_credit_note(complaint) - credit_note
        draft.button_cancel()
        complaint.with_user(self.complaint_officer).write(
            {"invoice_id": other_invoice.id}
        )
        with self.assertRaises(ValidationError) as refused:
            draft.button_draft()
        self.assertIn(
            f"draft credit note #{draft.id} cannot settle", str(refused.exception)
        )
        # Every credit note of the complaint that is not cancelled reverses
        # its invoice.
        for refund in complaint.sudo().credit_note_ids:
            self.assertTrue(
                refund.state == "cancel" or refund.reversed_entry_id == other_invoice
            )

    def test_a_lowered_invoice_is_not_posted_below_its_credit_notes(self):
        """The invoice of four tea sets has credit notes of one and two of
        them from its complaint; reset to draft and lowered to two, less than
        they credit: its posting is refused with the amounts; at three it
        posts."""
        complaint = self._complaint(invoice_id=self.invoice.id)
        first = self._issue_credit_note(complaint)
        with Form(first) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 1
        first.action_post()
        second = self._issue_credit_note(complaint) - first
        with Form(second) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 2
        second.action_post()
        credited = first.amount_total + second.amount_total
        invoice = self.invoice.with_user(self.accountant)
        invoice.button_draft()
        with Form(invoice) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 2
        lowered = invoice.amount_total
        self.assertLess(lowered, credited)
        with self.assertRaises(UserError) as refused:
            invoice.action_post()
        self.assertEqual(
            str(refused.exception),
            f"{invoice.name} cannot total {self._amount(lowered)}: the credit notes "
            f"of its complaints already credit {self._amount(credited)} of it.",
        )
        self.assertEqual(invoice.state, "draft")
        load_chinese(self.env)
        with self.assertRaises(UserError) as refused:
            invoice.with_context(lang="zh_CN").action_post()
        self.assertEqual(
            str(refused.exception),
            f"发票 {invoice.name} 的总额不能为 {self._amount(lowered, 'zh_CN')}："
            f"其投诉的退款通知已退款 {self._amount(credited, 'zh_CN')}。",
        )
        with Form(invoice) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 3
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        # Odoo's own reversals are Odoo's: an invoice credited only by them
        # is posted as Odoo posts it.
        other = self._posted_invoice().with_user(self.accountant)
        self._reversal(other).refund_moves()
        other.sudo().reversal_move_ids.action_post()
        other.button_draft()
        with Form(other) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 1
        other.action_post()
        self.assertEqual(other.state, "posted")

    def test_drafts_are_named_apart_in_the_over_credit_refusal(self):
        """Two drafts of the complaint posted together: the refusal names
        each of them (Odoo calls every draft "Draft Credit Note"), in
        English and in Chinese."""
        complaint = self._complaint(invoice_id=self.invoice.id)
        first = self._issue_credit_note(complaint)
        second = self._issue_credit_note(complaint) - first
        both = first | second
        total = self.invoice.amount_total
        with self.assertRaises(UserError) as refused:
            both.action_post()
        self.assertEqual(
            str(refused.exception),
            f"draft credit note #{first.id}, draft credit note #{second.id} would "
            f"credit {self._amount(2 * total)}, more than the {self._amount(total)} "
            f"left to credit on {self.invoice.name} ({self._amount(0)} of its "
            f"{self._amount(total)} credited already).",
        )
        load_chinese(self.env)
        with self.assertRaises(UserError) as refused:
            both.with_context(lang="zh_CN").action_post()
        message = str(refused.exception)
        self.assertTrue(
            message.startswith(
                f"退款通知草稿 #{first.id}、退款通知草稿 #{second.id} 将退款 "
                f"{self._amount(2 * total, 'zh_CN')}，超过"
            ),
            message,
        )
        self.assertNotIn("退款草稿", message)

    def test_the_wizard_names_no_complaint_the_accountant_may_not_read(self):
        """An accountant of the first company names a complaint of a second
        company to Odoo's reversal wizard: refused, its reference unread."""
        company_b = self.env["res.company"].create({"name": "Complaints B Ltd"})
        officer_b = new_test_user(
            self.env,
            login="ext_officer_b2",
            groups="crm_extension.group_complaint_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        complaint_b = (
            self.env["crm.complaint"]
            .with_user(officer_b)
            .with_company(company_b)
            .create({"subject": "Elsewhere", "company_id": company_b.id})
        )
        Reversal = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
        )
        for values, context in (
            ({"crm_complaint_id": complaint_b.id}, {}),
            ({}, {"default_crm_complaint_id": complaint_b.id}),
        ):
            with self.assertRaises(AccessError) as refused:
                Reversal.with_context(**context).create(
                    {"journal_id": self.invoice.journal_id.id, **values}
                )
            self.assertEqual(
                str(refused.exception),
                "You cannot issue a credit note for a complaint you may not read.",
            )
        # Nor shown by the form opened with it (Odoo names a default).
        with self.assertRaises(AccessError):
            Reversal.with_context(default_crm_complaint_id=complaint_b.id).onchange(
                {}, [], {"crm_complaint_id": {"fields": {"display_name": {}}}}
            )
        # Nor set afterwards.
        wizard = Reversal.create({"journal_id": self.invoice.journal_id.id})
        with self.assertRaises(AccessError):
            wizard.write({"crm_complaint_id": complaint_b.id})
