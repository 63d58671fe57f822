import io
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import bulk, compat
from ..readers import by_reader_lang, readers_of, user_langs
from ..tools import (
    ABC_SHARES,
    churn_assessment,
    class_rank,
    customer_standing,
    rfm_scores,
)
from ..tools.settings import parse_int_setting
from .crm_guarded_field_mixin import SALES_ADMIN
from .ir_cron import exclusive_job

_logger = logging.getLogger(__name__)

# (New, lost and at-risk customers are named so: "New", "Lost" and "At Risk"
# are a complaint's stage, a lost opportunity and a complaint's service level
# too, words translated otherwise.)
RFM_SEGMENT_SELECTION = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential Loyalists"),
    ("new", "New Customers"),
    ("needs_attention", "Needs Attention"),
    ("at_risk", "Customers at Risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost Customers"),
]
ABC_SELECTION = [("a", "A"), ("b", "B"), ("c", "C")]
CHURN_SELECTION = [
    ("none", "None"),
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]
BATCH_SIZE = 20000


def abc_class_sql(share_before):
    """SQL of :func:`tools.abc_class`."""
    cases = [
        SQL("WHEN %s < %s THEN %s", share_before, limit, klass)
        for klass, limit in ABC_SHARES
    ]
    return SQL("(CASE %s ELSE 'c' END)", SQL(" ").join(cases))


class CrmCustomerValue(models.Model):
    """What a customer is worth to a company, from its invoices.

    One row per commercial partner and company with posted customer invoices.
    Written by :meth:`_compute_all` (nightly job, or the *Recompute* button)
    with set-based SQL; only changed rows are written.
    """

    _name = "crm.customer.value"
    _description = "Customer Value"
    _order = "revenue_12m desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    customer_class_id = fields.Many2one(related="partner_id.customer_class_id")
    lifecycle_stage = fields.Selection(related="partner_id.lifecycle_stage")
    revenue_12m = fields.Monetary(
        string="Revenue (12 months)",
        readonly=True,
        help="Posted customer invoices minus refunds over the last 12 months, "
        "untaxed, in the company's currency.",
    )
    invoice_count_12m = fields.Integer(
        string="Invoices (12 months)",
        readonly=True,
        help="Posted customer invoices of the last 12 months; an invoice "
        "credited in full by credit notes does not count.",
    )
    last_invoice_date = fields.Date(
        readonly=True,
        help="Date of the last posted customer invoice not credited in full.",
    )
    revenue_recent = fields.Monetary(
        string="Revenue (last 6 months)", readonly=True, aggregator="sum"
    )
    revenue_previous = fields.Monetary(
        string="Revenue (6 months before)", readonly=True, aggregator="sum"
    )
    complaint_count_12m = fields.Integer(string="Complaints (12 months)", readonly=True)
    rfm_recency = fields.Integer(
        string="Recency Score", readonly=True, aggregator="avg"
    )
    rfm_frequency = fields.Integer(
        string="Frequency Score", readonly=True, aggregator="avg"
    )
    rfm_monetary = fields.Integer(
        string="Monetary Score", readonly=True, aggregator="avg"
    )
    rfm_segment = fields.Selection(
        RFM_SEGMENT_SELECTION, string="RFM Segment", readonly=True, index=True
    )
    abc_class = fields.Selection(
        ABC_SELECTION, string="ABC Class", readonly=True, index=True
    )
    churn_risk = fields.Selection(CHURN_SELECTION, readonly=True, index=True)
    churn_reason_codes = fields.Char(readonly=True)
    churn_reason = fields.Char(compute="_compute_churn_reason")
    date_computed = fields.Datetime(string="Computed On", readonly=True)

    _partner_company_uniq = compat.Constraint(
        "UNIQUE(partner_id, company_id)",
        "A customer has one value per company.",
    )

    @api.depends("churn_reason_codes")
    @api.depends_context("lang")
    def _compute_churn_reason(self):
        labels = {
            "late": self.env._("no invoice for longer than usual"),
            "revenue_drop": self.env._("revenue halved"),
            "complaints": self.env._("repeated complaints"),
            "recency": self.env._("low recency score"),
        }
        for value in self:
            codes = [
                code for code in (value.churn_reason_codes or "").split(",") if code
            ]
            value.churn_reason = self.env._(", ").join(
                labels.get(code, code) for code in codes
            )

    def onchange(self, values, field_names, fields_spec):
        """Customer values are the job's: read by their users, typed by
        nobody, so no form computes one. (Given a customer of another
        company, its related salesperson, class and lifecycle would be read
        as the system.)"""
        self.browse().check_access("create")
        return super().onchange(values, field_names, fields_spec)

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def action_recompute(self):
        """The *Recompute now* button: every company the user works in."""
        if not self.env.user.has_group(SALES_ADMIN):
            raise AccessError(
                self.env._("Only sales administrators may recompute customer values.")
            )
        # One transaction, whatever the caller's context says (a scheduler's
        # progress key would commit each batch).
        stats = (
            self.sudo()
            .with_context(
                allowed_company_ids=self.env.companies.ids, ir_cron_progress_id=False
            )
            ._compute_all(companies=self.env.companies)
        )
        if stats is None:
            raise UserError(
                self.env._(
                    "The customer values are being computed right now (by the "
                    "nightly job or another user): try again in a few minutes."
                )
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    @api.model
    def _cron_compute(self):
        """The nightly job: :meth:`_compute_all` of every company now, or as a
        queued job where OCA's queue_job is installed."""
        return self.env["ir.cron"]._crm_queue_or_run(
            self, "_compute_all", companies=self.env["res.company"].search([])
        )

    @api.model
    @exclusive_job
    def _compute_all(self, companies=None, today=None, batch_size=BATCH_SIZE):
        """Recompute the value of every customer of ``companies``.

        Per company: one set-based statement stages the figures of all its
        customers, where each figure ranks among the others' and the ABC
        classes; then batches of ``batch_size`` customers get their RFM scores
        (ranked, or from the company's thresholds below
        ``res.company.crm_rfm_ranked_from`` customers), churn risk and segment
        (:func:`tools.customer_standing`, which makes them agree), and only the
        rows that changed are written (one upsert per batch), with a commit and
        progress per batch when run by the scheduler. Then class upgrades and
        care reminders for the customers whose figures changed.

        An invoice credited in full by posted credit notes
        (``account.move._crm_credited_in_full_domain``) was no purchase: it
        counts neither among the invoices nor as the last one, while its amount
        and its credit notes' still net out in the revenue; a partial credit
        note leaves its invoice counted. A customer whose every invoice was
        credited in full has no value.
        """
        companies = companies or self.env.company
        today = today or fields.Date.context_today(self)
        stats = {"written": 0, "removed": 0, "classes": 0, "customers": 0}
        for company in companies:
            company_stats = self._compute_company(company, today, batch_size)
            for key, count in company_stats.items():
                stats[key] += count
        return stats

    def _tune_bulk_transaction(self):
        """This transaction only: no JIT compilation (it costs seconds on the
        staging statement and on every upsert) and memory for the window sorts
        of the staging statement."""
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")

    def _compute_company(self, company, today, batch_size):
        cr = self.env.cr
        self.env.flush_all()
        date_from = today - relativedelta(months=12)
        half = today - relativedelta(months=6)
        key = "crm_extension.repeated_complaints"
        repeated = parse_int_setting(
            key, self.env["ir.config_parameter"].sudo().get_param(key)
        )
        # Complaints of the last 12 months per customer (the one count of
        # complaints), for the repeated-complaints rule of the churn risk.
        complaint_counts = (
            self.env["crm.complaint"]
            .sudo()
            ._count_by(
                "commercial_partner_id",
                [
                    ("company_id", "=", company.id),
                    ("date_received", ">", date_from),
                    ("commercial_partner_id", "!=", False),
                ],
            )
        )
        # The company's invoices credited in full (account.move's one
        # definition): no purchases.
        Move = self.env["account.move"].sudo()
        credited = Move._search(
            [*Move._crm_credited_in_full_domain(), ("company_id", "=", company.id)]
        )
        cr.execute("DROP TABLE IF EXISTS crm_value_stage")
        self._tune_bulk_transaction()
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE crm_value_stage AS
                WITH moves AS (
                    SELECT m.id, m.commercial_partner_id AS partner_id, m.move_type,
                           m.invoice_date,
                           m.id IN %(credited)s AS reversed,
                           -SUM(l.balance) AS amount
                      FROM account_move m
                      JOIN account_move_line l
                        ON l.move_id = m.id AND l.display_type = 'product'
                     WHERE m.company_id = %(company)s
                       AND m.state = 'posted'
                       AND m.move_type IN ('out_invoice', 'out_refund')
                       AND m.invoice_date > %(date_from)s
                       AND m.invoice_date <= %(today)s
                     GROUP BY m.id
                ),
                last_invoice AS (
                    SELECT m.commercial_partner_id AS partner_id,
                           MAX(m.invoice_date) AS last_invoice_date
                      FROM account_move m
                     WHERE m.company_id = %(company)s
                       AND m.state = 'posted'
                       AND m.move_type = 'out_invoice'
                       AND m.id NOT IN %(credited)s
                       AND m.invoice_date <= %(today)s
                     GROUP BY m.commercial_partner_id
                ),
                figures AS (
                    SELECT li.partner_id, li.last_invoice_date,
                           COALESCE(SUM(mv.amount), 0) AS revenue,
                           COUNT(mv.id) FILTER (
                               WHERE mv.move_type = 'out_invoice' AND NOT mv.reversed)
                               AS invoice_count,
                           COALESCE(SUM(mv.amount)
                               FILTER (WHERE mv.invoice_date > %(half)s), 0)
                               AS revenue_recent,
                           COALESCE(SUM(mv.amount)
                               FILTER (WHERE mv.invoice_date <= %(half)s), 0)
                               AS revenue_previous
                      FROM last_invoice li
                      LEFT JOIN moves mv ON mv.partner_id = li.partner_id
                     GROUP BY li.partner_id, li.last_invoice_date
                ),
                complaints AS (
                    SELECT * FROM unnest(%(complainers)s::int[], %(complaints)s::int[])
                        AS c(partner_id, n)
                ),
                scored AS (
                    -- Per figure, the customers with a lower and with a higher
                    -- one (RANK and COUNT of one window: one sort each), for
                    -- tools.rank_score.
                    SELECT f.*,
                           COALESCE(cp.n, 0) AS complaint_count,
                           RANK() OVER by_date - 1 AS r_below,
                           COUNT(*) OVER () - COUNT(*) OVER by_date AS r_above,
                           RANK() OVER by_count - 1 AS f_below,
                           COUNT(*) OVER () - COUNT(*) OVER by_count AS f_above,
                           RANK() OVER by_revenue - 1 AS m_below,
                           COUNT(*) OVER () - COUNT(*) OVER by_revenue AS m_above,
                           CASE WHEN f.revenue > 0 THEN
                               100.0 * COALESCE(SUM(GREATEST(f.revenue, 0)) OVER (
                                   ORDER BY f.revenue DESC, f.partner_id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                               / NULLIF(SUM(GREATEST(f.revenue, 0)) OVER (), 0)
                           END AS share_before
                      FROM figures f
                      LEFT JOIN complaints cp ON cp.partner_id = f.partner_id
                    WINDOW by_date AS (ORDER BY f.last_invoice_date),
                           by_count AS (ORDER BY f.invoice_count),
                           by_revenue AS (ORDER BY f.revenue)
                )
                SELECT s.partner_id, s.last_invoice_date, s.revenue, s.invoice_count,
                       s.revenue_recent, s.revenue_previous, s.complaint_count,
                       s.r_below, s.r_above, s.f_below, s.f_above,
                       s.m_below, s.m_above,
                       CASE WHEN s.share_before IS NULL THEN 'c'
                            ELSE %(abc)s END AS abc
                  FROM scored s
                """,
                company=company.id,
                date_from=date_from,
                today=today,
                half=half,
                complainers=[partner.id for partner in complaint_counts],
                complaints=list(complaint_counts.values()),
                abc=abc_class_sql(SQL("s.share_before")),
                credited=credited.subselect(),
            )
        )
        cr.execute("CREATE INDEX ON crm_value_stage (partner_id)")
        cr.execute("ANALYZE crm_value_stage")
        cr.execute("SELECT COUNT(*) FROM crm_value_stage")
        total = cr.fetchone()[0]
        stats = {"written": 0, "removed": 0, "classes": 0, "customers": total}
        thresholds = company._crm_rfm_thresholds()
        cron = self.env["ir.cron"]
        now = fields.Datetime.now()
        newly_high = []
        last_id = 0
        done = 0
        while True:
            cr.execute(
                """
                SELECT s.partner_id, s.last_invoice_date, s.revenue, s.invoice_count,
                       s.revenue_recent, s.revenue_previous, s.complaint_count,
                       s.r_below, s.r_above, s.f_below, s.f_above,
                       s.m_below, s.m_above, s.abc,
                       v.id, v.revenue_12m, v.invoice_count_12m, v.last_invoice_date,
                       v.revenue_recent, v.revenue_previous, v.complaint_count_12m,
                       v.rfm_recency, v.rfm_frequency, v.rfm_monetary, v.rfm_segment,
                       v.abc_class, v.churn_risk, v.churn_reason_codes
                  FROM crm_value_stage s
                  LEFT JOIN crm_customer_value v
                    ON v.partner_id = s.partner_id AND v.company_id = %s
                 WHERE s.partner_id > %s
                 ORDER BY s.partner_id
                 LIMIT %s
                """,
                [company.id, last_id, batch_size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            last_id = rows[-1][0]
            changed = []
            for row in rows:
                partner_id, last_date, revenue, count, recent, previous = row[:6]
                complaints, rb, ra, fb, fa, mb, ma, abc = row[6:14]
                days = (today - last_date).days
                revenue = round(float(revenue), 2)
                recent = round(float(recent), 2)
                previous = round(float(previous), 2)
                scores = rfm_scores(
                    (days, count, revenue),
                    ((rb, ra), (fb, fa), (mb, ma)),
                    total,
                    thresholds,
                )
                segment, risk, reasons = customer_standing(
                    scores,
                    *churn_assessment(
                        days,
                        count,
                        recent,
                        previous,
                        complaints,
                        repeated_complaints=repeated,
                    ),
                )
                new = (
                    revenue,
                    count,
                    last_date,
                    recent,
                    previous,
                    complaints,
                    *scores,
                    segment,
                    abc,
                    risk,
                    ",".join(reasons),
                )
                old = row[14:]
                if (
                    old[0] is None
                    or (
                        round(float(old[1] or 0), 2),
                        old[2],
                        old[3],
                        round(float(old[4] or 0), 2),
                        round(float(old[5] or 0), 2),
                        old[6],
                        old[7],
                        old[8],
                        old[9],
                        old[10],
                        old[11],
                        old[12],
                        old[13] or "",
                    )
                    != new
                ):
                    changed.append((partner_id, *new))
                    if risk == "high" and old[12] != "high":
                        newly_high.append(partner_id)
            if changed:
                self._upsert(company, changed, now)
            stats["written"] += len(changed)
            done += len(rows)
            if done < total:
                compat.cron_progress(self.env, done, total - done)
                if cron._crm_commit_batch():
                    self._tune_bulk_transaction()  # SET LOCAL ends with a commit
        compat.cron_progress(self.env, done, 0)
        # Customers without any posted invoice any more.
        cr.execute(
            """
            DELETE FROM crm_customer_value v
             WHERE v.company_id = %s
               AND NOT EXISTS (
                   SELECT 1 FROM crm_value_stage s WHERE s.partner_id = v.partner_id)
            RETURNING v.partner_id
            """,
            [company.id],
        )
        emptied = [row[0] for row in cr.fetchall()]
        stats["removed"] = len(emptied)
        self.invalidate_model()
        stats["classes"] = self._apply_class_rules(company, today, emptied=emptied)
        if newly_high:
            self._schedule_care(company, newly_high, today)
        cr.execute("DROP TABLE IF EXISTS crm_value_stage")
        cr.execute("DROP TABLE IF EXISTS crm_value_changed")
        # The company's last part holds too, whatever happens after it (Run
        # now's own write of the job fails while a scheduler holds it).
        self.env["ir.cron"]._crm_commit_batch()
        _logger.info("crm_extension: customer values of %s: %s", company.name, stats)
        return stats

    def _upsert(self, company, rows, now):
        """Write the changed rows of a batch: COPY them into a temporary table,
        then one upsert (sending a batch as SQL arrays costs more in the client
        than in the database)."""
        cr = self.env.cr
        cr.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS crm_value_changed (
                p int, rev numeric, cnt int, last date, rec numeric, prev numeric,
                cmp int, r int, f int, m int, seg varchar, abc varchar,
                risk varchar, why varchar)
            """
        )
        cr.execute("TRUNCATE crm_value_changed")
        # Numbers, dates and codes only: nothing to escape.
        buffer = io.StringIO(
            "".join(
                "\t".join(r"\N" if value is None else str(value) for value in row)
                + "\n"
                for row in rows
            )
        )
        cr.copy_from(buffer, "crm_value_changed")
        cr.execute(
            """
            INSERT INTO crm_customer_value AS v (
                partner_id, company_id, revenue_12m, invoice_count_12m,
                last_invoice_date, revenue_recent, revenue_previous,
                complaint_count_12m, rfm_recency, rfm_frequency, rfm_monetary,
                rfm_segment, abc_class, churn_risk, churn_reason_codes,
                date_computed, create_uid, create_date, write_uid, write_date)
            SELECT p, %(company)s, rev, cnt, last, rec, prev, cmp, r, f, m, seg, abc,
                   risk, why, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_value_changed
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                revenue_12m = EXCLUDED.revenue_12m,
                invoice_count_12m = EXCLUDED.invoice_count_12m,
                last_invoice_date = EXCLUDED.last_invoice_date,
                revenue_recent = EXCLUDED.revenue_recent,
                revenue_previous = EXCLUDED.revenue_previous,
                complaint_count_12m = EXCLUDED.complaint_count_12m,
                rfm_recency = EXCLUDED.rfm_recency,
                rfm_frequency = EXCLUDED.rfm_frequency,
                rfm_monetary = EXCLUDED.rfm_monetary,
                rfm_segment = EXCLUDED.rfm_segment,
                abc_class = EXCLUDED.abc_class,
                churn_risk = EXCLUDED.churn_risk,
                churn_reason_codes = EXCLUDED.churn_reason_codes,
                date_computed = EXCLUDED.date_computed,
                write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            """,
            {"company": company.id, "now": now, "uid": self.env.uid},
        )

    def _apply_class_rules(self, company, today=None, emptied=()):
        """Move customers to the highest class they qualify for.

        Within their main class only, never when their class is locked by hand;
        up into a class that assigns automatically, down (or to a class of
        the same rank) only from a class that allows it (a class that does not
        assign automatically included) or from the main class itself (not
        sorted yet), and only into a class whose
        templates (required fields) the customer and its contact persons
        meet. A customer
        the companies share is classed by the figures of all of them. The
        revenue of each company is converted into the class's currency at the
        rate of ``today`` (the company's rates) before it meets the class's
        minimum: 2,000 yen are no 2,000 dollars. One query
        finds the customers to move; then one write per target class moves
        them the way every class change is made (tracked in the chatter with
        the rule as cause, written in the class history).

        :param emptied: the ids of the customers whose figures in ``company``
            the job just removed (every invoice credited in full): they are
            classed by no revenue and no invoices there, as a customer whose
            invoices are past the 12 months (a downgrade included).
        """
        today = today or fields.Date.context_today(self)
        cr = self.env.cr
        Partner = self.env["res.partner"].sudo()
        # What the query reads, as the ORM may still hold it.
        Partner.flush_model(
            ["customer_class_id", "customer_class_locked", "company_id"]
        )
        self.flush_model(
            ["partner_id", "company_id", "revenue_12m", "invoice_count_12m"]
        )
        self.env["crm.customer.class"].flush_model(
            [
                "main_class_id",
                "auto_assign",
                "active",
                "min_revenue",
                "min_invoice_count",
                "company_id",
                "sequence",
                "currency_id",
            ]
        )
        rates = self._class_currency_rates(today)
        # The figures of the customers, those just emptied with none.
        figures = SQL(
            """(SELECT partner_id, company_id, revenue_12m, invoice_count_12m
                  FROM crm_customer_value
                 UNION ALL
                SELECT e.partner_id, %s, 0, 0
                  FROM unnest(%s::int[]) AS e(partner_id))""",
            company.id,
            list(emptied),
        )
        # A customer the companies share has one class for all of them: the
        # highest one the figures of any of its companies qualify it for (each
        # company's job finds the same, rather than each taking it to its own),
        # among the classes it may have: the shared ones (a customer of one
        # company: its company's, and those of the companies it is a branch of).
        cr.execute(
            SQL(
                """
                WITH rates AS (
                    SELECT * FROM unnest(%(rate_companies)s::int[],
                                         %(rate_currencies)s::int[],
                                         %(rate_values)s::numeric[])
                        AS r(company_id, currency_id, rate)
                )
                SELECT DISTINCT ON (p.id)
                       p.id, p.customer_class_id, best.id
                  FROM %(figures)s mine
                  JOIN res_partner p ON p.id = mine.partner_id
                  JOIN %(figures)s v
                    ON v.partner_id = p.id
                   AND (v.company_id = mine.company_id OR p.company_id IS NULL)
                  LEFT JOIN res_company pc ON pc.id = p.company_id
                  JOIN crm_customer_class cur ON cur.id = p.customer_class_id
                  JOIN crm_customer_class best
                    ON best.main_class_id = cur.main_class_id
                   AND best.auto_assign AND best.active
                   AND COALESCE(best.min_invoice_count, 0) <= v.invoice_count_12m
                   -- (A class of the customer's company or of a parent
                   -- of it, as its class may be; or a shared one.)
                   AND (best.company_id IS NULL
                        OR best.company_id::text
                           = ANY(string_to_array(pc.parent_path, '/')))
                  LEFT JOIN rates r
                    ON r.company_id = v.company_id
                   AND r.currency_id = best.currency_id
                  LEFT JOIN rates mr
                    ON mr.company_id = mine.company_id
                   AND mr.currency_id = best.currency_id
                 WHERE mine.company_id = %(company)s
                   AND NOT COALESCE(p.customer_class_locked, false)
                   AND COALESCE(p.company_id, %(company)s) = %(company)s
                   -- (The revenue in the class's currency; a class without
                   -- one: in the company's.)
                   AND COALESCE(best.min_revenue, 0)
                       <= ROUND(v.revenue_12m * COALESCE(r.rate, 1), 2)
                 -- (The highest minimum, in this company's currency.)
                 ORDER BY p.id,
                          COALESCE(best.min_revenue, 0)
                          / COALESCE(NULLIF(mr.rate, 0), 1) DESC,
                          COALESCE(best.min_invoice_count, 0) DESC,
                          best.sequence, best.id
                """,
                company=company.id,
                rate_companies=[key[0] for key in rates],
                rate_currencies=[key[1] for key in rates],
                rate_values=list(rates.values()),
                figures=figures,
            )
        )
        candidates = [row for row in cr.fetchall() if row[1] != row[2]]
        if not candidates:
            return 0
        Class = self.env["crm.customer.class"].sudo()
        classes = Class.browse(
            {row[1] for row in candidates} | {row[2] for row in candidates}
        )
        # Classes rank by their minimum revenue in this company's currency.
        info = {
            klass.id: {
                "min_revenue": klass.min_revenue
                / (rates.get((company.id, klass.currency_id.id)) or 1),
                "min_invoice_count": klass.min_invoice_count,
                "allow_downgrade": klass.allow_downgrade,
                "main": not klass.parent_id,
            }
            for klass in classes
        }
        moves = {}  # {target class id: {partner id: current class id}}
        for partner_id, current_id, best_id in candidates:
            current, best = info[current_id], info[best_id]
            # Up into a class that assigns automatically ("move to this class
            # when they qualify"); any other way only out of a class that
            # allows it ("move down"). A class set by hand that does not
            # assign automatically promises no more: a customer leaves it for
            # a higher class only. A customer of the main class itself is not
            # sorted yet: it goes to any class of it that it qualifies for.
            if (
                class_rank(best) > class_rank(current)
                or current["allow_downgrade"]
                or current["main"]
            ):
                moves.setdefault(best_id, {})[partner_id] = current_id
        moved = 0
        for class_id, current_ids in moves.items():
            klass = Class.browse(class_id)
            # The customers of the values are commercial partners: the class's
            # customer template applies to them, its contact template to their
            # contact persons.
            customers = Partner.browse(list(current_ids))
            kept_out = customers._crm_kept_out_of_class(klass)
            meeting = customers - kept_out
            if kept_out:
                _logger.info(
                    "crm_extension: %s customers stay out of %s: its templates "
                    "require information they or their contacts do not have",
                    len(kept_out),
                    klass.display_name,
                )
            if not meeting:
                continue
            # The one way classes change: tracked in the chatter with the rule's
            # cause, and written in the class history (res_partner_classification),
            # in the language of each customer's salesperson.
            salespeople = {partner.id: partner.user_id.id for partner in meeting}
            for _lang, customers_in_lang in by_reader_lang(meeting, salespeople):
                klass_in_lang = klass.with_env(customers_in_lang.env)
                cause = klass_in_lang._rule_cause(
                    klass.currency_id or company.currency_id
                )
                customers_in_lang._crm_move_class(klass_in_lang, cause)
            moved += len(meeting)
        return moved

    def _class_currency_rates(self, today):
        """``{(company id, currency id): rate}``: what one unit of each
        company's currency is worth in the currency of each class with a
        minimum revenue, on ``today`` by the company's rates (as its invoices
        convert). A handful of companies and currencies."""
        classes = (
            self.env["crm.customer.class"]
            .sudo()
            .with_context(active_test=False)
            .search([("min_revenue", ">", 0)])
        )
        currencies = classes.currency_id
        rates = {}
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        for company in Company.search([]):
            for currency in currencies - company.currency_id:
                rates[company.id, currency.id] = currency._get_conversion_rate(
                    company.currency_id, currency, company, today
                )
        return rates

    def _schedule_care(self, company, partner_ids, today):
        """One care call per customer that just became at high churn risk, for
        its salesperson, due tomorrow (customers without one get none; nor
        those of a salesperson who does not work in ``company``, active and
        internal, or who may not read them: its figures are not theirs to read,
        and the care call of the salesperson's own company is theirs).

        Created as ``mail.activity.create`` makes automated activities, with
        what it does besides (the salespeople follow their customers, each is
        told once on the bus), by
        ``bulk.create_automated_activities``: the first run of the job
        makes thousands of care calls, whose queries through the ORM grow with
        them; here one query picks the customers, and the activities cost as
        many queries for few as for many.

        :return: the number of care calls scheduled
        """
        activity_type = self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        Partner = self.env["res.partner"].sudo()
        Partner.flush_model(["user_id", "name", "complete_name"])
        self.env["res.users"].flush_model(["active", "share"])
        # res_name is the customer's display name: its complete name, stored
        # as res.partner._get_complete_name gives it without context.
        # _compute_display_name gives the same, except for the label of the
        # address type of a contact without a name (translated there) and
        # blanks before a line break (removed there): the few customers without
        # a name or with a line break get their display name from the ORM.
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.user_id, p.complete_name,
                       COALESCE(p.name, '') = ''
                       OR strpos(p.complete_name, chr(10)) > 0
                  FROM res_partner p
                  JOIN res_users u ON u.id = p.user_id AND u.active AND NOT u.share
                  JOIN res_company_users_rel r ON r.user_id = u.id
                                              AND r.cid = %(company)s
                 WHERE p.id = ANY(%(ids)s)
                 ORDER BY p.id
                """,
                ids=list(partner_ids),
                company=company.id,
            )
        )
        customers = self.env.cr.fetchall()
        # Only for a salesperson who may open the customer.
        readers = readers_of(
            self.env, "res.partner", {row[0]: row[1] for row in customers}
        )
        customers = [row for row in customers if readers.get(row[0]) == row[1]]
        names = {
            partner.id: partner.display_name
            for partner in Partner.browse(
                [partner_id for partner_id, *_rest, odd in customers if odd]
            )
        }
        deadline = today + timedelta(days=1)
        # Each salesperson reads the summary in their language.
        langs = user_langs(self.env, [user_id for _pid, user_id, *_rest in customers])
        summaries = {
            lang: self.with_context(lang=lang).env._(
                "Care call: this customer may stop buying"
            )
            for lang in set(langs.values())
        }
        activities = bulk.create_automated_activities(
            self.env,
            "res.partner",
            [
                {
                    "res_id": partner_id,
                    "user_id": user_id,
                    "res_name": names.get(partner_id, complete_name),
                    "summary": summaries[langs[user_id]],
                    "date_deadline": deadline,
                }
                for partner_id, user_id, complete_name, _odd in customers
            ],
            activity_type=activity_type,
        )
        return len(activities)
