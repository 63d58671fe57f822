"""Benchmark of crm_extension's complaint escalation job (``scripts/bench-complaints``).

A measurement on generated data of what the escalation job promises: "The
escalation cron over 100k open complaints finishes in under 10 s with a query
count independent of the number of complaints (batched)." In a database with
crm_extension:

1. prepares, through the ORM and committed, 12 handlers in 2 sales teams (with
   team leaders), an escalation manager set as "Escalate To" of the shipped
   critical service level (the other levels escalate to the team leader, or to
   the handler of a complaint without a team) and 60 customers;
2. for each size N (10k and 100k by default), replaces the generated complaints
   by N open complaints, set-based (one INSERT ... SELECT generate_series, no
   ORM): shipped stages New / In Progress / Waiting for Customer, severities
   40 % low, 40 % medium, 15 % high, 5 % critical with the shipped service
   level of their severity, deadlines at the service level's response /
   resolution hours after receipt, and received dates spread so that at "now"
   40 % are on track, 30 % at risk and 30 % breached (a third of those by a
   missed first response). Their stored status is the one of the previous
   run: half of the at-risk ones and a third of the breached ones are already
   escalated (level 1 or 2), a third of the breached ones were at risk (level
   1). The third in Waiting for Customer (a stage that pauses the service
   level) are paused since before any deadline, with their running pause
   (one more INSERT): the job leaves them alone. About 23 % are due for an
   escalation. Then VACUUM ANALYZE;
3. times ``env['crm.complaint']._cron_escalate()`` through the ORM as the
   job's user with the flush of its writes (what the job's commit does first),
   after one untimed run (Odoo's caches warm, as in a server that ran the job
   before), in a transaction that is rolled back (several runs, median;
   VACUUM ANALYZE between runs, so that each starts from the same state),
   counting its SQL queries (``cr.sql_log_count``); checks after the first run
   that it escalated exactly the complaints due (one activity each, for the
   right person), that the stored statuses are the addon's (``_sla_status_at``
   on a sample, and the counts per status), and that a second run in the same
   transaction changes and creates nothing (each level is escalated once).

It ends with one table: size | cron time | queries | escalated | 2nd run | load
| target | ok (time under 10 s at every size; queries the same at every size, up
to a constant), and exits non-zero when a target is missed or a check fails.
"""

import os
import statistics
import sys
import time

from .generate import ensure_users, rnd, sql_array, vacuum_analyze
from .harness import (
    add_sizes_argument,
    describe,
    load_text,
    run,
    say,
    superuser_env,
)
from .measure import QueryLog, explain, profiled, say_plan, sql_text
from .report import Report

# The command, database and reuse of this benchmark (harness.Benchmark).
COMMAND = "scripts/bench-complaints"
DEFAULT_DB = "crm_ext_complaint_bench"
REUSED = "its generated complaints are replaced"

DEFAULT_SIZES = (10_000, 100_000)
TARGET_S = 10.0
# Queries may differ between sizes by this many (cache misses of the first
# run, ...), never by a number that grows with the complaints.
QUERY_SLACK = 2
NAME_PREFIX = "CMP/BENCH/"
MARK = "complaint_bench"  # login prefix of the generated users, ref of customers
HANDLERS = 12
CUSTOMERS = 60
SAMPLE = 500  # complaints whose status is recomputed with the addon's method
TABLES = ["crm_complaint", "crm_complaint_sla_pause", "mail_activity"]

STAGES = (
    "crm_extension.complaint_stage_new",
    "crm_extension.complaint_stage_in_progress",
    "crm_extension.complaint_stage_waiting",
)
SLAS = {  # severity: shipped service level
    "3": "crm_extension.complaint_sla_critical",
    "2": "crm_extension.complaint_sla_high",
    "1": "crm_extension.complaint_sla_standard",
    "0": "crm_extension.complaint_sla_standard",
}
CATEGORIES = (
    "crm_extension.complaint_category_product",
    "crm_extension.complaint_category_delivery",
    "crm_extension.complaint_category_billing",
    "crm_extension.complaint_category_service",
)


# --------------------------------------------------------------------------
# Setup: people (ORM, committed) and complaints (SQL)
# --------------------------------------------------------------------------


def ensure_people(env):
    """Handlers in two teams, their leaders, an escalation manager, customers.

    Returns a dict of ids: handlers, team_of (handler -> team or None), leaders,
    manager, customers.
    """
    people = {f"{MARK}_manager": "Complaint Escalation Manager"}
    people.update({f"{MARK}_leader_{n}": f"Complaint Team Leader {n}" for n in (1, 2)})
    people.update(
        {
            f"{MARK}_handler_{n:02d}": f"Complaint Handler {n:02d}"
            for n in range(1, HANDLERS + 1)
        }
    )
    users = ensure_users(
        env, people, ["base.group_user", "sales_team.group_sale_salesman_all_leads"]
    )
    manager, leaders, handlers = users[0], users[1:3], users[3:]
    Team = env["crm.team"]
    teams = []
    for number, leader in enumerate(leaders, 1):
        name = f"Complaint Bench Team {number}"
        team = Team.search([("name", "=", name)], limit=1) or Team.create(
            {"name": name, "user_id": leader.id}
        )
        teams.append(team)
    # Handlers 1-5: team 1, 6-10: team 2, 11-12: no team (escalated to themselves).
    team_of = {}
    for number, handler in enumerate(handlers):
        team = teams[number // 5] if number < 10 else None
        team_of[handler.id] = team.id if team else None
        if team and handler.sale_team_id != team:
            env["crm.team.member"].create(
                {"crm_team_id": team.id, "user_id": handler.id}
            )
    critical = env.ref(SLAS["3"])
    if critical.escalate_to_id != manager:
        critical.escalate_to_id = manager
    Partner = env["res.partner"]
    customers = Partner.search([("ref", "=like", f"{MARK}%")], order="id")
    if len(customers) < CUSTOMERS:
        customers |= Partner.create(
            [
                {
                    "name": f"Complaint Bench Customer {n:02d} Co., Ltd.",
                    "is_company": True,
                    "ref": f"{MARK}_{n:02d}",
                    "email": f"customer{n:02d}@example.com",
                }
                for n in range(len(customers) + 1, CUSTOMERS + 1)
            ]
        )
    env.flush_all()
    env.cr.commit()
    return {
        "handlers": handlers.ids,
        "team_of": team_of,
        "leaders": leaders.ids,
        "manager": manager.id,
        "customers": customers.ids,
    }


def sql_case(expr, mapping, default="NULL"):
    whens = " ".join(f"WHEN {key} THEN {value}" for key, value in mapping.items())
    return f"CASE {expr} {whens} ELSE {default} END"


def generated_sql(env, people, size):
    """SELECT of the N generated complaints: every column the INSERT fills,
    plus kind (expected status at now), due (expected escalation level) and
    target (who the escalation goes to). ``%(now)s`` is the generation time."""
    ref = env.ref
    handlers = people["handlers"]
    teams = [people["team_of"][h] or "NULL" for h in handlers]
    sla_hours = {
        sla_id: (sla.response_hours, sla.resolution_hours, sla.escalate_to_id.id)
        for sla_id, sla in ((ref(x).id, ref(x)) for x in set(SLAS.values()))
    }
    stages = sql_array(ref(x).id for x in STAGES)
    # 0-based positions in STAGES of the stages that pause the service level.
    pausing = sql_array(
        [n for n, x in enumerate(STAGES) if ref(x).pauses_sla] or [-1], "::int[]"
    )
    categories = sql_array(ref(x).id for x in CATEGORIES)
    customers = sql_array(people["customers"], "::int[]")
    leader_of_team = {
        people["team_of"][h]: None for h in handlers if people["team_of"][h]
    }
    for team in env["crm.team"].browse(list(leader_of_team)):
        leader_of_team[team.id] = team.user_id.id
    sla_of = sql_case("severity", {f"'{s}'": ref(x).id for s, x in SLAS.items()})
    response, resolution, escalate_to = (
        sql_case(
            "sla_id",
            {i: "NULL" if v[n] is False else v[n] for i, v in sla_hours.items()},
        )
        for n in range(3)
    )
    return f"""
        WITH g AS (
            SELECT i,
                   {rnd("i", 1, 100)} AS b,
                   {rnd("i", 3, 1000)} / 1000.0 AS u,
                   {rnd("i", 4, 3)} AS sub,
                   {rnd("i", 2, 100)} AS s,
                   {rnd("i", 5, len(handlers))} + 1 AS h,
                   {rnd("i", 8, len(STAGES))} AS st
              FROM generate_series(1, {int(size)}) AS i
        ), k AS (
            SELECT g.*,
                   CASE WHEN s < 5 THEN '3' WHEN s < 20 THEN '2'
                        WHEN s < 60 THEN '1' ELSE '0' END AS severity,
                   CASE WHEN st = ANY({pausing}) THEN 'paused'
                        WHEN b < 40 THEN 'on_track' WHEN b < 70 THEN 'at_risk'
                        ELSE 'breached' END AS kind,
                   {sql_array(handlers)}[h] AS user_id,
                   {sql_array(teams, "::int[]")}[h] AS team_id
              FROM g
        ), l AS (
            SELECT k.*,
                   {sla_of} AS sla_id
              FROM k
        ), h AS (
            SELECT l.*,
                   {response} AS rh,
                   {resolution} AS sh,
                   {escalate_to} AS escalate_to
              FROM l
        ), e AS (
            -- elapsed hours since receipt, and whether the first response was given
            SELECT h.*,
                   CASE WHEN kind IN ('on_track', 'paused') THEN sh * (0.02 + 0.63 * u)
                        WHEN kind = 'at_risk' THEN sh * (0.78 + 0.17 * u)
                        WHEN b < 80 THEN rh * 1.5 + u * (0.6 * sh - 1.5 * rh)
                        ELSE sh * (1.05 + 1.95 * u) END AS elapsed,
                   NOT (kind = 'breached' AND b < 80) AS answered
              FROM h
        ), p AS (
            -- the status of the previous run and the level already escalated
            SELECT e.*,
                   CASE WHEN kind IN ('on_track', 'paused') THEN kind
                        WHEN kind = 'at_risk' THEN
                            CASE WHEN b < 55 THEN 'at_risk' ELSE 'on_track' END
                        ELSE (ARRAY['breached', 'at_risk', 'on_track'])[sub + 1]
                   END AS stored,
                   CASE WHEN kind IN ('on_track', 'paused') THEN 0
                        WHEN kind = 'at_risk' THEN CASE WHEN b < 55 THEN 1 ELSE 0 END
                        ELSE 2 - sub END AS level
              FROM e
        )
        SELECT i, kind, stored, level,
               CASE WHEN kind = 'at_risk' AND level < 1 THEN 1
                    WHEN kind = 'breached' AND level < 2 THEN 2 ELSE 0 END AS due,
               COALESCE(escalate_to, {sql_case("team_id", leader_of_team)}, user_id)
                   AS target,
               '{NAME_PREFIX}' || lpad(i::text, 7, '0') AS name,
               (ARRAY['Late delivery', 'Damaged goods', 'Wrong invoice amount',
                      'Rude hotline staff', 'Missing parts', 'Defective product'])
                   [{rnd("i", 6, 6)} + 1] || ' #' || i AS subject,
               (ARRAY['phone', 'email', 'portal', 'in_person', 'other'])
                   [{rnd("i", 7, 5)} + 1] AS channel,
               severity,
               {stages}[st + 1] AS stage_id,
               {categories}[{rnd("i", 9, len(CATEGORIES))} + 1] AS category_id,
               {customers}[{rnd("i", 10, len(people["customers"]))} + 1]
                   AS partner_id,
               user_id, team_id, sla_id,
               %(now)s - make_interval(secs => elapsed * 3600) AS date_received,
               %(now)s - make_interval(secs => (elapsed - rh) * 3600)
                   AS response_deadline,
               %(now)s - make_interval(secs => (elapsed - sh) * 3600)
                   AS resolution_deadline,
               -- at risk after three quarters of the (here continuous) working time
               %(now)s - make_interval(secs => (elapsed - 0.75 * rh) * 3600)
                   AS response_at_risk,
               %(now)s - make_interval(secs => (elapsed - 0.75 * sh) * 3600)
                   AS resolution_at_risk,
               CASE WHEN answered THEN %(now)s - make_interval(
                        secs => (elapsed - 0.5 * LEAST(elapsed, rh)) * 3600)
                    END AS date_first_response,
               -- paused halfway to the first response deadline (or to now)
               CASE WHEN kind = 'paused' THEN %(now)s - make_interval(
                        secs => (elapsed - 0.5 * LEAST(elapsed, rh)) * 3600)
                    END AS sla_paused_since
          FROM p
    """


def generate(env, people, size):
    """Replaces the generated complaints by ``size`` new ones; returns the
    number inserted, the expected counts per kind, due level, stored status and
    level, and the seconds."""
    from odoo import fields

    cr = env.cr
    started = time.perf_counter()
    cr.execute(
        "DELETE FROM mail_activity WHERE res_model = 'crm.complaint' AND res_id IN "
        "(SELECT id FROM crm_complaint WHERE name LIKE %s)",
        [NAME_PREFIX + "%"],
    )
    cr.execute("DELETE FROM crm_complaint WHERE name LIKE %s", [NAME_PREFIX + "%"])
    company = env.ref("base.main_company").id
    now = fields.Datetime.now()
    cr.execute(
        f"""
        INSERT INTO crm_complaint (
            name, subject, channel, severity, stage_id, category_id, company_id,
            partner_id, commercial_partner_id, email_from, user_id, team_id,
            date_received, date_first_response, is_closed, is_resolved, sla_id,
            response_deadline, resolution_deadline, response_at_risk,
            resolution_at_risk, sla_status, escalation_level,
            sla_paused_since, sla_paused_hours, sla_met_rate, resolution_days,
            hours_to_resolve, hours_to_resolve_unpaused, compensation_amount,
            create_uid, create_date, write_uid, write_date)
        SELECT c.name, c.subject, c.channel, c.severity, c.stage_id, c.category_id,
               %(company)s, c.partner_id, c.partner_id, p.email, c.user_id,
               c.team_id, c.date_received, c.date_first_response, false, false,
               c.sla_id, c.response_deadline, c.resolution_deadline,
               c.response_at_risk, c.resolution_at_risk, c.stored,
               c.level, c.sla_paused_since, 0, 0, 0, 0, 0, 0,
               %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM ({generated_sql(env, people, size)}) c
          JOIN res_partner p ON p.id = c.partner_id
         ORDER BY c.i
        """,
        {"company": company, "uid": env.uid, "now": now},
    )
    inserted = cr.rowcount
    # The running pause of each complaint waiting for the customer.
    cr.execute(
        """
        INSERT INTO crm_complaint_sla_pause (
            complaint_id, company_id, stage_id, date_start, paused_hours,
            create_uid, create_date, write_uid, write_date)
        SELECT id, company_id, stage_id, sla_paused_since, 0,
               %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM crm_complaint
         WHERE name LIKE %(prefix)s AND sla_paused_since IS NOT NULL
        """,
        {"uid": env.uid, "now": now, "prefix": NAME_PREFIX + "%"},
    )
    cr.execute(
        f"""
        SELECT kind, due, stored, level, count(*)
          FROM ({generated_sql(env, people, size)}) c
         GROUP BY 1, 2, 3, 4
        """,
        {"now": now},
    )
    counts = cr.fetchall()
    cr.commit()
    return inserted, counts, time.perf_counter() - started


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


def cron_env(cr):
    """The environment the job runs its code in (its user, no context)."""
    from odoo import api

    env = superuser_env(cr)
    cron = env.ref("crm_extension.ir_cron_complaint_escalate")
    return api.Environment(cr, cron.user_id.id or env.uid, {})


def run_cron(env, profile=False):
    """Runs the job once; returns (seconds, queries, result, query log)."""
    cr = env.cr
    with (
        QueryLog() as log,
        profiled("  cProfile of the job (cumulative, top 25):", enabled=profile),
    ):
        before = cr.sql_log_count
        started = time.perf_counter()
        result = env["crm.complaint"]._cron_escalate()
        env.flush_all()  # what the job's commit does first: its pending writes
        seconds = time.perf_counter() - started
        queries = cr.sql_log_count - before
    return seconds, queries, result, log


def activity_count(cr):
    cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'crm.complaint'")
    return cr.fetchone()[0]


def verify(env, expected, result, activities_before, started_at):
    """Checks the effects of the first run; returns a list of problems."""
    from odoo import fields

    cr = env.cr
    problems = []
    due = sum(n for _kind, level, _stored, _old, n in expected if level)
    changed = sum(n for kind, _due, stored, _old, n in expected if kind != stored)
    if result.get("escalated") != due:
        problems.append(f"escalated {result.get('escalated')}, {due} were due")
    if result.get("status_changed") != changed:
        problems.append(
            f"{result.get('status_changed')} statuses changed, {changed} expected"
        )
    created = activity_count(cr) - activities_before
    if created != due:
        problems.append(f"{created} activities created, {due} complaints were due")
    # Per status and level: the expected mix.
    by_kind = {}
    by_level = {}
    for kind, level, _stored, old, n in expected:
        by_kind[kind] = by_kind.get(kind, 0) + n
        final = level or old
        by_level[final] = by_level.get(final, 0) + n
    for column, wanted in (("sla_status", by_kind), ("escalation_level", by_level)):
        cr.execute(
            f"SELECT {column}, count(*) FROM crm_complaint WHERE name LIKE %s "
            "GROUP BY 1",
            [NAME_PREFIX + "%"],
        )
        stored = dict(cr.fetchall())
        if stored != wanted:
            problems.append(f"{column} {stored}, expected {wanted}")
    # One activity per due complaint, for the right person, with the right summary.
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE a.n <> 1),
               count(*) FILTER (WHERE a.user_id IS DISTINCT FROM
                   COALESCE(s.escalate_to_id, t.user_id, c.user_id)),
               count(*) FILTER (WHERE (c.sla_status = 'breached')
                   <> (a.summary LIKE '%%breached%%'))
          FROM crm_complaint c
          JOIN (SELECT res_id, count(*) AS n, min(user_id) AS user_id,
                       min(summary) AS summary
                  FROM mail_activity
                 WHERE res_model = 'crm.complaint' AND create_date >= %s
                 GROUP BY res_id) a ON a.res_id = c.id
          LEFT JOIN crm_complaint_sla s ON s.id = c.sla_id
          LEFT JOIN crm_team t ON t.id = c.team_id
        """,
        [started_at],
    )
    several, wrong_user, wrong_summary = cr.fetchone()
    for count, what in (
        (several, "with more than one new activity"),
        (wrong_user, "escalated to the wrong person"),
        (wrong_summary, "with the wrong activity summary"),
    ):
        if count:
            problems.append(f"{count} complaints {what}")
    cr.execute(
        "SELECT count(DISTINCT user_id) FROM mail_activity "
        "WHERE res_model = 'crm.complaint' AND create_date >= %s",
        [started_at],
    )
    recipients = cr.fetchone()[0]
    # The addon's own rule on a sample, through the ORM.
    cr.execute(
        "SELECT id FROM crm_complaint WHERE name LIKE %s ORDER BY random() LIMIT %s",
        [NAME_PREFIX + "%", SAMPLE],
    )
    sample = env["crm.complaint"].browse([row[0] for row in cr.fetchall()])
    now = fields.Datetime.now()
    wrong = [c for c in sample if c._sla_status_at(now) != c.sla_status]
    if wrong:
        problems.append(
            f"{len(wrong)} of {len(sample)} sampled statuses differ from "
            f"_sla_status_at() (e.g. {wrong[0].name}: stored {wrong[0].sla_status}, "
            f"addon {wrong[0]._sla_status_at(now)})"
        )
    return problems, due, changed, len(sample), recipients


def explain_queries(cr, log):
    """The plans of the job's queries, replayed in order in a transaction that
    the caller rolls back."""
    for query, params, seconds in log.entries:
        head = sql_text(query, 10).split(" ", 1)[0].upper()
        if head in ("SELECT", "WITH", "UPDATE", "INSERT", "DELETE"):
            say_plan(
                f"  EXPLAIN (ANALYZE, BUFFERS) of ({1000 * seconds:.1f} ms in the "
                f"job):\n    {sql_text(query, 300)}",
                explain(cr, query, params),
                indent="      ",
            )


def first_run_checks(env, args, expected, first, activities_before, started_at):
    """After the first run: its effects, then a second run in the same
    transaction. Returns (problems, due, second run's queries, activities)."""
    _seconds, _queries, result, log = first
    cr = env.cr
    found, due, changed, sampled, recipients = verify(
        env, expected, result, activities_before, started_at
    )
    say(
        f"  checked: {due:,} due complaints escalated (one activity "
        f"each, to {recipients} people), {changed:,} statuses changed, "
        f"{sampled} sampled statuses equal to _sla_status_at(): "
        + ("; ".join(found) if found else "all right")
    )
    before = activity_count(cr)
    second_s, second_q, second, _log = run_cron(env)
    created = activity_count(cr) - before
    say(
        f"  second run in the same transaction: {second_s:.2f} s, "
        f"{second_q} queries, {second}, {created} new activities"
    )
    if created or second.get("escalated") or second.get("status_changed"):
        found.append(
            f"the second run changed {second.get('status_changed')} "
            f"statuses and created {created} activities"
        )
    if args.explain:
        cr.rollback()
        explain_queries(cr, log)
    return found, due, second_q, created


def measure_size(registry, args, people, size, report, reference):
    from odoo import fields

    say(f"\n===== {size:,} open complaints =====")
    with registry.cursor() as cr:
        inserted, expected, took = generate(cron_env(cr), people, size)
    vacuum = vacuum_analyze(registry.db_name, TABLES)
    kinds = {}
    for kind, level, _stored, _old, n in expected:
        kinds[kind] = kinds.get(kind, 0) + n
        if level:
            kinds[f"due level {level}"] = kinds.get(f"due level {level}", 0) + n
    say(
        f"generated {inserted:,} complaints in {took:.1f} s (VACUUM ANALYZE "
        f"{vacuum:.1f} s); at now: "
        + ", ".join(f"{k} {v:,} ({100 * v / inserted:.0f} %)" for k, v in kinds.items())
    )

    # One untimed run first, rolled back: Odoo's caches (xmlids, field ids, the
    # default subtypes) are then warm, as in a server that has run the job
    # before, and every timed run makes the same queries.
    with registry.cursor() as cr:
        run_cron(cron_env(cr))
        cr.rollback()
    vacuum_analyze(registry.db_name, TABLES)
    times, counts, problems, loads = [], [], [], []
    for number in range(args.runs):
        with registry.cursor() as cr:
            env = cron_env(cr)
            activities_before = activity_count(cr)
            started_at = fields.Datetime.now()
            load = load_text()
            loads.append(os.getloadavg()[0])
            first = run_cron(env, profile=args.profile and number == 0)
            seconds, queries, result, log = first
            times.append(seconds)
            counts.append(queries)
            sql_s = log.seconds()
            say(
                f"run {number + 1}: {seconds:.2f} s, {queries} queries (SQL "
                f"{sql_s:.2f} s, Python {seconds - sql_s:.2f} s), {result}; load "
                f"average {load}"
            )
            for query, _params, query_s in log.entries:
                say(f"    {1000 * query_s:8.1f} ms  {sql_text(query)}")
            if number == 0:
                found, due, second_q, created = first_run_checks(
                    env, args, expected, first, activities_before, started_at
                )
                problems += found
            cr.rollback()
        # The rolled-back run left dead rows and index entries: clean them as
        # autovacuum does between two runs, so that every run starts alike.
        vacuum_analyze(registry.db_name, TABLES)
    median = statistics.median(times)
    queries = counts[-1]
    if reference.get("queries") is None:
        reference["queries"] = queries
        reference["size"] = size
    query_ok = (
        queries - reference["queries"] <= QUERY_SLACK
        and max(counts) - min(counts) <= QUERY_SLACK
    )
    escalated = f"{due:,} of {due:,}" if not problems else "see above"
    time_ok = median < TARGET_S
    problems += [] if time_ok else [f"cron {median:.2f} s >= {TARGET_S:.0f} s"]
    problems += [] if query_ok else [f"{queries} queries at {size:,} ({counts})"]
    report.add(
        f"{size:,}",
        f"{median:.2f} s (" + ", ".join(f"{t:.2f}" for t in times) + ")",
        f"{queries}" + ("" if len(set(counts)) == 1 else f" (runs: {counts})"),
        escalated,
        f"{second_q} q, {created} new",
        f"{min(loads):.2f}-{max(loads):.2f}",
        f"< {TARGET_S:.0f} s, queries <= {reference['queries'] + QUERY_SLACK} "
        f"(as at {reference['size']:,})",
        problems=problems,
    )


def measure(args, registry):
    report = Report(
        "size | cron time (median of runs) | queries | escalated / due | 2nd run "
        "| load 1 min | target | ok",
        notes="Cron time: env['crm.complaint']._cron_escalate() through the ORM "
        "as the job's user and the flush of its writes, in a transaction rolled "
        "back after each run (the commit is not timed; VACUUM ANALYZE between "
        "runs); queries counted by the cursor (cr.sql_log_count). 2nd run: the "
        "job again in the same transaction (queries, new activities).",
    )
    with registry.cursor() as cr:
        env = superuser_env(cr)
        describe(cr, f"database {args.db}")
        people = ensure_people(env)
        cron = env.ref("crm_extension.ir_cron_complaint_escalate")
        say(
            f"{len(people['handlers'])} handlers in 2 teams (+ 2 without a team), "
            f"{len(people['customers'])} customers; the job runs as "
            f"{cron.user_id.login or 'superuser'}; escalation of critical "
            "complaints to the escalation manager, others to the team leader "
            "(handler without a team: to the handler)"
        )
    reference = {}
    for size in args.sizes:
        measure_size(registry, args, people, size, report, reference)
    return report


def add_arguments(parser):
    add_sizes_argument(parser, DEFAULT_SIZES, "open complaints (default 10k, 100k)")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed job runs per size (median)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) of the job's queries",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of the first job run"
    )


def check_arguments(parser, args):
    if not args.sizes or min(args.sizes) < 100 or args.runs < 1:
        parser.error("need sizes of at least 100 complaints and --runs >= 1")


if __name__ == "__main__":
    sys.exit(run(sys.modules[__name__]))
