from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.sql_db import Cursor
from odoo.tests import tagged
from odoo.tools import format_amount

from .. import compat
from ..tools import CHURN_RISKS, SEGMENT_RISKS, abc_class
from .common import (
    CrmExtensionCase,
    activity_notifications,
    automated_activities_as_odoo,
    stored_values,
)

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestCustomerValue(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Value test service", "type": "service", "taxes_id": False}
        )
        cls.Value = cls.env["crm.customer.value"]
        Partner = cls.env["res.partner"]
        cls.big = Partner.create(
            {"name": "Big Buyer Ltd", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.middle = Partner.create(
            {
                "name": "Middle Buyer Ltd",
                "is_company": True,
                "user_id": cls.salesman_2.id,
            }
        )
        cls.small = Partner.create({"name": "Small Buyer Ltd", "is_company": True})
        cls.tiny = Partner.create({"name": "Tiny Buyer Ltd", "is_company": True})
        cls.gone = Partner.create(
            {"name": "Gone Buyer Ltd", "is_company": True, "user_id": cls.salesman.id}
        )

    def _invoice(
        self,
        partner,
        amount,
        invoice_date,
        move_type="out_invoice",
        currency=None,
        company=None,
    ):
        env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=(company or self.env.company).ids
            )
        )
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "date": invoice_date,
                "currency_id": (
                    currency or (company or self.env.company).currency_id
                ).id,
                "company_id": (company or self.env.company).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _compute(self, **kwargs):
        return self.Value._compute_all(
            companies=self.env.company, today=TODAY, **kwargs
        )

    def _value(self, partner, company=None):
        return self.Value.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.env.company).id),
            ]
        )

    def test_figures_equal_odoos_invoice_analysis(self):
        eur = self.env.ref("base.EUR")
        if eur == self.env.company.currency_id:
            eur = self.env.ref("base.USD")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": "2026-01-01",
                "rate": 0.5,
                "company_id": self.env.company.id,
            }
        )
        self._invoice(self.big, 1000, "2026-02-10")
        self._invoice(self.big, 400, "2026-05-05", currency=eur)
        self._invoice(self.big, 150, "2026-05-20", move_type="out_refund")
        self._invoice(self.big, 9999, "2025-05-01")  # older than 12 months
        self._compute()
        value = self._value(self.big)
        report = self.env["account.invoice.report"]._read_group(
            [
                ("commercial_partner_id", "=", self.big.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">", "2025-06-30"),
                ("invoice_date", "<=", "2026-06-30"),
            ],
            [],
            ["price_subtotal:sum"],
        )[0][0]
        self.assertAlmostEqual(value.revenue_12m, report, places=2)
        self.assertAlmostEqual(value.revenue_12m, 1000 + 800 - 150, places=2)
        invoices = self.env["account.move"].search_count(
            [
                ("commercial_partner_id", "=", self.big.id),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
                ("invoice_date", ">", "2025-06-30"),
            ]
        )
        self.assertEqual(value.invoice_count_12m, invoices)
        self.assertEqual(value.last_invoice_date, date(2026, 5, 5))
        # The partner shows the figures of the current company.
        self.assertAlmostEqual(self.big.revenue_12m, value.revenue_12m, places=2)

    def _credit(self, invoice, amount=None):
        return self._credit_as_accountant(invoice, amount, date="2026-06-26")

    def test_invoices_credited_in_full_are_no_purchases(self):
        """Invoices credited in full with Odoo's reversal wizard count neither
        as invoices nor as the last invoice: a customer whose every invoice
        was credited has no value (it is no new customer at low risk); a
        partial credit note leaves its invoice counted. The revenue nets the
        credit notes out either way."""
        for day in ("2026-02-10", "2026-04-10", "2026-06-10"):
            self._credit(self._invoice(self.small, 1000, day))
        self._invoice(self.tiny, 1000, "2026-03-01")
        self._credit(self._invoice(self.tiny, 1000, "2026-06-20"), amount=300)
        self._credit(self._invoice(self.tiny, 1000, "2026-06-25"))
        self._compute()
        small, tiny = (
            partner.with_user(self.salesman_all) for partner in (self.small, self.tiny)
        )
        self.assertFalse(self._value(self.small))
        self.assertEqual(
            (small.invoice_count_12m, small.last_invoice_date, small.rfm_segment),
            (0, False, False),
        )
        self.assertEqual(
            (tiny.invoice_count_12m, tiny.last_invoice_date, tiny.revenue_12m),
            (2, date(2026, 6, 20), 1700),
        )

    def test_a_credit_note_reset_to_draft_credits_nothing(self):
        """A credit note the accountant resets to draft credits nothing
        (Odoo 19.0 keeps it reconciled with its invoice, whose payment state
        stays *reversed*): the invoice counts again, as its revenue does; so
        once the credit note is cancelled. Posted again, it credits again."""
        self._invoice(self.tiny, 1000, "2026-03-01")
        invoice = self._invoice(self.tiny, 1000, "2026-06-20")
        credit_note = self._credit(invoice)
        tiny = self.tiny.with_user(self.salesman_all)

        def figures():
            self._compute()
            tiny.invalidate_recordset()
            return tiny.revenue_12m, tiny.invoice_count_12m, tiny.last_invoice_date

        self.assertEqual(figures(), (1000, 1, date(2026, 3, 1)))
        credit_note.button_draft()
        self.assertEqual(figures(), (2000, 2, date(2026, 6, 20)))
        credit_note.action_post()
        self.assertEqual(figures(), (1000, 1, date(2026, 3, 1)))
        credit_note.button_cancel()
        self.assertEqual(figures(), (2000, 2, date(2026, 6, 20)))

    def test_companies_are_separate(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        self.env.user.company_ids |= other_company
        self._invoice(self.big, 1000, "2026-03-01")
        self.Value._compute_all(companies=self.env.company | other_company, today=TODAY)
        self.assertEqual(self._value(self.big).revenue_12m, 1000)
        self.assertFalse(self._value(self.big, other_company))

    def test_rfm_abc_and_only_changed_rows(self):
        # A company of its own, whose revenue these five customers make (the
        # ABC classes and RFM scores are relative to the company's customers).
        company = self.env["res.company"].create({"name": "Value Test Company"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        self.env.user.company_ids |= company
        for partner, amount, day in (
            (self.big, 1000, "2026-06-20"),
            (self.middle, 500, "2026-05-01"),
            (self.small, 300, "2026-02-01"),
            (self.tiny, 100, "2025-12-01"),
            (self.gone, 50, "2025-08-01"),
        ):
            self._invoice(partner, amount, day, company=company)
        stats = self.Value._compute_all(companies=company, today=TODAY)
        values = self.Value.search([("company_id", "=", company.id)])
        ours = values.filtered(
            lambda v: (
                v.partner_id
                in (self.big | self.middle | self.small | self.tiny | self.gone)
            )
        )
        self.assertEqual(len(ours), 5)
        total = sum(v.revenue_12m for v in values if v.revenue_12m > 0)
        running = 0.0
        for value in values.sorted(lambda v: (-v.revenue_12m, v.partner_id.id)):
            expected = (
                abc_class(100.0 * running / total) if value.revenue_12m > 0 else "c"
            )
            self.assertEqual(value.abc_class, expected, value.partner_id.name)
            running += max(value.revenue_12m, 0)
            # Segment and churn risk agree (tools.SEGMENT_RISKS).
            lowest, highest = SEGMENT_RISKS[value.rfm_segment]
            self.assertIn(
                value.churn_risk,
                CHURN_RISKS[CHURN_RISKS.index(lowest) : CHURN_RISKS.index(highest) + 1],
            )
            self.assertTrue(1 <= value.rfm_recency <= 5)
        self.assertEqual(self._value(self.big, company).abc_class, "a")
        self.assertEqual(self._value(self.gone, company).abc_class, "c")
        self.assertGreater(
            self._value(self.big, company).rfm_recency,
            self._value(self.gone, company).rfm_recency,
        )
        self.assertGreaterEqual(stats["written"], 5)
        # Nothing changed: nothing is written.
        self.assertEqual(
            self.Value._compute_all(companies=company, today=TODAY)["written"], 0
        )

    def test_churn_risk_and_care_call(self):
        self._invoice(self.gone, 500, "2025-01-15")
        self._invoice(self.gone, 500, "2025-03-15")
        self._compute()
        value = self._value(self.gone)
        self.assertEqual(value.churn_risk, "high")
        self.assertIn("longer than usual", value.churn_reason)
        care = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.gone.id)]
        )
        self.assertEqual(care.user_id, self.salesman)
        # Only once: the risk did not change.
        self._compute()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.gone.id)]
            ),
            1,
        )

    def test_no_care_call_for_a_salesperson_who_cannot_read_the_customer(self):
        """A salesperson archived, or moved to another company than the
        customer's, is given no care call (nor made a follower of the
        customer)."""
        self.middle.company_id = self.env.company
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.salesman_2.write(
            {"company_ids": [Command.set(company_b.ids)], "company_id": company_b.id}
        )
        customers = self.gone | self.middle
        customers.message_unsubscribe(customers.user_id.partner_id.ids)
        self.salesman.action_archive()
        for partner in customers:
            self._invoice(partner, 500, "2025-01-15")
            self._invoice(partner, 500, "2025-03-15")
        self._compute()
        self.assertEqual(self._value(self.gone).churn_risk, "high")
        self.assertEqual(self._value(self.middle).churn_risk, "high")
        calls = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)]
        )
        self.assertFalse(calls)
        self.assertNotIn(self.salesman.partner_id, self.gone.message_partner_ids)
        self.assertNotIn(self.salesman_2.partner_id, self.middle.message_partner_ids)

    def test_care_call_as_odoo_would(self):
        """The job's care calls are what mail.activity's create makes of them
        (the display name of the customer in the job's language included), the
        salesperson follows the customer with Odoo's default subscription and
        each salesperson is told once on the bus."""
        lang = "zh_CN"
        self.env["res.lang"]._activate_lang(lang)
        # The label of invoice addresses in Chinese: a customer without a name
        # is displayed with it.
        self.env.ref(
            "base.selection__res_partner__type__invoice"
        ).update_field_translations("name", {lang: "发票地址"})
        self.env.registry.clear_cache()
        self.addCleanup(self.env.registry.clear_cache)
        Partner = self.env["res.partner"]

        def customer(salesperson, **values):
            return Partner.create({"user_id": salesperson.id, **values})

        company = {"is_company": True}
        faded = customer(self.salesman, name="Faded Buyer Ltd", **company)
        by_hand = customer(self.salesman, name="By Hand Buyer Ltd", **company)
        # Invoice addresses without a name, invoiced as their own customers.
        billing = customer(self.salesman_2, type="invoice", company_name="Lumière")
        billing_by_hand = customer(
            self.salesman_2, type="invoice", company_name="Lumière Bis"
        )
        at_risk = self.gone | faded | billing | self.small
        for partner in at_risk:
            self._invoice(partner, 500, "2025-03-15")
        env = self.env(context=dict(self.env.context, lang=lang))
        self.assertNotEqual(billing.with_env(env).display_name, billing.complete_name)
        # Salespeople who do not follow their customers (any more): the care
        # calls make them follow.
        customers = at_risk | by_hand | billing_by_hand
        customers.message_unsubscribe(customers.user_id.partner_id.ids)
        self.assertFalse(customers.user_id.partner_id & customers.message_partner_ids)
        # The second salesperson reads Chinese, the first English: each reads
        # the summary of their care calls in their language.
        self.salesman_2.lang = lang
        deadline = TODAY + timedelta(days=1)
        self.env.flush_all()
        self.env.cr.precommit.run()
        # The evening of the 30th in America: the care calls are due today (UTC).
        with freeze_time("2026-07-01 02:00:00"):
            # Odoo's way, by the job's user.
            for references in (by_hand, billing_by_hand):
                reader = self.env(
                    context=dict(self.env.context, lang=references.user_id.lang)
                )
                automated_activities_as_odoo(
                    env,
                    references,
                    "mail.mail_activity_data_call",
                    lambda partner: partner.user_id,
                    deadline,
                    reader._("Care call: this customer may stop buying"),
                )
            # Stored as the job's environment computes them (the cron's flushes
            # its own).
            env.flush_all()
            self.env.cr.precommit.run()
            self.Value.with_env(env)._compute_all(
                companies=self.env.company, today=TODAY
            )
            bus = self.env.cr.precommit.data.get("bus.bus.values", [])
            self.env.flush_all()
        self.env.invalidate_all()

        def care(partner):
            return self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
            )

        def follower(partner):
            return partner.message_follower_ids.filtered(
                lambda follower: follower.partner_id == partner.user_id.partner_id
            )

        high = at_risk.filtered(lambda p: self._value(p).churn_risk == "high")
        self.assertEqual(high, at_risk)
        self.assertFalse(care(self.small))  # no salesperson, no care call
        skip = {"id", "res_id", "res_name", "create_date", "write_date"}
        for partner, reference in (
            (self.gone, by_hand),
            (faded, by_hand),
            (billing, billing_by_hand),
        ):
            expected = care(reference)
            self.assertEqual(expected.res_name, reference.with_env(env).display_name)
            call = care(partner)
            self.assertEqual(len(call), 1)
            self.assertEqual(call.res_name, partner.with_env(env).display_name)
            self.assertEqual(
                stored_values(call, skip),
                stored_values(expected, skip),
            )
            self.assertTrue(follower(reference).subtype_ids)
            self.assertEqual(
                follower(partner).subtype_ids, follower(reference).subtype_ids
            )
        # In each salesperson's language.
        self.assertEqual(
            care(self.gone).summary, "Care call: this customer may stop buying"
        )
        self.assertNotEqual(care(billing).summary, care(self.gone).summary)
        # One notification per salesperson, however many care calls.
        notified = activity_notifications(bus)
        for salesperson in self.salesman | self.salesman_2:
            self.assertEqual(
                notified.count(
                    [self.env.cr.dbname, "res.partner", salesperson.partner_id.id]
                ),
                1,
            )
        # The salesperson finds the care calls of their customers.
        self.assertEqual(
            Partner.with_user(self.salesman).search(
                [
                    ("activity_user_id", "=", self.salesman.id),
                    ("id", "in", at_risk.ids),
                ]
            ),
            self.gone | faded,
        )

    def test_care_calls_for_salespeople_of_the_company(self):
        """A customer the companies share, at high churn risk by the figures
        of a company its salesperson does not work in: those figures are not
        the salesperson's to read, nor is that company's care call theirs.
        Their own company's figures give them theirs."""
        company = self.env["res.company"].create({"name": "Care Test Company"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        self.env.user.company_ids |= company
        self.assertNotIn(company, self.salesman.company_ids)
        self._invoice(self.gone, 500, "2025-03-15", company=company)
        self.Value._compute_all(companies=company, today=TODAY)
        self.assertEqual(self._value(self.gone, company).churn_risk, "high")

        def care_calls():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.gone.id),
                    ("user_id", "=", self.salesman.id),
                ]
            )

        self.assertFalse(care_calls())
        self.assertFalse(
            self.Value.with_user(self.salesman)
            .with_context(allowed_company_ids=self.salesman.company_ids.ids)
            .search([("partner_id", "=", self.gone.id)])
        )
        self._invoice(self.gone, 500, "2025-03-15")
        self._compute()
        self.assertEqual(self._value(self.gone).churn_risk, "high")
        self.assertEqual(len(care_calls()), 1)

    def test_care_call_queries_do_not_grow(self):
        """A run of the job costs as many queries for 3 customers that became
        at high churn risk as for 30: the care calls are set-based. The ORM's
        batches are made small for the test (it writes and creates 100 records
        a query, reads and searches a thousand ids): a job that went through
        it would grow already."""
        Partner = self.env["res.partner"]

        def run(prefix, count):
            customers = Partner.create(
                [
                    {
                        "name": f"{prefix} Buyer {number}",
                        "is_company": True,
                        "user_id": (self.salesman, self.salesman_2)[number % 2].id,
                    }
                    for number in range(count)
                ]
            )
            for customer in customers:
                self._invoice(customer, 500, "2025-03-15")
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.env.invalidate_all()
            with (
                patch.object(compat.orm_models_module(), "INSERT_BATCH_SIZE", 5),
                patch.object(compat.orm_models_module(), "UPDATE_BATCH_SIZE", 5),
                patch.object(Cursor, "IN_MAX", 5),
            ):
                before = self.env.cr.sql_log_count
                stats = self._compute()
                self.env.flush_all()
                queries = self.env.cr.sql_log_count - before
            calls = self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "in", customers.ids)]
            )
            self.assertEqual(calls, count)
            return queries, stats["classes"]

        run("First", 3)  # the caches (and the class moves) of a first run
        self.assertEqual(run("Many", 30), run("Few", 3))

    def test_customers_are_searched_by_the_figures_one_may_read(self):
        """A salesperson searches customers by their figures (RPC, a saved
        filter): among the figures they may read; a customer without figures
        has empty ones."""
        self._invoice(self.big, 800, "2026-06-01")
        self._invoice(self.middle, 900, "2026-06-01")
        self._compute()
        Partner = self.env["res.partner"].with_user(self.salesman)
        rich = Partner.search([("revenue_12m", ">", 500)])
        self.assertIn(self.big, rich)
        # Sam's customer's figures are not Sally's to read, nor to search by.
        self.assertNotIn(self.middle, rich)
        self.assertIn(
            self.middle,
            self.env["res.partner"]
            .with_user(self.salesman_2)
            .search([("revenue_12m", ">", 500)]),
        )
        unclassified = Partner.search([("abc_class", "=", False)])
        self.assertIn(self.small, unclassified)
        self.assertNotIn(self.big, unclassified)
        self.assertEqual(
            Partner.search([("abc_class", "!=", False), ("id", "=", self.big.id)]),
            self.big,
        )
        for fname in ("invoice_count_12m", "last_invoice_date", "rfm_segment"):
            with self.subTest(fname=fname):
                self.assertIn(self.big, Partner.search([(fname, "!=", False)]))
        risk = self._value(self.big).churn_risk
        self.assertIn(self.big, Partner.search([("churn_risk", "=", risk)]))

    def test_repeated_complaints_raise_churn_risk(self):
        self._invoice(self.big, 1000, "2026-06-01")
        for index in range(3):
            self.env["crm.complaint"].create(
                {
                    "subject": f"Problem {index}",
                    "partner_id": self.big.id,
                    "date_received": "2026-06-10 10:00:00",
                }
            )
        self._compute()
        value = self._value(self.big)
        self.assertEqual(value.complaint_count_12m, 3)
        self.assertIn("repeated complaints", value.churn_reason)
        self.assertNotEqual(value.churn_risk, "none")

    def test_salesperson_sees_own_customers_values(self):
        self._invoice(self.big, 100, "2026-06-01")
        self._invoice(self.middle, 100, "2026-06-01")
        self._compute()
        seen = self.Value.with_user(self.salesman).search([]).partner_id
        self.assertIn(self.big, seen)
        self.assertNotIn(self.middle, seen)
        self.assertIn(
            self.middle, self.Value.with_user(self.salesman_all).search([]).partner_id
        )
        # The figures on the customer too, whoever read them first in the
        # transaction: a salesperson with all documents, then Sally.
        self.assertEqual(self.middle.with_user(self.salesman_all).revenue_12m, 100)
        middle = self.middle.with_user(self.salesman)
        self.assertEqual(
            (middle.revenue_12m, middle.invoice_count_12m, middle.abc_class),
            (0, 0, False),
        )
        self.assertFalse(middle.current_value_id)
        with self.assertRaisesRegex(AccessError, "Only sales administrators"):
            self.Value.with_user(self.salesman).action_recompute()
        self.Value.with_user(self.sales_manager).action_recompute()

    def test_a_customers_figures_are_each_readers_own(self):
        """The figures a customer shows are those its reader may read, in
        the reader's language, even when somebody else (a manager, the
        system) read them before in the same transaction."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_extension"], ["zh_CN"], overwrite=True
        )
        self._invoice(self.middle, 1000, "2025-12-01")  # long ago: a reason
        self._compute()
        self.assertTrue(self._value(self.middle).churn_reason_codes)
        self.env.invalidate_all()
        for reader in (self.salesman_all, self.env.user):
            self.assertEqual(self.middle.with_user(reader).revenue_12m, 1000)
            self.assertEqual(self.middle.with_user(reader).sudo().revenue_12m, 1000)
        # Sam's customer: not Sally's to read.
        middle = self.middle.with_user(self.salesman)
        self.assertEqual(
            (middle.revenue_12m, middle.churn_risk, middle.current_value_id),
            (0, False, self.Value),
        )
        english = self.middle.with_user(self.salesman_2).churn_reason
        chinese = (
            self.middle.with_user(self.salesman_2)
            .with_context(lang="zh_CN")
            .churn_reason
        )
        self.assertTrue(english)
        self.assertNotEqual(chinese, english)
        value = self._value(self.middle)
        self.assertEqual(value.with_context(lang="zh_CN").churn_reason, chinese)

    def test_no_form_computes_a_value(self):
        """Values are the job's: a client asking the form of a new one for
        another company's customer reads nothing of it (its salesperson,
        lifecycle) through the related fields."""
        other_company = self.env["res.company"].create({"name": "Values Two Ltd"})
        hidden = (
            self.env["res.partner"]
            .with_company(other_company)
            .create(
                {
                    "name": "Hidden Crane Ltd",
                    "is_company": True,
                    "company_id": other_company.id,
                    "user_id": self.salesman_2.id,
                }
            )
        )
        Value = self.env["crm.customer.value"].with_user(self.accountant)
        for values, context in (
            ({"partner_id": hidden.id}, {}),
            ({}, {"default_partner_id": hidden.id}),
        ):
            with self.subTest(context=context), self.assertRaises(AccessError):
                Value.with_context(**context).onchange(
                    values,
                    list(values),
                    {
                        "partner_id": {"fields": {"display_name": {}}},
                        "user_id": {"fields": {"display_name": {}}},
                        "lifecycle_stage": {},
                    },
                )


@tagged("post_install", "-at_install")
class TestClassRules(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Class = cls.env["crm.customer.class"]
        cls.main = Class.create({"name": "Wholesale", "code": "T_WHOLESALE"})
        cls.bronze = Class.create(
            {
                "name": "Bronze",
                "code": "T_BRONZE",
                "parent_id": cls.main.id,
                "auto_assign": True,
            }
        )
        cls.silver = Class.create(
            {
                "name": "Silver",
                "code": "T_SILVER",
                "parent_id": cls.main.id,
                "auto_assign": True,
                "min_revenue": 500,
                "min_invoice_count": 2,
            }
        )
        cls.gold = Class.create(
            {
                "name": "Gold",
                "code": "T_GOLD",
                "parent_id": cls.main.id,
                "auto_assign": True,
                "min_revenue": 2000,
            }
        )
        cls.other_main = Class.create({"name": "Agents", "code": "T_AGENTS"})
        cls.agent_top = Class.create(
            {
                "name": "Top agent",
                "code": "T_AGENT_TOP",
                "parent_id": cls.other_main.id,
                "auto_assign": True,
                "min_revenue": 1,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Class test service", "type": "service", "taxes_id": False}
        )

    def _customer(self, name, klass, **values):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "customer_class_id": klass.id, **values}
        )

    def _invoice(self, partner, amount, count=1, company=None):
        for _index in range(count):
            move = self.env["account.move"].with_company(company or self.env.company)
            move = move.create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-06-01",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            move.action_post()

    def _compute(self):
        return self.env["crm.customer.value"]._compute_all(
            companies=self.env.company, today=TODAY
        )

    def test_highest_class_within_main_class(self):
        customer = self._customer("Rising Wholesale", self.bronze)
        self._invoice(customer, 400, count=2)  # 800, 2 invoices: silver, not gold
        self._compute()
        self.assertEqual(customer.customer_class_id, self.silver)
        history = customer.class_history_ids
        self.assertEqual(history.old_class_id, self.bronze)
        self.assertEqual(history.new_class_id, self.silver)
        self.assertTrue(history.is_automatic)
        self.assertIn("Silver", history.reason)
        # The threshold as an amount of the company's currency, not a float.
        threshold = format_amount(self.env, 500, self.env.company.currency_id)
        self.assertIn(threshold, history.reason)
        self.assertNotIn("500.0 ", history.reason)
        # The chatter says which rule moved the customer.
        self.env.flush_all()
        self.assertTrue(
            any(
                "Class rule of" in (body or "")
                for body in customer.message_ids.mapped("body")
            )
        )

    def test_the_cause_leaves_out_conditions_of_zero(self):
        """The class history says the conditions the class sets, not "at
        least 0 invoices", in the salesperson's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_extension"], ["zh_CN"], overwrite=True
        )
        self.salesman_2.lang = "zh_CN"
        self.gold.allow_downgrade = True
        english = self._customer(
            "Golden Wholesale", self.bronze, user_id=self.salesman.id
        )
        chinese = self._customer("金色批发", self.bronze, user_id=self.salesman_2.id)
        falling = self._customer("Falling Gold", self.gold, user_id=self.salesman.id)
        for customer in english | chinese:
            self._invoice(customer, 3000)
        self._invoice(falling, 100)
        self._compute()
        reason = english.class_history_ids.reason
        self.assertIn("revenue of 12 months at least", reason)
        self.assertNotIn("invoices", reason)
        reason = chinese.class_history_ids.reason
        self.assertIn("近12个月销售额不少于", reason)
        self.assertNotIn("发票", reason)
        self.assertEqual(falling.customer_class_id, self.bronze)
        self.assertIn(
            "no minimum revenue or invoices", falling.class_history_ids.reason
        )

    def test_shared_customer_takes_one_class_from_all_its_companies(self):
        """A customer the companies share (no company of its own) has one class
        for all of them: each company's job moves it to the highest class the
        figures of any of its companies qualify it for, and the company where
        it buys little does not take it down again every night."""
        other = self.env["res.company"].create({"name": "Class Rules Other Company"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        self.env.user.company_ids |= other
        self.gold.allow_downgrade = True
        self.silver.allow_downgrade = True
        customer = self._customer("Shared Wholesale", self.bronze)
        self.assertFalse(customer.company_id)
        self._invoice(customer, 3000)
        self._invoice(customer, 100, company=other)
        both = self.env.company | other
        for _night in range(2):
            for companies in (both, other | self.env.company):
                self.env["crm.customer.value"]._compute_all(
                    companies=companies, today=TODAY
                )
                self.assertEqual(customer.customer_class_id, self.gold)
        self.assertEqual(len(customer.class_history_ids), 1)
        # A customer of one company is classed by that company's figures.
        own = self._customer("Own Wholesale", self.gold, company_id=other.id)
        self._invoice(own, 100, company=other)
        self.env["crm.customer.value"]._compute_all(companies=both, today=TODAY)
        self.assertEqual(own.customer_class_id, self.bronze)

    def test_minimum_revenue_is_in_the_classs_currency(self):
        """A company invoicing in yen: its revenue meets a class's minimum in
        the class's currency (dollars, the currency of the company that made
        it), converted at the day's rate; 3,000 yen are no 2,000 dollars.
        Classes rank by their minimums converted too (100,000 yen are below
        2,000 dollars). The class history says the minimum in the class's
        currency."""
        jpy = self.env.ref("base.JPY")
        jpy.active = True
        usd = self.env.company.currency_id
        self.assertNotEqual(usd, jpy)
        self.assertEqual(self.gold.currency_id, usd)
        other = self.env["res.company"].create({"name": "Class Rules Yen Company"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        other.currency_id = jpy
        self.env.user.company_ids |= other
        # 150 yen a dollar, whichever company converts.
        self.env["res.currency.rate"].search([("currency_id", "in", jpy.ids)]).unlink()
        self.env["res.currency.rate"].create(
            [
                {"currency_id": jpy.id, "name": "2026-01-01", "rate": 150.0},
                {
                    "currency_id": usd.id,
                    "name": "2026-01-01",
                    "rate": 1 / 150.0,
                    "company_id": other.id,
                },
                {
                    "currency_id": jpy.id,
                    "name": "2026-01-01",
                    "rate": 1.0,
                    "company_id": other.id,
                },
            ]
        )
        # A class in yen, below gold in dollars though its number is higher.
        self.env["crm.customer.class"].create(
            {
                "name": "Copper",
                "code": "T_COPPER",
                "parent_id": self.main.id,
                "auto_assign": True,
                "min_revenue": 100000,
                "currency_id": jpy.id,
            }
        )
        few_yen = self._customer("Few Yen Wholesale", self.bronze)
        many_yen = self._customer("Many Yen Wholesale", self.bronze)
        own = self._customer("Own Yen Wholesale", self.bronze, company_id=other.id)
        self._invoice(few_yen, 3000, company=other)
        self._invoice(many_yen, 450000, company=other)  # 3,000 dollars
        self._invoice(own, 3000, company=other)
        self.env["crm.customer.value"]._compute_all(
            companies=self.env.company | other, today=TODAY
        )
        self.assertEqual(few_yen.customer_class_id, self.bronze)
        self.assertEqual(own.customer_class_id, self.bronze)
        self.assertEqual(many_yen.customer_class_id, self.gold)
        self.assertIn(
            format_amount(self.env, 2000, usd), many_yen.class_history_ids.reason
        )

    def test_invoices_credited_in_full_meet_no_minimum(self):
        """A class asking for a number of invoices: the invoices credited in
        full with Odoo's reversal wizard are not among them."""
        frequent = self.env["crm.customer.class"].create(
            {
                "name": "Frequent",
                "code": "T_FREQUENT",
                "parent_id": self.main.id,
                "auto_assign": True,
                "min_invoice_count": 3,
            }
        )
        customer = self._customer("Refunded Wholesale", self.bronze)
        self._invoice(customer, 100, count=3)
        invoices = (
            self.env["account.move"]
            .search(
                [("partner_id", "=", customer.id), ("move_type", "=", "out_invoice")]
            )
            .sorted("id")
        )
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoices[:2].ids)
            .create({"journal_id": invoices.journal_id.id, "date": "2026-06-02"})
        )
        wizard.refund_moves()
        credit_notes = self.env["account.move"].search(
            [("reversed_entry_id", "in", invoices.ids)]
        )
        credit_notes.with_user(self.accountant).action_post()
        self.assertEqual(
            invoices.mapped("payment_state"),
            ["reversed", "reversed", "not_paid"],
        )
        self._compute()
        self.assertEqual(customer.customer_class_id, self.bronze)
        self.assertNotEqual(customer.customer_class_id, frequent)

    def test_a_branchs_customer_takes_the_classes_of_its_parent_company(self):
        """A customer of a branch may have the classes of the branch's parent
        company (Odoo's company check of its class): the class rules move it
        among them as among shared classes."""
        branch = self.env["res.company"].create(
            {"name": "Class Rules Branch", "parent_id": self.env.company.id}
        )
        Class = self.env["crm.customer.class"]
        values = {"company_id": self.env.company.id, "auto_assign": True}
        main = Class.create({"name": "Own Wholesale", "code": "T_OWN", **values})
        bronze = Class.create(
            {"name": "Bronze", "code": "T_OWN_B", "parent_id": main.id, **values}
        )
        gold = Class.create(
            {
                "name": "Gold",
                "code": "T_OWN_G",
                "parent_id": main.id,
                "min_revenue": 2000,
                **values,
            }
        )
        customer = self._customer("Branch Wholesale", bronze, company_id=branch.id)
        # (The branch's figures, as its invoices would give them.)
        self.env["crm.customer.value"].create(
            {
                "partner_id": customer.id,
                "company_id": branch.id,
                "revenue_12m": 3000,
                "invoice_count_12m": 1,
                "last_invoice_date": "2026-06-01",
            }
        )
        self.env["crm.customer.value"]._apply_class_rules(branch, TODAY)
        self.assertEqual(customer.customer_class_id, gold)
        self.assertTrue(customer.class_history_ids.is_automatic)

    def test_a_customer_whose_invoices_are_all_credited_moves_down(self):
        """A customer the rule moved up, whose every invoice is then credited
        in full (goods returned), has no figures any more: it no longer
        qualifies, and moves down from a class that allows it, as a customer
        whose invoices are past the 12 months."""
        self.gold.allow_downgrade = True
        customer = self._customer("Returning Wholesale", self.bronze)
        self._invoice(customer, 2500)
        self._compute()
        self.assertEqual(customer.customer_class_id, self.gold)
        invoice = self.env["account.move"].search(
            [("partner_id", "=", customer.id), ("move_type", "=", "out_invoice")]
        )
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": "2026-06-02"})
        )
        wizard.refund_moves()
        self.env["account.move"].search(
            [("reversed_entry_id", "=", invoice.id)]
        ).with_user(self.accountant).action_post()
        self._compute()
        self.assertFalse(customer.current_value_id)
        self.assertEqual(customer.customer_class_id, self.bronze)
        self.assertTrue(customer.class_history_ids[:1].is_automatic)

    def test_never_across_main_classes(self):
        agent = self._customer("Big Agent", self.agent_top)
        self._invoice(agent, 5000)
        self._compute()
        self.assertEqual(agent.customer_class_id, self.agent_top)

    def test_locked_class_stays(self):
        customer = self._customer(
            "Locked Wholesale", self.bronze, customer_class_locked=True
        )
        self._invoice(customer, 3000)
        self._compute()
        self.assertEqual(customer.customer_class_id, self.bronze)

    def test_downgrade_only_when_allowed(self):
        customer = self._customer("Falling Wholesale", self.gold)
        self._invoice(customer, 100)
        self._compute()
        self.assertEqual(customer.customer_class_id, self.gold)
        self.gold.allow_downgrade = True
        self._compute()
        self.assertEqual(customer.customer_class_id, self.bronze)

    def test_class_set_by_hand_stays_unless_its_options_let_it_go(self):
        """A class that does not assign automatically, set by hand: its
        customers go up into a higher class that assigns automatically, never
        down (nor sideways) unless the class allows downgrades; the
        salesperson reads the class they gave. A customer of the main class
        itself is sorted into any class of it."""
        Class = self.env["crm.customer.class"]
        key = Class.create(
            {
                "name": "Key account",
                "code": "T_KEY",
                "parent_id": self.main.id,
                "min_revenue": 5000,
            }
        )
        starter = Class.create(
            {"name": "Starter", "code": "T_STARTER", "parent_id": self.main.id}
        )
        Partner = self.env["res.partner"].with_user(self.salesman)
        kept = Partner.create(
            {"name": "Key Wholesale", "is_company": True, "user_id": self.salesman.id}
        )
        kept.customer_class_id = key
        rising = Partner.create(
            {
                "name": "Starter Wholesale",
                "is_company": True,
                "user_id": self.salesman.id,
            }
        )
        rising.customer_class_id = starter
        # Of the main class itself: not sorted yet, it goes to the class of it
        # that it qualifies for, even one ranking no higher (bronze).
        unsorted = Partner.create(
            {"name": "Fresh Wholesale", "is_company": True, "user_id": self.salesman.id}
        )
        unsorted.customer_class_id = self.main
        self._invoice(kept, 3000)  # gold's minimum, not the key account's
        self._invoice(rising, 3000)
        self._invoice(unsorted, 100)
        self._compute()
        self.assertEqual(kept.customer_class_id, key)
        self.assertFalse(kept.class_history_ids.filtered("is_automatic"))
        self.assertEqual(rising.customer_class_id, self.gold)
        self.assertEqual(unsorted.customer_class_id, self.bronze)
        key.allow_downgrade = True
        self._compute()
        self.assertEqual(kept.customer_class_id, self.gold)

    def test_class_template_keeps_unqualified_customers_out(self):
        website = self.env.ref("base.field_res_partner__website")
        tags = self.env.ref("base.field_res_partner__category_id")
        self.silver.required_field_ids = [Command.set([website.id, tags.id])]
        ready = self._customer(
            "Ready Wholesale",
            self.bronze,
            website="https://ready.example.com",
            category_id=[Command.create({"name": "Wholesale tag"})],
        )
        no_site = self._customer(
            "No Site Wholesale",
            self.bronze,
            category_id=[Command.create({"name": "Other tag"})],
        )
        no_tag = self._customer(
            "No Tag Wholesale", self.bronze, website="https://notag.example.com"
        )
        for customer in ready | no_site | no_tag:
            self._invoice(customer, 400, count=2)  # silver figures
        self._compute()
        self.assertEqual(ready.customer_class_id, self.silver)
        self.assertEqual(ready.customer_main_class_id, self.main)
        self.assertEqual(no_site.customer_class_id, self.bronze)
        self.assertEqual(no_tag.customer_class_id, self.bronze)
        self.assertFalse(no_site.class_history_ids | no_tag.class_history_ids)

    def test_contact_template_keeps_customers_out(self):
        """A class rule moves a customer only when its contact persons meet
        the class's contact template: the others stay where they are, and the
        job goes on."""
        function = self.env.ref("base.field_res_partner__function")
        self.silver.contact_required_field_ids = [Command.set([function.id])]
        ready = self._customer("Staffed Wholesale", self.bronze)
        unready = self._customer("Unstaffed Wholesale", self.bronze)
        self.env["res.partner"].create(
            [
                {"name": "Wu Ming", "parent_id": ready.id, "function": "Buyer"},
                {"name": "Zheng He", "parent_id": unready.id},
                # An address is no contact person: the template leaves it.
                {"name": "Depot", "parent_id": ready.id, "type": "delivery"},
            ]
        )
        for customer in ready | unready:
            self._invoice(customer, 400, count=2)  # silver figures
        self._compute()
        self.assertEqual(ready.customer_class_id, self.silver)
        self.assertEqual(unready.customer_class_id, self.bronze)
        self.assertFalse(unready.class_history_ids)

    def test_class_moves_cost_the_same_queries_for_many_customers(self):
        Value = self.env["crm.customer.value"].sudo()

        def moves_and_queries(count, prefix):
            customers = self.env["res.partner"].create(
                [
                    {
                        "name": f"{prefix} {index}",
                        "is_company": True,
                        "customer_class_id": self.bronze.id,
                    }
                    for index in range(count)
                ]
            )
            # The figures of the last job, as it leaves them.
            Value.create(
                [
                    {
                        "partner_id": customer.id,
                        "company_id": self.env.company.id,
                        "revenue_12m": 2500,
                        "invoice_count_12m": 1,
                    }
                    for customer in customers
                ]
            )
            self.env.flush_all()
            start = self.env.cr.sql_log_count
            moved = Value._apply_class_rules(self.env.company)
            queries = self.env.cr.sql_log_count - start
            self.assertEqual(customers.customer_class_id, self.gold)
            self.assertEqual(len(customers.class_history_ids), count)
            return moved, queries

        few, few_queries = moves_and_queries(3, "Few")
        many, many_queries = moves_and_queries(250, "Many")
        self.assertEqual((few, many), (3, 250))
        # The ORM reads and writes in batches: a few more queries, never one
        # per customer.
        self.assertLess(many_queries, few_queries + 10)

    def test_manual_change_is_recorded(self):
        customer = self._customer("Hand Made", self.bronze)
        customer.with_user(self.sales_manager).customer_class_id = self.gold
        self.assertEqual(customer.class_history_ids.reason, "Changed by hand")
        self.assertFalse(customer.class_history_ids.is_automatic)


@tagged("post_install", "-at_install")
class TestBirthdayReminders(CrmExtensionCase):
    def test_one_activity_per_birthday_per_year(self):
        self.contact_boss.birthday = date(1980, 7, 3)
        Partner = self.env["res.partner"]
        with freeze_time("2026-06-30"):
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 1)
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 0)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.contact_boss.id)]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesman)
        self.assertEqual(activities.date_deadline, date(2026, 7, 3))
        with freeze_time("2027-06-29"):
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 1)
        with freeze_time("2026-05-01"):
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 0)
