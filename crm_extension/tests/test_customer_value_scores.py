"""RFM scores, segments and churn risk at every population size: a company with
one customer, two (the demo's), five, twelve and ten thousand."""

from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools import CHURN_RISKS, RFM_SEGMENTS, SEGMENT_RISKS, rank_score
from .common import CrmExtensionCase

TODAY = date(2026, 6, 30)

# A small company's customers: name: (invoices as (days before TODAY, amount),
# complaints, what the company's default thresholds make of them: recency,
# frequency, monetary, segment, churn risk, reasons).
CUSTOMERS = {
    "Maple Print": ([(2, 500)], 0, (5, 1, 1, "new", "low", "")),
    "Aspen Cafe": ([(15, 300), (25, 300)], 0, (5, 2, 1, "new", "low", "")),
    "Everest Trading": (
        [(3 + 30 * month, 5000) for month in range(12)],
        0,
        (5, 5, 5, "champions", "low", ""),
    ),
    "Harbor Tools": (
        [(45, 2000), (135, 2000), (225, 2000), (315, 2000)],
        0,
        (4, 3, 3, "loyal", "low", ""),
    ),
    # Nothing for 14 months: gone.
    "Pine Studio": (
        [(420, 3000), (450, 3000), (480, 3000)],
        0,
        (1, 1, 1, "lost", "high", "late"),
    ),
    "Lotus Foods": (
        [(10 + 60 * k, 4000) for k in range(6)],
        0,
        (5, 4, 4, "champions", "low", ""),
    ),
    "Jade Textiles": (
        [(100, 1500), (280, 1500)],
        0,
        (3, 2, 2, "needs_attention", "low", ""),
    ),
    "Orchid Design": ([(60, 12000)], 0, (4, 1, 3, "potential", "low", "")),
    # A champion by its scores whose revenue halved and who complains: at risk.
    "Summit Logistics": (
        [(20, 3000), (50, 3000)] + [(190 + 30 * k, 6000) for k in range(6)],
        3,
        (5, 4, 4, "at_risk", "high", "revenue_drop,complaints"),
    ),
    "Willow Crafts": (
        [(200, 2500), (230, 2500), (260, 2500)],
        0,
        (2, 2, 3, "hibernating", "medium", "revenue_drop"),
    ),
    "Cedar Hardware": (
        [(300, 15000), (330, 15000)],
        0,
        (2, 2, 4, "at_risk", "medium", "revenue_drop"),
    ),
    # Not late for a customer of one invoice a year, but half a year ago: the
    # segment's lowest risk, for its low recency.
    "Birch Office": ([(181, 900)], 0, (2, 1, 1, "hibernating", "medium", "recency")),
}
# The populations of the tests, each the one before and more customers.
POPULATIONS = {
    1: ["Maple Print"],
    # The demo: one customer invoiced two days ago, one in the last month.
    2: ["Maple Print", "Aspen Cafe"],
    5: ["Maple Print", "Aspen Cafe", "Everest Trading", "Harbor Tools", "Pine Studio"],
    12: list(CUSTOMERS),
}


def expected_ranks(figures):
    """Rank scores of each figure against the others (tools.rank_score),
    counted in Python."""
    ordered = sorted(figures)
    return [
        rank_score(
            bisect_left(ordered, figure), len(ordered) - bisect_right(ordered, figure)
        )
        for figure in figures
    ]


@tagged("post_install", "-at_install")
class TestCustomerValueScores(CrmExtensionCase):
    """A company of its own, whose customers are exactly those of each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scored_company = cls.env["res.company"].create(
            {
                "name": "Scores Test Company",
                "currency_id": cls.env.company.currency_id.id,
            }
        )
        cls.env.user.company_ids |= cls.scored_company
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.scored_company, install_demo=False
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Scores test service", "type": "service", "taxes_id": False}
        )
        cls.customers = {
            name: cls.env["res.partner"].create({"name": name, "is_company": True})
            for name in CUSTOMERS
        }
        cls.Value = cls.env["crm.customer.value"]

    def _in_company(self):
        return self.env(
            context=dict(
                self.env.context,
                allowed_company_ids=self.scored_company.ids,
                tracking_disable=True,
            )
        )

    def _populate(self, names):
        """Posted invoices and complaints of the customers ``names``."""
        env = self._in_company()
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customers[name].id,
                    "invoice_date": TODAY - timedelta(days=days),
                    "date": TODAY - timedelta(days=days),
                    "company_id": self.scored_company.id,
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
                for name in names
                for days, amount in CUSTOMERS[name][0]
            ]
        )
        moves.action_post()
        env["crm.complaint"].create(
            [
                {
                    "subject": f"Problem {index}",
                    "partner_id": self.customers[name].id,
                    "company_id": self.scored_company.id,
                    "date_received": f"{TODAY - timedelta(days=10 + index)} 10:00:00",
                }
                for name in names
                for index in range(CUSTOMERS[name][1])
            ]
        )

    def _compute(self):
        return self.Value._compute_all(companies=self.scored_company, today=TODAY)

    def _values(self):
        return self.Value.search([("company_id", "=", self.scored_company.id)])

    def _standing(self, value):
        return (
            value.rfm_recency,
            value.rfm_frequency,
            value.rfm_monetary,
            value.rfm_segment,
            value.churn_risk,
            value.churn_reason_codes or "",
        )

    def assertAgrees(self, values):
        """Segment and churn risk of every value agree (tools.SEGMENT_RISKS)."""
        for value in values:
            lowest, highest = SEGMENT_RISKS[value.rfm_segment]
            self.assertLessEqual(
                CHURN_RISKS.index(lowest), CHURN_RISKS.index(value.churn_risk)
            )
            self.assertLessEqual(
                CHURN_RISKS.index(value.churn_risk), CHURN_RISKS.index(highest)
            )

    def assertRanked(self, values):
        """The scores of ``values`` rank their figures (tools.rank_score)."""
        values = values.sorted("id")
        for field, figure in (
            ("rfm_recency", "last_invoice_date"),
            ("rfm_frequency", "invoice_count_12m"),
            ("rfm_monetary", "revenue_12m"),
        ):
            self.assertEqual(
                values.mapped(field), expected_ranks(values.mapped(figure)), field
            )

    def test_small_populations_score_by_the_companys_thresholds(self):
        done = []
        for size, names in POPULATIONS.items():
            self._populate([name for name in names if name not in done])
            done = names
            stats = self._compute()
            self.assertEqual(stats["customers"], size)
            values = self._values()
            # A customer's scores do not depend on who else buys.
            self.assertEqual(
                {value.partner_id.name: self._standing(value) for value in values},
                {name: CUSTOMERS[name][2] for name in names},
                f"{size} customers",
            )
            self.assertAgrees(values)
        # Twelve customers use every score.
        for field in ("rfm_recency", "rfm_frequency", "rfm_monetary"):
            self.assertEqual(set(values.mapped(field)), {1, 2, 3, 4, 5}, field)
        summit = values.filtered(lambda v: v.partner_id.name == "Summit Logistics")
        self.assertEqual(summit.churn_reason, "revenue halved, repeated complaints")
        birch = values.filtered(lambda v: v.partner_id.name == "Birch Office")
        self.assertEqual(birch.churn_reason, "low recency score")

    def test_the_demos_two_customers_are_neither_hibernating_nor_lost(self):
        self._populate(POPULATIONS[2])
        self._compute()
        values = self._values()
        self.assertEqual(set(values.mapped("rfm_segment")), {"new"})
        self.assertEqual(set(values.mapped("churn_risk")), {"low"})
        self.assertEqual(set(values.mapped("rfm_recency")), {5})

    def test_ranked_scores_use_the_whole_range_at_every_size(self):
        self.scored_company.crm_rfm_ranked_from = 1
        done = []
        for names in POPULATIONS.values():
            self._populate([name for name in names if name not in done])
            done = names
            self._compute()
            values = self._values()
            self.assertRanked(values)
            self.assertAgrees(values)
            if len(values) == 1:
                # Nobody to compare with.
                self.assertEqual(self._standing(values)[:3], (3, 3, 3))
                continue
            for field in ("rfm_recency", "rfm_frequency", "rfm_monetary"):
                # The lowest figure scores 1, the highest 5.
                self.assertEqual(min(values.mapped(field)), 1, field)
                self.assertEqual(max(values.mapped(field)), 5, field)
            if len(values) >= 5:
                # Distinct dates and revenues: every score.
                self.assertEqual(set(values.mapped("rfm_recency")), {1, 2, 3, 4, 5})
                self.assertEqual(set(values.mapped("rfm_monetary")), {1, 2, 3, 4, 5})

    def test_ranked_the_demos_second_customer_would_be_at_risk(self):
        # Why small companies score by thresholds: ranked, the café invoiced
        # 15 days ago is the least recent of two. Its churn risk agrees with
        # the segment, and says why.
        self.scored_company.crm_rfm_ranked_from = 2
        self._populate(POPULATIONS[2])
        self._compute()
        aspen = self._values().filtered(lambda v: v.partner_id.name == "Aspen Cafe")
        self.assertEqual(
            self._standing(aspen), (1, 5, 5, "at_risk", "medium", "recency")
        )

    def test_ten_thousand_customers_rank_in_quintiles(self):
        size = 10_000
        self._generate(size)
        stats = self._compute()
        self.assertEqual(stats["customers"], size)
        values = self._values()
        self.assertEqual(len(values), size)
        self.assertRanked(values)
        self.assertAgrees(values)
        for field in ("rfm_recency", "rfm_frequency", "rfm_monetary"):
            self.assertEqual(set(values.mapped(field)), {1, 2, 3, 4, 5}, field)
        # Distinct revenues but for the lapsed customers' zero: quintiles.
        monetary = Counter(values.mapped("rfm_monetary"))
        self.assertTrue(all(1900 <= count <= 2100 for count in monetary.values()))
        self.assertEqual(set(values.mapped("rfm_segment")), set(RFM_SEGMENTS))
        # Nothing changed: nothing is written.
        self.assertEqual(self._compute()["written"], 0)

    def _generate(self, size):
        """``size`` customers with posted invoices, written with SQL as the
        benchmark does (the ORM would take minutes): customer i has 1 + i % 12
        invoices on consecutive days, the last i % 350 days ago, and a revenue
        of 1000 + 3 i; every 50th bought only 13 to 24 months ago."""
        cr = self.env.cr
        company = self.scored_company
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        account = journal.default_account_id
        self.env.flush_all()
        cr.execute(
            """
            INSERT INTO res_partner (
                name, complete_name, ref, is_company, type, active, autopost_bills,
                lifecycle_stage, customer_rank, create_uid, create_date, write_uid,
                write_date)
            SELECT 'Scale Customer ' || i, 'Scale Customer ' || i, 'SCALE' || i,
                   true, 'contact', true, 'ask', 'target', 1, 1, now(), 1, now()
              FROM generate_series(1, %s) AS i
            """,
            [size],
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE ref LIKE 'SCALE%'"
        )
        # Statistics of the new rows, as autovacuum would keep them: without,
        # the planner takes them for none (and joins them row by row).
        cr.execute("ANALYZE res_partner")
        cr.execute(
            """
            CREATE TEMP TABLE scale_move ON COMMIT DROP AS
            SELECT nextval('account_move_id_seq') AS id, p.id AS partner_id,
                   %(today)s::date - CASE WHEN i %% 50 = 0 THEN 400 + i %% 300
                                          ELSE i %% 350 END - j AS day,
                   CASE WHEN j = 0 THEN 1000 + 3 * i - i %% 12 ELSE 1 END AS amount
              FROM generate_series(1, %(size)s) AS i
             CROSS JOIN LATERAL generate_series(0, i %% 12) AS j
              JOIN res_partner p ON p.ref = 'SCALE' || i
            """,
            {"today": TODAY, "size": size},
        )
        cr.execute(
            """
            INSERT INTO account_move (
                id, name, move_type, state, date, invoice_date, company_id,
                journal_id, currency_id, partner_id, commercial_partner_id,
                auto_post)
            SELECT id, 'SCALE/' || id, 'out_invoice', 'posted', day, day,
                   %(company)s, %(journal)s, %(currency)s, partner_id, partner_id,
                   'no'
              FROM scale_move
            """,
            {
                "company": company.id,
                "journal": journal.id,
                "currency": company.currency_id.id,
            },
        )
        cr.execute(
            """
            INSERT INTO account_move_line (
                move_id, company_id, journal_id, currency_id, company_currency_id,
                account_id, partner_id, display_type, date, parent_state, balance,
                debit, credit, amount_currency)
            SELECT id, %(company)s, %(journal)s, %(currency)s, %(currency)s,
                   %(account)s, partner_id, 'product', day, 'posted', -amount, 0,
                   amount, -amount
              FROM scale_move
            """,
            {
                "company": company.id,
                "journal": journal.id,
                "currency": company.currency_id.id,
                "account": account.id,
            },
        )
        cr.execute("ANALYZE account_move, account_move_line")


@tagged("post_install", "-at_install")
class TestCustomerValueSettings(CrmExtensionCase):
    def test_thresholds_are_the_companys_settings(self):
        product = self.env["product.product"].create(
            {"name": "Settings test service", "type": "service", "taxes_id": False}
        )
        customer = self.env["res.partner"].create(
            {"name": "Weekly Buyer Ltd", "is_company": True}
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": TODAY - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 700,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        # A company with fewer customers than it ranks from (whatever the demo).
        self.env.company.crm_rfm_ranked_from = 1_000_000
        Value = self.env["crm.customer.value"]
        Value._compute_all(companies=self.env.company, today=TODAY)
        value = Value.search([("partner_id", "=", customer.id)])
        self.assertEqual((value.rfm_recency, value.rfm_monetary), (5, 1))
        settings = self.env["res.config.settings"].create(
            {
                "crm_rfm_recency_5_days": 3,
                "crm_rfm_recency_4_days": 7,
                "crm_rfm_recency_3_days": 14,
                "crm_rfm_recency_2_days": 28,
                "crm_rfm_monetary_2_revenue": 100,
                "crm_rfm_monetary_3_revenue": 200,
                "crm_rfm_monetary_4_revenue": 500,
                "crm_rfm_monetary_5_revenue": 1000,
            }
        )
        settings.execute()
        Value._compute_all(companies=self.env.company, today=TODAY)
        self.assertEqual((value.rfm_recency, value.rfm_monetary), (3, 4))

    def test_bad_thresholds_are_refused(self):
        company = self.env.company
        before = company._crm_rfm_thresholds()
        for values, message in (
            ({"crm_rfm_recency_4_days": 20}, "must grow from score 5 to score 2"),
            ({"crm_rfm_recency_2_days": 5000}, "from 0 to 3650 days"),
            ({"crm_rfm_frequency_5_invoices": 6}, "must grow from score 2 to score 5"),
            ({"crm_rfm_frequency_2_invoices": 0}, "from 1 to 100000 invoices"),
            ({"crm_rfm_monetary_2_revenue": -10}, "cannot be negative"),
            ({"crm_rfm_monetary_5_revenue": 10}, "must grow from score 2 to score 5"),
            ({"crm_rfm_ranked_from": 0}, "Rank customers from must be from 1"),
        ):
            with (
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                self.env["res.config.settings"].create(values).execute()
            self.assertEqual(company._crm_rfm_thresholds(), before)
