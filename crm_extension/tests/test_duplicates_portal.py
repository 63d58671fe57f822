import json
import re
from types import SimpleNamespace
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .. import compat
from ..models import res_partner
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

    def post_my_account(self, **changes):
        """Submit the portal customer's *My Account* form, as the customer,
        with ``changes`` to the details it shows; the response."""
        self.authenticate("portal_dup", "portal_dup_pw")
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        details = {
            "name": "Paula Portal",
            "email": "paula.portal@example.com",
            "phone": "+49 30 1234567",
            "street": "Hauptstraße 1",
            "city": "Berlin",
            "zip": "10115",
            "country_id": self.germany.id,
            "vat": "",
            "company_name": "",
            "csrf_token": token,
        }
        url, data = compat.portal_details_form(
            self.portal_partner, dict(details, **changes)
        )
        return self.url_open(url, data=data)

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
            # In a customer's words: no customer, no internal role named.
            self.assertEqual(
                message,
                "These details are already registered for another customer "
                "(Same VAT or company registry). Please contact us to change them.",
            )
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

    def test_other_companies_in_the_context_do_not_fail_the_refusal(self):
        """The reader's rights are judged in the reader's own companies: a
        context naming others (an approver's, a point of sale's) still gives
        the refusal, not an access error."""
        other_company = self.env["res.company"].create({"name": "Zweite GmbH"})
        for companies in ([other_company.id], [self.env.company.id, other_company.id]):
            with self.subTest(companies=companies):
                with self.assertRaises(DuplicateBlocked) as refused:
                    self.portal_partner.with_user(self.portal_user).with_context(
                        allowed_company_ids=companies
                    ).sudo().write({"vat": "136695976"})
                self.assert_names_nobody(refused.exception.args[0])

    def test_superuser_acting_for_a_web_visitor_names_nobody(self):
        """Odoo's website forms create records as its superuser for an
        anonymous visitor: the refusal is written for the visitor."""
        values = {"name": "Besucher GmbH", "is_company": True, "vat": VAT}
        Partner = self.env["res.partner"].with_user(SUPERUSER_ID)
        visitor = self.env.ref("base.public_user")
        web_request = SimpleNamespace(db=self.env.cr.dbname, env=self.env(user=visitor))
        with (
            patch.object(res_partner, "request", web_request),
            self.assertRaises(DuplicateBlocked) as refused,
        ):
            Partner.create(values)
        self.assertIn(
            "These details are already registered for another customer",
            refused.exception.args[0],
        )
        self.assertNotIn("sales administrator", refused.exception.args[0])
        self.assert_names_nobody(refused.exception.args[0])
        # Without a web request (a scheduled job), the superuser is told.
        with self.assertRaises(DuplicateBlocked) as refused:
            Partner.create(values)
        self.assertIn("Kessler Maschinenbau GmbH", refused.exception.args[0])

    def test_class_refusal_names_no_class_to_the_customer(self):
        """A customer's class is the company's own judgement: a customer whose
        change its class refuses is told the missing field, not the class."""
        vat_field = self.env["ir.model.fields"]._get("res.partner", "vat")
        gold = self.env["crm.customer.class"].create(
            {
                "name": "Schlüsselkunde Gold",
                "required_field_ids": [Command.set(vat_field.ids)],
            }
        )
        self.portal_partner.write(
            {
                "vat": "DE811569869",
                "customer_class_id": gold.id,
                "user_id": self.salesperson.id,
            }
        )
        with self.assertRaises(ValidationError) as refused:
            self.portal_partner.with_user(self.portal_user).sudo().write({"vat": False})
        self.assertIn("Paula Portal is missing", refused.exception.args[0])
        self.assertNotIn("Schlüsselkunde", refused.exception.args[0])
        # The salesperson, who reads the classes, is told which one.
        with self.assertRaises(ValidationError) as refused:
            self.portal_partner.with_user(self.salesperson).write({"vat": False})
        self.assertIn("(Schlüsselkunde Gold) is missing", refused.exception.args[0])

    def test_my_account_shows_what_the_class_requires_on_the_form(self):
        """A field the customer's class requires, emptied on *My Account*:
        the form again, the field marked and named, no class, no error
        page; nothing written."""
        vat_field = self.env["ir.model.fields"]._get("res.partner", "vat")
        gold = self.env["crm.customer.class"].create(
            {
                "name": "Schlüsselkunde Gold",
                "required_field_ids": [Command.set(vat_field.ids)],
            }
        )
        self.portal_partner.write({"vat": "DE811569869", "customer_class_id": gold.id})
        response = self.post_my_account(vat="")
        self.assertEqual(response.status_code, 200)
        if compat.ODOO_19:
            feedback = json.loads(response.text)
            self.assertEqual(feedback["invalid_fields"], ["vat"])
            self.assertEqual(feedback["messages"], ["Please fill in: Tax ID."])
        else:
            self.assertIn("Please fill in: Tax ID.", response.text)
            vat_input = re.search(r'<input[^>]*name="vat"[^>]*>', response.text)
            self.assertIn("is-invalid", vat_input.group(0))
        self.assertNotIn("Schlüsselkunde", response.text)
        self.portal_partner.invalidate_recordset()
        self.assertEqual(self.portal_partner.vat, "DE811569869")

    def test_my_account_shows_the_refusal_on_the_form(self):
        response = self.post_my_account(vat="136695976")
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
            # What the customer typed is shown again, on the field marked.
            vat_input = re.search(r'<input[^>]*name="vat"[^>]*>', response.text)
            self.assertIn("is-invalid", vat_input.group(0))
            self.assertIn('value="136695976"', vat_input.group(0))
        self.assert_names_nobody(response.text)
        self.portal_partner.invalidate_recordset()
        self.assertFalse(self.portal_partner.vat)

    def test_a_mistyped_credit_code_is_shown_on_the_form(self):
        """A Chinese customer's credit code with a wrong character: the form
        again, the VAT field marked, the message naming only the code typed;
        nothing written."""
        self.portal_partner.country_id = self.env.ref("base.cn")
        response = self.post_my_account(
            vat="CN 91440300MA5G2KXN38", country_id=self.env.ref("base.cn").id
        )
        self.assertEqual(response.status_code, 200)
        expected = "is not a valid unified social credit code"
        if compat.ODOO_19:
            feedback = json.loads(response.text)
            self.assertEqual(feedback["invalid_fields"], ["vat"])
            self.assertIn(expected, feedback["messages"][0])
        else:
            self.assertIn(expected, response.text)
            vat_input = re.search(r'<input[^>]*name="vat"[^>]*>', response.text)
            self.assertIn("is-invalid", vat_input.group(0))
            self.assertIn("91440300MA5G2KXN38", vat_input.group(0))
        self.assertNotIn("Traceback", response.text)
        self.portal_partner.invalidate_recordset()
        self.assertFalse(self.portal_partner.vat)

    def test_my_account_still_saves_other_details(self):
        response = self.post_my_account(street="Friedrichstraße 5", zip="10117")
        self.assertEqual(response.status_code, 200)
        self.portal_partner.invalidate_recordset()
        self.assertEqual(self.portal_partner.street, "Friedrichstraße 5")

    def test_company_name_in_the_other_script_is_refused_on_its_field(self):
        """19.0's form renames the customer's company: a name another company
        holds, typed in traditional characters, is refused on that field."""
        if not compat.ODOO_19:
            self.skipTest("18.0's form does not rename the customer's company")
        Partner = self.env["res.partner"]
        Partner.create({"name": "杭州远大机械有限公司", "is_company": True})
        company = Partner.create({"name": "杭州远大贸易有限公司", "is_company": True})
        self.portal_partner.parent_id = company
        response = self.post_my_account(company_name="杭州遠大機械有限公司")
        self.assertEqual(response.status_code, 200)
        feedback = json.loads(response.text)
        self.assertEqual(feedback["invalid_fields"], ["company_name"])
        self.assertIn("Same company name", feedback["messages"][0])
        company.invalidate_recordset()
        self.assertEqual(company.name, "杭州远大贸易有限公司")

    def test_a_customer_who_signed_up_registered_online(self):
        """A visitor signing up on the website (``/web/signup``) registers
        themselves: no salesperson of ours, not the website's public user; a
        salesperson refused by that customer's key reads it so, and may take
        the customer (it is nobody's to protect)."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("auth_signup.invitation_scope", "b2c")
        params.set_param("crm_extension.protection_days", "30")
        page = self.url_open("/web/signup")
        self.assertEqual(page.status_code, 200)
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        self.url_open(
            "/web/signup",
            data={
                "login": "lee.signup@example.com",
                "name": "Lee Signup",
                "password": "Signup-pw-2026!",
                "confirm_password": "Signup-pw-2026!",
                "csrf_token": token,
            },
        )
        user = self.env["res.users"].search([("login", "=", "lee.signup@example.com")])
        self.assertTrue(user)
        customer = user.partner_id
        self.assertFalse(customer.registered_by_id)
        # The customer gives its VAT number on its account page.
        customer.vat = "SIGNUP-4711"
        as_sales = customer.with_user(self.salesperson)
        self.assertTrue(as_sales.can_claim)
        with self.assertRaises(ValidationError) as caught:
            self.env["res.partner"].with_user(self.salesperson).create(
                {"name": "Lee Trading", "is_company": True, "vat": "SIGNUP-4711"}
            )
        message = str(caught.exception)
        self.assertIn("Lee Signup is already registered", message)
        self.assertIn("self-registered online on", message)
        self.assertNotIn("Public user", message)
        self.assertNotIn("registered by", message)
