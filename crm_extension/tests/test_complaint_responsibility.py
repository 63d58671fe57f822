"""Somebody is responsible for every complaint: a handler who may read it, and,
for a complaint the customer filed (portal, e-mail) without handler, team or
escalation contact, the complaint managers, who hear of it when it arrives
and when it is at risk or breached. Nobody links a document they may not
read."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_chinese import load_chinese
from .test_complaint import RAW_EMAIL, CreditNoteCase


@tagged("post_install", "-at_install")
class TestComplaintResponsibility(CreditNoteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shipped setup: no escalation contact, no default handler.
        (cls.sla_critical | cls.sla_standard).escalate_to_id = False
        cls.category.user_id = False
        cls.portal_user.partner_id.parent_id = cls.other_customer
        cls.employee = new_test_user(
            cls.env, login="ext_employee", name="Emma Employee"
        )

    def _activities(self, complaint):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]
            )
        )

    def _from_portal(self, **values):
        """Submitted on the portal (as the portal's controller creates it)."""
        return (
            self.env["crm.complaint"]
            .with_user(self.portal_user)
            .sudo()
            .create(
                {
                    "subject": "The lid is cracked",
                    "partner_id": self.portal_user.partner_id.id,
                    "channel": "portal",
                    **values,
                }
            )
        )

    def _is_complaint_manager(self, user):
        return user.has_group("crm_extension.group_complaint_manager")

    def test_a_complaint_from_the_portal_reaches_a_complaint_manager(self):
        """Nobody registered it in the company: a complaint manager gets a
        to-do to take it in hand, in their language, and, nobody else being
        there, its escalations."""
        with freeze_time("2026-03-09 08:00:00"):
            complaint = self._from_portal()
        self.assertFalse(complaint.user_id or complaint.team_id)
        intake = self._activities(complaint)
        self.assertEqual(len(intake), 1)
        manager = intake.user_id
        self.assertTrue(self._is_complaint_manager(manager), manager.name)
        self.assertEqual(
            intake.activity_type_id,
            self.env.ref("crm_extension.mail_activity_type_complaint_intake"),
        )
        self.assertEqual(
            intake.summary, "New complaint from the customer: take it in hand"
        )
        # The manager reads it, and finds it among their activities.
        self.assertEqual(
            self.env["crm.complaint"]
            .with_user(manager)
            .search([("activity_user_id", "=", manager.id), ("id", "=", complaint.id)]),
            complaint,
        )
        # Unanswered past its deadlines: escalated, to a complaint manager.
        with freeze_time("2026-03-10 09:00:00"):
            self.env["crm.complaint"]._escalate_due()
        escalation = self._activities(complaint) - intake
        self.assertEqual(len(escalation), 1)
        self.assertTrue(self._is_complaint_manager(escalation.user_id))
        self.assertEqual(complaint.escalation_level, 2)

    def test_the_handler_hears_of_a_complaint_filed_by_the_customer(self):
        """With a category handler, the to-do is theirs, in Chinese for a
        Chinese handler; a complaint registered by the company (a phone call)
        gets none."""
        load_chinese(self.env)
        self.complaint_officer.lang = "zh_CN"
        self.category.user_id = self.complaint_officer
        complaint = self._from_portal(category_id=self.category.id)
        intake = self._activities(complaint)
        self.assertEqual(intake.user_id, self.complaint_officer)
        self.assertEqual(intake.summary, "客户新投诉：请接手处理")
        by_phone = self._complaint(user=self.salesman, partner_id=self.customer.id)
        self.assertEqual(by_phone.user_id, self.complaint_officer)
        self.assertFalse(self._activities(by_phone))

    def test_a_complaint_by_email_reaches_a_complaint_manager(self):
        raw = RAW_EMAIL.format(
            email_from="Stranger <stranger@nowhere.example.com>",
            subject="Who do I talk to?",
            message_id="intake-1",
        )
        complaint = self.env["crm.complaint"].browse(
            self.env["mail.thread"].message_process("crm.complaint", raw)
        )
        self.assertEqual(complaint.channel, "email")
        intake = self._activities(complaint)
        self.assertEqual(len(intake), 1)
        self.assertTrue(self._is_complaint_manager(intake.user_id))

    def test_the_handler_may_read_the_complaint(self):
        """An accountant reads only the complaints about an invoice: they
        handle none other; an employee outside complaints handles none. The
        refusal says why, in the user's language."""
        complaint = self._complaint()
        officer = complaint.with_user(self.complaint_officer)
        for user in (self.accountant, self.employee):
            with self.assertRaises(UserError) as refused:
                officer.user_id = user
            self.assertEqual(
                str(refused.exception),
                f"{user.name} may not read this complaint and so cannot handle it: "
                "choose a complaint officer, or a salesperson.",
            )
        load_chinese(self.env)
        with self.assertRaises(UserError) as refused:
            officer.with_context(lang="zh_CN").user_id = self.employee
        self.assertEqual(
            str(refused.exception),
            "Emma Employee 无权查看此投诉，不能处理：请选择投诉专员或销售人员。",
        )
        self.assertFalse(complaint.user_id)
        # About an invoice, the accountant reads it: they may handle it.
        about_invoice = self._complaint(invoice_id=self.invoice.id)
        about_invoice.with_user(self.complaint_officer).user_id = self.accountant
        self.assertEqual(about_invoice.user_id, self.accountant)
        # ... until the invoice is taken off.
        with self.assertRaisesRegex(UserError, "may not read this complaint"):
            about_invoice.with_user(self.complaint_officer).invoice_id = False
        # A salesperson reads the complaints assigned to them.
        complaint.with_user(self.complaint_officer).user_id = self.salesman_2
        self.assertEqual(complaint.user_id, self.salesman_2)

    def test_a_default_handler_may_read_the_complaints_of_the_category(self):
        category = self.category.with_user(self.complaint_manager)
        with self.assertRaises(ValidationError) as refused:
            category.user_id = self.accountant
        self.assertEqual(
            str(refused.exception),
            "Category Delivery: Bill Billing may not read the complaints assigned "
            "to them and cannot handle them: choose a complaint officer, or a "
            "salesperson.",
        )
        # One saved before the check is nobody's: the complaint is registered.
        self.env.cr.execute(
            "UPDATE crm_complaint_category SET user_id = %s WHERE id = %s",
            [self.accountant.id, self.category.id],
        )
        self.category.invalidate_recordset()
        complaint = self._complaint(user=self.salesman)
        self.assertFalse(complaint.user_id)

    def test_nobody_links_a_document_they_may_not_read(self):
        """A salesperson reads the invoices they sell; another salesperson's
        invoice to their customer is not linked by them (the complaint would
        show its reference), on registration or later."""
        theirs = self.invoice.copy(
            {"invoice_date": "2026-03-02", "invoice_user_id": self.salesman_2.id}
        )
        theirs.action_post()
        Complaint = self.env["crm.complaint"].with_user(self.salesman)
        message = (
            "You may not read this order or invoice: it cannot be linked to a "
            "complaint by you."
        )
        with self.assertRaises(AccessError) as refused:
            Complaint.create(
                {
                    "subject": "Wrong amount",
                    "partner_id": self.customer.id,
                    "invoice_id": theirs.id,
                }
            )
        self.assertEqual(str(refused.exception), message)
        complaint = Complaint.create(
            {
                "subject": "Wrong amount",
                "partner_id": self.customer.id,
                "invoice_id": self.invoice.id,
            }
        )
        with self.assertRaises(AccessError) as refused:
            complaint.invoice_id = theirs
        self.assertEqual(str(refused.exception), message)
        self.assertEqual(complaint.invoice_id, self.invoice)
        # A complaint officer, who reads it, links it.
        complaint.with_user(self.complaint_officer).invoice_id = theirs
        # The salesperson edits the complaint still, the invoice unchanged.
        complaint.write({"subject": "Wrong amount on the invoice"})
        # An order another salesperson sells: the same.
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman_2.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        with self.assertRaises(AccessError):
            Complaint.create(
                {
                    "subject": "Late",
                    "partner_id": self.customer.id,
                    "sale_order_id": order.id,
                }
            )
