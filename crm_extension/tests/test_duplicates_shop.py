import json

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

# A valid German VAT number, registered to another customer.
VAT = "DE136695976"
# Where the form goes next when the address is saved (18.0, 19.0).
SUCCESS_KEYS = {"successUrl", "redirectUrl"}


@tagged("post_install", "-at_install")
class TestDuplicatesShop(HttpCase):
    """The shop's checkout, where Odoo's website_sale is installed beside the
    addon: a customer typing on the billing address a VAT number another
    customer holds is refused on the form (the field marked, the refusal in a
    customer's words, naming nobody), as on the portal's address form, and
    nothing is written. On 18.0 website_sale writes inside its route (the
    addon answers the escaping refusal: models/ir_http), on 19.0 in the
    portal's step (controllers/portal)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # (Run by the website tier of scripts/test, which installs it.)
        cls.shop = "website" in cls.env and "website_id" in cls.env["sale.order"]
        if not cls.shop:
            return
        cls.germany = cls.env.ref("base.de")
        salesperson = new_test_user(
            cls.env,
            login="shop_dup_sales",
            name="Greta Vertrieb",
            groups="sales_team.group_sale_salesman",
        )
        cls.env["res.partner"].create(
            {
                "name": "Kessler Maschinenbau GmbH",
                "is_company": True,
                "vat": VAT,
                "country_id": cls.germany.id,
                "user_id": salesperson.id,
            }
        )
        cls.shopper = new_test_user(
            cls.env,
            login="shop_dup",
            name="Paula Kundin",
            groups="base.group_portal",
            password="shop_dup_pw",
            email="paula.kundin@example.com",
        )
        cls.partner = cls.shopper.partner_id
        cls.partner.write(
            {
                "country_id": cls.germany.id,
                "street": "Hauptstraße 1",
                "city": "Berlin",
                "zip": "10115",
                "phone": "+49 30 1234567",
            }
        )
        cls.website = cls.env["website"].search([], limit=1)
        cls.product = cls.env["product.product"].create(
            {"name": "Schraube M8", "list_price": 2.0, "sale_ok": True}
        )
        # The shopper's cart, found again when the shopper logs in.
        cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "website_id": cls.website.id,
                "order_line": [(0, 0, {"product_id": cls.product.id})],
            }
        )

    def setUp(self):
        super().setUp()
        if not self.shop:
            self.skipTest("Odoo's website_sale is not installed")

    def submit_billing_address(self, visitor=False, **changes):
        """Submit the checkout's billing address form, as the shopper (or as
        an anonymous ``visitor`` with a cart of its own, creating it)."""
        if visitor:
            self.authenticate(None, None)
            cart = self.env["sale.order"].create(
                {
                    "partner_id": self.website.user_id.partner_id.id,
                    "website_id": self.website.id,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                }
            )
            self.session["sale_order_id"] = cart.id
            http.root.session_store.save(self.session)
            page = self.url_open("/shop/address?address_type=billing")
        else:
            self.authenticate("shop_dup", "shop_dup_pw")
            page = self.url_open(
                f"/shop/address?partner_id={self.partner.id}&address_type=billing"
            )
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        values = {
            "name": "Paula Kundin",
            "email": "paula.kundin@example.com",
            "phone": "+49 30 1234567",
            "street": "Hauptstraße 1",
            "city": "Berlin",
            "zip": "10115",
            "country_id": self.germany.id,
            "company_name": "",
            "vat": "",
            "partner_id": "" if visitor else self.partner.id,
            "address_type": "billing",
            "csrf_token": token,
        }
        values.update(changes)
        return self.url_open("/shop/address/submit", data=values)

    def test_a_registered_vat_number_is_refused_on_the_form(self):
        for vat in ("136695976", VAT):
            with self.subTest(vat=vat):
                response = self.submit_billing_address(vat=vat)
                self.assertEqual(response.status_code, 200)
                feedback = json.loads(response.text)
                self.assertFalse(SUCCESS_KEYS & feedback.keys())
                self.assertEqual(feedback["invalid_fields"], ["vat"])
                self.assertEqual(
                    feedback["messages"],
                    [
                        "These details are already registered for another "
                        "customer (Same VAT or company registry). Please "
                        "contact us to change them."
                    ],
                )
                for secret in ("Kessler", "Greta Vertrieb", "administrator"):
                    self.assertNotIn(secret, response.text)
                self.partner.invalidate_recordset()
                self.assertFalse(self.partner.vat)

    def test_a_visitor_checking_out_is_refused_on_the_form(self):
        """An anonymous shopper's new billing address (a company's buyer
        typing its VAT number): refused on the form, no customer created."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        before = Partner.search_count([("email", "=", "max.besuch@example.com")])
        response = self.submit_billing_address(
            visitor=True,
            name="Max Besuch",
            email="max.besuch@example.com",
            company_name="Besuch Handel GmbH",
            vat="DE 136 695 976",
        )
        self.assertEqual(response.status_code, 200)
        feedback = json.loads(response.text)
        self.assertEqual(feedback["invalid_fields"], ["vat"])
        self.assertIn("Same VAT or company registry", feedback["messages"][0])
        for secret in ("Kessler", "Greta Vertrieb", "administrator"):
            self.assertNotIn(secret, response.text)
        self.assertEqual(
            Partner.search_count([("email", "=", "max.besuch@example.com")]), before
        )
        # Without the number, the same visitor checks out.
        response = self.submit_billing_address(
            visitor=True,
            name="Max Besuch",
            email="max.besuch@example.com",
            company_name="Besuch Handel GmbH",
        )
        feedback = json.loads(response.text)
        self.assertTrue(SUCCESS_KEYS & feedback.keys(), feedback)
        self.assertEqual(
            Partner.search_count([("email", "=", "max.besuch@example.com")]),
            before + 1,
        )

    def test_other_details_are_saved(self):
        response = self.submit_billing_address(street="Friedrichstraße 5")
        self.assertEqual(response.status_code, 200)
        feedback = json.loads(response.text)
        self.assertTrue(SUCCESS_KEYS & feedback.keys(), feedback)
        self.assertNotIn("invalid_fields", feedback)
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.street, "Friedrichstraße 5")
