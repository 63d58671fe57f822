"""Benchmark of crm_extension's sales funnel (``scripts/bench-funnel``).

A measurement on generated data of the figures the sales funnel promises, in two
databases without demo data: NAME with crm_extension installed and NAME_base
with only its dependencies (from its manifest; NAME is a copy of it plus the
addon). It

1. generates, set-based with SQL and identically in both databases, N leads
   (100k by default: 95 % opportunities, 25 % won, 15 % lost/archived, spread
   over two years, 20 salespeople in 4 teams), and in NAME their stage history
   (1M rows by default, about 10 stays per lead through the five stages of the
   shipped funnel, the exit type of each stay as the addon classifies it, one
   open stay per lead, each stay flagged first in its stage and moved on as
   the addon's upgrade flags it), then VACUUM ANALYZE;
2. stage changes: creates 1,000 opportunities through the ORM in each database
   and times ``leads.write({'stage_id': ...})`` of the whole batch (including
   the flush and the chatter tracking that a commit runs), New -> Qualified ->
   Proposition -> New ..., alternating the databases, several rounds; then the
   gated move into Near Close (every lead has a decision maker in its buying
   committee and an expected revenue, so both shipped gates pass; NAME_base has
   a plain stage of the same name). Medians, ratio, SQL queries per batch
   (``cr.sql_log_count``). Rolled back;
3. funnel report: ``crm.funnel.report._read_group`` as the pivot view asks it
   (its measures, read from the view; default filter: opportunities), grouped
   by stage, phase, salesperson, team
   and month of entry, as the administrator and as a salesperson with "All
   Documents" (record rules apply); median and max of 5 runs, and the EXPLAIN
   (ANALYZE, BUFFERS) of the slowest query (seen through Odoo's query hooks);
4. install-time backfill: removes the stage history, generates chatter tracking
   (1M tracking values by default: about half stage changes in consistent
   chains ending at each lead's current stage, the rest salesperson and
   expected revenue changes) and times ``_backfill_from_tracking()``, checking
   the rows written and one open stay per lead. Rolled back.

It ends with one table: metric | with addon | baseline | ratio / time | target |
ok, and exits non-zero when a target is missed.
"""

import logging
import statistics
import sys
import time

from .generate import ensure_users, rnd, vacuum_analyze
from .harness import (
    ADDON,
    addon_depends,
    describe,
    load_text,
    relative,
    run,
    say,
    superuser_env,
    user_env,
)
from .measure import QueryLog, explain, format_times, say_plan
from .report import Report

# The command, database and reuse of this benchmark (harness.Benchmark).
COMMAND = "scripts/bench-funnel"
DEFAULT_DB = "crm_ext_funnel_bench"
REUSED = "generated data kept when its sizes match"

MARK = "funnel_bench"  # crm_lead.referred of the generated leads
USERS = 20
TEAMS = 4
TARGETS = {"stage_ratio": 1.15, "report_s": 1.0, "backfill_s": 120.0}
STAGE_XMLIDS = (
    "crm.stage_lead1",  # New (potential)
    "crm.stage_lead2",  # Qualified (shortlisted)
    "crm.stage_lead3",  # Proposition (tracking)
    "crm_extension.crm_stage_near_close",  # Near Close (near_close, gated)
    "crm.stage_lead4",  # Won
)
REPORT = "crm.funnel.report"
REPORT_GROUPINGS = (
    ("stage", ["stage_id"]),
    ("phase", ["funnel_phase"]),
    ("salesperson", ["user_id"]),
    ("team x month", ["team_id", "date_entered:month"]),
)


# --------------------------------------------------------------------------
# Setup: users, teams, stages (ORM, committed), generated leads and history (SQL)
# --------------------------------------------------------------------------


def ensure_people(env):
    """20 salespeople with 'All Documents' in 4 teams; returns (users, team_of)."""
    users = ensure_users(
        env,
        {f"{MARK}_{n:02d}": f"Funnel Bench Salesperson {n:02d}" for n in range(USERS)},
        ["base.group_user", "sales_team.group_sale_salesman_all_leads"],
    )
    Team = env["crm.team"]
    teams = Team.search([("name", "like", "Funnel Bench Team %")], order="name")
    if len(teams) < TEAMS:
        teams.unlink()
        teams = Team.create(
            [
                {
                    "name": f"Funnel Bench Team {t}",
                    "use_opportunities": True,
                    "member_ids": [(6, 0, users[t::TEAMS].ids)],
                }
                for t in range(TEAMS)
            ]
        )
    env.cr.commit()
    team_of = {user.id: team.id for team in teams for user in team.member_ids}
    return users, team_of


def bench_stages(env, with_addon):
    stages = []
    for xmlid in STAGE_XMLIDS:
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage is None and not with_addon and "near_close" in xmlid:
            stage = env["crm.stage"].search([("name", "=", "Near Close")], limit=1)
            if not stage:
                stage = env["crm.stage"].create({"name": "Near Close", "sequence": 4})
                env.cr.commit()
        stages.append(stage)
    return stages


def lead_params_sql(args, users, team_of, first_id):
    """SELECT of one row per generated lead: its number, id and attributes."""
    n_leads, per_lead = args.leads, args.history // args.leads
    extra = args.history - per_lead * n_leads
    full_blocks = n_leads - n_leads % 5 if per_lead >= 3 else 0
    user_ids = ",".join(str(u) for u in users.ids)
    team_ids = ",".join(str(team_of[u]) for u in users.ids)
    return f"""
        SELECT g, id, n, CASE WHEN outcome = 'lost' AND n < 2 THEN 'open'
                              ELSE outcome END AS outcome,
               type, user_id, team_id, start, revenue
          FROM (
        SELECT g, {first_id} + g AS id,
               {per_lead} + (g < {extra})::int
                   + CASE WHEN g < {full_blocks} THEN mod(g, 5) - 2 ELSE 0 END AS n,
               CASE WHEN {rnd("g", 1, 100)} < 25 THEN 'won'
                    WHEN {rnd("g", 1, 100)} < 40 THEN 'lost'
                    ELSE 'open' END AS outcome,
               CASE WHEN {rnd("g", 2, 100)} < 5 THEN 'lead'
                    ELSE 'opportunity' END AS type,
               (ARRAY[{user_ids}])[1 + {rnd("g", 3, USERS)}] AS user_id,
               (ARRAY[{team_ids}])[1 + {rnd("g", 3, USERS)}] AS team_id,
               (now() AT TIME ZONE 'UTC') - interval '730 days'
                   + {rnd("g", 5, 500)} * interval '1 day'
                   + {rnd("g", 6, 86400)} * interval '1 second' AS start,
               1000 * (1 + {rnd("g", 7, 200)}) AS revenue
          FROM generate_series(0, {n_leads - 1}) g) params
    """


def wave(expr):
    """Phase index 0..3 of the k-th stay: potential ... near close and back."""
    return f"(3 - abs(mod(mod({expr}, 6) + 6, 6) - 3))"


def generate(env, args, users, team_of, stages, with_addon):
    """Generate the leads (and, with the addon, their history) unless present."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE referred = %s", [MARK])
    have = cr.fetchone()[0]
    history = 0
    if with_addon:
        cr.execute(
            "SELECT count(*) FROM crm_lead_stage_history h JOIN crm_lead l "
            "ON l.id = h.lead_id WHERE l.referred = %s",
            [MARK],
        )
        history = cr.fetchone()[0]
    if have == args.leads and (not with_addon or history == args.history):
        say(f"{cr.dbname}: {have:,} generated leads present (reused)")
        started = time.perf_counter()
        if with_addon and flag_stays(env):
            cr.commit()
            # (Stays written again: VACUUM ANALYZE them, as generated ones.)
            return time.perf_counter() - started
        return 0.0
    started = time.perf_counter()
    cr.execute("DELETE FROM crm_lead WHERE referred = %s", [MARK])
    cr.execute("SELECT nextval('crm_lead_id_seq')")
    first_id = cr.fetchone()[0] + 1
    cr.execute("SELECT setval('crm_lead_id_seq', %s)", [first_id + args.leads])
    cr.execute(
        "CREATE TEMP TABLE funnel_bench_lead ON COMMIT DROP AS "
        + lead_params_sql(args, users, team_of, first_id)
    )
    stage_ids = "ARRAY[" + ",".join(str(s.id) for s in stages) + "]"
    # The stage the lead is in: won -> Won; otherwise where its last stay in
    # the funnel is (the stay before the lost state for lost leads).
    last_phase = f"""CASE WHEN p.outcome = 'won' THEN 4
                          WHEN p.outcome = 'lost' THEN {wave("p.n - 2")}
                          ELSE {wave("p.n - 1")} END"""
    last_entered = f"""p.start + (
        SELECT sum(1 + {rnd("p.g * 64 + k", 8, 12)}) * interval '1 day'
          FROM generate_series(0, p.n - 2) k)"""
    addon_cols = ", has_decision_maker, has_opponent" if with_addon else ""
    addon_vals = ", false, false" if with_addon else ""
    cr.execute(
        f"""
        INSERT INTO crm_lead (
            id, name, referred, type, active, company_id, user_id, team_id,
            stage_id, expected_revenue, prorated_revenue, probability,
            automated_probability, priority, color, create_date, write_date,
            create_uid, write_uid, date_open, date_last_stage_update,
            date_closed{addon_cols})
        SELECT p.id, 'Funnel bench opportunity ' || p.g, %(mark)s, p.type,
               p.outcome != 'lost', 1, p.user_id, p.team_id,
               ({stage_ids})[1 + ({last_phase})], p.revenue,
               p.revenue * 0.3, CASE p.outcome WHEN 'won' THEN 100
                   WHEN 'lost' THEN 0 ELSE 30 END, 30, '1', 0,
               p.start, d.last, 1, 1, p.start, d.last,
               CASE WHEN p.outcome != 'open' THEN d.last END{addon_vals}
          FROM funnel_bench_lead p
         CROSS JOIN LATERAL (SELECT COALESCE({last_entered}, p.start) AS last) d
        """,
        {"mark": MARK},
    )
    leads_s = time.perf_counter() - started
    say(f"{cr.dbname}: {args.leads:,} leads inserted in {leads_s:.1f} s")
    if with_addon:
        generate_history(env, stage_ids)
    cr.commit()
    took = time.perf_counter() - started
    return took


def generate_history(env, stage_ids):
    from odoo.tools import SQL

    from odoo.addons.crm_extension.models.crm_lead_stage_history import (
        exit_type_sql,
    )

    cr = env.cr
    started = time.perf_counter()
    # Each stay k of lead g: its phase (a wave through the funnel; the last stay
    # is Won for won leads, the lost state for lost ones), its length in days.
    phase_idx = f"""CASE WHEN k = p.n - 1 AND p.outcome = 'won' THEN 4
                         WHEN k = p.n - 1 AND p.outcome = 'lost' THEN -1
                         ELSE {wave("k")} END"""
    exit_expr = exit_type_sql(SQL("s.phase"), SQL("s.next_phase"))
    query = SQL(
        f"""
        WITH stays AS (
            SELECT p.id AS lead_id, p.user_id, p.team_id, p.revenue, k,
                   {phase_idx} AS idx, p.n,
                   p.start + COALESCE(SUM(1 + {rnd("p.g * 64 + k", 8, 12)})
                       OVER (PARTITION BY p.g ORDER BY k
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                       0) * interval '1 day' AS entered,
                   p.start + SUM(1 + {rnd("p.g * 64 + k", 8, 12)})
                       OVER (PARTITION BY p.g ORDER BY k) * interval '1 day'
                       AS left_at
              FROM funnel_bench_lead p
             CROSS JOIN generate_series(0, p.n - 1) k
        ),
        phased AS (
            SELECT st.*,
                   CASE WHEN st.idx < 0 THEN 'lost'
                        ELSE (ARRAY['potential', 'shortlisted', 'tracking',
                                    'near_close', 'won'])[st.idx + 1] END AS phase,
                   ({stage_ids})[1 + CASE WHEN st.idx < 0
                       THEN {wave("st.n - 2")} ELSE st.idx END] AS stage_id,
                   LEAD(CASE WHEN st.idx < 0 THEN 'lost'
                        ELSE (ARRAY['potential', 'shortlisted', 'tracking',
                                    'near_close', 'won'])[st.idx + 1] END)
                       OVER (PARTITION BY st.lead_id ORDER BY st.k) AS next_phase
              FROM stays st
        )
        INSERT INTO crm_lead_stage_history (
            lead_id, stage_id, funnel_phase, user_id, team_id, company_id,
            date_entered, date_left, duration_days, exit_type, expected_revenue,
            stall_notified, create_uid, create_date, write_uid, write_date)
        SELECT s.lead_id, s.stage_id, s.phase, s.user_id, s.team_id, 1,
               s.entered,
               CASE WHEN s.next_phase IS NOT NULL THEN s.left_at END,
               CASE WHEN s.next_phase IS NOT NULL
                    THEN EXTRACT(EPOCH FROM (s.left_at - s.entered)) / 86400.0 END,
               CASE WHEN s.next_phase IS NOT NULL THEN %s END,
               s.revenue, false, 1, s.entered, 1, s.entered
          FROM phased s
        """,
        exit_expr,
    )
    cr.execute(query)
    inserted = cr.rowcount
    # The lead's type and won state, as the addon keeps them on its stays.
    cr.execute(
        """
        UPDATE crm_lead_stage_history h
           SET lead_type = l.type,
               lead_won = l.active AND COALESCE(s.is_won, false)
          FROM crm_lead l
          LEFT JOIN crm_stage s ON s.id = l.stage_id
         WHERE h.lead_id = l.id
        """
    )
    flag_stays(env)
    say(
        f"{cr.dbname}: {inserted:,} stage history rows inserted in "
        f"{time.perf_counter() - started:.1f} s"
    )


def flag_stays(env):
    """What the funnel analysis counts on each stay (first in its stage, moved
    on), as the addon's upgrade gives it: on generated stays, and on reused
    ones an upgrade of the same version left without it."""
    cr = env.cr
    cr.execute(
        "SELECT 1 FROM crm_lead_stage_history WHERE first_in_stage IS NULL "
        "OR moved_on IS NULL LIMIT 1"
    )
    if not cr.fetchone():
        return 0
    started = time.perf_counter()
    flagged = env["crm.lead.stage.history"]._fill_stay_flags()
    say(
        f"{cr.dbname}: {flagged:,} stays flagged (first in stage, moved on) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return flagged


# --------------------------------------------------------------------------
# 1. Stage changes
# --------------------------------------------------------------------------


class StageSide:
    """One database's batch of ORM-created opportunities, in an open transaction."""

    def __init__(self, registry, label, with_addon, args):
        self.label = label
        self.cr = registry.cursor()
        admin = superuser_env(self.cr).ref("base.user_admin")
        self.env = env = user_env(self.cr, admin, tz="Asia/Shanghai")
        self.stages = bench_stages(env, with_addon)
        users, team_of = ensure_people(env)
        contacts = env["res.partner"].create(
            [
                {"name": f"Funnel Bench Decision Maker {n}", "function": "CEO"}
                for n in range(50)
            ]
        )
        role = env.ref("crm_extension.contact_role_decision_maker", False)
        vals_list = []
        for n in range(args.batch):
            user = users[n % len(users)]
            vals = {
                "name": f"Funnel bench ORM opportunity {n}",
                "type": "opportunity",
                "user_id": user.id,
                "team_id": team_of[user.id],
                "stage_id": self.stages[0].id,
                "expected_revenue": 1000 * (1 + n % 50),
            }
            if with_addon:
                vals["contact_role_ids"] = [
                    (
                        0,
                        0,
                        {
                            "partner_id": contacts[n % 50].id,
                            "role_id": role.id,
                            "stance": "support",
                        },
                    )
                ]
            vals_list.append(vals)
        started = time.perf_counter()
        self.leads = env["crm.lead"].create(vals_list)
        self.cr.flush()
        self.create_s = time.perf_counter() - started
        if with_addon:
            assert all(self.leads.mapped("has_decision_maker"))

    def move(self, stage):
        """Seconds and SQL queries of moving the whole batch to ``stage``."""
        cr = self.cr
        self.env.invalidate_all()
        queries = cr.sql_log_count
        started = time.perf_counter()
        self.leads.write({"stage_id": stage.id})
        cr.flush()  # what the commit does: flush, tracking messages
        took = time.perf_counter() - started
        return took, cr.sql_log_count - queries

    def close(self):
        self.cr.rollback()
        self.cr.close()


def measure_stage_changes(registries, args, report):
    say(f"\n===== 1. stage changes, batches of {args.batch:,} (load {load_text()})")
    sides = [
        StageSide(registries[0], "with addon", True, args),
        StageSide(registries[1], "baseline", False, args),
    ]
    try:
        for side in sides:
            say(
                f"{side.label}: {args.batch:,} opportunities created through the "
                f"ORM in {side.create_s:.1f} s"
            )
        plain = {side.label: [] for side in sides}
        queries = {side.label: [] for side in sides}
        # warm-up: one untimed cycle in each database
        for side in sides:
            for idx in (1, 0):
                side.move(side.stages[idx])
        for number in range(args.rounds):
            order = sides if number % 2 == 0 else sides[::-1]
            for idx in (1, 2, 0):  # Qualified, Proposition, back to New
                for side in order:
                    took, count = side.move(side.stages[idx])
                    plain[side.label].append(took)
                    queries[side.label].append(count)
        gated = {side.label: [] for side in sides}
        gated_q = {side.label: [] for side in sides}
        for number in range(args.rounds):
            order = sides if number % 2 == 0 else sides[::-1]
            for side in order:
                took, count = side.move(side.stages[3])
                gated[side.label].append(took)
                gated_q[side.label].append(count)
                side.move(side.stages[0])
        ours_hist = (
            sides[0]
            .env["crm.lead.stage.history"]
            .search_count([("lead_id", "in", sides[0].leads.ids)])
        )
        say(
            f"with addon: {ours_hist:,} stage history rows written for the "
            f"{args.batch:,} opportunities (1 per stay)"
        )
    finally:
        for side in sides:
            side.close()
    for metric, times, counts, target in (
        (
            f"stage change, batch of {args.batch:,} (median s)",
            plain,
            queries,
            TARGETS["stage_ratio"],
        ),
        (
            f"gated move into Near Close, batch of {args.batch:,} (median s)",
            gated,
            gated_q,
            None,
        ),
    ):
        ours = statistics.median(times["with addon"])
        base = statistics.median(times["baseline"])
        ratio = ours / base
        report.add(
            metric,
            f"{ours:.3f}",
            f"{base:.3f}",
            f"{ratio:.2f}x",
            f"<= {target:.2f}x" if target else "info",
            ok=ratio <= target if target else None,
            missed=metric,
        )
        report.add(
            "  SQL queries per batch (median)",
            f"{statistics.median(counts['with addon']):.0f}",
            f"{statistics.median(counts['baseline']):.0f}",
            "",
            "info",
        )
        say(
            f"{metric}: with addon {format_times(times['with addon'])}; baseline "
            f"{format_times(times['baseline'])}"
        )


# --------------------------------------------------------------------------
# 2. Funnel report
# --------------------------------------------------------------------------


def reads_history(query):
    return "crm_lead_stage_history" in query


def pivot_measures(Funnel):
    """What the funnel analysis' pivot view asks for: the count and each of its
    measure fields with the field's aggregate."""
    from lxml import etree

    arch = etree.fromstring(Funnel.get_view(view_type="pivot")["arch"])
    return ["__count"] + [
        f"{node.get('name')}:{Funnel._fields[node.get('name')].aggregator}"
        for node in arch.iter("field")
        if node.get("type") == "measure"
    ]


def measure_report(registry, args, report):
    say(f"\n===== 2. funnel report (load {load_text()})")
    domain = [("lead_type", "=", "opportunity")]
    slowest = None
    with registry.cursor() as cr:
        root = superuser_env(cr)
        cr.execute("SELECT count(*) FROM crm_lead")
        leads = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_lead_stage_history")
        rows = cr.fetchone()[0]
        say(
            f"crm_lead: {leads:,} rows; crm_lead_stage_history: {rows:,} rows; "
            f"measures of the pivot view: {', '.join(pivot_measures(root[REPORT]))}"
        )
        salesperson = root["res.users"].search([("login", "=", f"{MARK}_00")])
        assert salesperson.has_group("sales_team.group_sale_salesman_all_leads")
        for who, user in (
            ("administrator", root.ref("base.user_admin")),
            ("salesperson (All Documents)", salesperson),
        ):
            env = user_env(cr, user, tz="UTC")
            Funnel = env[REPORT]
            measures = pivot_measures(Funnel)
            for name, groupby in REPORT_GROUPINGS:
                times = []
                for _run in range(args.runs):
                    env.invalidate_all()
                    with QueryLog(keep=reads_history) as log:
                        started = time.perf_counter()
                        result = Funnel._read_group(domain, groupby, measures)
                        times.append(time.perf_counter() - started)
                # __count is the first aggregate, after the group-by values.
                stays = sum(row[len(groupby)] for row in result)
                if log.entries and (slowest is None or max(times) > slowest[0]):
                    slowest = (max(times), f"{who}, by {name}", log.entries[-1])
                metric = (
                    f"funnel report by {name}, {who} ({len(result)} groups, "
                    f"{stays:,} stays; s)"
                )
                report.add(
                    metric,
                    f"{statistics.median(times):.3f} (max {max(times):.3f})",
                    "",
                    "",
                    f"< {TARGETS['report_s']:.0f} s, stays read",
                    # A report that read nothing measures nothing.
                    ok=max(times) < TARGETS["report_s"] and stays > 0,
                    missed=metric,
                )
                say(
                    f"by {name}, {who}: {format_times(times)} s, {len(result)} "
                    f"groups, {stays:,} stays"
                )
        if slowest:
            took, label, (query, params, _seconds) = slowest
            say_plan(
                "\nEXPLAIN (ANALYZE, BUFFERS) of the slowest report query "
                f"({label}, {took:.3f} s):",
                explain(cr, query, params),
            )
        cr.rollback()


# --------------------------------------------------------------------------
# 3. Install-time backfill
# --------------------------------------------------------------------------


def generate_tracking(env, args, stages):
    """Chatter of the generated leads: stage chains plus other tracked fields."""
    cr = env.cr
    n_leads, per_lead = args.leads, args.tracking // args.leads
    extra = args.tracking - per_lead * n_leads
    fields_ = env["ir.model.fields"]
    stage_field = fields_._get("crm.lead", "stage_id").id
    revenue_field = fields_._get("crm.lead", "expected_revenue").id
    user_field = fields_._get("crm.lead", "user_id").id
    subtype = env.ref("mail.mt_note").id
    stage_subtype = env.ref("crm.mt_lead_stage").id
    currency = env.company.currency_id.id
    stage_ids = "ARRAY[" + ",".join(str(s.id) for s in stages) + "]"
    started = time.perf_counter()
    # Per lead: t tracking values, s of them stage changes (about half), in a
    # chain that ends at the lead's current stage: stay j of s + 1 is in phase
    # wave(j - s + c) where the current stage is phase c (Won: the stay before
    # is Near Close). Messages: one per stage change (with a revenue or
    # salesperson change in the same message for the first values), then one
    # per remaining other value.
    cr.execute(
        f"""
        CREATE TEMP TABLE funnel_bench_chat ON COMMIT DROP AS
        SELECT l.id, l.g, l.start, l.cur, l.user_id, l.t,
               LEAST(l.t, GREATEST(0, (l.t + mod(l.g, 3) - 1) / 2)) AS s
          FROM (SELECT p.g, p.id, p.start, p.user_id,
                       {per_lead} + (p.g < {extra})::int AS t,
                       array_position({stage_ids}, c.stage_id) - 1 AS cur
                  FROM funnel_bench_lead_ids p
                  JOIN crm_lead c ON c.id = p.id) l
        """
    )
    cr.execute(
        """
        CREATE TEMP TABLE funnel_bench_msg ON COMMIT DROP AS
        SELECT c.id AS lead_id, c.g, m, c.s, c.t, c.cur, c.user_id,
               nextval('mail_message_id_seq') AS message_id,
               c.start + (m + 1) * interval '3 days'
                   + mod(c.g, 1000) * interval '1 minute' AS date
          FROM funnel_bench_chat c
         CROSS JOIN generate_series(0, GREATEST(c.s, c.t - c.s) - 1) m
        """
    )
    cr.execute(
        """
        INSERT INTO mail_message (id, model, res_id, message_type, subtype_id,
            date, author_id, body, is_internal, create_uid, create_date,
            write_uid, write_date)
        SELECT message_id, 'crm.lead', lead_id, 'notification',
               CASE WHEN m < s THEN %(stage_subtype)s ELSE %(subtype)s END,
               date, 3, NULL, false, 1, date, 1, date
          FROM funnel_bench_msg
        """,
        {"subtype": subtype, "stage_subtype": stage_subtype},
    )
    messages = cr.rowcount

    def phase_of(j):
        return (
            f"CASE WHEN x.cur = 4 AND {j} = x.s THEN 4 "
            f"ELSE {wave(f'{j} - x.s + x.cur')} END"
        )

    # stage changes: change m (0..s-1) goes from stay m to stay m + 1
    cr.execute(
        f"""
        INSERT INTO mail_tracking_value (field_id, mail_message_id,
            old_value_integer, new_value_integer, create_uid, create_date,
            write_uid, write_date)
        SELECT %(field)s, x.message_id,
               ({stage_ids})[1 + {phase_of("x.m")}],
               ({stage_ids})[1 + {phase_of("(x.m + 1)")}],
               1, x.date, 1, x.date
          FROM funnel_bench_msg x
         WHERE x.m < x.s
        """,
        {"field": stage_field},
    )
    stage_values = cr.rowcount
    # the other values: revenue (even numbers) and salesperson (odd) changes,
    # in the stage messages first, then in messages of their own
    cr.execute(
        """
        INSERT INTO mail_tracking_value (field_id, mail_message_id,
            old_value_integer, new_value_integer, old_value_char, new_value_char,
            old_value_float, new_value_float, currency_id, create_uid, create_date,
            write_uid, write_date)
        SELECT CASE WHEN mod(x.m, 2) = 0 THEN %(revenue)s ELSE %(user)s END,
               x.message_id,
               CASE WHEN mod(x.m, 2) = 1 THEN x.user_id END,
               CASE WHEN mod(x.m, 2) = 1 THEN x.user_id END,
               CASE WHEN mod(x.m, 2) = 1 THEN 'Salesperson' END,
               CASE WHEN mod(x.m, 2) = 1 THEN 'Salesperson' END,
               CASE WHEN mod(x.m, 2) = 0 THEN 1000.0 * x.m END,
               CASE WHEN mod(x.m, 2) = 0 THEN 1000.0 * (x.m + 1) END,
               CASE WHEN mod(x.m, 2) = 0 THEN %(currency)s END,
               1, x.date, 1, x.date
          FROM funnel_bench_msg x
         WHERE x.m < x.t - x.s
        """,
        {
            "revenue": revenue_field,
            "user": user_field,
            "currency": currency,
        },
    )
    other_values = cr.rowcount
    took = time.perf_counter() - started
    say(
        f"chatter generated in {took:.1f} s: {messages:,} messages, "
        f"{stage_values + other_values:,} tracking values ({stage_values:,} stage "
        f"changes, {other_values:,} salesperson / expected revenue changes)"
    )
    return stage_values


def measure_backfill(registry, args, report):
    import psycopg2.errors

    say(f"\n===== 3. install-time backfill (load {load_text()})")
    with registry.cursor() as cr:
        env = superuser_env(cr)
        stages = [env.ref(xmlid) for xmlid in STAGE_XMLIDS]
        cr.execute(
            "CREATE TEMP TABLE funnel_bench_lead_ids ON COMMIT DROP AS "
            "SELECT id, id - min(id) OVER () AS g, create_date AS start, user_id "
            "FROM crm_lead WHERE referred = %s",
            [MARK],
        )
        started = time.perf_counter()
        cr.execute("TRUNCATE crm_lead_stage_history")
        stage_values = generate_tracking(env, args, stages)
        for table in ("mail_message", "mail_tracking_value", "crm_lead_stage_history"):
            cr.execute(f"ANALYZE {table}")
        say(
            f"history removed, chatter generated and analyzed in "
            f"{time.perf_counter() - started:.1f} s"
        )
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT active) FROM crm_lead "
            "WHERE stage_id IS NOT NULL"
        )
        leads, archived = cr.fetchone()
        cr.execute(
            """SELECT count(*) FROM mail_tracking_value t
                 JOIN mail_message m ON m.id = t.mail_message_id
                 JOIN crm_lead l ON l.id = m.res_id AND m.model = 'crm.lead'
                WHERE t.field_id = %s AND l.stage_id IS NOT NULL""",
            [env["ir.model.fields"]._get("crm.lead", "stage_id").id],
        )
        all_stage_values = cr.fetchone()[0]
        expected = leads + all_stage_values + archived
        say(
            f"load before the backfill: {load_text()}; it is cancelled after "
            f"{args.backfill_timeout} s (--backfill-timeout)"
        )
        metric = f"backfill of {leads:,} leads, {stage_values:,} stage changes (s)"
        target = f"< {TARGETS['backfill_s']:.0f} s"
        cr.execute("SET LOCAL statement_timeout = %s", [f"{args.backfill_timeout}s"])
        started = time.perf_counter()
        sql_logger = logging.getLogger("odoo.sql_db")
        level = sql_logger.level
        sql_logger.setLevel(logging.CRITICAL)  # no "bad query" dump on a cancel
        try:
            with cr.savepoint(flush=False):
                written = env["crm.lead.stage.history"]._backfill_from_tracking()
        except psycopg2.errors.QueryCanceled:
            took = time.perf_counter() - started
            say(f"_backfill_from_tracking() cancelled after {took:.0f} s")
            cr.rollback()
            report.add(metric, f"> {took:.0f} (cancelled)", "", "", target, ok=False)
            return
        finally:
            sql_logger.setLevel(level)
        took = time.perf_counter() - started
        cr.execute("SET LOCAL statement_timeout = 0")
        cr.execute(
            """SELECT count(*) FILTER (WHERE o.open = 0),
                      count(*) FILTER (WHERE o.open > 1),
                      count(*) FILTER (WHERE NOT l.active AND o.lost_open != 1)
                 FROM crm_lead l
                 CROSS JOIN LATERAL (
                     SELECT count(*) AS open,
                            count(*) FILTER (WHERE h.funnel_phase = 'lost') AS lost_open
                       FROM crm_lead_stage_history h
                      WHERE h.lead_id = l.id AND h.date_left IS NULL) o
                WHERE l.stage_id IS NOT NULL"""
        )
        no_open, many_open, lost_bad = cr.fetchone()
        say(
            f"_backfill_from_tracking(): {written:,} rows in {took:.1f} s "
            f"(expected {expected:,} = {leads:,} leads + {all_stage_values:,} stage "
            f"changes + {archived:,} lost states); leads without an open stay: "
            f"{no_open}, with several: {many_open}; archived leads whose open stay "
            f"is not the lost state: {lost_bad}"
        )
        cr.rollback()
    report.add(
        metric,
        f"{took:.1f}",
        "",
        f"{written:,} rows",
        target,
        ok=took < TARGETS["backfill_s"],
        missed=metric,
    )
    correct = written == expected and not no_open and not many_open and not lost_bad
    report.add(
        "  backfill rows written / one open stay per lead",
        f"{written:,}",
        f"expected {expected:,}",
        "",
        "exact",
        ok=correct,
        missed="backfill rows written / one open stay per lead",
    )


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def prepare(registry, args, with_addon):
    """The people and stages of the benchmark and its generated data in one
    database (with the addon: also its stage history), then VACUUM ANALYZE."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        users, team_of = ensure_people(env)
        stages = bench_stages(env, with_addon)
        took = generate(env, args, users, team_of, stages, with_addon)
    if took:
        tables = ["crm_lead", "crm_lead_stage_history"] if with_addon else ["crm_lead"]
        vacuum = vacuum_analyze(registry.db_name, tables)
        say(
            f"{registry.db_name}: generated in {took:.1f} s, VACUUM ANALYZE "
            f"in {vacuum:.1f} s"
        )


def measure(args, registry, base_registry):
    report = Report(
        "metric | with addon | baseline | ratio / time | target | ok",
        notes="Stage changes: medians over alternating rounds of both databases, "
        "write + flush + chatter tracking, rolled back; ratio = with addon / "
        "baseline (crm_extension's dependencies only). Report: ORM _read_group, "
        "filter opportunities.",
    )
    with registry.cursor() as cr:
        describe(
            cr,
            f"databases {args.db} ({ADDON}) and {args.base_db} (baseline: "
            f"{args.leads:,} leads, {args.history:,} history rows, "
            f"{args.tracking:,} tracking values)",
        )
    prepare(registry, args, with_addon=True)
    prepare(base_registry, args, with_addon=False)
    if "stage" in args.only:
        measure_stage_changes((registry, base_registry), args, report)
    if "report" in args.only:
        measure_report(registry, args, report)
    if "backfill" in args.only:
        measure_backfill(registry, args, report)
    return report


def databases(args):
    """NAME with crm_extension; NAME_base with its dependencies only."""
    base = {module: True for module in addon_depends()}
    return {args.db: {ADDON: True}, args.base_db: {**base, ADDON: False}}


def install(server, args, log):
    depends = addon_depends()
    say(
        f"installing {', '.join(depends)} without demo data in database "
        f"{args.base_db} (log: {relative(log)}) ..."
    )
    server.install(args.base_db, depends, log)
    # The same database plus crm_extension: a copy, then the addon's installation.
    server.copy(args.base_db, args.db)
    say(f"installing {ADDON} in database {args.db} (a copy of {args.base_db}) ...")
    server.install(args.db, [ADDON], log)


def add_arguments(parser):
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--tracking", type=int, default=1_000_000)
    parser.add_argument(
        "--batch", type=int, default=1000, help="stage changes: batch size"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="stage changes: rounds per database"
    )
    parser.add_argument(
        "--backfill-timeout",
        type=int,
        default=900,
        help="seconds after which the backfill is cancelled (and missed)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each report")
    parser.add_argument(
        "--only", default="stage,report,backfill", help="measurements to run"
    )


def check_arguments(parser, args):
    args.base_db = f"{args.db}_base"
    if args.leads < 10 or args.history < args.leads or args.tracking < args.leads:
        parser.error("need --leads >= 10 and --history, --tracking >= --leads")


if __name__ == "__main__":
    sys.exit(run(sys.modules[__name__]))
