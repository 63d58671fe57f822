"""Benchmark of crm_extension's merges of duplicates (``scripts/bench-merge``).

A measurement on generated data of what the merges of ``crm.partner.merge``
cost per group of duplicates, and whether that grows with the partners of the
database. In a database with crm_extension (installed without demo data, the
company in China, as ``scripts/bench`` does), it

1. prepares, through the ORM and committed, a sales administrator
   (``sales_team.group_sale_manager``), who plans, merges and undoes, and four
   internal users whose partners follow the customers;
2. for each size N (100k and 1M partners by default), tops ``res_partner`` up
   to N with the generated partners of ``scripts/bench`` (``benchmarks.partners``,
   set-based COPY, committed, kept with ``--keep``), runs VACUUM ANALYZE (of
   the partners and the documents' tables), then in one transaction that is
   rolled back at the end: picks 1,000 generated
   companies spread over the table (plus a few more for the comparison with
   Odoo's wizard) and gives each 1 to 4 twins, set-based (copies of its row:
   same name and match keys, registered a day or more later, so that the rule
   "oldest registration" keeps the original; half of the groups of the main
   company, half shared), as a database the addon is installed into holds
   them (the duplicate rules would refuse them through the ORM); puts on every
   twin a sale order, a draft customer invoice, an opportunity and a complaint
   (each made once through the ORM and copied set-based for the other twins),
   a chatter message (the same) and a follower (one of the four users, the
   first of them also following the original in every fourth group: a merge
   whose follower stays with the twin); then ANALYZE;
3. as the sales administrator, through ``crm.partner.merge``: one untimed
   merge first (Odoo's caches warm), then ``_plan`` of the 1,000 groups at once
   (as the wizard does for more than 20), then ``_run_queued`` in batches as
   the job ``_cron_run_queued`` does (its batch size), each merge of a batch
   through ``_run_queued`` of that one merge (the job's loop body, its own
   savepoint) with the flush of its writes, to time it and count its SQL
   queries (``cr.sql_log_count``); the SQL queries of one batch grouped by
   text (where the time goes; ``--profile``: cProfile of that batch);
4. checks, set-based on every group: every merge done, every document on the
   survivor (a follower the survivor had already: left with the twin and
   written down),
   every twin archived with ``crm_merged_into_id`` set to the survivor; then
   undoes ``--undo`` merges one by one (``action_undo``, timed, queries) and
   checks that their twins are back, active, with their documents;
5. merges groups of 3 alternately with ``crm.partner.merge`` (``_plan`` and
   ``_run_queued`` of one group, what the wizard does for a few) and with
   Odoo's own ``base.partner.merge.automatic.wizard._merge`` (which deletes the
   absorbed partners and keeps no trail), on groups made alike, ``--compare``
   of each; ratio of the medians.

It ends with one table: size | metric | value | compared with | ratio | target
| ok. Targets: SQL queries per group the same at every size (within 10 %, and
within one size the last batch as the first), a merge of 3 at most 3 times
Odoo's wizard's time, every check passed. Exits non-zero when one is missed.
"""

import statistics
import sys
import time
from collections import Counter, defaultdict
from inspect import signature

from . import duplicates
from .generate import ensure_users, rnd, vacuum_analyze
from .harness import add_sizes_argument, describe, run, say, superuser_env, user_env
from .measure import QueryLog, percentile, profiled, sql_text
from .partners import ID_BASE, Generator
from .report import Report

# The command, database and reuse of this benchmark (harness.Benchmark).
COMMAND = "scripts/bench-merge"
DEFAULT_DB = "crm_ext_merge_bench"
REUSED = (
    "its generated partners are kept and topped up; the duplicates, their "
    "documents and the merges are made anew and rolled back"
)
# crm_extension installed, the company in China, and the generated partners
# topped up: as scripts/bench does.
install = duplicates.install
top_up = duplicates.top_up

DEFAULT_SIZES = (100_000, 1_000_000)
GROUPS = 1000
QUERY_TOLERANCE = 0.10  # queries per group: the same within 10 %
MAX_RATIO = 3.0  # a merge of 3 against Odoo's wizard
MARK = "merge_bench"  # ref of the twins, logins of the users
# The documents put on every twin: (table, the column naming the partner).
DOCUMENTS = (
    ("sale_order", "partner_id"),
    ("account_move", "partner_id"),
    ("crm_lead", "partner_id"),
    ("crm_complaint", "partner_id"),
    ("mail_message", "res_id"),
    ("mail_followers", "res_id"),
)
TABLES = ["res_partner", *(table for table, _column in DOCUMENTS)]


# --------------------------------------------------------------------------
# Setup: the people (ORM, committed), the duplicates and documents (SQL)
# --------------------------------------------------------------------------


def ensure_people(env):
    """The sales administrator who merges (allowed to delete contacts, for
    Odoo's wizard), and the partners of four users who follow the customers."""
    from odoo import fields

    from odoo.addons.crm_extension import compat

    admin = ensure_users(
        env,
        {f"{MARK}_admin": "Merge Bench Sales Administrator"},
        ["base.group_user", "sales_team.group_sale_manager"],
    )
    # Odoo's wizard deletes the absorbed partners: Contact Creation needed.
    admin[compat.GROUPS_FIELD] = [
        fields.Command.link(env.ref("base.group_partner_manager").id)
    ]
    followers = ensure_users(
        env,
        {f"{MARK}_follower_{n}": f"Merge Bench Follower {n}" for n in range(1, 5)},
        ["base.group_user"],
    )
    env.cr.commit()
    return admin, followers.partner_id.ids


def group_sizes(count):
    """Groups of 2, 3, 4 and 5 customers in turn: every batch the same mix."""
    return [2 + number % 4 for number in range(count)]


def make_twins(env, sizes):
    """Picks ``len(sizes)`` generated companies spread over the table and
    gives each ``size - 1`` twins (copies of its row, registered later);
    groups of odd number move to the main company. Returns the groups as
    ``[(original, [twins])]``."""
    cr = env.cr
    cr.execute(
        f"""
        SELECT id FROM res_partner
         WHERE id >= %s AND is_company AND parent_id IS NULL AND active
           AND company_id IS NULL AND ref IS NULL
         ORDER BY {rnd("id", 31, 1000003)}, id
         LIMIT %s
        """,
        [ID_BASE, len(sizes)],
    )
    originals = [row[0] for row in cr.fetchall()]
    if len(originals) < len(sizes):
        raise SystemExit(f"only {len(originals)} generated companies to duplicate")
    company = env.ref("base.main_company").id
    cr.execute(
        "UPDATE res_partner SET company_id = %s WHERE id = ANY(%s)",
        [company, originals[1::2]],
    )
    rows = [
        (original, number, twin)
        for number, (original, size) in enumerate(zip(originals, sizes, strict=True))
        for twin in range(1, size)
    ]
    overrides = {
        "ref": f"'{MARK}/' || t.number || '/' || t.twin",
        "registered_date": "COALESCE(p.registered_date, p.create_date)"
        " + t.twin * interval '1 day'",
        "create_date": "p.create_date + t.twin * interval '1 day'",
        "write_date": "now() at time zone 'UTC'",
    }
    columns = [c for c in env["crm.partner.merge"]._columns("res_partner") if c != "id"]
    cr.execute(
        f"""
        INSERT INTO res_partner ({", ".join(f'"{c}"' for c in columns)})
        SELECT {", ".join(overrides.get(c, f'p."{c}"') for c in columns)}
          FROM unnest(%s::int[], %s::int[], %s::int[]) AS t(original, number, twin)
          JOIN res_partner p ON p.id = t.original
         ORDER BY t.number, t.twin
        RETURNING id, ref
        """,
        [list(column) for column in zip(*rows, strict=True)],
    )
    twins = defaultdict(list)
    for twin_id, ref in sorted(cr.fetchall(), key=lambda row: row[0]):
        twins[int(ref.split("/")[1])].append(twin_id)
    # A company is its own commercial partner.
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE ref LIKE %s",
        [f"{MARK}/%"],
    )
    return [(original, twins[number]) for number, original in enumerate(originals)]


def clone_rows(env, table, template_id, template_partner, partners, overrides):
    """Copies the row ``template_id`` of ``table`` once for each of
    ``partners``: every column that named ``template_partner`` (Odoo's list of
    foreign keys to partners, and ``res_id``) names the partner of the copy
    (``target``), the columns of ``overrides`` their SQL. Returns ``{row id:
    partner}`` of the copies and of the template."""
    fks = {
        column
        for fk_table, column in env["base.partner.merge.automatic.wizard"]._get_fk_on(
            "res_partner"
        )
        if fk_table == table
    }
    columns = [c for c in env["crm.partner.merge"]._columns(table) if c != "id"]

    def value(column):
        if column in overrides:
            return overrides[column]
        if column in fks or column == "res_id":
            return (
                f'CASE WHEN t."{column}" = {int(template_partner)} '
                f'THEN target ELSE t."{column}" END'
            )
        return f't."{column}"'

    env.cr.execute(
        f"""
        INSERT INTO {table} ({", ".join(f'"{c}"' for c in columns)})
        SELECT {", ".join(value(c) for c in columns)}
          FROM {table} t, unnest(%s::int[]) AS target
         WHERE t.id = %s AND target <> %s
        RETURNING id
        """,
        [partners, template_id, template_partner],
    )
    new_ids = [row[0] for row in env.cr.fetchall()]
    return {
        template_id: template_partner,
        **dict(
            zip(new_ids, [p for p in partners if p != template_partner], strict=True)
        ),
    }


def make_documents(env, groups, followers):
    """A sale order, a draft invoice, an opportunity, a complaint, a chatter
    message and a follower on every twin; the first follower also follows
    the original in every fourth group. Returns ``{table: {row: partner}}``."""
    cr = env.cr
    twins = [twin for _original, group_twins in groups for twin in group_twins]
    twin_set = set(twins)
    template = twins[0]
    made = {
        "sale_order": env["sale.order"].create({"partner_id": template}),
        "account_move": env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": template}
        ),
        "crm_lead": env["crm.lead"].create(
            {"name": "Merge bench deal", "type": "opportunity", "partner_id": template}
        ),
        "crm_complaint": env["crm.complaint"].create(
            {"subject": "Merge bench complaint", "partner_id": template}
        ),
        "mail_message": env["res.partner"]
        .browse(template)
        .message_post(body="Visited the merge bench", subtype_xmlid="mail.mt_note"),
    }
    env.flush_all()
    overrides = {"sale_order": {"name": "t.name || '/' || target"}}
    documents = {
        table: clone_rows(
            env, table, record.id, template, twins, overrides.get(table, {})
        )
        for table, record in made.items()
    }
    # Followers: twin k of a group followed by follower k; the first also
    # follows the original in every fourth group (a conflict: the follower
    # stays with the twin).
    pairs = [
        (twin, followers[position])
        for _original, group_twins in groups
        for position, twin in enumerate(group_twins)
    ]
    pairs += [(original, followers[0]) for original, _twins in groups[::4]]
    cr.execute(
        """
        INSERT INTO mail_followers (res_model, res_id, partner_id)
        SELECT 'res.partner', res_id, partner_id
          FROM unnest(%s::int[], %s::int[]) AS f(res_id, partner_id)
        ON CONFLICT DO NOTHING
        RETURNING id, res_id
        """,
        [list(column) for column in zip(*pairs, strict=True)],
    )
    documents["mail_followers"] = {
        row_id: partner for row_id, partner in cr.fetchall() if partner in twin_set
    }
    cr.execute(
        """
        INSERT INTO mail_followers_mail_message_subtype_rel
               (mail_followers_id, mail_message_subtype_id)
        SELECT f.id, %s FROM mail_followers f
         WHERE f.res_model = 'res.partner' AND f.res_id = ANY(%s)
        ON CONFLICT DO NOTHING
        """,
        [env.ref("mail.mt_comment").id, [pair[0] for pair in pairs]],
    )
    for table in TABLES:
        cr.execute(f"ANALYZE {table}")
    env.invalidate_all()
    return documents


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


def timed(env, call):
    """(result, seconds, SQL queries) of ``call()`` and the flush of its writes."""
    cr = env.cr
    before = cr.sql_log_count
    started = time.perf_counter()
    result = call()
    env.flush_all()
    return result, time.perf_counter() - started, cr.sql_log_count - before


def merge_groups(Merge, groups):
    return Merge._plan(
        [(Merge.env["res.partner"].browse([o, *twins]), None) for o, twins in groups],
        "oldest",
    )


def merge_in_batches(Merge, merges, batch_size, profile):
    """The queued ``merges`` in batches as the job runs them; per merge:
    (seconds, queries, profiled?); the query log of the second batch (warm,
    the one profiled with ``profile``) and the seconds in SQL."""
    env = Merge.env
    stats = []
    batches = [merges[i : i + batch_size] for i in range(0, len(merges), batch_size)]
    watched = min(1, len(batches) - 1)
    log = QueryLog()
    with QueryLog() as all_queries:
        for number, batch in enumerate(batches):
            with (
                log if number == watched else QueryLog(),
                profiled(
                    f"  cProfile of batch {number + 1} (cumulative, top 30):",
                    enabled=profile and number == watched,
                    limit=30,
                ),
            ):
                for merge in batch:
                    _done, seconds, queries = timed(env, merge._run_queued)
                    stats.append((seconds, queries, profile and number == watched))
            say(
                f"  batch {number + 1}/{len(batches)} merged: "
                f"{sum(stat[0] for stat in stats[-len(batch) :]):.2f} s",
                transient=True,
            )
    return stats, log, all_queries.seconds()


def say_query_summary(log, count, title):
    """The queries of ``log`` grouped by their first words, most time first."""
    kinds = defaultdict(lambda: [0, 0.0])
    for query, _params, seconds in log.entries:
        kind = kinds[sql_text(query, 90)]
        kind[0] += 1
        kind[1] += seconds
    total = log.seconds()
    say(f"{title}: {len(log.entries)} queries, SQL {total:.2f} s in all")
    for text, (number, seconds) in sorted(kinds.items(), key=lambda i: -i[1][1])[:12]:
        say(
            f"  {1000 * seconds / count:7.2f} ms/group {number / count:6.2f} q/group"
            f"  {text}"
        )


def check_merged(env, groups, documents, merges):
    """Every twin archived into its original, every document on the survivor,
    a follower left with the twin only where the survivor had it (every fourth
    group) and written down; the problems, documents moved, followers left."""
    cr = env.cr
    problems = []
    survivor_of = {
        twin: survivor
        for (_original, twins), survivor in zip(
            groups, merges.sudo().partner_id.ids, strict=True
        )
        for twin in twins
    }
    cr.execute(
        """
        SELECT count(*) FROM unnest(%s::int[], %s::int[]) AS t(twin, survivor)
          JOIN res_partner p ON p.id = t.twin
         WHERE p.active OR p.crm_merged_into_id IS DISTINCT FROM t.survivor
        """,
        [list(survivor_of), list(survivor_of.values())],
    )
    if wrong := cr.fetchone()[0]:
        problems.append(f"{wrong} twins not archived into their survivor")
    cr.execute(
        "SELECT record_id FROM crm_partner_merge_line WHERE table_name = "
        "'mail_followers' AND column_name = 'res_id' AND action = 'kept' "
        "AND merge_id = ANY(%s)",
        [merges.ids],
    )
    kept = {row[0] for row in cr.fetchall()}
    if len(kept) != len(groups[::4]):
        problems.append(f"{len(kept)} followers left, {len(groups[::4])} due")
    moved = 0
    for table, column in DOCUMENTS:
        rows = {
            row: partner
            for row, partner in documents[table].items()
            if partner in survivor_of
        }
        cr.execute(f"SELECT id, {column} FROM {table} WHERE id = ANY(%s)", [list(rows)])
        found = dict(cr.fetchall())
        on_survivor = sum(found.get(r) == survivor_of[p] for r, p in rows.items())
        left = sum(
            found.get(row) == partner and row in kept for row, partner in rows.items()
        )
        moved += on_survivor
        if misplaced := len(rows) - on_survivor - left:
            problems.append(f"{misplaced} of {len(rows)} {table} not moved")
    return problems, moved, len(kept)


def check_undone(env, groups, documents):
    """Every twin of ``groups`` active again, not merged, with its documents."""
    cr = env.cr
    twins = [twin for _original, group_twins in groups for twin in group_twins]
    twin_set = set(twins)
    cr.execute(
        "SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND "
        "(NOT active OR crm_merged_into_id IS NOT NULL)",
        [twins],
    )
    problems = [f"{n} twins not brought back"] if (n := cr.fetchone()[0]) else []
    back = 0
    for table, column in DOCUMENTS:
        rows = {r: p for r, p in documents[table].items() if p in twin_set}
        cr.execute(
            f"SELECT count(*) FROM {table} t JOIN unnest(%s::int[], %s::int[]) "
            f"AS d(id, partner) ON d.id = t.id AND d.partner = t.{column}",
            [list(rows), list(rows.values())],
        )
        found = cr.fetchone()[0]
        back += found
        if found != len(rows):
            problems.append(f"{len(rows) - found} of {len(rows)} {table} not back")
    return problems, back


def compare_with_odoo(admin_env, pairs):
    """Groups of 3 merged alternately by crm.partner.merge and by Odoo's
    wizard; per method, the (seconds, queries) of each merge."""
    Merge = admin_env["crm.partner.merge"]
    Wizard = admin_env["base.partner.merge.automatic.wizard"]
    Partner = admin_env["res.partner"]
    results = {"ours": [], "odoo": []}

    def ours(group):
        return merge_groups(Merge, [group])._run_queued()

    def odoo(group):
        original, twins = group
        return Wizard._merge([original, *twins], dst_partner=Partner.browse(original))

    for number, (our_group, odoo_group) in enumerate(pairs):
        runs = [("ours", ours, our_group), ("odoo", odoo, odoo_group)]
        for name, call, group in runs if number % 2 == 0 else runs[::-1]:
            done, seconds, queries = timed(admin_env, lambda c=call, g=group: c(g))
            if name == "ours" and not done:
                raise SystemExit(f"the merge of {group} failed")
            results[name].append((seconds, queries))
    return results


def measure_size(registry, args, admin, followers, size, report, reference):
    say(f"\n===== {size:,} partners =====")
    # The dead rows of an earlier size's rolled-back transaction cleaned, as
    # autovacuum would: every size starts alike.
    vacuum_analyze(registry.db_name, TABLES)
    with registry.cursor() as cr:
        env = superuser_env(cr)
        started = time.perf_counter()
        sizes = group_sizes(GROUPS)
        extra = [3] * (1 + 2 * args.compare)  # warm-up, then the comparison
        groups = make_twins(env, sizes + extra)
        documents = make_documents(env, groups, followers)
        bulk, warm, compared = groups[:GROUPS], groups[GROUPS], groups[GROUPS + 1 :]
        twins = sum(len(t) for _o, t in groups)
        say(
            f"{len(groups):,} groups with {twins:,} twins of generated companies "
            f"and {sum(len(d) for d in documents.values()):,} documents on them "
            f"made in {time.perf_counter() - started:.1f} s (set-based, in the "
            "transaction rolled back at the end)"
        )

        admin_env = user_env(cr, admin)
        Merge = admin_env["crm.partner.merge"]
        merge_groups(Merge, [warm])._run_queued()  # untimed: caches warm
        admin_env.flush_all()

        merges, plan_s, plan_q = timed(admin_env, lambda: merge_groups(Merge, bulk))
        batch_size = signature(Merge._cron_run_queued).parameters["batch_size"].default
        stats, log, sql_s = merge_in_batches(Merge, merges, batch_size, args.profile)
        # (A profiled batch is slower: its times are left out.)
        seconds = [s for s, _q, profiled_batch in stats if not profiled_batch]
        queries = [q for _s, q, _p in stats]
        states = Counter(merges.mapped("state"))
        say(
            f"plan of {GROUPS:,} groups: {plan_s:.2f} s, {plan_q} queries; merges "
            f"in batches of {batch_size}: {sum(s[0] for s in stats):.1f} s (SQL "
            f"{sql_s:.1f} s), "
            f"{sum(queries):,} queries; states {dict(states)}"
        )
        for merge in merges.filtered(lambda m: m.state == "failed")[:3]:
            say(f"  failed: {merge.error}")
        say_query_summary(log, batch_size, f"queries of batch 2 ({batch_size} merges)")

        problems, moved, kept = check_merged(env, bulk, documents, merges)
        if states["done"] != GROUPS:
            problems.insert(0, f"{GROUPS - states['done']} merges not done")
        say(
            f"checked all {GROUPS:,} groups: {moved:,} documents on the survivor, "
            f"{kept} followers the survivor had already left with the twin and "
            f"written down: " + ("; ".join(problems) or "all right")
        )

        step = max(1, GROUPS // args.undo)
        undone = [index for index in range(0, GROUPS, step)][: args.undo]
        undo_stats = [
            timed(admin_env, merges[index].action_undo)[1:] for index in undone
        ]
        undo_problems, back = check_undone(env, [bulk[i] for i in undone], documents)
        say(
            f"undo of {len(undone)} merges: {back} documents back on their "
            "customers: " + ("; ".join(undo_problems) or "all right")
        )
        compared_stats = compare_with_odoo(
            admin_env, list(zip(compared[::2], compared[1::2], strict=True))
        )
        cr.rollback()

    first_batch = statistics.mean(queries[:batch_size])
    last_batch = statistics.mean(queries[-batch_size:])
    mean_q = statistics.mean(queries)
    reference.setdefault("queries", (size, mean_q))
    ref_size, ref_q = reference["queries"]
    label = f"{size:,}"
    report.add(
        label,
        f"_plan of {GROUPS:,} groups (2-5 customers)",
        f"{1000 * plan_s / GROUPS:.1f} ms, {plan_q / GROUPS:.1f} queries per group",
        "-",
        "-",
        "-",
    )
    report.add(
        label,
        f"merge time per group (batches of {batch_size})",
        f"mean {1000 * statistics.mean(seconds):.0f} ms, p50 "
        f"{1000 * percentile(seconds, 0.5):.0f}, p90 "
        f"{1000 * percentile(seconds, 0.9):.0f} "
        f"(SQL {100 * sql_s / sum(s[0] for s in stats):.0f} %)",
        "-",
        "-",
        "-",
    )
    if ref_size == size:
        report.add(
            label,
            "SQL queries per group, last batch vs first",
            f"{last_batch:.1f} (all: mean {mean_q:.1f}, {min(queries)}-{max(queries)})",
            f"{first_batch:.1f}",
            f"{last_batch / first_batch:.2f}",
            f"same ±{100 * QUERY_TOLERANCE:.0f} %",
            ok=abs(last_batch / first_batch - 1) <= QUERY_TOLERANCE,
        )
    else:
        report.add(
            label,
            "SQL queries per group (mean)",
            f"{mean_q:.1f} ({min(queries)}-{max(queries)})",
            f"{ref_q:.1f} at {ref_size:,}",
            f"{mean_q / ref_q:.2f}",
            f"same ±{100 * QUERY_TOLERANCE:.0f} %",
            ok=abs(mean_q / ref_q - 1) <= QUERY_TOLERANCE,
        )
    report.add(
        label,
        f"undo of one merge ({len(undo_stats)} undone)",
        f"median {1000 * statistics.median(s for s, _q in undo_stats):.0f} ms, "
        f"{statistics.mean(q for _s, q in undo_stats):.0f} queries",
        "-",
        "-",
        "-",
    )
    ours, odoo = ([s for s, _q in compared_stats[name]] for name in ("ours", "odoo"))
    ratio = statistics.median(ours) / statistics.median(odoo)
    report.add(
        label,
        f"merge of 3 (median of {len(ours)}): crm.partner.merge vs Odoo's wizard",
        f"{1000 * statistics.median(ours):.0f} ms, "
        f"{statistics.mean(q for _s, q in compared_stats['ours']):.0f} queries",
        f"{1000 * statistics.median(odoo):.0f} ms, "
        f"{statistics.mean(q for _s, q in compared_stats['odoo']):.0f} queries",
        f"{ratio:.2f}",
        f"<= {MAX_RATIO:.0f}x",
        ok=ratio <= MAX_RATIO,
    )
    report.add(
        label,
        "checks: merged, documents moved, undone",
        f"{states['done']:,} done, {moved:,} documents moved, {back} back",
        "-",
        "-",
        "all right",
        problems=problems + undo_problems,
    )


def measure(args, registry):
    report = Report(
        "size | metric | value | compared with | ratio | target | ok",
        notes="As a sales administrator, through crm.partner.merge, in one "
        "transaction per size rolled back at the end (only the generated "
        "partners are kept). Time per group: _run_queued of one merge of the "
        "job's batch and the flush of its writes; queries counted by the "
        "cursor (cr.sql_log_count).",
    )
    with registry.cursor() as cr:
        env = superuser_env(cr)
        describe(cr, f"database {args.db}")
        admin, followers = ensure_people(env)
        countries = {
            code: (country.id, country.phone_code)
            for code, country in (
                ("CN", env.ref("base.cn")),
                ("DE", env.ref("base.de")),
            )
        }
    generator = Generator(countries)
    reference = {}
    for size in args.sizes:
        top_up(registry, generator, size)
        measure_size(registry, args, admin, followers, size, report, reference)
    return report


def add_arguments(parser):
    add_sizes_argument(
        parser, DEFAULT_SIZES, "partners in res_partner (default 100k, 1M)"
    )
    parser.add_argument(
        "--undo", type=int, default=20, help="merges undone one by one (default 20)"
    )
    parser.add_argument(
        "--compare",
        type=int,
        default=20,
        help="merges of 3 by each of crm.partner.merge and Odoo's wizard",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of the second batch"
    )


def check_arguments(parser, args):
    if min(args.sizes) < 10_000 or args.undo < 1 or args.compare < 1:
        parser.error("need sizes of at least 10000 partners, --undo/--compare >= 1")


if __name__ == "__main__":
    sys.exit(run(sys.modules[__name__]))
