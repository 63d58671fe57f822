from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import CrmExtensionCase

CSV_OPTIONS = {
    "has_headers": True,
    "separator": ",",
    "quoting": '"',
    "encoding": "utf-8",
}


@tagged("post_install", "-at_install")
class TestImportBlame(CrmExtensionCase):
    """Odoo's import reports exactly the rows a block rule refuses, each with
    what it matched, checks a file in one pass of the rules, and imports
    nothing when a row is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.existing = cls.Partner.with_user(cls.salesman_2).create(
            {
                "name": "Jinghua Import Export Co., Ltd.",
                "is_company": True,
                "user_id": cls.salesman_2.id,
            }
        )

    def _load(self, names, user=None, **context):
        Partner = self.Partner.with_user(user or self.salesman).with_context(**context)
        return Partner.load(["name", "is_company"], [[name, "1"] for name in names])

    def _imported(self, *names):
        return self.Partner.search([("name", "in", list(names))])

    def _errors(self, result):
        return [message for message in result["messages"] if message["type"] == "error"]

    def test_only_the_duplicate_row_is_blamed(self):
        result = self._load(
            [
                "Aurora Lighting Ltd",
                "JINGHUA import export company limited",
                "Gamma Tools Ltd",
            ]
        )
        self.assertIs(result["ids"], False)
        errors = self._errors(result)
        self.assertEqual(len(errors), 1, errors)
        self.assertEqual(errors[0]["rows"], {"from": 1, "to": 1})
        # It names the customer it matched and its salesperson.
        self.assertIn("Jinghua Import Export Co., Ltd.", errors[0]["message"])
        self.assertIn(self.salesman_2.name, errors[0]["message"])
        self.assertNotIn("Aurora", errors[0]["message"])
        # Nothing is imported, the innocent rows neither.
        self.assertFalse(self._imported("Aurora Lighting Ltd", "Gamma Tools Ltd"))

    def test_of_two_rows_of_the_file_the_later_is_blamed(self):
        result = self._load(
            ["Birch Paper Ltd", "Cobalt Mining Ltd", "BIRCH PAPER LIMITED"]
        )
        errors = self._errors(result)
        self.assertEqual([error["rows"]["from"] for error in errors], [2])
        self.assertIn("Birch Paper Ltd", errors[0]["message"])
        # Told as the file's own twin, not as a customer registered before
        # (nothing of the file is imported).
        self.assertIn("on another row of the file", errors[0]["message"])
        self.assertNotIn("already registered", errors[0]["message"])
        self.assertFalse(self._imported("Birch Paper Ltd", "Cobalt Mining Ltd"))

    def test_the_files_twin_across_the_import_batches(self):
        """Odoo imports a file in batches (a row naming another row's company
        has it write the rows before): a row matching a partner an earlier
        batch created is the file's twin; one matching a customer the file
        updated (by its external id) is already registered. (A salesperson
        who also invoices: Odoo's own import of a contact reads its company's
        accounting fields.)"""
        clerk = new_test_user(
            self.env,
            login="invoicing_salesperson",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
        )
        lotus = self.Partner.with_user(clerk).create(
            {"name": "Lotus Paper Co., Ltd.", "is_company": True}
        )
        self.env["ir.model.data"].create(
            {
                "module": "__import__",
                "name": "lotus",
                "model": "res.partner",
                "res_id": lotus.id,
            }
        )
        result = self.Partner.with_user(clerk).load(
            ["id", "name", "is_company", "parent_id"],
            [
                ["__import__.lotus", "Lotus Paper Co., Ltd.", "1", ""],
                ["", "Kestrel Optics Ltd", "1", ""],
                ["", "Li Wei", "0", "Kestrel Optics Ltd"],
                ["", "KESTREL OPTICS LIMITED", "1", ""],
                ["", "Lotus Paper Ltd", "1", ""],
            ],
        )
        errors = self._errors(result)
        self.assertEqual([error["rows"]["from"] for error in errors], [3, 4], errors)
        self.assertIn("on another row of the file", errors[0]["message"])
        self.assertIn("Kestrel Optics Ltd", errors[0]["message"])
        self.assertIn("already registered", errors[1]["message"])
        self.assertNotIn("another row", errors[1]["message"])

    def test_every_refused_row_is_reported_in_order(self):
        result = self._load(
            [
                "Delta Foods Ltd",
                "Jinghua Import Export Co Ltd",
                "Echo Media Ltd",
                "Delta Foods Limited",
                "jinghua import & export",
            ]
        )
        self.assertEqual(
            [error["rows"]["from"] for error in self._errors(result)], [1, 3, 4]
        )

    def test_a_clean_file_is_imported(self):
        result = self._load(["Fjord Shipping Ltd", "Granite Works Ltd"])
        self.assertFalse(result["messages"])
        imported = self.Partner.browse(result["ids"])
        self.assertEqual(
            imported.mapped("name"), ["Fjord Shipping Ltd", "Granite Works Ltd"]
        )
        self.assertEqual(imported.registered_by_id, self.salesman)

    def test_contacts_of_the_files_companies_are_imported(self):
        # Odoo's contact template: a company and a person "Related" to it.
        # Odoo copies the company's commercial fields to its contact as the
        # importing user, among them the credit limit only accountants read.
        self.customer.with_company(self.company).sudo().credit_limit = 5000
        result = self.Partner.with_user(self.salesman).load(
            ["name", "company_type", "parent_id", "email"],
            [
                ["Modulo Interiors", "company", "", "sales@modulo.example.com"],
                ["Julian Becker", "person", "Modulo Interiors", "jb@modulo.example"],
                ["Lin Fang", "person", self.customer.name, "lf@example.com"],
            ],
        )
        self.assertFalse(result["messages"])
        company, person, contact = self.Partner.browse(result["ids"])
        self.assertEqual(person.parent_id, company)
        self.assertEqual(contact.commercial_partner_id, self.customer)
        self.assertEqual(person.registered_by_id, self.salesman)
        self.assertEqual(contact.sudo().credit_limit, 5000)

    def test_a_file_is_checked_in_one_pass(self):
        """The rules run once for the whole file, refused rows or not (Odoo
        would try the rows again one by one after a failed batch)."""
        Rule = type(self.env["crm.duplicate.rule"])
        names = [f"Harbor Supply {number} Ltd" for number in range(40)]
        names[7] = names[30] = "Jinghua Import Export Ltd"
        with patch.object(
            Rule, "_match_rows", autospec=True, side_effect=Rule._match_rows
        ) as match_rows:
            result = self._load(names)
        self.assertEqual(match_rows.call_count, 1)
        self.assertEqual(
            [error["rows"]["from"] for error in self._errors(result)], [7, 30]
        )

    def test_the_import_screen_test_and_import(self):
        """Odoo's import screen: its test and its import report the same row."""
        wizard = (
            self.env["base_import.import"]
            .with_user(self.salesman)
            .create(
                {
                    "res_model": "res.partner",
                    "file": b"name,is_company\n"
                    b"Ivory Textiles Ltd,1\n"
                    b"Jinghua Import Export Limited,1\n"
                    b"Juniper Farms Ltd,1\n",
                    "file_type": "text/csv",
                }
            )
        )
        for dryrun in (True, False):
            with self.subTest(dryrun=dryrun):
                result = wizard.execute_import(
                    ["name", "is_company"],
                    ["name", "is_company"],
                    dict(CSV_OPTIONS),
                    dryrun=dryrun,
                )
                errors = self._errors(result)
                self.assertEqual(len(errors), 1, errors)
                # The second row of data (counted from 0, as the screen does).
                self.assertEqual(errors[0]["rows"], {"from": 1, "to": 1})
                self.assertIn("Jinghua Import Export Co., Ltd.", errors[0]["message"])
                self.assertFalse(
                    self._imported("Ivory Textiles Ltd", "Juniper Farms Ltd")
                )

    def test_each_row_is_blamed_for_its_own_missing_fields(self):
        """Rows of classes requiring fields: each row is told of its own gaps
        only, once (not the first row of the batch for every row's), beside
        a duplicate; and so without any duplicate rule in use."""
        supplier = self.class_model.create(
            {
                "name": "Audited supplier",
                "code": "TEST_AUDITED",
                "parent_id": self.class_partner.id,
                "required_field_ids": [Command.set([self.field["vat"].id])],
            }
        )
        rows = [
            ["Kumquat Retail Ltd", "1", "Partner / Key account"],
            ["Lychee Parts Ltd", "1", "Partner / Audited supplier"],
            ["Mango Stores Ltd", "1", ""],
            ["Jinghua Import Export Ltd", "1", "Partner / Audited supplier"],
        ]
        for rules in (True, False):
            with self.subTest(rules=rules), self.env.cr.savepoint() as savepoint:
                if not rules:
                    self.env["crm.duplicate.rule"].search([]).active = False
                result = self.Partner.with_user(self.salesman).load(
                    ["name", "is_company", "customer_class_id"],
                    rows if rules else rows[:3],
                )
                self.assertIs(result["ids"], False)
                errors = self._errors(result)
                self.assertEqual(
                    [error["rows"] for error in errors],
                    [
                        {"from": row, "to": row}
                        for row in (0, 1, 3)[: 3 if rules else 2]
                    ],
                    errors,
                )
                self.assertEqual(
                    errors[0]["message"],
                    "The customer class requires more information.\n"
                    f"Kumquat Retail Ltd ({self.class_key_account.display_name}) "
                    "is missing: Email, Phone",
                )
                self.assertEqual(
                    errors[1]["message"],
                    "The customer class requires more information.\n"
                    f"Lychee Parts Ltd ({supplier.display_name}) is missing: Tax ID",
                )
                if rules:
                    # A row refused twice is told both, on its own row.
                    self.assertIn("Jinghua Import Export Ltd (", errors[2]["message"])
                    self.assertIn("is missing: Tax ID", errors[2]["message"])
                    self.assertIn("already registered", errors[2]["message"])
                    self.assertNotIn("Lychee", errors[2]["message"])
                self.assertFalse(self._imported("Mango Stores Ltd"))
                savepoint.rollback()

    def test_warn_rules_flag_imported_rows(self):
        self.Partner.with_user(self.salesman_2).create(
            {
                "name": "Lantern Studio",
                "is_company": True,
                "email": "hello@lantern.example",
            }
        )
        result = self.Partner.with_user(self.salesman).load(
            ["name", "is_company", "email"],
            [["Lumen Design Ltd", "1", "Hello@Lantern.example"]],
        )
        self.assertFalse(self._errors(result))
        imported = self.Partner.browse(result["ids"])
        self.assertEqual(imported.duplicate_state, "suspect")

    def test_no_client_context_lets_a_duplicate_through(self):
        """The keys the import uses inside the server, sent by a client with any
        value, neither switch the rule off nor stop the rollback."""
        hostile = {
            "crm_extension_import_blame": [],
            "crm_extension_import_refusals": {},
        }
        with self.assertRaises(ValidationError):
            self.Partner.with_user(self.salesman).with_context(**hostile).create(
                {"name": "Jinghua Import Export Ltd", "is_company": True}
            )
        result = self._load(["Maple Leaf Ltd", "Jinghua Import Export Ltd"], **hostile)
        self.assertEqual([error["rows"]["from"] for error in self._errors(result)], [1])
        self.assertFalse(self._imported("Maple Leaf Ltd"))


@tagged("post_install", "-at_install")
class TestOpportunityImportGates(CrmExtensionCase):
    """Odoo's import of opportunities into a stage with gates reports each
    refused row once, on its own row, with its own gates, and imports nothing
    when a row is refused."""

    FIELDS = ["name", "type", "stage_id/.id", "expected_revenue"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]
        cls.near_close = cls.env.ref("crm_extension.crm_stage_near_close")
        cls.new = cls.env.ref("crm.stage_lead1")

    def _rows(self, *rows):
        return [
            [name, "opportunity", str(stage.id), str(revenue)]
            for name, stage, revenue in rows
        ]

    def _errors(self, result):
        return [message for message in result["messages"] if message["type"] == "error"]

    def _imported(self, *names):
        return self.Lead.with_context(active_test=False).search(
            [("name", "in", list(names))]
        )

    def test_each_refused_row_is_blamed_once_on_its_row(self):
        result = self.Lead.with_user(self.salesman).load(
            self.FIELDS,
            self._rows(
                ("Kiln Ovens for Wuxi", self.near_close, 0),
                ("Loom Parts for Suzhou", self.new, 900),
                ("Mill Rollers for Tianjin", self.near_close, 5000),
            ),
        )
        self.assertIs(result["ids"], False)
        errors = self._errors(result)
        self.assertEqual(
            [error["rows"] for error in errors],
            [{"from": 0, "to": 0}, {"from": 2, "to": 2}],
            errors,
        )
        first, third = (error["message"] for error in errors)
        self.assertIn("Kiln Ovens for Wuxi", first)
        self.assertIn("needs an expected revenue", first)
        self.assertIn("needs a decision maker", first)
        self.assertNotIn("Mill Rollers", first)
        self.assertIn("Mill Rollers for Tianjin", third)
        self.assertIn("needs a decision maker", third)
        self.assertNotIn("expected revenue", third)
        self.assertNotIn("Kiln Ovens", third)
        # Nothing is imported, the row the gates let through neither.
        self.assertFalse(self._imported("Kiln Ovens for Wuxi", "Loom Parts for Suzhou"))

    def test_archived_rows_are_refused_too(self):
        """A row imported archived into Near Close is refused as an active
        one: restored, it would sit in a stage it never passed."""
        result = self.Lead.with_user(self.salesman).load(
            ["name", "type", "stage_id", "active"],
            [["Rivets for Dalian", "opportunity", "Near Close", "False"]],
        )
        self.assertIs(result["ids"], False)
        errors = self._errors(result)
        self.assertEqual([error["rows"] for error in errors], [{"from": 0, "to": 0}])
        self.assertIn("Rivets for Dalian", errors[0]["message"])
        self.assertIn("needs a decision maker", errors[0]["message"])
        self.assertFalse(self._imported("Rivets for Dalian"))

    def test_a_file_the_gates_let_through_is_imported(self):
        result = self.Lead.with_user(self.salesman).load(
            self.FIELDS,
            self._rows(
                ("Nail Guns for Xiamen", self.new, 0),
                ("Oven Doors for Ningbo", self.new, 700),
            ),
        )
        self.assertFalse(result["messages"])
        imported = self.Lead.browse(result["ids"])
        self.assertEqual(imported.stage_id, self.new)
        self.assertEqual(imported.user_id, self.salesman)

    def test_the_import_screen_test_and_import(self):
        """Odoo's import screen: its test and its import report the rows."""
        wizard = (
            self.env["base_import.import"]
            .with_user(self.salesman)
            .create(
                {
                    "res_model": "crm.lead",
                    "file": (
                        "name,type,stage,revenue\n"
                        f"Pump Seals for Hefei,opportunity,{self.near_close.id},0\n"
                        f"Quartz Tiles for Jinan,opportunity,{self.new.id},800\n"
                        f"Rope Winch Dalian,opportunity,{self.near_close.id},900\n"
                    ).encode(),
                    "file_type": "text/csv",
                }
            )
        )
        for dryrun in (True, False):
            with self.subTest(dryrun=dryrun):
                result = wizard.execute_import(
                    self.FIELDS,
                    ["name", "type", "stage", "revenue"],
                    dict(CSV_OPTIONS),
                    dryrun=dryrun,
                )
                errors = self._errors(result)
                self.assertEqual(
                    [error["rows"]["from"] for error in errors], [0, 2], errors
                )
                self.assertIn("Pump Seals for Hefei", errors[0]["message"])
                self.assertNotIn("Rope Winch", errors[0]["message"])
                self.assertFalse(self._imported("Quartz Tiles for Jinan"))

    def test_no_client_context_lets_a_row_through_the_gates(self):
        """The keys the import uses inside the server, sent by a client with
        any value, neither switch the gates off nor stop the rollback."""
        hostile = {
            "crm_extension_refused_by_gates": {},
            "crm_extension_import_blame": [],
        }
        Lead = self.Lead.with_user(self.salesman).with_context(**hostile)
        with (
            self.assertRaisesRegex(ValidationError, "needs a decision maker"),
            self.env.cr.savepoint(),
        ):
            Lead.create(
                {
                    "name": "Saw Blades for Harbin",
                    "type": "opportunity",
                    "stage_id": self.near_close.id,
                    "expected_revenue": 100,
                }
            )
        result = Lead.load(
            self.FIELDS,
            self._rows(
                ("Tool Racks for Kunming", self.new, 100),
                ("Saw Blades for Harbin", self.near_close, 100),
            ),
        )
        self.assertEqual([error["rows"]["from"] for error in self._errors(result)], [1])
        self.assertFalse(
            self._imported("Tool Racks for Kunming", "Saw Blades for Harbin")
        )
