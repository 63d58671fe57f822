from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CrmExtensionCase


@tagged("post_install", "-at_install")
class TestRequiredFields(CrmExtensionCase):
    """A class's required-field template holds on every path that writes a partner."""

    def test_form_create_names_every_missing_field(self):
        form = Form(self.env["res.partner"].with_user(self.salesman))
        form.name = "Ningbo Harbour Logistics"
        form.company_type = "company"
        form.customer_class_id = self.class_key_account
        with self.assertRaises(ValidationError) as error:
            form.save()
        message = str(error.exception)
        self.assertIn("Ningbo Harbour Logistics", message)
        self.assertIn("Phone", message)
        self.assertIn("Email", message)
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Ningbo Harbour Logistics")])
        )
        form.phone = "+86 574 8765 4321"
        form.email = "ops@harbour.example.cn"
        partner = form.save()
        self.assertEqual(partner.customer_class_id, self.class_key_account)

    def test_rpc_create_and_write(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        with self.assertRaisesRegex(ValidationError, "Email"):
            Partner.create(
                {
                    "name": "No Mail Ltd",
                    "customer_class_id": self.class_key_account.id,
                    "phone": "+86 10 1234 5678",
                }
            )
        partner = Partner.create(
            {
                "name": "Full Ltd",
                "customer_class_id": self.class_key_account.id,
                "phone": "+86 10 1234 5678",
                "email": "a@full.example.com",
            }
        )
        with self.assertRaisesRegex(ValidationError, "Phone"), self.env.cr.savepoint():
            partner.write({"phone": False})
        partner.invalidate_recordset()
        self.assertEqual(partner.phone, "+86 10 1234 5678")
        # Classifying an incomplete customer is refused, and changes nothing.
        with (
            self.assertRaisesRegex(ValidationError, "Phone.*Email|Email.*Phone"),
            self.env.cr.savepoint(),
        ):
            self.customer.with_user(self.salesman).write(
                {"customer_class_id": self.class_key_account.id}
            )
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.customer_class_id)

    def test_code_path_with_superuser(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].sudo().create(
                {"name": "Sudo Ltd", "customer_class_id": self.class_key_account.id}
            )

    def test_batch_create_reports_each_partner(self):
        with self.assertRaises(ValidationError) as error:
            self.env["res.partner"].with_user(self.salesman).create(
                [
                    {
                        "name": "First Ltd",
                        "customer_class_id": self.class_key_account.id,
                        "email": "x@first.example.com",
                    },
                    {
                        "name": "Second Ltd",
                        "customer_class_id": self.class_key_account.id,
                        "phone": "+86 21 5555 0000",
                    },
                ]
            )
        message = str(error.exception)
        self.assertRegex(message, r"First Ltd.*Phone")
        self.assertRegex(message, r"Second Ltd.*Email")

    def test_import(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        xmlid = self.class_key_account.get_external_id()[self.class_key_account.id]
        if not xmlid:
            self.env["ir.model.data"].create(
                {
                    "module": "__test__",
                    "name": "key_account",
                    "model": "crm.customer.class",
                    "res_id": self.class_key_account.id,
                }
            )
            xmlid = "__test__.key_account"
        fields = ["name", "customer_class_id/id", "phone", "email"]
        rows = [
            ["Import Good Ltd", xmlid, "+86 20 1111 2222", "good@import.example.com"],
            ["Import Bad Ltd", xmlid, "", "bad@import.example.com"],
        ]
        result = Partner.load(fields, rows)
        self.assertFalse(result["ids"])
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        self.assertIn("Import Bad Ltd", errors[0]["message"])
        self.assertIn("Phone", errors[0]["message"])
        self.assertFalse(Partner.search([("name", "like", "Import % Ltd")]))
        result = Partner.load(fields, rows[:1])
        self.assertEqual(len(result["ids"]), 1, result["messages"])
        self.assertEqual(
            Partner.browse(result["ids"]).customer_class_id, self.class_key_account
        )

    def test_contact_template(self):
        company = self.env["res.partner"].create(
            {
                "name": "Template Co",
                "is_company": True,
                "user_id": self.salesman.id,
                "customer_class_id": self.class_key_account.id,
                "phone": "+86 10 8888 0000",
                "email": "info@template.example.com",
            }
        )
        Partner = self.env["res.partner"].with_user(self.salesman)
        with self.assertRaisesRegex(ValidationError, "Job Position"):
            Partner.create(
                {"name": "Contact Without Position", "parent_id": company.id}
            )
        contact = Partner.create(
            {
                "name": "Contact With Position",
                "parent_id": company.id,
                "function": "Purchasing Manager",
            }
        )
        with self.assertRaisesRegex(ValidationError, "Job Position"):
            contact.write({"function": False})
        # Addresses are not contact persons: the template does not apply.
        Partner.create(
            {"name": "Warehouse", "parent_id": company.id, "type": "delivery"}
        )
        # Contacts added from the company form follow the template too.
        form = Form(company.with_user(self.salesman))
        with form.child_ids.new() as child:
            child.type = "contact"
            child.name = "Inline Contact"
        with self.assertRaisesRegex(ValidationError, "Inline Contact.*Job Position"):
            form.save()

    def test_class_change_checks_the_contact_persons(self):
        """Giving a company a class whose contact template its contact persons
        do not meet is refused, naming each of them and what they miss; the
        contacts' later edits are not refused in its place."""
        company = self.env["res.partner"].create(
            {
                "name": "Lotus Retail Co",
                "is_company": True,
                "user_id": self.salesman.id,
                "phone": "+86 10 8888 0001",
                "email": "info@lotus.example.com",
            }
        )
        Partner = self.env["res.partner"]
        contact, other = Partner.create(
            [
                {"name": "Ma Lin", "parent_id": company.id},
                {"name": "Fang Yu", "parent_id": company.id},
            ]
        )
        Partner.create(
            {"name": "Lotus Depot", "parent_id": company.id, "type": "other"}
        )
        admin_company = company.with_user(self.sales_manager)
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            admin_company.write({"customer_class_id": self.class_key_account.id})
        message = str(error.exception)
        self.assertRegex(message, "Ma Lin.*Job Position")
        self.assertRegex(message, "Fang Yu.*Job Position")
        self.assertNotIn("Lotus Depot", message)
        company.invalidate_recordset()
        self.assertFalse(company.customer_class_id)
        # In the form, and by an import, alike.
        form = Form(admin_company)
        form.customer_class_id = self.class_key_account
        with self.assertRaisesRegex(ValidationError, "Ma Lin.*Job Position"):
            form.save()
        result = Partner.with_user(self.sales_manager).load(
            ["id", "customer_class_id/.id"],
            [[company._export_rows([["id"]])[0][0], self.class_key_account.id]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("Job Position", result["messages"][0]["message"])
        # Once they have a position, the class is given.
        (contact | other).with_user(self.salesman).write({"function": "Buyer"})
        admin_company.write({"customer_class_id": self.class_key_account.id})
        self.assertEqual(company.customer_class_id, self.class_key_account)

    def test_unrelated_write_is_not_checked(self):
        """Writes that cannot break a template skip the check (hot path)."""
        self.customer.customer_class_id = self.class_normal
        self.class_normal.write(
            {"required_field_ids": [Command.set([self.field["website"].id])]}
        )
        # The template changed after the customer was classified: other edits go on.
        self.customer.with_user(self.salesman).write({"comment": "Visited in May"})
        with self.assertRaisesRegex(ValidationError, "Website"):
            self.customer.with_user(self.salesman).write({"phone": "+86 571 1234 5678"})

    def test_error_in_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "crm_extension"], ["zh_CN"], overwrite=True
        )
        self.salesman.lang = "zh_CN"
        with self.assertRaises(ValidationError) as error:
            self.env["res.partner"].with_user(self.salesman).with_context(
                lang="zh_CN"
            ).create(
                {
                    "name": "深圳某某有限公司",
                    "customer_class_id": self.class_key_account.id,
                }
            )
        message = str(error.exception)
        self.assertIn("电话", message)
        self.assertIn("客户类别", message)
