from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


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
