import json

from odoo.tests import HttpCase, new_test_user, tagged

from .. import compat
from ..models.res_partner_duplicate import DuplicateBlocked

# A valid German VAT number: one key with or without its country prefix.
VAT = "DE136695976"


@tagged("post_install", "-at_install")
class TestDuplicatesPortal(HttpCase):
    """A portal customer's own details refused by a block rule: Odoo writes
    them as superuser, the refusal names no other customer and is shown on the
    form, nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.germany = cls.env.ref("base.de")
        cls.salesperson = new_test_user(
            cls.env,
            login="portal_dup_sales",
            name="Greta Vertrieb",
            groups="sales_team.group_sale_salesman",
        )
        cls.holder = cls.env["res.partner"].create(
            {
                "name": "Kessler Maschinenbau GmbH",
                "is_company": True,
                "vat": VAT,
                "country_id": cls.germany.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_dup",
            name="Paula Portal",
            groups="base.group_portal",
            password="portal_dup_pw",
            email="paula.portal@example.com",
        )
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_partner.write(
            {
                "country_id": cls.germany.id,
                "street": "Hauptstraße 1",
                "city": "Berlin",
                "zip": "10115",
                "phone": "+49 30 1234567",
            }
        )

    def assert_names_nobody(self, text):
        for secret in ("Kessler", "Greta Vertrieb", "Maschinenbau"):
            self.assertNotIn(secret, text)

    def test_refusal_as_superuser_names_no_customer_the_user_cannot_read(self):
        """Odoo's portal writes the customer's details with sudo(): the block
        holds, and its message is written for the portal user's own rights."""
        for vat in ("136695976", VAT, "de 136 695 976"):
            with self.subTest(vat=vat), self.assertRaises(DuplicateBlocked) as refused:
                self.portal_partner.with_user(self.portal_user).sudo().write(
                    {"vat": vat}
                )
            message = refused.exception.args[0]
            self.assertIn("A customer you cannot see is already registered", message)
            self.assert_names_nobody(message)
            self.assertEqual(refused.exception.keys, ("vat",))
        # A salesperson who may read the customer is told who holds the number.
        mine = self.env["res.partner"].create(
            {"name": "Lena Einkauf", "user_id": self.salesperson.id}
        )
        with self.assertRaises(DuplicateBlocked) as refused:
            mine.with_user(self.salesperson).write(
                {"vat": "136695976", "country_id": self.germany.id}
            )
        self.assertIn("Kessler Maschinenbau GmbH", refused.exception.args[0])

    def test_my_account_shows_the_refusal_on_the_form(self):
        self.authenticate("portal_dup", "portal_dup_pw")
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        url, data = compat.portal_details_form(
            self.portal_partner,
            {
                "name": "Paula Portal",
                "email": "paula.portal@example.com",
                "phone": "+49 30 1234567",
                "street": "Hauptstraße 1",
                "city": "Berlin",
                "zip": "10115",
                "country_id": self.germany.id,
                "vat": "136695976",
                "company_name": "",
                "csrf_token": token,
            },
        )
        response = self.url_open(url, data=data)
        self.assertEqual(response.status_code, 200)
        expected = "These details are already registered for another customer"
        if compat.ODOO_19:
            feedback = json.loads(response.text)
            self.assertEqual(feedback["invalid_fields"], ["vat"])
            self.assertEqual(len(feedback["messages"]), 1)
            self.assertIn(expected, feedback["messages"][0])
            self.assertIn("Same VAT or company registry", feedback["messages"][0])
        else:
            self.assertIn(expected, response.text)
            # What the customer typed is shown again.
            self.assertIn('value="136695976"', response.text)
        self.assert_names_nobody(response.text)
        self.portal_partner.invalidate_recordset()
        self.assertFalse(self.portal_partner.vat)

    def test_my_account_still_saves_other_details(self):
        self.authenticate("portal_dup", "portal_dup_pw")
        page = self.url_open("/my/account")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        url, data = compat.portal_details_form(
            self.portal_partner,
            {
                "name": "Paula Portal",
                "email": "paula.portal@example.com",
                "phone": "+49 30 1234567",
                "street": "Friedrichstraße 5",
                "city": "Berlin",
                "zip": "10117",
                "country_id": self.germany.id,
                "vat": "",
                "company_name": "",
                "csrf_token": token,
            },
        )
        response = self.url_open(url, data=data)
        self.assertEqual(response.status_code, 200)
        self.portal_partner.invalidate_recordset()
        self.assertEqual(self.portal_partner.street, "Friedrichstraße 5")
