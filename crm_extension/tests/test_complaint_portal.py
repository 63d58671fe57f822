from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    """The portal controller: a customer's own complaints, orders and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Portal Tea House", "is_company": True})
        cls.other = Partner.create({"name": "Another Tea House", "is_company": True})
        cls.portal_user = new_test_user(
            cls.env,
            login="complaint_portal",
            name="Lin Portal",
            groups="base.group_portal",
            password="complaint_portal_pw",
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        product = cls.env["product.product"].create(
            {"name": "Oolong tea box", "list_price": 80, "type": "consu"}
        )

        def order(partner):
            sale = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            sale.action_confirm()
            return sale

        cls.my_order = order(cls.customer)
        cls.their_order = order(cls.other)
        Complaint = cls.env["crm.complaint"]
        cls.mine = Complaint.create(
            {"subject": "Leaking box", "partner_id": cls.customer.id}
        )
        cls.theirs = Complaint.create(
            {"subject": "Not yours", "partner_id": cls.other.id}
        )

    def _submit(self, **fields):
        self.authenticate("complaint_portal", "complaint_portal_pw")
        page = self.url_open("/my/complaints/new")
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open("/my/complaints/new", data={"csrf_token": token, **fields})

    def test_list_and_detail_show_own_complaints_only(self):
        self.authenticate("complaint_portal", "complaint_portal_pw")
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Leaking box", listing.text)
        self.assertNotIn("Not yours", listing.text)
        detail = self.url_open(f"/my/complaints/{self.mine.id}")
        self.assertIn("Leaking box", detail.text)
        other = self.url_open(f"/my/complaints/{self.theirs.id}")
        self.assertNotIn("Not yours", other.text)
        self.assertTrue(other.url.endswith("/my"))

    def test_the_list_shows_complaints_about_a_cancelled_invoice(self):
        """A complaint about an invoice the company cancelled since (a wrong
        invoice, issued again) stays on the customer's list, with the number
        it was about: the portal reads no cancelled invoice, the list must
        not fail on it."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Oolong tea box", "price_unit": 80})
                ],
            }
        )
        invoice.action_post()
        self.mine.invoice_id = invoice
        invoice.button_draft()
        invoice.button_cancel()
        self.authenticate("complaint_portal", "complaint_portal_pw")
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Leaking box", listing.text)
        self.assertIn(invoice.name, listing.text)
        self.assertNotIn("Not yours", listing.text)

    def test_submit_about_own_order(self):
        response = self._submit(
            subject="Two boxes missing",
            description="Ordered 10, received 8.",
            sale_order_id=str(self.my_order.id),
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["crm.complaint"].search(
            [("subject", "=", "Two boxes missing")]
        )
        self.assertEqual(complaint.partner_id, self.portal_user.partner_id)
        self.assertEqual(complaint.commercial_partner_id, self.customer)
        self.assertEqual(complaint.sale_order_id, self.my_order)
        self.assertEqual(complaint.channel, "portal")
        self.assertIn("received 8", complaint.description)
        self.assertIn(complaint.name, response.text)

    def test_cannot_reference_someone_elses_order(self):
        response = self._submit(
            subject="Trying another order", sale_order_id=str(self.their_order.id)
        )
        self.assertIn("This order is not one of yours.", response.text)
        self.assertFalse(
            self.env["crm.complaint"].search([("subject", "=", "Trying another order")])
        )

    def test_subject_required(self):
        response = self._submit(subject="  ")
        self.assertIn("what is wrong", response.text)
        self.assertEqual(
            self.env["crm.complaint"].search_count(
                [("partner_id", "=", self.portal_user.partner_id.id)]
            ),
            0,
        )

    # What a portal customer must not read or do, over RPC with a session -----

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _refused(self, model, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self._call(model, method, *args, **kwargs)
        self.assertIn(caught.exception.args[0], ("odoo.exceptions.AccessError",))

    def test_rpc_reads_only_what_the_portal_shows(self):
        category = self.env.ref("crm_extension.complaint_category_delivery")
        self.mine.write(
            {
                "root_cause": "Shelf collapsed in the warehouse",
                "compensation_amount": 40,
                "category_id": category.id,
                "resolution": "<p>Draft: refund two boxes</p>",
            }
        )
        self.authenticate("complaint_portal", "complaint_portal_pw")
        shown = self._call(
            "crm.complaint", "read", [self.mine.id], ["name", "subject", "stage_id"]
        )
        self.assertEqual(shown[0]["subject"], "Leaking box")
        for fname in (
            "root_cause",
            "compensation_amount",
            "category_id",
            "standard_solution",
            "resolution",
            "resolution_deadline",
            "similar_complaint_ids",
            "severity",
            "channel",
            "sla_status",
            "date_closed",
            "product_id",
            "email_from",
            "email_cc",
        ):
            self._refused("crm.complaint", "read", [self.mine.id], [fname])
        # Their complaints listed in the model's own order.
        listed = self._call("crm.complaint", "search_read", [], ["subject"])
        self.assertEqual([row["subject"] for row in listed], ["Leaking box"])
        self._refused(
            "crm.complaint", "search_read", [("root_cause", "ilike", "shelf")], ["name"]
        )
        self._refused("crm.complaint.category", "read", [category.id], ["name"])
        # Another customer's complaint, even by id.
        self._refused("crm.complaint", "read", [self.theirs.id], ["subject"])
        # Their own customer record: none of the company's own knowledge.
        partner_id = self.customer.id
        self.assertTrue(self._call("res.partner", "read", [partner_id], ["name"]))
        for fname in (
            "credit_rating",
            "importance",
            "customer_class_id",
            "lifecycle_stage",
            "registered_by_id",
            "protection_end_date",
            "vat_key",
            "vat_other_key",
            "phone_other_key",
            "churn_risk",
            "contact_role_id",
        ):
            self._refused("res.partner", "read", [partner_id], [fname])
        # Nor write to their complaint.
        self._refused("crm.complaint", "write", [self.mine.id], {"subject": "Changed"})

    def test_rpc_reads_no_pause_internals(self):
        # The complaint waits for the customer: its clock is paused.
        self.mine.stage_id = self.env.ref("crm_extension.complaint_stage_waiting")
        pause = self.mine.sla_pause_ids
        self.assertTrue(pause)
        self.authenticate("complaint_portal", "complaint_portal_pw")
        shown = self._call(
            "crm.complaint", "read", [self.mine.id], ["subject", "stage_id"]
        )
        self.assertEqual(shown[0]["stage_id"][1], "Waiting for Customer")
        for fname in (
            "sla_pause_ids",
            "sla_paused_since",
            "sla_paused_hours",
            "hours_to_resolve",
            "hours_to_resolve_unpaused",
            "date_first_response",
        ):
            self._refused("crm.complaint", "read", [self.mine.id], [fname])
        self._refused(
            "crm.complaint", "search_read", [("sla_paused_hours", ">", 0)], ["name"]
        )
        self._refused("crm.complaint.sla.pause", "read", [pause.id], ["date_start"])
        self._refused(
            "crm.complaint.sla.pause",
            "search_read",
            [("complaint_id", "=", self.mine.id)],
            ["date_start"],
        )
        page = self.url_open(f"/my/complaints/{self.mine.id}")
        self.assertIn("Leaking box", page.text)
        self.assertNotIn("Paused", page.text)

    def test_internal_notes_stay_internal(self):
        self.mine.message_post(
            body="Internal: the driver admitted dropping it",
            subtype_xmlid="mail.mt_note",
        )
        self.mine.message_post(
            body="We are sending two new boxes", subtype_xmlid="mail.mt_comment"
        )
        self.authenticate("complaint_portal", "complaint_portal_pw")
        messages = self._call(
            "mail.message",
            "search_read",
            [("model", "=", "crm.complaint"), ("res_id", "=", self.mine.id)],
            ["body"],
        )
        bodies = " ".join(message["body"] for message in messages)
        self.assertIn("two new boxes", bodies)
        self.assertNotIn("driver admitted", bodies)
        page = self.url_open(f"/my/complaints/{self.mine.id}")
        self.assertNotIn("driver admitted", page.text)

    def test_detail_page_shows_the_resolution_once_resolved(self):
        self.mine.resolution = "<p>Draft: refund two boxes</p>"
        self.authenticate("complaint_portal", "complaint_portal_pw")
        page = self.url_open(f"/my/complaints/{self.mine.id}")
        self.assertNotIn("refund two boxes", page.text)
        self.mine.stage_id = self.env.ref("crm_extension.complaint_stage_resolved")
        page = self.url_open(f"/my/complaints/{self.mine.id}")
        self.assertIn("refund two boxes", page.text)

    def test_cannot_reference_someone_elses_invoice_or_another_companys_order(self):
        company_b = self.env["res.company"].create({"name": "Portal Company B"})
        order_b = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "company_id": company_b.id}
        )
        response = self._submit(subject="Tampered", sale_order_id=str(order_b.id))
        self.assertIn("This order is not one of yours.", response.text)
        response = self._submit(subject="Tampered 2", invoice_id="999999")
        self.assertIn("This invoice is not one of yours.", response.text)
        self.assertFalse(
            self.env["crm.complaint"].search([("subject", "like", "Tampered")])
        )
