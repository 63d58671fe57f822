import contextlib
import gc
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.res_partner_checks import (
    CALLER_CREATE_STEPS,
    CALLER_STEPS,
    FINAL_STEPS,
)
from ..tools.server_context import PartnerOperation
from .common import CrmExtensionCase

STEPS = (*CALLER_STEPS, *FINAL_STEPS)


@tagged("post_install", "-at_install")
class TestRulesRunOnceOnTheFinalState(CrmExtensionCase):
    """Odoo's create and write of a partner write again on the way (commercial
    fields and address copied from the company, contacts kept in sync): each
    step of the addon's one operation runs once per create or write, the final
    ones after all of that."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.city_field = cls.env["ir.model.fields"]._get("res.partner", "city")
        cls.class_with_city = cls.class_model.create(
            {
                "name": "Offices with a city",
                "parent_id": cls.class_partner.id,
                "contact_required_field_ids": [Command.set(cls.city_field.ids)],
            }
        )

    def _count_rules(self):
        Partner = type(self.env["res.partner"])
        patchers = [
            patch.object(
                Partner, name, autospec=True, side_effect=getattr(Partner, name)
            )
            for name in STEPS
        ]
        mocks = {
            name: patcher.start() for name, patcher in zip(STEPS, patchers, strict=True)
        }
        for patcher in patchers:
            self.addCleanup(patcher.stop)
        return mocks

    def test_contact_takes_the_company_city_before_its_template_is_checked(self):
        company = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Ningbo Harbour Logistics",
                    "is_company": True,
                    "city": "Ningbo",
                    "customer_class_id": self.class_with_city.id,
                }
            )
        )
        # As an RPC create sends it: no city, Odoo copies the company's.
        contact = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Wu Gang", "parent_id": company.id, "type": "contact"})
        )
        self.assertEqual(contact.city, "Ningbo")

    def test_each_rule_runs_once_per_create(self):
        mocks = self._count_rules()
        self.env["res.partner"].with_user(self.salesman).create(
            {
                "name": "Xiamen Tea Exporters",
                "is_company": True,
                "city": "Xiamen",
                "vat": "DE812526315",
                "customer_class_id": self.class_with_city.id,
                "child_ids": [
                    Command.create({"name": f"Buyer {index}", "type": "contact"})
                    for index in range(3)
                ],
            }
        )
        for name in FINAL_STEPS:
            self.assertEqual(mocks[name].call_count, 1, name)
        # ... on the company and its three contacts at once.
        self.assertEqual(len(mocks["_crm_check_class_templates"].call_args.args[0]), 4)
        # (A create's values are checked as it begins, each partner's once,
        # not as writes.)
        for name in CALLER_STEPS:
            count = 4 if name in CALLER_CREATE_STEPS else 0
            self.assertEqual(mocks[name].call_count, count, name)

    def test_each_rule_runs_once_per_write(self):
        company = self.env["res.partner"].create(
            {
                "name": "Fuzhou Porcelain Works",
                "is_company": True,
                "city": "Fuzhou",
                "customer_class_id": self.class_with_city.id,
                "user_id": self.salesman.id,
                "child_ids": [
                    Command.create({"name": f"Clerk {index}", "type": "contact"})
                    for index in range(3)
                ],
            }
        )
        mocks = self._count_rules()
        # Odoo copies the new address and VAT to each contact: nested writes.
        company.with_user(self.salesman).write(
            {"city": "Putian", "vat": "DE812526316", "name": "Putian Porcelain"}
        )
        for name, mock in mocks.items():
            self.assertEqual(mock.call_count, 1, name)
        self.assertEqual(company.child_ids.mapped("city"), ["Putian"] * 3)
        self.assertEqual(len(mocks["_crm_check_class_templates"].call_args.args[0]), 4)
        # And a failing template still refuses the write, once, with everyone.
        with self.assertRaisesRegex(ValidationError, "Clerk 0"):
            company.with_user(self.salesman).write({"city": False})


@tagged("post_install", "-at_install")
class TestDuplicateRulesCostPerBatch(CrmExtensionCase):
    """The duplicate rules add a fixed number of queries to a create, whatever
    the number of partners it creates (no query per partner; the match query
    flushes only the fields it reads, through Odoo's public API)."""

    def _partner_row_updates(self):
        """Rows of res_partner this transaction updated so far (PostgreSQL's
        own count)."""
        self.env.cr.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'res_partner'"
        )
        return self.env.cr.fetchone()[0]

    def test_a_new_batch_is_written_once(self):
        """The match queries flush only what they read of other partners: the new
        partners are updated by Odoo's flush alone, as without the rules."""
        rules = self.env["crm.duplicate.rule"].search([])

        def updates(active, serial):
            rules.active = active
            self._queries(2, f"Warmup{serial}", serial + 200)
            before = self._partner_row_updates()
            self._queries(40, f"Rows{serial}", serial)
            return self._partner_row_updates() - before

        self.assertEqual(updates(True, 31), updates(False, 32))

    def _queries(self, count, prefix, serial):
        vals_list = [
            {
                "name": f"{prefix} Trading {index}",
                "is_company": True,
                "email": f"{prefix.lower()}.{index}@example.com",
                "phone": f"+86 21 6{index:03d} {serial:04d}",
                "vat": f"DE8{index:04d}{serial:04d}",
                "child_ids": [Command.create({"name": f"{prefix} Buyer {index}"})],
            }
            for index in range(count)
        ]
        Partner = self.env["res.partner"].with_user(self.sales_manager)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        Partner.create(vals_list)
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_rules_cost_the_same_queries_for_any_batch(self):
        rules = self.env["crm.duplicate.rule"].search([])

        def measure(active, count, serial):
            # Switching the rules clears Odoo's caches: a first create refills
            # them, the second one is measured.
            rules.active = active
            self.assertEqual(
                bool(self.env["crm.duplicate.rule"]._get_active_rules()), active
            )
            self._queries(2, f"Warm{serial}", serial + 100)
            return self._queries(count, f"Batch{serial}", serial)

        cost, raw = {}, {}
        for serial, count in enumerate((5, 60)):
            raw[count] = (
                measure(True, count, 2 * serial + 1),
                measure(False, count, 2 * serial + 2),
            )
            cost[count] = raw[count][0] - raw[count][1]
        self.assertGreater(cost[5], 0, raw)  # the rules do run
        self.assertLessEqual(abs(cost[60] - cost[5]), 3, cost)


@tagged("post_install", "-at_install")
class TestOneOperation(CrmExtensionCase):
    """What the steps write (a suspect flag, a lifecycle stage) is written at
    the end of the operation, inside it: it starts no other operation."""

    def test_a_flag_starts_no_second_operation(self):
        Partner = self.env["res.partner"]
        Partner.create(
            {"name": "Flagged Email Ltd", "is_company": True, "email": "f@flag.cn"}
        )
        finish = type(Partner)._crm_finish
        with patch.object(
            type(Partner), "_crm_finish", autospec=True, side_effect=finish
        ) as finishes:
            twin = Partner.with_user(self.salesman).create(
                {"name": "Another Flag Co", "is_company": True, "email": "f@flag.cn"}
            )
        self.assertEqual(finishes.call_count, 1)
        self.assertEqual(twin.duplicate_state, "suspect")

    def test_partners_written_one_by_one_leave_no_environments_behind(self):
        """A script or a job registering customers one by one in a
        transaction, some of them refused: each operation's environments are
        the cursor's same ones, not more with every partner (Odoo keeps those
        of tracked records to the commit and looks every new environment up
        among them: each create would get slower than the last)."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        existing = Partner.create(
            {"name": "Registered Once GmbH", "is_company": True, "vat": "DE811907980"}
        )

        def register(start, count):
            for number in range(start, start + count):
                partner = Partner.create(
                    {
                        "name": f"One By One {number} Ltd",
                        "is_company": True,
                        "user_id": self.salesman.id,
                    }
                )
                partner.write({"email": f"sales{number}@one-by-one.cn"})
                # (As a job does: the refused one rolled back, the others kept.)
                with (
                    contextlib.suppress(ValidationError),
                    self.env.cr.savepoint(flush=False),
                ):
                    Partner.create({"name": existing.name, "is_company": True})
                    raise AssertionError("not refused")
            gc.collect()
            return len(self.env.transaction.envs)

        after_few = register(0, 3)
        after_many = register(3, 30)
        self.assertLessEqual(after_many, after_few)

    def _kept_from_an_operation(self, user):
        """A partner ``user`` registered, in the environment of its finished
        operation (as Odoo's mail tracking keeps such records to the commit)."""
        Partner = type(self.env["res.partner"])
        kept = []
        finish = Partner._crm_finish

        def keep(records, operation):
            kept.append(records)
            return finish(records, operation)

        with patch.object(Partner, "_crm_finish", autospec=True, side_effect=keep):
            partner = (
                self.env["res.partner"]
                .with_user(user)
                .create({"name": "Kept Records Ltd", "is_company": True})
            )
        return kept[0].browse(partner.id)

    def _during_an_operation_of_another_user(self, step, write):
        """Run ``write`` once while the administrator's operation on another
        partner runs ``step`` (a step of the operation)."""
        other = self.env["res.partner"].create(
            {"name": "Administrator's Own Ltd", "is_company": True}
        )
        Partner = type(self.env["res.partner"])
        original = getattr(Partner, step)
        written = []

        def hook(records, *args):
            if not written:
                written.append(True)
                write()
            return original(records, *args)

        with patch.object(Partner, step, autospec=True, side_effect=hook):
            other.write({"email": "admin@own.example.com"})
        self.assertTrue(written)

    def test_records_kept_from_an_operation_are_checked_in_another_one(self):
        """A salesperson's records kept from a finished registration, written
        by server code while the administrator's operation runs its final
        steps, are a registration of their own: refused."""
        existing = self.env["res.partner"].create(
            {"name": "Registered Before Kept GmbH", "is_company": True}
        )
        kept = self._kept_from_an_operation(self.salesman)
        with self.assertRaises(ValidationError):
            self._during_an_operation_of_another_user(
                "_crm_log_class_moves", lambda: kept.write({"name": existing.name})
            )

    def test_records_kept_from_an_operation_keep_their_user_rules(self):
        """Written while the administrator's operation runs, a salesperson's
        records kept from a finished one still may not set what the system
        keeps."""
        kept = self._kept_from_an_operation(self.salesman)
        with self.assertRaises(UserError):
            self._during_an_operation_of_another_user(
                "_crm_flush_match_fields",
                lambda: kept.write({"lifecycle_stage": "vip"}),
            )
        kept.invalidate_recordset()
        self.assertNotEqual(kept.sudo().lifecycle_stage, "vip")

    def test_a_client_cannot_send_an_operation(self):
        """A context key sent by a client is not an operation: a class move
        "by a rule", an approved exception or an import's refusals cannot be
        claimed."""
        hostile = {
            PartnerOperation.KEY: {
                "class_cause": "Rule",
                "approved_exception": 1,
                "started": True,
            }
        }
        partner = self.customer.with_user(self.salesman).with_context(**hostile)
        partner.customer_class_id = self.class_normal
        history = self.env["crm.customer.class.history"].search(
            [("partner_id", "=", self.customer.id)], order="id desc", limit=1
        )
        self.assertFalse(history.is_automatic)
        with self.assertRaises(ValidationError):
            self.env["res.partner"].with_user(self.salesman_2).with_context(
                **hostile
            ).create({"name": self.customer.name, "is_company": True})


@tagged("post_install", "-at_install")
class TestNestedPartnersAreTheCallers(CrmExtensionCase):
    """Contacts created or written through a company's ``child_ids`` commands
    carry the caller's values, whatever partner an update command names: they
    are checked as the caller's own create or write, not trusted as Odoo's."""

    def _own_company(self, name="Nested Commands Trading"):
        return (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": name, "is_company": True, "user_id": self.salesman.id})
        )

    def test_guarded_values_of_nested_partners_are_refused(self):
        company = self._own_company()
        target = self.other_customer
        guarded = {
            "customer_class_locked": True,
            "registered_date": "2001-01-01 00:00:00",
            "protection_end_date": "2099-12-31",
            "duplicate_state": "cleared",
            "crm_merged_into_id": company.id,
        }
        for fname, value in guarded.items():
            with self.subTest(fname), self.assertRaises(AccessError):
                company.write(
                    {"child_ids": [Command.update(target.id, {fname: value})]}
                )
            with (
                self.subTest(f"{fname} on a new contact"),
                self.assertRaises(AccessError),
            ):
                company.write(
                    {"child_ids": [Command.create({"name": "Probe", fname: value})]}
                )
            with (
                self.subTest(f"{fname} in a new company's contact"),
                self.assertRaises(AccessError),
            ):
                self.env["res.partner"].with_user(self.salesman).create(
                    {
                        "name": "Nested Parent Co",
                        "is_company": True,
                        "child_ids": [Command.create({"name": "Probe", fname: value})],
                    }
                )
        target.invalidate_recordset()
        self.assertFalse(target.crm_merged_into_id)
        self.assertFalse(target.duplicate_state)

    def test_ownership_rules_hold_for_nested_partners(self):
        company = self._own_company()
        # Registered by the salesperson, given to another one since: the
        # salesperson still edits it, but it is the other one's.
        given = self._own_company("Given Away Trading")
        given.sudo().user_id = self.salesman_2
        with self.assertRaisesRegex(UserError, "belongs to Sam Salesman"):
            company.write(
                {"child_ids": [Command.update(given.id, {"user_id": self.salesman.id})]}
            )
        with (
            self.assertRaisesRegex(UserError, "belongs to Sam Salesman"),
            self.env.cr.savepoint(),
        ):
            company.write(
                {
                    "child_ids": [
                        Command.update(given.id, {"is_company": False}),
                        Command.link(given.id),
                    ]
                }
            )
        given.invalidate_recordset()
        self.assertEqual(given.user_id, self.salesman_2)
        self.assertFalse(given.parent_id)
        # Nor is a merged customer brought back (one the salesperson
        # registered: who may not write a customer at all is told so first).
        merged = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Merged Away Trading", "is_company": True})
        )
        merged.write({"active": False})
        merged.sudo().with_context(active_test=False).flush_recordset()
        self.env.cr.execute(
            "UPDATE res_partner SET crm_merged_into_id = %s WHERE id = %s",
            [self.customer.id, merged.id],
        )
        merged.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "was merged into"):
            self.customer.with_user(self.salesman).write(
                {"child_ids": [Command.update(merged.id, {"active": True})]}
            )
        self.assertFalse(merged.active)

    def test_nested_contacts_of_ones_own_company_are_written(self):
        company = self._own_company()
        company.write(
            {
                "child_ids": [
                    Command.create({"name": "Nested Buyer", "function": "Buyer"})
                ]
            }
        )
        contact = company.child_ids
        company.write(
            {"child_ids": [Command.update(contact.id, {"function": "Head Buyer"})]}
        )
        self.assertEqual(contact.function, "Head Buyer")
        self.assertEqual(contact.user_id, company.user_id)
