"""Benchmark of crm_extension installed on many partners (``scripts/bench-install``).

What an existing customer base costs when crm_extension arrives: for each size N
(100k and 1M partners by default), in a database where Odoo's sale_crm (and the
addon's other dependencies) is installed without demo data and without
crm_extension (``<db>_base``, kept and reused with ``--keep --reuse``):

1. tops ``res_partner`` up to N rows with the generated companies and contacts of
   :mod:`benchmarks.partners` (set-based COPY, about 2 % deliberate duplicates
   by name, VAT or e-mail), without the addon's match keys: its columns do not
   exist yet; then VACUUM ANALYZE;
2. copies that database (``<db>_<N>``) and times ``odoo-bin -i crm_extension``
   on the copy without demo data: the wall time of Odoo's own process, its log
   at level info in ``.var/bench-install-<N>.log`` (the slowest steps are
   printed from its timestamps);
3. checks the result in the installed copy: every partner the addon's own
   definition (``partner_match_keys``, read with ``match_input_query``) gives a
   key has it stored, a sample of the generated partners has exactly the keys
   of that definition, and the duplicate review (the view
   ``crm.duplicate.group``, counted through the ORM as its list does) lists the
   legacy groups: as many per key as a direct GROUP BY of the customers' key
   columns gives (the companies' and users' partners are no customers), and
   more than none.

The size ``demo`` (``--sizes demo`` or ``--sizes demo,100000``) installs the
dependencies with Odoo's demo data instead (``<db>_demo_base``), adds nothing,
and checks that crm_extension (with its demo data) installs and that the review
lists the groups of the GROUP BY (possibly none).

It ends with one table: size | metric | value | target | ok, and exits non-zero
when a target is missed.
"""

import argparse
import re
import sys
import time
from datetime import datetime

from .generate import vacuum_analyze
from .harness import (
    ADDON,
    VAR_DIR,
    Server,
    addon_depends,
    describe,
    relative,
    run,
    say,
    size_list,
    superuser_env,
)
from .partners import Generator, Loader, check_keys
from .report import Report

# The command, database and reuse of this benchmark (harness.Benchmark).
COMMAND = "scripts/bench-install"
DEFAULT_DB = "crm_ext_install_bench"
REUSED = "sale_crm without crm_extension, its generated partners kept and topped up"

DEFAULT_SIZES = "100000,1000000"
DEMO = "demo"


def target_seconds(size):
    """The install time promised: under 2 minutes up to 100k partners, under 10
    minutes at 1M (and in proportion beyond)."""
    if size <= 100_000:
        return 120
    return max(600, 600 * size // 1_000_000)


def base_db(args, demo=False):
    """The database with the dependencies, without crm_extension."""
    return f"{args.db}_demo_base" if demo else f"{args.db}_base"


# --------------------------------------------------------------------------
# Databases and options (harness.Benchmark)
# --------------------------------------------------------------------------


def databases(args):
    wanted = {}
    if args.sizes:
        wanted[base_db(args)] = {"sale_crm": True, ADDON: False}
    if args.demo:
        wanted[base_db(args, demo=True)] = {"sale_crm": True, ADDON: False}
    return wanted


def install(server, args, log):
    """crm_extension's dependencies (sale_crm, ...) without crm_extension: without
    demo data for the sizes, with it for ``demo``."""
    for db, demo in ((base_db(args), False), (base_db(args, True), True)):
        if db in databases(args):
            say(
                f"installing {', '.join(addon_depends())} "
                f"{'with' if demo else 'without'} demo data in database {db} "
                f"(log: {relative(log)}) ..."
            )
            server.install(db, addon_depends(), log, demo=demo)


def add_arguments(parser):
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help="partners in res_partner, and/or 'demo' (Odoo's demo data), e.g. "
        "10000,demo (default 100000,1000000)",
    )


def check_arguments(parser, args):
    words = [word.strip() for word in args.sizes.split(",") if word.strip()]
    args.demo = DEMO in words
    numbers = [word for word in words if word != DEMO]
    try:
        args.sizes = size_list(",".join(numbers)) if numbers else []
    except argparse.ArgumentTypeError:
        parser.error("--sizes: numbers separated by commas and/or 'demo'")
    if not args.sizes and not args.demo:
        parser.error("--sizes: at least one size or 'demo'")


# --------------------------------------------------------------------------
# The install and what it left
# --------------------------------------------------------------------------

LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def slowest_steps(log, count=5):
    """The ``count`` longest silences of Odoo's log: (seconds, the line before
    them, which names the step that took that long)."""
    steps, last = [], None
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        found = LOG_TIME.match(line)
        if not found:
            continue
        moment = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f")
        if last:
            steps.append(((moment - last[0]).total_seconds(), last[1]))
        last = (moment, line)
    return sorted(steps, reverse=True)[:count]


def timed_install(server, db, log, demo):
    """``odoo-bin -i crm_extension`` in ``db``: its wall seconds, or None when it
    failed (its log says why)."""
    log.write_text("", encoding="utf-8")
    say(f"installing {ADDON} in {db} (log: {relative(log)}) ...")
    started = time.perf_counter()
    try:
        server.install(db, [ADDON], log, demo=demo, log_level="info")
    except SystemExit as failed:
        say(str(failed))
        return None
    elapsed = time.perf_counter() - started
    say(f"installed in {elapsed:.1f} s; the slowest steps of its log:")
    for seconds, line in slowest_steps(log):
        say(f"  {seconds:6.1f} s after: {line[24:160]}")
    return elapsed


def missing_keys(env):
    """Partners that the addon's definition gives a key the column lacks:
    ``{key column: count}``. Candidates are the rows with an empty key column
    and something to make it of (for name and VAT: a commercial entity); the
    addon's own functions decide (a placeholder name, e-mail or number is no
    key)."""
    from odoo.tools import SQL

    from odoo.addons.crm_extension import compat
    from odoo.addons.crm_extension.models.res_partner_duplicate import (
        MATCH_KEY_FIELDS,
        match_input_query,
        partner_match_keys,
    )

    cr = env.cr
    cr.execute(
        SQL(
            """
            SELECT m.*, %s
              FROM (%s) m JOIN res_partner p ON p.id = m.id
             WHERE ((p.is_company OR p.parent_id IS NULL)
                    AND ((p.name_key IS NULL AND p.name IS NOT NULL)
                         OR (p.vat_key IS NULL
                             AND COALESCE(p.vat, p.company_registry) IS NOT NULL)))
                OR (p.email_key IS NULL AND p.email IS NOT NULL)
                OR (p.phone_key IS NULL AND %s IS NOT NULL)
            """,
            SQL(", ").join(SQL.identifier("p", fname) for fname in MATCH_KEY_FIELDS),
            match_input_query(env.company.country_id, 0, None),
            compat.phone_sql("p"),
        )
    )
    missing = dict.fromkeys(MATCH_KEY_FIELDS, 0)
    candidates = 0
    for row in cr.fetchall():
        candidates += 1
        keys = partner_match_keys(*row[1:11])
        for fname, stored in zip(MATCH_KEY_FIELDS, row[11:], strict=True):
            if keys[fname] and not stored:
                missing[fname] += 1
    return candidates, missing


def group_counts(env):
    """Per key: the groups the review lists (the ORM's count on the view, as its
    list view asks) and those of a direct GROUP BY of the key column of the
    customers."""
    from odoo.tools import SQL

    from odoo.addons.crm_extension.models.crm_duplicate_rule import (
        CUSTOMER_SQL,
        KEY_COLUMNS,
        key_columns,
    )

    Group = env["crm.duplicate.group"]
    counts = {}
    for key, column in KEY_COLUMNS.items():
        values = SQL(" UNION ALL ").join(
            SQL(
                "SELECT %s AS value, company_id FROM res_partner p "
                "WHERE %s IS NOT NULL AND %s",
                SQL.identifier(other),
                SQL.identifier(other),
                SQL(CUSTOMER_SQL),
            )
            for other in key_columns(column)
        )
        env.cr.execute(
            SQL(
                "SELECT count(*) FROM (SELECT 1 FROM (%s) v "
                "GROUP BY value, company_id HAVING count(*) > 1) g",
                values,
            )
        )
        direct = env.cr.fetchone()[0]
        counts[key] = (Group.search_count([("key", "=", key)]), direct)
    return counts


def deliberate_found(env, generator, generated):
    """The generated companies made duplicates on purpose (an earlier company's
    name, VAT or e-mail), per kind: (how many, how many share their key with
    another partner of their company, i.e. are in a listed group)."""
    from .partners import ID_BASE

    kinds = {"name": [], "vat": [], "email": []}
    for g in range(generated):
        kind = generator.dup_kind(g)
        if kind and generator.is_company(g):
            kinds[kind].append(ID_BASE + g)
    found = {}
    for kind, ids in kinds.items():
        column = f"{kind}_key"
        env.cr.execute(
            f"""
            SELECT count(*) FROM res_partner p
             WHERE p.id = ANY(%s) AND EXISTS (
                   SELECT 1 FROM res_partner o
                    WHERE o.{column} = p.{column} AND o.id <> p.id
                      AND o.company_id IS NOT DISTINCT FROM p.company_id)
            """,
            [ids],
        )
        found[kind] = (len(ids), env.cr.fetchone()[0])
    return found


def check_installed(registry, report, label, generator=None, generated=0):
    """The checks of an installed copy, as rows of ``report``."""
    with registry.cursor() as cr:
        env = superuser_env(cr)
        candidates, missing = missing_keys(env)
        cr.execute(
            "SELECT count(*), count(name_key), count(vat_key), count(email_key), "
            "count(phone_key) FROM res_partner"
        )
        total, names, vats, emails, phones = cr.fetchone()
        say(
            f"res_partner: {total:,} rows; keys stored: name {names:,}, VAT "
            f"{vats:,}, e-mail {emails:,}, phone {phones:,}; {candidates:,} rows "
            "with an empty key and something to make it of, of which the addon's "
            f"definition gives a key to: {missing}"
        )
        problems = [
            f"{count:,} without {fname}" for fname, count in missing.items() if count
        ]
        if generated:
            checked, mismatches = check_keys(env, generated)
            say(
                f"match keys of {checked} generated partners against the addon's "
                f"definition: {len(mismatches)} differences"
            )
            for mismatch in mismatches[:5]:
                say(f"  partner {mismatch[0]}: stored {mismatch[1]}, {mismatch[2]}")
            if mismatches:
                problems.append(f"{len(mismatches)} of a sample of {checked} differ")
        report.add(
            label,
            "keys filled",
            f"{total:,} partners: {names:,} name, {vats:,} VAT, {emails:,} "
            f"e-mail, {phones:,} phone keys",
            "all",
            problems=problems,
        )

        counts = group_counts(env)
        listed = sum(ours for ours, _direct in counts.values())
        differ = [
            f"{key} {ours} listed, {direct} by GROUP BY"
            for key, (ours, direct) in counts.items()
            if ours != direct
        ]
        if generated and not listed:
            differ.append("no group listed")
        report.add(
            label,
            "review groups listed",
            f"{listed:,} ("
            + ", ".join(f"{key} {ours:,}" for key, (ours, _d) in counts.items())
            + ")",
            "= GROUP BY" + (", > 0" if generated else " (may be 0)"),
            problems=differ,
        )
        if generated:
            found = deliberate_found(env, generator, generated)
            report.add(
                label,
                "  deliberate duplicates in a listed group",
                ", ".join(f"{kind} {n:,}/{of:,}" for kind, (of, n) in found.items()),
                "info",
            )
        cr.rollback()


def install_copy(server, args, label, report, demo=False, generator=None, generated=0):
    """Copy the base database, install crm_extension in the copy, time and
    check it; the copy is dropped afterwards unless ``--keep``."""
    from odoo import sql_db
    from odoo.modules.registry import Registry

    base, db = base_db(args, demo), f"{args.db}_{label}"
    log = VAR_DIR / f"bench-install-{label}.log"
    if server.exists(db):
        server.drop(db)
    sql_db.close_db(base)  # a template database must have no connection
    server.copy(base, db)
    elapsed = timed_install(server, db, log, demo)
    target = None if demo else target_seconds(int(label))
    report.add(
        label,
        "install time (wall, odoo-bin -i)",
        "failed" if elapsed is None else f"{elapsed:.1f} s",
        "succeeds" if target is None else f"< {target} s",
        ok=elapsed is not None and (target is None or elapsed < target),
    )
    if elapsed is not None:
        check_installed(Registry(db), report, label, generator, generated)
    Registry.delete(db)
    sql_db.close_db(db)
    if args.keep:
        say(f"database {db} kept (--keep)")
    else:
        server.drop(db)


def top_up(registry, generator, size):
    """Generated partners without match keys up to ``size`` rows, committed,
    then VACUUM ANALYZE; the number of generated partners."""
    started = time.perf_counter()
    with registry.cursor() as cr:
        loader = Loader(superuser_env(cr), generator, say, with_keys=False)
        present = sum(loader.counts())
        if present > size:
            raise SystemExit(
                f"{registry.db_name} has {present:,} partners already, more than "
                f"{size:,}: run without --reuse (or with another --db)"
            )
        timings = loader.top_up(size)
        cr.commit()
        generated = loader.counts()[1]
    vacuum = vacuum_analyze(registry.db_name, ["res_partner"])
    say(
        f"res_partner topped up by {timings['rows']:,} generated partners in "
        f"{time.perf_counter() - started - vacuum:.1f} s, VACUUM ANALYZE in "
        f"{vacuum:.1f} s"
    )
    return generated


def measure(args, *registries):
    report = Report(
        "size | metric | value | target | ok",
        notes="Install time: wall time of odoo-bin -i crm_extension (without demo "
        "data; 'demo': with) in a copy of the database with sale_crm and the "
        "generated partners. Keys: every partner the addon's definition gives a "
        "key has it. Groups: the review's count per key (ORM) = a direct GROUP BY "
        "of the key columns.",
    )
    server = Server(args)
    by_name = {registry.db_name: registry for registry in registries}
    with registries[0].cursor() as cr:
        describe(cr, "databases " + " and ".join(by_name))
    if args.sizes:
        base = by_name[base_db(args)]
        with base.cursor() as cr:
            env = superuser_env(cr)
            countries = {
                code: (env.ref(xmlid).id, env.ref(xmlid).phone_code)
                for code, xmlid in (("CN", "base.cn"), ("DE", "base.de"))
            }
        generator = Generator(countries)
        for size in args.sizes:
            say(f"\n===== {size:,} partners =====")
            generated = top_up(base, generator, size)
            install_copy(server, args, str(size), report, False, generator, generated)
    if args.demo:
        say("\n===== Odoo's demo data =====")
        install_copy(server, args, DEMO, report, demo=True)
    return report


if __name__ == "__main__":
    sys.exit(run(sys.modules[__name__]))
