"""Every SQL constraint of the addon holds, on Odoo 18.0 and 19.0 alike (each
version declares them its own way, see compat.Constraint: a rule lost on one of
them would fail no install, only these tests)."""

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import CrmExtensionCase

# Every SQL constraint crm_extension declares: (table, name).
CONSTRAINTS = {
    ("crm_contact_role", "code_uniq"),
    ("crm_duplicate_key", "key_uniq"),
    ("crm_duplicate_name_core", "core_uniq"),
    ("crm_duplicate_name_neighbour", "key_core_uniq"),
    ("crm_customer_value", "partner_company_uniq"),
    ("res_company", "crm_dormant_days_positive"),
    ("crm_complaint", "compensation_positive"),
    ("crm_stage", "default_probability_range"),
    ("crm_stage", "stall_days_positive"),
    ("crm_complaint_sla", "hours_positive"),
    ("crm_complaint_sla", "at_risk_ratio_range"),
    ("crm_complaint_sla_pause", "end_after_start"),
}


@tagged("post_install", "-at_install")
class TestConstraints(CrmExtensionCase):
    def assertRefused(self, constraint, create):
        """``create()`` is refused by the database's ``constraint``."""
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError) as refusal,
            self.env.cr.savepoint(),
        ):
            create()
            self.env.flush_all()
        self.assertEqual(refusal.exception.diag.constraint_name, constraint)

    def test_every_constraint_is_in_the_database(self):
        self.env.cr.execute(
            """
            SELECT t.relname, c.conname
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
             WHERE c.contype IN ('u', 'c')
            """
        )
        present = set(self.env.cr.fetchall())
        missing = {
            (table, name)
            for table, name in CONSTRAINTS
            if (table, f"{table}_{name}") not in present
        }
        self.assertFalse(missing)
        declared = set(
            self.env["ir.model.constraint"]
            .search([("module.name", "=", "crm_extension"), ("type", "=", "u")])
            .mapped("name")
        )
        self.assertEqual(declared, {f"{table}_{name}" for table, name in CONSTRAINTS})

    def test_contact_role_code_is_unique(self):
        Role = self.env["crm.contact.role"]
        Role.create({"name": "Sponsor", "code": "SPONSOR"})
        self.assertRefused(
            "crm_contact_role_code_uniq",
            lambda: Role.create({"name": "Another sponsor", "code": "SPONSOR"}),
        )

    def test_customer_class_code_and_sibling_name_are_unique(self):
        Class = self.env["crm.customer.class"]
        Class.create({"name": "Wholesale", "code": "WHOLESALE"})
        with self.assertRaisesRegex(ValidationError, "WHOLESALE"):
            Class.create({"name": "Other wholesale", "code": "WHOLESALE"})
        with self.assertRaisesRegex(ValidationError, "Wholesale"):
            Class.create({"name": "Wholesale", "code": "WHOLESALE_2"})
        # The same name under another parent is another class.
        Class.create(
            {
                "name": "Wholesale",
                "code": "VIP_WHOLESALE",
                "parent_id": self.class_vip.id,
            }
        )

    def test_duplicate_key_is_unique(self):
        Key = self.env["crm.duplicate.key"]
        Key.create({"key": "name:constraint-test"})
        self.assertRefused(
            "crm_duplicate_key_key_uniq",
            lambda: Key.create({"key": "name:constraint-test"}),
        )

    def test_name_core_is_unique(self):
        Core = self.env["crm.duplicate.name.core"]
        Core.create({"core": "constrainttestcore"})
        self.assertRefused(
            "crm_duplicate_name_core_core_uniq",
            lambda: Core.create({"core": "constrainttestcore"}),
        )

    def test_name_neighbour_key_is_unique(self):
        Neighbour = self.env["crm.duplicate.name.neighbour"]
        values = {"key": "constrainttestkey", "core": "constrainttestcore"}
        Neighbour.create(values)
        self.assertRefused(
            "crm_duplicate_name_neighbour_key_core_uniq",
            lambda: Neighbour.create(values),
        )

    def test_one_customer_value_per_company(self):
        Value = self.env["crm.customer.value"]
        values = {"partner_id": self.customer.id, "company_id": self.company.id}
        Value.search([(name, "=", value) for name, value in values.items()]).unlink()
        Value.create(values)
        self.assertRefused(
            "crm_customer_value_partner_company_uniq", lambda: Value.create(values)
        )

    def test_checks_refuse_impossible_values(self):
        """Each check constraint, written past the ORM's own checks."""
        cases = [
            ("res_company", "crm_dormant_days", -1, "crm_dormant_days_positive"),
            ("crm_stage", "default_probability", 101, "default_probability_range"),
            ("crm_stage", "stall_days", -1, "stall_days_positive"),
            ("crm_complaint_sla", "response_hours", 0, "hours_positive"),
            ("crm_complaint_sla", "at_risk_ratio", 100, "at_risk_ratio_range"),
        ]
        records = {
            "res_company": self.company,
            "crm_stage": self.env.ref("crm.stage_lead1"),
            "crm_complaint_sla": self.env.ref("crm_extension.complaint_sla_standard"),
        }
        for table, fname, value, constraint in cases:
            record = records[table]
            column = record._fields[fname]
            # A related field (19.0's stall_days is Odoo's days to rot) is
            # stored in its target's column.
            column_name = column.related.split(".")[-1] if column.related else fname
            query = SQL(
                "UPDATE %s SET %s = %s WHERE id = %s",
                SQL.identifier(table),
                SQL.identifier(column_name),
                value,
                record.id,
            )
            with self.subTest(constraint=constraint):
                self.assertRefused(
                    f"{table}_{constraint}",
                    lambda query=query: self.env.cr.execute(query),
                )

    def test_complaint_checks(self):
        complaint = self.env["crm.complaint"].create(
            {"subject": "Broken cup", "partner_id": self.customer.id}
        )
        self.assertRefused(
            "crm_complaint_compensation_positive",
            lambda: complaint.write({"compensation_amount": -5}),
        )
        pause = self.env["crm.complaint.sla.pause"].create(
            {
                "complaint_id": complaint.id,
                "stage_id": complaint.stage_id.id,
                "date_start": "2026-05-02 10:00:00",
            }
        )
        self.assertRefused(
            "crm_complaint_sla_pause_end_after_start",
            lambda: pause.write({"date_end": "2026-05-01 10:00:00"}),
        )
