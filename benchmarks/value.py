"""Benchmark of crm_extension's customer value analytics (``scripts/bench-value``).

A measurement on generated data of what the recompute of customer values
promises: "Recompute for 100k customers / 1M invoice lines in under 30 s and for
1M customers / 5M lines in under 5 minutes on this machine, memory under 1 GB,
committing in batches with progress (``_notify_progress``), writing only
partners whose values changed, with a query count that does not grow per
partner." In a database with crm_extension, it

1. prepares, through the ORM and committed, 5 salespeople and a main customer
   class "Value Bench" with three sub-classes that assign themselves
   (Standard from 0, Silver from 20,000 and Gold from 100,000 of revenue over
   12 months; Gold allows downgrades), and finds the main company's sale journal
   and its income account;
2. for each size (customers:lines; 100k:1M and 1M:5M by default), set-based
   (INSERT ... SELECT generate_series, no ORM): tops the generated customers up
   to N companies (``res_partner``, is_company, their own commercial partner,
   90 % with a salesperson; 30 % in Standard, 4 % in Silver, 2 % in Gold, the
   rest without a class), puts their class back to the generated one, removes
   what earlier runs left (values, class history, tracking messages, care
   activities) and replaces the generated invoices: M ``account_move_line``
   rows (display_type ``product``, 1 to 7 per move, on the income account) in
   about M/4 posted ``account_move`` rows of the main company, its sale journal
   and currency, over the last 24 months (more of them recent), each customer
   with one invoice at least and the rest skewed towards few big customers,
   about 10 % of the moves refunds; then complaints for 0.5 % of the customers
   (1 to 5 each) and VACUUM ANALYZE;
3. runs the value job twice the way the scheduler does (``ir.cron._run_job``:
   a dedicated cursor, an ``ir.cron.progress`` record in the context as
   ``ir_cron_progress_id``, the server action ``model._cron_compute()``, its
   batch commits and the final commit), timing each run, sampling the RSS of
   this Python process every 20 ms, and seeing through Odoo's own interfaces
   the job's SQL queries (the query hooks of this thread: every cursor), its
   commits (the post-commit callbacks of its cursors) and its progress (the
   writes of the progress record); checks that every customer got its value
   row, that the revenue equals a direct sum of the invoice lines, that the
   progress record ends done = customers, remaining = 0, and that the second
   run writes no row, moves no customer and schedules no care call.

It ends with one table: size | recompute time | peak memory | queries | rows
written | second run | load | target | ok, and exits non-zero when a target is
missed or a check fails.
"""

import resource
import sys
import threading
import time

from .generate import bulk_settings, ensure_users, rnd, sql_array, unit, vacuum_analyze
from .harness import describe, load_text, run, say, superuser_env
from .measure import QueryLog, explain, profiled, say_plan, sql_text
from .report import Report

# The command, database and reuse of this benchmark (harness.Benchmark).
COMMAND = "scripts/bench-value"
DEFAULT_DB = "crm_ext_value_bench"
REUSED = "its generated customers are kept and topped up, their invoices replaced"

DEFAULT_SIZES = ((100_000, 1_000_000), (1_000_000, 5_000_000))
# (customers, lines, seconds): the targets; a size is held to the target
# of the smallest target size that covers it.
TARGETS = ((100_000, 1_000_000, 30.0), (1_000_000, 5_000_000, 300.0))
MEMORY_TARGET = 1024**3  # peak RSS of this Python process, bytes
# Queries outside the batches (stage statement, class rules, care calls, ...)
# must not depend on the number of customers: at most this many in all, and
# within this slack of the smallest size's, but for the class moves: they go
# through Odoo's ORM (one mechanism for every class change, with its history
# and chatter note), which writes 100 records a statement (odoo.models'
# INSERT_BATCH_SIZE and UPDATE_BATCH_SIZE) in each of three tables (partners,
# class history, messages): so many statements per 100 moves are allowed on top.
OTHER_QUERY_LIMIT = 400
QUERY_SLACK = 50
ORM_BATCH = 100
ORM_STATEMENTS_PER_BATCH = 3
PER_BATCH_LIMIT = 10  # queries per batch of customers
# The batch query of the job, the stage statement and the progress writes, by
# their first words.
BATCH_MARK = "SELECT s.partner_id, s.last_invoice_date, s.revenue"
STAGE_MARK = "CREATE TEMP TABLE crm_value_stage"
PROGRESS_MARK = 'UPDATE "ir_cron_progress"'
MOVE_CHUNK = 250_000  # moves per INSERT statement
REF_PREFIX = "VB"  # ref of the generated customers: VB0000001
MOVE_PREFIX = "VB/"  # names of the generated moves
COMPLAINT_PREFIX = "CVB/"
MARK = "value_bench"  # login prefix of the generated salespeople
SALESPEOPLE = 5
REVIEW_DAYS = 730  # invoices over the last 24 months
CLASSES = (  # name, min revenue, allow downgrade, share of customers in % (start)
    ("Standard", 0.0, False, 30),
    ("Silver", 20_000.0, False, 4),
    ("Gold", 100_000.0, True, 2),
)
BENCH_TABLES = (
    "res_partner",
    "account_move",
    "account_move_line",
    "crm_complaint",
    "crm_customer_value",
    "mail_activity",
    "mail_message",
    "crm_customer_class_history",
)


def mib(size):
    return f"{size / 1024**2:,.0f} MiB"


# --------------------------------------------------------------------------
# Setup: salespeople, classes (ORM, committed); customers, invoices (SQL)
# --------------------------------------------------------------------------


def ensure_setup(env):
    """Salespeople, the bench's customer classes, the sale journal and its income
    account of the main company. Returns a dict of ids."""
    users = ensure_users(
        env,
        {
            f"{MARK}_sales_{n}": f"Value Bench Salesperson {n}"
            for n in range(1, SALESPEOPLE + 1)
        },
        ["base.group_user", "sales_team.group_sale_salesman"],
    )
    Class = env["crm.customer.class"]
    main = Class.search([("name", "=", "Value Bench"), ("parent_id", "=", False)])
    if not main:
        main = Class.create({"name": "Value Bench", "code": "VBENCH"})
    classes = []
    for name, min_revenue, downgrade, _share in CLASSES:
        klass = Class.search([("name", "=", name), ("parent_id", "=", main.id)])
        values = {
            "auto_assign": True,
            "min_revenue": min_revenue,
            "allow_downgrade": downgrade,
        }
        if klass:
            klass.write(values)
        else:
            klass = Class.create({"name": name, "parent_id": main.id, **values})
        classes.append(klass.id)
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    account = journal.default_account_id
    if not journal or not account or account.account_type != "income":
        raise SystemExit(
            "the main company has no sale journal with an income account (no chart "
            "of accounts installed?)"
        )
    env.flush_all()
    env.cr.commit()
    return {
        "users": users.ids,
        "main_class": main.id,
        "classes": classes,
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "account": account.id,
    }


def class_case(setup):
    """SQL of the generated class of customer number ``i`` (NULL for most)."""
    whens, bound = [], 0
    for klass, (_name, _min, _down, share) in zip(
        setup["classes"], CLASSES, strict=True
    ):
        bound += share
        whens.append(f"WHEN {rnd('i', 31, 100)} < {bound} THEN {klass}")
    return f"(CASE {' '.join(whens)} END)"


def prepare_customers(cr, setup, customers, now):
    """Tops the generated customers up to ``customers``, puts their classes back
    and removes what earlier runs left. Returns (created, seconds)."""
    started = time.perf_counter()
    cr.execute(
        "SELECT COALESCE(MAX(substr(ref, 3)::int), 0) FROM res_partner "
        "WHERE ref LIKE %s",
        [REF_PREFIX + "%"],
    )
    have = cr.fetchone()[0]
    users = sql_array(setup["users"])
    created = 0
    if have < customers:
        cr.execute(
            f"""
            INSERT INTO res_partner (
                id, commercial_partner_id, name, complete_name, ref, is_company,
                type, active, user_id, customer_class_id, customer_main_class_id,
                lang, autopost_bills, lifecycle_stage, customer_rank, email,
                create_uid, create_date, write_uid, write_date)
            SELECT id, id, name, name, ref, true, 'contact', true, user_id,
                   class_id,
                   CASE WHEN class_id IS NOT NULL THEN %(main)s END,
                   'en_US', 'ask', 'target', 1, lower(ref) || '@example.com',
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM (
                SELECT nextval('res_partner_id_seq') AS id,
                       'Value Bench Customer ' || lpad(i::text, 7, '0') AS name,
                       '{REF_PREFIX}' || lpad(i::text, 7, '0') AS ref,
                       CASE WHEN {rnd("i", 32, 10)} < 9
                            THEN {users}[{rnd("i", 33, len(setup["users"]))} + 1]
                       END AS user_id,
                       {class_case(setup)} AS class_id
                  FROM generate_series(%(first)s, %(last)s) AS i
                 ORDER BY i
              ) g
            """,
            {
                "main": setup["main_class"],
                "uid": 1,
                "now": now,
                "first": have + 1,
                "last": customers,
            },
        )
        created = cr.rowcount
    # What earlier runs left.
    cr.execute("DROP TABLE IF EXISTS bench_value_customers")
    cr.execute(
        """
        CREATE UNLOGGED TABLE bench_value_customers AS
        SELECT substr(ref, 3)::int AS i, id AS partner_id
          FROM res_partner WHERE ref LIKE %s
        """,
        [REF_PREFIX + "%"],
    )
    cr.execute("ALTER TABLE bench_value_customers ADD PRIMARY KEY (i)")
    cr.execute("ANALYZE bench_value_customers")
    cr.execute("DELETE FROM crm_customer_value")
    cr.execute(
        "DELETE FROM crm_customer_class_history h USING bench_value_customers c "
        "WHERE h.partner_id = c.partner_id"
    )
    cr.execute(
        """
        DELETE FROM mail_message m USING bench_value_customers c
         WHERE m.model = 'res.partner' AND m.res_id = c.partner_id
        """
    )
    cr.execute(
        """
        DELETE FROM mail_activity a USING bench_value_customers c
         WHERE a.res_model = 'res.partner' AND a.res_id = c.partner_id
        """
    )
    cr.execute(
        f"""
        UPDATE res_partner p
           SET customer_class_id = g.class_id,
               customer_main_class_id = CASE WHEN g.class_id IS NOT NULL
                                             THEN %(main)s END
          FROM (SELECT i, partner_id, {class_case(setup)} AS class_id
                  FROM bench_value_customers) g
         WHERE p.id = g.partner_id
           AND p.customer_class_id IS DISTINCT FROM g.class_id
        """,
        {"main": setup["main_class"]},
    )
    return created, time.perf_counter() - started


def generate_invoices(cr, setup, customers, lines, today):
    """Replaces the generated invoices and complaints. Returns (moves, lines,
    refunds, complaints, seconds)."""
    started = time.perf_counter()
    cr.execute("DELETE FROM crm_complaint WHERE name LIKE %s", [COMPLAINT_PREFIX + "%"])
    cr.execute(
        """
        DELETE FROM account_move_line WHERE move_id IN (
            SELECT id FROM account_move WHERE name LIKE %s)
        """,
        [MOVE_PREFIX + "%"],
    )
    cr.execute("DELETE FROM account_move WHERE name LIKE %s", [MOVE_PREFIX + "%"])
    # Lines per move: 1 + j mod 7, i.e. 4 on average.
    moves = max(customers, (lines + 3) // 4)
    extra = moves - customers
    # ~10 % refunds in all, among the moves beyond each customer's first invoice.
    refund_per_mille = min(900, int(1000 * 0.1 * moves / extra)) if extra else 0
    cr.execute("SELECT nextval('account_move_id_seq')")
    first_id = cr.fetchone()[0]
    cr.execute("SELECT setval('account_move_id_seq', %s)", [first_id + moves])
    params = {
        "company": setup["company"],
        "currency": setup["currency"],
        "journal": setup["journal"],
        "account": setup["account"],
        "today": today,
        "uid": 1,
        "base": first_id - 1,
        "customers": customers,
    }
    # Move j: customer j for the first invoice of every customer, then a customer
    # skewed towards the first ones (u^3); invoice date up to 24 months back,
    # more of them recent; line k of nl has amount base * k.
    move_sql = f"""
        SELECT j, %(base)s + j AS id,
               c.partner_id,
               (j > %(customers)s AND {rnd("j", 5, 1000)} < {refund_per_mille})
                   AS refund,
               (%(today)s::date
                - floor({REVIEW_DAYS} * power({unit("j", 7)}, 1.5))::int)
                   AS invoice_date,
               1 + mod(j, 7) AS nl,
               (10 + {rnd("j", 11, 500)})::numeric AS base
          FROM generate_series(%(first)s, %(last)s) AS j
          JOIN bench_value_customers c
            ON c.i = CASE WHEN j <= %(customers)s THEN j
                          ELSE 1 + floor(%(customers)s
                                         * power({unit("j", 3)}, 3))::int END
    """
    refunds = 0
    line_count = 0
    for first in range(1, moves + 1, MOVE_CHUNK):
        last = min(moves, first + MOVE_CHUNK - 1)
        chunk = {**params, "first": first, "last": last}
        cr.execute(
            f"""
            INSERT INTO account_move (
                id, name, move_type, state, date, invoice_date, invoice_date_due,
                company_id, journal_id, currency_id, partner_id,
                commercial_partner_id, auto_post, payment_state,
                amount_untaxed, amount_tax, amount_total, amount_residual,
                amount_untaxed_signed, amount_untaxed_in_currency_signed,
                amount_tax_signed, amount_total_signed,
                amount_total_in_currency_signed, amount_residual_signed,
                sequence_prefix, sequence_number, invoice_partner_display_name,
                create_uid, create_date, write_uid, write_date)
            SELECT m.id,
                   '{MOVE_PREFIX}' || (CASE WHEN m.refund THEN 'R' ELSE 'I' END)
                       || lpad(m.j::text, 8, '0'),
                   CASE WHEN m.refund THEN 'out_refund' ELSE 'out_invoice' END,
                   'posted', m.invoice_date, m.invoice_date, m.invoice_date + 30,
                   %(company)s, %(journal)s, %(currency)s, m.partner_id,
                   m.partner_id, 'no', 'not_paid',
                   t.total, 0, t.total, t.total,
                   t.total * t.sign, t.total * t.sign, 0, t.total * t.sign,
                   t.total * t.sign, t.total * t.sign,
                   '{MOVE_PREFIX}' || (CASE WHEN m.refund THEN 'R' ELSE 'I' END),
                   m.j, p.name,
                   %(uid)s, now() at time zone 'UTC', %(uid)s,
                   now() at time zone 'UTC'
              FROM ({move_sql}) m
              JOIN res_partner p ON p.id = m.partner_id
             CROSS JOIN LATERAL (
                 SELECT m.base * m.nl * (m.nl + 1) / 2 AS total,
                        CASE WHEN m.refund THEN -1 ELSE 1 END AS sign) t
            """,
            chunk,
        )
        cr.execute(
            f"""
            INSERT INTO account_move_line (
                move_id, move_name, date, invoice_date, parent_state, journal_id,
                company_id, company_currency_id, currency_id, partner_id,
                account_id, display_type, name, sequence, quantity, price_unit,
                discount, price_subtotal, price_total, balance, debit, credit,
                amount_currency, amount_residual, amount_residual_currency,
                reconciled, create_uid, create_date, write_uid, write_date)
            SELECT m.id,
                   '{MOVE_PREFIX}' || (CASE WHEN m.refund THEN 'R' ELSE 'I' END)
                       || lpad(m.j::text, 8, '0'),
                   m.invoice_date, m.invoice_date, 'posted', %(journal)s,
                   %(company)s, %(currency)s, %(currency)s, m.partner_id,
                   %(account)s, 'product', 'Value bench service ' || k, 10 + k,
                   k, m.base, 0, m.base * k, m.base * k, l.balance,
                   GREATEST(l.balance, 0), GREATEST(-l.balance, 0), l.balance, 0,
                   0, false, %(uid)s, now() at time zone 'UTC', %(uid)s,
                   now() at time zone 'UTC'
              FROM ({move_sql}) m
             CROSS JOIN LATERAL generate_series(1, m.nl) AS k
             CROSS JOIN LATERAL (
                 SELECT CASE WHEN m.refund THEN 1 ELSE -1 END * m.base * k
                     AS balance) l
            """,
            chunk,
        )
        line_count += cr.rowcount
        cr.execute(
            "SELECT count(*) FROM account_move WHERE id BETWEEN %s AND %s "
            "AND move_type = 'out_refund'",
            [first_id + first - 1, first_id + last - 1],
        )
        refunds += cr.fetchone()[0]
        cr.commit()
        say(
            f"  moves {last:,} of {moves:,}, lines {line_count:,} "
            f"({time.perf_counter() - started:.0f} s)"
        )
    # Complaints: 0.5 % of the customers, 1 to 5 each, over the last 15 months.
    cr.execute(
        f"""
        INSERT INTO crm_complaint (
            name, subject, channel, severity, company_id, partner_id,
            commercial_partner_id, date_received, is_closed, is_resolved,
            escalation_level, create_uid, create_date, write_uid, write_date)
        SELECT '{COMPLAINT_PREFIX}' || lpad(c.i::text, 7, '0') || '/' || n,
               'Value bench complaint', 'email', '1', %(company)s, c.partner_id,
               c.partner_id,
               (%(today)s::date - {rnd("c.i * 7 + n", 23, 450)}::int) + time '10:00',
               false, false, 0, %(uid)s, now() at time zone 'UTC', %(uid)s,
               now() at time zone 'UTC'
          FROM bench_value_customers c
         CROSS JOIN LATERAL generate_series(1, 1 + {rnd("c.i", 22, 5)}) AS n
         WHERE c.i <= %(customers)s AND {rnd("c.i", 21, 200)} = 0
        """,
        params,
    )
    complaints = cr.rowcount
    cr.commit()
    return moves, line_count, refunds, complaints, time.perf_counter() - started


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


class RssSampler:
    """The peak RSS of this process while running, sampled every 20 ms."""

    def __init__(self, interval=0.02):
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak = 0
        self.start = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        self.peak = max(self.peak, self.process.memory_info().rss)

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self.start = self.process.memory_info().rss
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
        return False


class JobLog(QueryLog):
    """Every SQL query of the job (all cursors of this thread, through Odoo's
    query hooks) and its commits: a post-commit callback of Odoo's cursor
    (``cr.postcommit``) is registered in each transaction that runs a query, and
    notes the time from the transaction's last query to its commit's callbacks
    (the COMMIT itself, and Odoo clearing its caches)."""

    def __init__(self):
        super().__init__()
        self.commits = []
        self.stage_query = None
        self._last_query_end = 0.0

    def __call__(self, cr, query, params, start, delay):
        super().__call__(cr, query, params, start, delay)
        self._last_query_end = time.perf_counter()
        if STAGE_MARK in query:
            self.stage_query = (query, params)
        if "benchmarks.value" not in cr.postcommit.data:
            cr.postcommit.data["benchmarks.value"] = True
            cr.postcommit.add(self._committed)

    def _committed(self):
        self.commits.append(time.perf_counter() - self._last_query_end)

    def count(self, text):
        """How many queries begin with ``text``."""
        return len(self.starting(text))

    def batch_span(self):
        """(queries before the batches, in them, after them): the batches run
        from the first batch query to the last one (which finds no customer)."""
        marks = self.starting(BATCH_MARK)
        if not marks:
            return len(self.entries), 0, 0
        first, last = marks[0], marks[-1]
        return first, last + 1 - first, len(self.entries) - last - 1

    def groups(self):
        """Queries grouped by their first words: count, seconds."""
        groups = {}
        for query, _params, seconds in self.entries:
            key = sql_text(query, 70)
            count, total = groups.get(key, (0, 0.0))
            groups[key] = (count + 1, total + seconds)
        return sorted(groups.items(), key=lambda item: -item[1][1])


def run_job(registry, profile=False):
    """Runs the value job once as the scheduler does (``ir.cron._run_job``).

    Returns (seconds, status, job log, rss, progress records)."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        cron = env.ref("crm_extension.ir_cron_customer_value")
        job = {
            "id": cron.id,
            "cron_name": cron.cron_name,
            "user_id": cron.user_id.id or env.uid,
            "lastcall": cron.lastcall,
            "timed_out_counter": 0,
            "ir_actions_server_id": cron.ir_actions_server_id.id,
        }
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_progress")
        last_progress = cr.fetchone()[0]
    with (
        RssSampler() as rss,
        JobLog() as log,
        profiled(
            "  cProfile of the first run (cumulative, top 30):",
            enabled=profile,
            limit=30,
        ),
    ):
        started = time.perf_counter()
        status = registry["ir.cron"]._run_job(job)
        seconds = time.perf_counter() - started
    with registry.cursor() as cr:
        cr.execute(
            "SELECT id, done, remaining FROM ir_cron_progress WHERE id > %s "
            "AND cron_id = %s ORDER BY id",
            [last_progress, job["id"]],
        )
        progress = cr.fetchall()
    return seconds, status, log, rss, progress


def set_job_batch_size(registry, batch_size):
    """The job's code, as an administrator may set it (Settings > Technical >
    Scheduled Actions): ``_compute_all`` with ``batch_size`` (None: the shipped
    code). Returns the code it replaced."""
    with registry.cursor() as cr:
        cron = superuser_env(cr).ref("crm_extension.ir_cron_customer_value")
        shipped = cron.code
        if batch_size:
            cron.code = (
                "model._compute_all(companies=env['res.company'].search([]), "
                f"batch_size={int(batch_size)})"
            )
        return shipped


def restore_job_code(registry, code):
    with registry.cursor() as cr:
        superuser_env(cr).ref("crm_extension.ir_cron_customer_value").code = code


def verify(registry, setup, customers, today):
    """Checks the values of a first run; returns (value rows, problems)."""
    from dateutil.relativedelta import relativedelta

    problems = []
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), COALESCE(SUM(revenue_12m), 0) FROM crm_customer_value "
            "WHERE company_id = %s",
            [setup["company"]],
        )
        rows, revenue = cr.fetchone()
        cr.execute(
            """
            SELECT count(DISTINCT commercial_partner_id) FROM account_move
             WHERE company_id = %s AND state = 'posted' AND move_type = 'out_invoice'
               AND payment_state IS DISTINCT FROM 'reversed'
               AND invoice_date <= %s
            """,
            [setup["company"], today],
        )
        expected_rows = cr.fetchone()[0]
        cr.execute(
            """
            SELECT COALESCE(-SUM(l.balance), 0)
              FROM account_move_line l JOIN account_move m ON m.id = l.move_id
             WHERE m.company_id = %s AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND l.display_type = 'product'
               AND m.invoice_date > %s AND m.invoice_date <= %s
            """,
            [setup["company"], today - relativedelta(months=12), today],
        )
        expected_revenue = cr.fetchone()[0]
    if rows != expected_rows:
        problems.append(f"{rows:,} value rows for {expected_rows:,} invoiced customers")
    if abs(float(revenue) - float(expected_revenue)) > 0.01 * max(rows, 1):
        problems.append(
            f"revenue of the values {revenue:,.2f}, of the invoice lines "
            f"{expected_revenue:,.2f}"
        )
    return rows, expected_rows, problems


def max_ids(registry):
    """The last ids of the tables the job adds to."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT (SELECT COALESCE(MAX(id), 0) FROM crm_customer_class_history),
                   (SELECT COALESCE(MAX(id), 0) FROM mail_activity),
                   (SELECT COALESCE(MAX(id), 0) FROM mail_message)
            """
        )
        return cr.fetchone()


def counts_after(registry, since, ids):
    """Value rows written since ``since``; class history rows, care activities
    and chatter messages of customers created after ``ids``."""
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM crm_customer_value WHERE write_date >= %s", [since]
        )
        written = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM crm_customer_class_history WHERE id > %s", [ids[0]]
        )
        history = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'res.partner' "
            "AND id > %s",
            [ids[1]],
        )
        activities = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mail_message WHERE model = 'res.partner' AND id > %s",
            [ids[2]],
        )
        messages = cr.fetchone()[0]
    return written, history, activities, messages


def explain_stage(registry, log):
    """EXPLAIN (ANALYZE, BUFFERS) of the stage statement, rolled back."""
    if log.stage_query is None:
        say("  (no stage statement seen)")
        return
    with registry.cursor() as cr:
        cr.execute("DROP TABLE IF EXISTS crm_value_stage")
        say_plan(
            "  EXPLAIN (ANALYZE, BUFFERS) of the stage statement:",
            explain(cr, *log.stage_query),
        )
        cr.rollback()


def target_for(customers, lines):
    for max_customers, max_lines, seconds in TARGETS:
        if customers <= max_customers and lines <= max_lines:
            return seconds
    _c, max_lines, seconds = TARGETS[-1]
    return seconds * lines / max_lines


def describe_run(name, seconds, status, log, rss, progress):
    say(
        f"{name}: {seconds:.2f} s ({status}), {len(log.entries)} queries "
        f"(SQL {log.seconds():.2f} s), {len(log.commits)} commits "
        f"({sum(log.commits):.2f} s), {log.count(PROGRESS_MARK)} progress "
        f"writes, {log.count(BATCH_MARK)} batches; RSS {mib(rss.start)} before, "
        f"peak {mib(rss.peak)}; progress records {progress}; load average "
        f"{load_text()}"
    )
    for text, (count, total) in log.groups()[:14]:
        say(f"    {1000 * total:9.1f} ms {count:6}x  {text}")


def first_run_problems(args, status, log, progress, expected_rows, written):
    """What the first run did wrong: status, batches, progress, commits, rows."""
    problems = []
    if status != "fully done":
        problems.append(f"the job ended {status}")
    batches = log.count(BATCH_MARK)
    batch_size = args.batch_size or 20000
    if batches - 1 != -(-expected_rows // batch_size):
        problems.append(f"{batches} batch queries for {expected_rows:,} customers")
    writes = log.count(PROGRESS_MARK)
    if writes < max(1, batches - 1):
        problems.append(f"{writes} progress writes for {batches - 1} batches")
    if not progress or progress[-1][1:] != (expected_rows, 0):
        problems.append(f"progress record {progress}")
    if len(log.commits) < batches:
        problems.append(
            f"{len(log.commits)} commits for {batches - 1} batches (no batch commits?)"
        )
    if written != expected_rows:
        problems.append(f"{written:,} rows written of {expected_rows:,}")
    return problems


def measure_size(registry, args, setup, customers, lines, report, reference):
    from odoo import fields

    say(f"\n===== {customers:,} customers, {lines:,} invoice lines =====")
    today = fields.Date.today()
    with registry.cursor() as cr, bulk_settings(cr):
        created, took = prepare_customers(cr, setup, customers, fields.Datetime.now())
        cr.commit()
        say(f"customers: {created:,} created, classes reset in {took:.1f} s")
        moves, line_count, refunds, complaints, took = generate_invoices(
            cr, setup, customers, lines, today
        )
    vacuum = vacuum_analyze(registry.db_name, BENCH_TABLES)
    say(
        f"generated {moves:,} posted moves ({refunds:,} refunds, "
        f"{100 * refunds / moves:.1f} %), {line_count:,} lines, {complaints:,} "
        f"complaints in {took:.0f} s (VACUUM ANALYZE {vacuum:.0f} s); load average "
        f"{load_text()}"
    )

    ids = max_ids(registry)
    since = fields.Datetime.now()
    seconds, status, log, rss, progress = run_job(registry, profile=args.profile)
    describe_run("first run", seconds, status, log, rss, progress)
    if args.explain:
        explain_stage(registry, log)
    rows, expected_rows, problems = verify(registry, setup, customers, today)
    written, history, activities, messages = counts_after(registry, since, ids)
    say(
        f"  checked: {rows:,} value rows ({expected_rows:,} invoiced customers), "
        f"{written:,} written, {history:,} class changes, {activities:,} care "
        f"calls, {messages:,} chatter messages: "
        + ("; ".join(problems) if problems else "all right")
    )
    problems += first_run_problems(args, status, log, progress, expected_rows, written)

    # Queries: those of the batches (batch SELECT, upsert, progress, and what
    # opens the transaction after each batch commit) and the others, before
    # and after them, which must not grow with the number of customers.
    batches = log.count(BATCH_MARK)
    before, in_batches, after = log.batch_span()
    per_batch = in_batches / max(batches - 1, 1)
    other = before + after
    if reference.get("other") is None:
        reference["other"] = other
        reference["size"] = customers
        reference["history"] = history

    def orm_batches(moves):
        return -(-moves // ORM_BATCH)

    slack = QUERY_SLACK + ORM_STATEMENTS_PER_BATCH * max(
        orm_batches(history) - orm_batches(reference["history"]), 0
    )
    query_ok = (
        other <= OTHER_QUERY_LIMIT
        and other - reference["other"] <= slack
        and per_batch <= PER_BATCH_LIMIT
    )

    ids2 = max_ids(registry)
    time.sleep(1.0)  # write dates have whole seconds
    since2 = fields.Datetime.now()
    seconds2, status2, log2, rss2, progress2 = run_job(registry)
    describe_run("second run", seconds2, status2, log2, rss2, progress2)
    written2, history2, activities2, _messages = counts_after(registry, since2, ids2)
    if written2 or history2 or activities2:
        problems.append(
            f"the second run wrote {written2:,} values, {history2:,} class "
            f"changes, {activities2:,} care calls"
        )

    target = target_for(customers, lines)
    peak = max(rss.peak, rss2.peak)
    if seconds >= target:
        problems.append(f"recompute {seconds:.1f} s >= {target:.0f} s")
    if peak >= MEMORY_TARGET:
        problems.append(f"peak RSS {mib(peak)}")
    if not query_ok:
        problems.append(
            f"{other} queries outside the batches (at {reference['size']:,} "
            f"customers: {reference['other']}), {per_batch:.1f} per batch"
        )
    report.add(
        f"{customers:,} / {lines:,}",
        f"{seconds:.1f} s",
        f"{mib(peak)} (start {mib(rss.start)})",
        f"{len(log.entries)} ({batches} batch SELECTs, {per_batch:.1f}/batch, "
        f"{other} other: {before} before, {after} after the batches)",
        f"{written:,} ({history:,} class moves, {activities:,} care calls)",
        f"{seconds2:.1f} s, {written2:,} rows, {len(log2.entries)} q",
        load_text(),
        f"< {target:.0f} s, < {mib(MEMORY_TARGET)}, other queries <= "
        f"{min(OTHER_QUERY_LIMIT, reference['other'] + slack)} (class moves: "
        f"{ORM_STATEMENTS_PER_BATCH} per {ORM_BATCH}), per batch <= "
        f"{PER_BATCH_LIMIT}",
        problems=problems,
    )


def measure(args, registry):
    report = Report(
        "size (customers / lines) | recompute time | peak memory (RSS) | queries "
        "| rows written | second run | load after | target | ok",
    )
    with registry.cursor() as cr:
        describe(cr, f"database {args.db}")
        setup = ensure_setup(superuser_env(cr))
    say(
        f"{len(setup['users'])} salespeople; classes Value Bench / "
        + ", ".join(f"{name} (from {low:,.0f})" for name, low, _d, _s in CLASSES)
        + "; the job runs as the scheduler does (ir.cron._run_job)"
        + (f", in batches of {args.batch_size:,}" if args.batch_size else "")
    )
    shipped = set_job_batch_size(registry, args.batch_size)
    try:
        reference = {}
        for customers, lines in args.sizes:
            measure_size(registry, args, setup, customers, lines, report, reference)
    finally:
        if args.batch_size:
            restore_job_code(registry, shipped)
    report.notes = (
        "Recompute time: the value job (model._cron_compute() → _compute_all) run "
        "as the scheduler does (ir.cron._run_job: progress record, batch commits, "
        "final commit), first run on fresh data. Peak memory: RSS of this Python "
        "process sampled every 20 ms during the job (ru_maxrss of the process "
        f"{mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}). "
        "Queries: every query of the job (all cursors of the thread, seen through "
        "Odoo's query hooks); 'other' are those before the first batch query and "
        "after the last one. Second run: the job again right after."
    )
    return report


def size_pairs(text):
    """The type of ``--sizes``: customers:lines pairs separated by commas."""
    import argparse

    try:
        sizes = sorted(
            {
                tuple(int(n.replace("_", "")) for n in size.split(":"))
                for size in text.split(",")
            }
        )
    except ValueError:
        sizes = []
    if not sizes or any(len(size) != 2 for size in sizes):
        raise argparse.ArgumentTypeError(
            "customers:lines pairs, e.g. 100000:1000000,1000000:5000000"
        )
    return sizes


def add_arguments(parser):
    parser.add_argument(
        "--sizes",
        type=size_pairs,
        default=list(DEFAULT_SIZES),
        help="customers:lines,... (default 100000:1000000,1000000:5000000)",
    )
    parser.add_argument("--customers", type=int, help="one size: customers")
    parser.add_argument("--lines", type=int, help="one size: invoice lines")
    parser.add_argument(
        "--batch-size",
        type=int,
        help="batch size of the job's _compute_all (default: the model's)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) of the stage statement",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of the first run"
    )


def check_arguments(parser, args):
    if args.customers or args.lines:
        customers = args.customers or 100_000
        args.sizes = [(customers, args.lines or 10 * customers)]
    for customers, lines in args.sizes:
        if customers < 100 or lines < customers:
            parser.error(
                f"invalid size {customers}:{lines}: at least 100 customers and one "
                "line each"
            )
    if args.batch_size is not None and args.batch_size < 1:
        parser.error("--batch-size must be positive")


if __name__ == "__main__":
    sys.exit(run(sys.modules[__name__]))
