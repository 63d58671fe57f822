"""Benchmark of crm_extension's duplicate protection (``scripts/bench``).

A measurement on generated data of the figures the duplicate protection
promises, each as a ratio against the same operation without rules or against
Odoo's own equivalent. In a database with crm_extension (installed after its
company was placed in China, as most generated customers are), for each size N
(10k, 100k, 1M partners by default):

1. tops ``res_partner`` up to N rows with generated partners
   (:mod:`benchmarks.partners`: Chinese, pinyin / English and German companies,
   their contact persons, about 2 % deliberate duplicates), set-based with
   COPY, their match keys given by the addon's ``partner_match_keys`` and
   checked on a sample against its set-based fill; then VACUUM ANALYZE;
2. measures, through Odoo's ORM in a transaction that is rolled back:

   - single creates with the shipped exact rules against the same creates
     without rules, alternating one by one: between the two, the rules are
     archived or restored through the ORM (as an administrator does; the
     rules' cache is cleared on write) and one untimed create warms the caches
     up again. The ratio of the mean times, which the machine's speed changes
     hit alike; also in blocks of 50 (alternating rounds, medians), with the
     SQL queries per create (``cr.sql_log_count``);
   - the same single creates as requests run them, each in a cursor of its
     own (Odoo's pool resets the connection's session when it lends it:
     ``DISCARD ALL`` drops the match statement's plans, planned again at every
     request), rolled back, the rules switched by committed writes
     (:func:`measure_requests`);
   - creates in batches of 1,000, with and without rules in alternating rounds
     (medians of the per-round ratios);
   - the exact-key match query the addon runs at each create (its time inside
     the creates, seen through Odoo's query hooks, and its plan);
   - the addon's similar-name query for mutated names of existing companies;
   - the listing of all suspected duplicate groups per key against the query of
     Odoo's merge wizard (``base.partner.merge.automatic.wizard``) for the same
     criterion.

It ends with one table: size | metric | with rules | without rules / Odoo | ratio
| target | ok, and exits non-zero when a target is missed.
"""

import gc
import random
import statistics
import sys
import time

from .generate import vacuum_analyze
from .harness import (
    ADDON,
    add_sizes_argument,
    addon_depends,
    describe,
    relative,
    run,
    say,
    superuser_env,
    user_env,
)
from .measure import (
    QueryLog,
    explain,
    explain_nested,
    percentile,
    profiled,
    say_plan,
)
from .names import DE_LEGAL_FORMS, EN_LEGAL_FORMS
from .partners import (
    EXTRA_WORDS_CJK,
    EXTRA_WORDS_LATIN,
    ID_BASE,
    SEED,
    Generator,
    Loader,
    check_keys,
)
from .report import Report

# The command, database and reuse of this benchmark (harness.Benchmark).
COMMAND = "scripts/bench"
DEFAULT_DB = "crm_ext_bench"
REUSED = "its generated partners are kept and topped up"

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
EXACT_RULES = (
    "crm_extension.duplicate_rule_vat",
    "crm_extension.duplicate_rule_company_name",
    "crm_extension.duplicate_rule_email",
    "crm_extension.duplicate_rule_phone",
)
SIMILAR_RULE = "crm_extension.duplicate_rule_similar_name"

# The review screen (the SQL view crm_duplicate_group) lists suspected groups per
# key: these are the queries its list view runs, one key at a time.
OUR_GROUP_QUERIES = {
    key: f"SELECT key_value, partner_count FROM crm_duplicate_group WHERE key = '{key}'"
    for key in ("name", "vat", "email")
}

TARGETS = {
    "single": 1.05,
    "batch": 1.05,
    "match_ms": 0.5,
    "similar_p90_ms": 20.0,
    "listing_speedup": 3.0,
}
BIG_SIZE = 1_000_000  # targets 3 to 5 are promised from this size on

# The addon's match statement (a function of the database, which locks the
# keys too).
MATCH = "crm_extension_match"


def is_match(query):
    return MATCH in query


def name_keys(name):
    """(name key, name core key) of a company name: the addon's definition."""
    from odoo.addons.crm_extension.models.res_partner_duplicate import (
        partner_match_keys,
    )

    keys = partner_match_keys(
        name, None, None, None, None, None, None, None, is_company=True
    )
    return keys["name_key"], keys["name_core_key"]


_FIRST, _LAST = slice(None, 100), slice(-100, None)


def set_rules(env, mode):
    """Through the ORM, as an administrator does: mode "off" (all rules
    archived), "exact" (the shipped exact rules only) or "all" (those and the
    similar-name rule)."""
    Rule = env["crm.duplicate.rule"].sudo().with_context(active_test=False)
    wanted = Rule.browse()
    if mode in ("exact", "all"):
        wanted = Rule.browse([env.ref(xmlid).id for xmlid in EXACT_RULES])
    if mode == "all":
        wanted |= env.ref(SIMILAR_RULE)
    rules = Rule.search([])
    (rules.filtered("active") - wanted).write({"active": False})
    (wanted - rules.filtered("active")).write({"active": True})
    env.flush_all()
    active = env["crm.duplicate.rule"].sudo().search([])
    assert set(active.ids) == set(wanted.ids), (mode, active)


class Bench:
    """The measurements of one size, as the administrator, in one transaction."""

    def __init__(self, env, generator, args):
        self.env = env
        self.cr = env.cr
        self.gen = generator
        self.args = args
        self.company_ids = []
        self.company_emails = []
        self.backend_pid = None
        self.taken_keys = set()
        generator.taken = self.name_taken

    def name_taken(self, name):
        """Whether a fresh company's name is a registered one (a block rule
        would refuse it): the fresh companies of the benchmark are new ones.
        Names given out once are taken too (the creates are rolled back)."""
        key, _core = name_keys(name)
        if key in self.taken_keys:
            return True
        self.cr.execute("SELECT 1 FROM res_partner WHERE name_key = %s LIMIT 1", [key])
        if self.cr.rowcount:
            return True
        self.taken_keys.add(key)
        return False

    def sample_existing(self, generated):
        rng = random.Random(SEED + generated)
        ids = [ID_BASE + rng.randrange(generated) for _ in range(min(4000, generated))]
        self.cr.execute(
            "SELECT id, email, name FROM res_partner WHERE id = ANY(%s) "
            "AND is_company AND parent_id IS NULL ORDER BY id",
            [ids],
        )
        rows = self.cr.fetchall()
        self.company_ids = [row[0] for row in rows]
        self.company_emails = [row[1] for row in rows if row[1]]
        return rows

    def fresh_vals(self, count):
        return [self.gen.bench_vals(self.company_ids) for _ in range(count)]

    # -- creates -------------------------------------------------------------

    def backend_cpu(self):
        """CPU seconds used so far by this cursor's PostgreSQL backend, when the
        server runs on this machine (``/proc/<pid>/schedstat``), else None."""
        if self.backend_pid is None:
            self.cr.execute("SELECT pg_backend_pid()")
            self.backend_pid = self.cr.fetchone()[0]
        try:
            with open(f"/proc/{self.backend_pid}/schedstat", encoding="ascii") as f:
                return int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return None

    def timed_creates(self, vals_list, single):
        """Create the partners (one by one, or in one call) and flush; return
        wall seconds, CPU seconds (Odoo + PostgreSQL, None if unknown), the
        number of SQL queries and the match and key lock queries run."""
        env, cr = self.env, self.cr
        Partner = env["res.partner"]
        gc.collect()
        gc.disable()
        queries = cr.sql_log_count
        server_cpu = self.backend_cpu()
        cpu = time.process_time()
        try:
            with QueryLog(keep=is_match) as log:
                started = time.perf_counter()
                if single:
                    for vals in vals_list:
                        Partner.create(vals)
                        env.flush_all()
                else:
                    Partner.create(vals_list)
                    env.flush_all()
                elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
        finally:
            gc.enable()
        server_after = self.backend_cpu()
        if server_cpu is None or server_after is None:
            cpu = None
        else:
            cpu += server_after - server_cpu
        return elapsed, cpu, cr.sql_log_count - queries, log.entries

    def rounds(self, modes, rounds, count, single, make_vals=None, on_block=None):
        """Alternate blocks of ``count`` creates in each rule mode (switched
        through the ORM, then 5 untimed creates warm the caches up again); every
        block runs in a savepoint that is rolled back. Returns {mode: [blocks]}."""
        make_vals = make_vals or self.fresh_vals
        results = {mode: [] for mode in modes}
        for number in range(rounds):
            order = modes if number % 2 == 0 else tuple(reversed(modes))
            for mode in order:
                set_rules(self.env, mode)
                vals_list = make_vals(count)
                savepoint = self.cr.savepoint()
                self.timed_creates(self.fresh_vals(5), True)
                self.cr.execute("SELECT max(id) FROM res_partner")
                last_id = self.cr.fetchone()[0]
                elapsed, cpu, queries, entries = self.timed_creates(vals_list, single)
                block = {
                    "ms": 1000 * elapsed / count,
                    "cpu_ms": None if cpu is None else 1000 * cpu / count,
                    "queries": queries / count,
                    "entries": entries,
                    "last_id": last_id,
                }
                results[mode].append(block)
                if on_block:
                    on_block(mode, number, block)
                savepoint.close(rollback=True)
        return results

    def warm_up(self):
        for mode in ("off", "exact"):
            set_rules(self.env, mode)
            savepoint = self.cr.savepoint()
            self.timed_creates(self.fresh_vals(20), True)
            savepoint.close(rollback=True)

    def measure_creates(self, size, report):
        args = self.args
        self.warm_up()
        explained = {}

        def explain_last(mode, number, block):
            if mode == "exact" and number == args.rounds - 1:
                matches = [e for e in block["entries"] if MATCH in e[0]]
                if matches:
                    query, params = matches[-1][:2]
                    explained["plan"] = explain(self.cr, query, params)
                    explained["nested"] = explain_nested(self.cr, query, params)
                    explained["direct"] = self.time_query(query, params)
                    explained["times"] = self.explain_times(query, params)

        single = self.rounds(
            ("exact", "off"), args.rounds, args.single_count, True, None, explain_last
        )
        self.measure_interleaved(size, report, args.interleaved_pairs)
        self.measure_statement_floor(size, report, args.interleaved_pairs // 2)
        batch = self.rounds(("all", "off"), args.batch_rounds, 1000, False)
        self.report_ratio(
            report,
            size,
            f"  single create, exact rules, blocks of {args.single_count} (ms/partner)",
            single,
            None,
        )
        self.report_ratio(
            report,
            size,
            "batch create of 1000, all shipped rules (ms/partner)",
            batch,
            "batch",
        )
        self.report_queries(report, size, "SQL queries per single create", single)
        self.report_queries(
            report, size, "SQL queries per partner, batch of 1000", batch
        )
        self.report_match(report, size, single, batch, explained)

        flagged = []

        def count_flagged(mode, number, block):
            if mode != "off":
                self.cr.execute(
                    "SELECT count(*) FROM res_partner WHERE id > %s "
                    "AND duplicate_state = 'suspect'",
                    [block["last_id"]],
                )
                flagged.append(self.cr.fetchone()[0])

        warn = self.rounds(
            ("exact", "off"), 3, 100, True, self.warn_vals, count_flagged
        )
        say(f"  warn variant: partners flagged for review per block: {flagged}")
        self.report_ratio(
            report, size, "single create, 10% hit a warn rule (ms/partner)", warn, None
        )
        flagged.clear()
        similar = self.rounds(("all", "off"), 2, 100, True, None, count_flagged)
        say(
            "  with the similar-name rule: fresh partners flagged for review per "
            f"block of 100: {flagged}"
        )
        report.add(
            f"{size:,}",
            "fresh, unrelated partners flagged by the similar-name rule",
            f"{sum(flagged)} / {100 * len(flagged)}",
            "-",
            "-",
            "info",
        )
        self.report_ratio(
            report,
            size,
            "single create, exact + similar rules (ms/partner)",
            similar,
            None,
        )
        if args.profile:
            set_rules(self.env, "all")
            vals_list = self.fresh_vals(100)
            savepoint = self.cr.savepoint()
            with profiled(
                "\n--- cProfile of 100 single creates with all shipped rules "
                f"({ADDON} functions, cumulative) ---",
                only=ADDON,
            ):
                self.timed_creates(vals_list, True)
            savepoint.close(rollback=True)

    # -- import ----------------------------------------------------------------

    IMPORT_FIELDS = ("name", "is_company", "email", "phone", "city")

    def import_rows(self, count, duplicates, existing):
        """``count`` rows of companies for Odoo's import, ``duplicates`` of them
        (at random places) named as existing customers; returns the rows and the
        places of the duplicates (0-based, as load reports them)."""
        rng = random.Random(SEED + count)
        rows = []
        for _ in range(count):
            vals = self.gen.bench_vals(self.company_ids, contact_share=0)
            rows.append([str(vals.get(f) or "") for f in self.IMPORT_FIELDS])
            rows[-1][1] = "1"
        names = rng.sample(sorted({name for _id, _email, name in existing}), duplicates)
        places = sorted(rng.sample(range(count), duplicates))
        for place, name in zip(places, names, strict=True):
            rows[place][0] = name
        return rows, places

    def timed_import(self, rows):
        """Odoo's import of ``rows`` (as the import screen calls it), in a
        savepoint rolled back: seconds, its result, the match queries run."""
        Partner = self.env["res.partner"].with_context(import_file=True)
        savepoint = self.cr.savepoint()
        gc.collect()
        try:
            with QueryLog(keep=lambda query: MATCH in query) as log:
                started = time.perf_counter()
                result = Partner.load(list(self.IMPORT_FIELDS), rows)
                self.env.flush_all()
                elapsed = time.perf_counter() - started
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        return elapsed, result, len(log.entries)

    def measure_import(self, size, report, existing):
        """A customer list of 10,000 rows loaded with Odoo's import, 2 % of its
        rows naming existing customers: the rows blamed, the passes of the rules
        and the time, against the same import without rules."""
        count = self.args.import_rows
        duplicates = max(1, count // 50)
        rows, places = self.import_rows(count, duplicates, existing)
        clean, _places = self.import_rows(count, 0, existing)
        set_rules(self.env, "all")
        self.timed_import(rows[:50])  # warm-up, untimed
        with_rules, result, passes = self.timed_import(rows)
        blamed = sorted(
            message["rows"]["from"]
            for message in result["messages"]
            if message["type"] == "error" and "rows" in message
        )
        clean_rules, clean_result, _passes = self.timed_import(clean)
        set_rules(self.env, "off")
        self.timed_import(rows[:50])
        without_rules, plain, _passes = self.timed_import(clean)
        say(
            f"  import of {count:,} rows, {duplicates} naming existing customers: "
            f"{len(blamed)} rows blamed in {with_rules:.1f} s ({passes} match "
            f"queries); clean file {clean_rules:.1f} s with rules, "
            f"{without_rules:.1f} s without"
        )
        report.add(
            f"{size:,}",
            f"import of {count:,} rows, 2 % duplicates: rows blamed / planted",
            f"{len(blamed)} / {duplicates}",
            "-",
            "-",
            "all, no other",
            # (and the clean file imported, with rules and without)
            ok=blamed == places
            and result["ids"] is False
            and len(clean_result["ids"] or []) == count
            and len(plain["ids"] or []) == count,
        )
        report.add(
            f"{size:,}",
            "  its match queries (one pass of the rules)",
            str(passes),
            "-",
            "-",
            "1",
            ok=passes == 1,
        )
        report.add(
            f"{size:,}",
            f"  import of {count:,} rows refused (s) / clean file without rules",
            f"{with_rules:.1f}",
            f"{without_rules:.1f}",
            f"{with_rules / without_rules:.2f}",
            "info",
        )
        report.add(
            f"{size:,}",
            f"import of {count:,} clean rows (s), rules / no rules",
            f"{clean_rules:.1f}",
            f"{without_rules:.1f}",
            f"{clean_rules / without_rules:.2f}",
            "info",
        )

    def measure_interleaved(self, size, report, pairs):
        """Single creates with and without the rules, alternating one by one
        (ABBA), so that the machine's speed changes hit both alike.

        Between the two, the shipped rules (all five, the similar-name rule
        included, as installed) are archived or restored
        through the ORM (the rules' cache, and with it the registry's, is
        cleared on write), and one untimed create warms the caches up again in
        the new mode: every timed create runs on warm caches. Every 100 pairs
        are rolled back.
        """
        env, cr = self.env, self.cr
        Partner = env["res.partner"]
        set_rules(env, "all")
        shipped_rules = env["crm.duplicate.rule"].sudo().search([])
        mode = "exact"
        times = {"exact": [], "off": []}
        chunks = []
        done = 0
        while done < pairs:
            savepoint = cr.savepoint()
            self.timed_creates(self.fresh_vals(4), True)
            chunk = {"exact": 0.0, "off": 0.0}
            gc.collect()
            gc.disable()
            try:
                for number in range(min(100, pairs - done)):
                    order = ("exact", "off") if number % 2 == 0 else ("off", "exact")
                    for wanted in order:
                        if wanted != mode:
                            shipped_rules.write({"active": wanted == "exact"})
                            mode = wanted
                            Partner.create(self.fresh_vals(1))
                            env.flush_all()
                        vals = self.gen.bench_vals(self.company_ids)
                        started = time.perf_counter()
                        Partner.create(vals)
                        env.flush_all()
                        elapsed = time.perf_counter() - started
                        times[wanted].append(elapsed)
                        chunk[wanted] += elapsed
                    done += 1
            finally:
                gc.enable()
            chunks.append(chunk["exact"] / chunk["off"])
            savepoint.close(rollback=True)
            # The rollback restored the rules, not the rules' cache.
            mode = "exact"
            env.registry.clear_cache()
        with_ms = 1000 * statistics.fmean(times["exact"])
        without_ms = 1000 * statistics.fmean(times["off"])
        ratio = with_ms / without_ms
        medians = statistics.median(times["exact"]) / statistics.median(times["off"])
        say(
            f"  single create, all shipped rules, {pairs} interleaved pairs: mean "
            f"{with_ms:.2f} / {without_ms:.2f} ms, ratio {ratio:.3f} (of the "
            f"medians {medians:.3f}; per 100 pairs "
            + ", ".join(f"{value:.3f}" for value in chunks)
            + ")"
        )
        target = TARGETS["single"]
        report.add(
            f"{size:,}",
            "single create, all shipped rules (ms/partner; interleaved one by one)",
            f"{with_ms:.3f}",
            f"{without_ms:.3f}",
            f"{ratio:.3f}",
            f"<= {target:.2f}",
            ok=ratio <= target,
        )
        # The savepoints roll each 100 pairs back, not the transaction: a
        # create made late in it costs what an early one does (each partner
        # operation left environments behind that every later one looked
        # through: 1.7.2).
        first, last = (
            1000 * statistics.fmean(times["off"][part]) for part in (_FIRST, _LAST)
        )
        report.add(
            f"{size:,}",
            f"  single create without rules, last / first 100 of the {pairs} in one "
            "transaction (ms/partner)",
            f"{last:.3f}",
            f"{first:.3f}",
            f"{last / first:.3f}",
            "info",
        )

    def measure_statement_floor(self, size, report, pairs):
        """What one statement more per create costs on this machine, whatever
        it does: single creates without rules, alternating one by one with
        the same creates and a ``SELECT 1`` sent either after the Python of
        the create, before Odoo's flush (where the server process has been
        waiting for some milliseconds: asleep, its caches cold), or right
        after the flush (to a server process that has just worked). The
        rules check a registration by one statement, sent after the Python
        of the create (it also takes the lock that serialises concurrent
        registrations of a key: no registration can do without it); its round
        trip is part of the single-create ratio whatever the statement does."""
        env, cr = self.env, self.cr
        Partner = env["res.partner"]
        set_rules(env, "off")
        modes = ("plain", "cold", "hot")
        times = {mode: [] for mode in modes}
        savepoint = cr.savepoint()
        try:
            Partner.create(self.fresh_vals(2))
            env.flush_all()
            gc.collect()
            gc.disable()
            try:
                for number in range(pairs):
                    order = modes if number % 2 == 0 else modes[::-1]
                    for mode in order:
                        vals = self.gen.bench_vals(self.company_ids)
                        started = time.perf_counter()
                        Partner.create(vals)
                        if mode == "cold":
                            cr.execute("SELECT 1")
                        env.flush_all()
                        if mode == "hot":
                            cr.execute("SELECT 1")
                        times[mode].append(time.perf_counter() - started)
            finally:
                gc.enable()
        finally:
            savepoint.close(rollback=True)
            set_rules(env, "all")
        without_ms = 1000 * statistics.fmean(times["plain"])
        for mode, label in (
            ("cold", "sent after the Python of the create"),
            ("hot", "sent right after Odoo's flush"),
        ):
            with_ms = 1000 * statistics.fmean(times[mode])
            report.add(
                f"{size:,}",
                "  single create without rules, plus one statement (SELECT 1) "
                f"{label}: the floor of a check in the database (ms/partner; "
                "interleaved)",
                f"{with_ms:.3f}",
                f"{without_ms:.3f}",
                f"{with_ms / without_ms:.3f}",
                "info",
            )

    def warn_vals(self, count):
        rng = random.Random(SEED + self.gen.bench_counter)
        vals_list = self.fresh_vals(count)
        for index in range(0, count, 10):
            vals_list[index]["email"] = rng.choice(self.company_emails)
        return vals_list

    def explain_times(self, query, params, repeat=20):
        """Median planning and execution times (ms) over ``repeat`` EXPLAINs."""
        planning, execution = [], []
        for _ in range(repeat):
            for line in explain(self.cr, query, params):
                label, _sep, value = line.strip().partition(": ")
                if label == "Planning Time":
                    planning.append(float(value.split()[0]))
                elif label == "Execution Time":
                    execution.append(float(value.split()[0]))
        return statistics.median(planning), statistics.median(execution)

    def time_query(self, query, params, repeat=50):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            self.cr.execute(query, params)
            self.cr.fetchall()
            times.append(1000 * (time.perf_counter() - started))
        return statistics.median(times)

    # -- reporting of creates -----------------------------------------------

    @staticmethod
    def paired(results, field):
        """Medians with and without rules, and the median of the ratios of the
        two adjacent blocks of each round (immune to slow drifts of the
        machine's speed during the run)."""
        on_blocks, off_blocks = results.values()
        on = statistics.median(block[field] for block in on_blocks)
        off = statistics.median(block[field] for block in off_blocks)
        ratio = statistics.median(
            a[field] / b[field] for a, b in zip(on_blocks, off_blocks, strict=True)
        )
        return on, off, ratio

    def report_ratio(self, report, size, metric, results, target_key):
        modes = list(results)
        on, off, ratio = self.paired(results, "ms")
        target = TARGETS.get(target_key)
        say(
            f"  {metric}: rounds with rules "
            + ", ".join(f"{b['ms']:.2f}" for b in results[modes[0]])
            + " / without "
            + ", ".join(f"{b['ms']:.2f}" for b in results[modes[1]])
        )
        report.add(
            f"{size:,}",
            metric,
            f"{on:.3f}",
            f"{off:.3f}",
            f"{ratio:.3f}",
            f"<= {target:.2f}" if target else "info",
            ok=None if target is None else ratio <= target,
        )
        if all(b["cpu_ms"] is not None for mode in modes for b in results[mode]):
            on, off, ratio = self.paired(results, "cpu_ms")
            report.add(
                f"{size:,}",
                "  same, CPU ms/partner (Odoo + PostgreSQL backend)",
                f"{on:.3f}",
                f"{off:.3f}",
                f"{ratio:.3f}",
                "info",
            )

    @staticmethod
    def report_queries(report, size, metric, results):
        on_blocks, off_blocks = results.values()
        on = statistics.median(block["queries"] for block in on_blocks)
        off = statistics.median(block["queries"] for block in off_blocks)
        report.add(
            f"{size:,}", metric, f"{on:.2f}", f"{off:.2f}", f"{on - off:+.2f}", "info"
        )

    def report_match(self, report, size, single, batch, explained):
        match_ms = [
            1000 * delay
            for block in single["exact"]
            for query, _params, delay in block["entries"]
            if MATCH in query
        ]
        batch_match = [
            1000 * delay
            for block in batch["all"]
            for query, _params, delay in block["entries"]
            if MATCH in query
        ]
        p50, p90 = percentile(match_ms, 0.5), percentile(match_ms, 0.9)
        say(
            f"  exact match query inside single creates: n={len(match_ms)} "
            f"p50={p50:.3f} ms p90={p90:.3f} ms (the keys locked by the same "
            "statement); match query of a batch of 1000: "
            f"p50={percentile(batch_match, 0.5):.2f} ms"
        )
        server = None
        if explained:
            planning, execution = explained["times"]
            server = planning + execution
            say_plan(
                "  EXPLAIN (ANALYZE, BUFFERS) of the match query of the last single "
                f"create (re-run 50 times directly: median {explained['direct']:.3f} "
                f"ms; median of 20 EXPLAINs: planning {planning:.3f} ms, execution "
                f"{execution:.3f} ms):",
                explained["plan"],
            )
            if explained.get("nested"):
                say_plan(
                    "  the statements it runs (auto_explain, ANALYZE):",
                    explained["nested"],
                )
        plan = "\n".join(explained.get("nested") or explained.get("plan", []))
        # (The customer test of the matches reads the tiny res_company and
        # res_users tables, for the few rows found: a scan there is no concern.)
        uses_index = "Index" in plan and "Seq Scan on res_partner" not in plan
        target = TARGETS["match_ms"]
        report.add(
            f"{size:,}",
            "exact match query, EXPLAIN plan + execution ms"
            + ("" if uses_index else " [NO INDEX SCAN]"),
            "-" if server is None else f"{planning:.3f} + {execution:.3f}",
            "-",
            "-",
            f"< {target} ms, index",
            ok=server is not None and server < target and uses_index,
            counted=size >= BIG_SIZE,
        )
        report.add(
            f"{size:,}",
            "  same query as timed inside the creates (client), p50 (p90) ms",
            f"{p50:.3f} ({p90:.3f})",
            "-",
            "-",
            "info",
        )

    # -- similar names ---------------------------------------------------------

    def mutated_names(self, rows, count):
        """(name core, id of the company it was made from) of ``count`` names
        made by adding or removing a word of existing companies' names."""
        rng = random.Random(SEED + 7)
        names = []
        for pid, _email, name in rows:
            if len(names) >= count:
                break
            key, _core = name_keys(name)
            if not key:
                continue
            if any("\u4e00" <= char <= "\u9fff" for char in key):
                mutated = self.mutate_cjk(key, rng)
            else:
                mutated = self.mutate_latin(name, rng)
            mutated_key, mutated_core = name_keys(mutated)
            if len(mutated_key) >= 3:
                # What the similar-name rule compares: the core of the name.
                names.append((mutated_core, pid))
        return names

    @staticmethod
    def mutate_cjk(key, rng):
        if rng.random() < 0.5 and len(key) > 4:
            position = rng.randrange(len(key))
            return key[:position] + key[position + 1 :]
        position = rng.randrange(len(key) + 1)
        return key[:position] + rng.choice(EXTRA_WORDS_CJK) + key[position:]

    @staticmethod
    def mutate_latin(name, rng):
        """Add or remove a word of the name (its legal form left aside)."""
        for form in sorted(EN_LEGAL_FORMS + DE_LEGAL_FORMS, key=len, reverse=True):
            if name.casefold().endswith(" " + form.casefold()):
                name = name[: -len(form) - 1]
                break
        words = name.split()
        if rng.random() < 0.5 and len(words) > 2:
            del words[rng.randrange(1, len(words))]
        else:
            words.insert(rng.randrange(len(words) + 1), rng.choice(EXTRA_WORDS_LATIN))
        return " ".join(words)

    def measure_similar(self, size, report, rows):
        Rule = self.env["crm.duplicate.rule"]
        names = self.mutated_names(rows, self.args.similar_names)
        for threshold in (0.6, 0.5):
            for core, _pid in names[:20]:  # warm-up
                Rule._similar_query([core], [], threshold)
            times, hits, found_source = [], 0, 0
            for core, pid in names:
                started = time.perf_counter()
                found = Rule._similar_query([core], [], threshold)
                times.append(1000 * (time.perf_counter() - started))
                hits += bool(found)
                found_source += any(match["id"] == pid for _index, match in found)
            p50, p90, p99 = (percentile(times, f) for f in (0.5, 0.9, 0.99))
            say(
                f"  similar names, threshold {threshold}: {len(names)} mutated names,"
                f" {hits} with a match, {found_source} finding the company they were "
                f"made from; p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, "
                f"max {max(times):.2f} ms"
            )
            slow = names[times.index(percentile(times, 0.9))][0]
            with QueryLog() as log:
                Rule._similar_query([slow], [], threshold)
            query = log.matching("LATERAL") or log.entries
            plan = explain(self.cr, *query[-1][:2])
            if threshold == 0.6 or self.args.explain:
                say_plan(
                    f"  EXPLAIN (ANALYZE, BUFFERS) of the p90 core {slow!r}:", plan
                )
            candidates = [
                line for line in plan if "Rows Removed by Index Recheck" in line
            ]
            target = TARGETS["similar_p90_ms"]
            report.add(
                f"{size:,}",
                f"similar-name query, threshold {threshold}: p50 / p90 / p99 ms",
                f"{p50:.2f} / {p90:.2f} / {p99:.2f}",
                "-",
                "-",
                f"p90 < {target:.0f} ms",
                ok=p90 < target,
                counted=size >= BIG_SIZE,
            )
            report.add(
                f"{size:,}",
                "  same, mutated names finding their source company / any match",
                f"{found_source} / {hits} of {len(names)}",
                "-",
                "-",
                "info",
            )
            if candidates:
                say("  p90 core, index recheck: " + candidates[-1].strip())

    # -- the labelled set ----------------------------------------------------

    RULE_LABELS = {
        "crm_extension.duplicate_rule_vat": "block same VAT / registry",
        "crm_extension.duplicate_rule_company_name": "block same company name",
        "crm_extension.duplicate_rule_email": "warn same email",
        "crm_extension.duplicate_rule_phone": "warn same phone",
        "crm_extension.duplicate_rule_similar_name": "warn similar name",
    }

    def register(self, vals_list):
        """Create the partners one by one through the ORM (all rules active),
        each in a savepoint: ``[id or None]`` (None: refused)."""
        Partner = self.env["res.partner"]
        ids = []
        for vals in vals_list:
            try:
                with self.cr.savepoint():
                    ids.append(Partner.create(vals).id)
            except Exception:  # noqa: BLE001 - a refused registration
                ids.append(None)
        self.env.flush_all()
        return ids

    def probe(self, vals_list):
        """``[{rule label: {matched partner ids}}]``: what each rule finds for
        each registration, unsaved (``res.partner.new``), in batches of 200
        (one pass of the rules per batch, as an import does)."""
        Partner = self.env["res.partner"]
        Rule = self.env["crm.duplicate.rule"]
        labels = {
            self.env.ref(xmlid).id: label for xmlid, label in self.RULE_LABELS.items()
        }
        found = []
        for start in range(0, len(vals_list), 200):
            records = [Partner.new(vals) for vals in vals_list[start : start + 200]]
            matches = Rule._find_matches(Partner.concat(*records))
            for record in records:
                by_rule = {label: set() for label in labels.values()}
                for rule, match in matches.get(record, []):
                    by_rule[labels[rule["id"]]].add(match["id"])
                found.append(by_rule)
        return found

    def partner_vals(self, vals):
        vals = dict(vals)
        code = vals.pop("country", None)
        if code:
            vals["country_id"] = self.gen.countries[code][0]
        return vals

    def measure_labelled(self, size, report):
        """Precision and recall of each shipped rule on the labelled set of
        real names and their variants (benchmarks/labelled_names.py), and the
        share of unrelated companies the similar-name rule flags, among the
        real names and among 1,837 generated ones."""
        import opencc

        from .labelled_names import labelled_set

        converters = [
            opencc.OpenCC(f"{c}.json").convert for c in ("s2t", "s2tw", "s2hk")
        ]

        def to_traditional(text):
            return converters[sum(map(ord, text)) % 3](text)

        taiwan_words = opencc.OpenCC("s2twp.json").convert

        def to_taiwan_words(text):
            # (Only where Taiwan writes a word otherwise: the characters alone
            # are the kind "script".)
            worded = taiwan_words(text)
            return worded if worded != converters[1](text) else None

        set_rules(self.env, "all")
        originals, probes = labelled_set(to_traditional, to_taiwan_words)
        savepoint = self.cr.savepoint()
        ids = self.register([self.partner_vals(vals) for vals in originals])
        id_of = {
            vals["ref"]: pid for vals, pid in zip(originals, ids, strict=True) if pid
        }
        labelled_ids = set(id_of.values())
        refused = len(originals) - len(id_of)
        probes = [
            p
            for p in probes
            if (p["of"] if p["of"] is not None else p["self"]) in id_of
        ]
        found = self.probe([self.partner_vals(p["vals"]) for p in probes])
        savepoint.close(rollback=True)
        twins = sum(p["of"] is not None for p in probes)
        unrelated = len(probes) - twins
        say(
            f"  labelled set: {len(originals)} real companies registered "
            f"({refused} refused), {twins} registrations of them again, "
            f"{unrelated} checked as unrelated against the others"
        )
        for scope in ("labelled set", "register"):
            per_kind = {}
            for label in self.RULE_LABELS.values():
                tp = fp = 0
                for probe, by_rule in zip(probes, found, strict=True):
                    own = id_of[probe["of"]] if probe["of"] is not None else None
                    matched = by_rule[label] - {id_of.get(probe.get("self"))}
                    if scope == "labelled set":
                        matched &= labelled_ids
                    if own and own in matched:
                        tp += 1
                        if label in ("block same company name", "warn similar name"):
                            per_kind.setdefault(probe["kind"], set()).add(id(probe))
                    if matched - {own}:
                        fp += 1
                precision = tp / (tp + fp) if tp + fp else 1.0
                recall = tp / twins if twins else 0.0
                report.add(
                    f"{size:,}",
                    f"{scope}: {label}, precision / recall",
                    f"{precision:.3f} / {recall:.3f}",
                    f"TP {tp}, FP {fp}",
                    f"FN {twins - tp}",
                    "info",
                )
            kinds = {}
            for probe in probes:
                if probe["of"] is not None:
                    total, hit = kinds.get(probe["kind"], (0, 0))
                    kinds[probe["kind"]] = (
                        total + 1,
                        hit + (id(probe) in per_kind.get(probe["kind"], set())),
                    )
            if scope == "labelled set":
                say(
                    "  labelled set, found by a name rule (block same name or warn "
                    "similar name), per variant: "
                    + ", ".join(
                        f"{kind} {hit}/{total}" for kind, (total, hit) in kinds.items()
                    )
                )
            flagged = 0
            for probe, by_rule in zip(probes, found, strict=True):
                if probe["of"] is None:
                    matched = by_rule["warn similar name"] - {id_of[probe["self"]]}
                    if scope == "labelled set":
                        matched &= labelled_ids
                    flagged += bool(matched)
            report.add(
                f"{size:,}",
                f"{scope}: unrelated real companies flagged by the similar-name rule",
                f"{flagged} / {unrelated}",
                f"{100 * flagged / unrelated:.1f} %",
                "-",
                "info",
            )
        self.measure_generated_flag_rate(size, report)

    def measure_generated_flag_rate(self, size, report, count=1837):
        """The share of ``count`` generated companies the similar-name rule
        flags against each other (as many as the real names the issue counted
        1.4 % of): how the generator's names compare with real ones."""
        set_rules(self.env, "all")
        vals_list = [
            self.gen.bench_vals(self.company_ids, contact_share=0) for _ in range(count)
        ]
        savepoint = self.cr.savepoint()
        ids = self.register(vals_list)
        found = self.probe(vals_list)
        savepoint.close(rollback=True)
        own = set(filter(None, ids))
        flagged = sum(
            bool((by_rule["warn similar name"] & own) - {pid})
            for pid, by_rule in zip(ids, found, strict=True)
            if pid
        )
        in_register = sum(
            bool(by_rule["warn similar name"] - {pid})
            for pid, by_rule in zip(ids, found, strict=True)
            if pid
        )
        report.add(
            f"{size:,}",
            f"{count:,} generated companies flagged by the similar-name rule "
            "among themselves / against the register",
            f"{flagged} / {in_register} of {len(own)}",
            f"{100 * flagged / len(own):.1f} % / {100 * in_register / len(own):.1f} %",
            "-",
            "info",
        )

    # -- listing duplicate groups ------------------------------------------------

    def measure_listing(self, size, report):
        Wizard = self.env["base.partner.merge.automatic.wizard"]
        total_ours, total_odoo = 0.0, 0.0
        for key, ours in OUR_GROUP_QUERIES.items():
            odoo_query = Wizard._generate_query([key], maximum_group=0)
            times = {"ours": [], "odoo": []}
            groups = {}
            for number in range(self.args.listing_runs):
                order = ("ours", "odoo") if number % 2 == 0 else ("odoo", "ours")
                for which in order:
                    query = ours if which == "ours" else odoo_query
                    started = time.perf_counter()
                    self.cr.execute(query)
                    rows = self.cr.fetchall()
                    times[which].append(1000 * (time.perf_counter() - started))
                    groups[which] = (
                        len(rows),
                        sum(
                            row[1] if isinstance(row[1], int) else len(row[1])
                            for row in rows
                        ),
                    )
            ours_ms = statistics.median(times["ours"])
            odoo_ms = statistics.median(times["odoo"])
            total_ours += ours_ms
            total_odoo += odoo_ms
            say(
                f"  duplicate groups by {key}: ours {groups['ours'][0]:,} groups "
                f"({groups['ours'][1]:,} partners), best {min(times['ours']):.1f} ms"
                f" median {ours_ms:.1f} ms; Odoo's merge wizard "
                f"{groups['odoo'][0]:,} groups ({groups['odoo'][1]:,} partners), "
                f"best {min(times['odoo']):.1f} ms median {odoo_ms:.1f} ms"
            )
            if self.args.explain:
                for label, query in (("ours", ours), ("Odoo", odoo_query)):
                    say_plan(
                        f"  EXPLAIN (ANALYZE, BUFFERS), {label}: {query}",
                        explain(self.cr, query),
                    )
            self.add_listing(
                report,
                size,
                f"list duplicate groups by {key}",
                ours_ms,
                odoo_ms,
                min(times["ours"]),
                min(times["odoo"]),
            )
            with_members = self.time_members(key, ours)
            report.add(
                f"{size:,}",
                "  same + member ids of every group (as Odoo's query returns)",
                f"{with_members:.1f}",
                f"{odoo_ms:.1f}",
                f"{odoo_ms / with_members:.2f}x faster",
                "info",
            )
        self.add_listing(
            report,
            size,
            "list duplicate groups, 3 keys together",
            total_ours,
            total_odoo,
            None,
            None,
        )

    def time_members(self, key, groups_query):
        """Median ms of listing the groups and then the member ids of every group
        with the query the review screen runs for the groups it displays."""
        column = f"{key}_key"
        members = (
            f"SELECT {column}, array_agg(id ORDER BY id) FROM res_partner "
            f"WHERE {column} = ANY(%s) GROUP BY 1"
        )
        times = []
        for _ in range(self.args.listing_runs):
            started = time.perf_counter()
            self.cr.execute(groups_query)
            values = [row[0] for row in self.cr.fetchall()]
            self.cr.execute(members, [values])
            self.cr.fetchall()
            times.append(1000 * (time.perf_counter() - started))
        return statistics.median(times)

    def search_terms(self):
        """``[(label, typed)]``: what a colleague types into a customer field
        (a quotation's): the trade name of a registered Chinese company in
        its simplified and traditional spellings, a German one, and a
        registered VAT number with its country prefix and separators."""
        from odoo.addons.crm_extension.tools.normalize import script_spellings

        # (A trade name written otherwise in traditional characters.)
        self.cr.execute(
            "SELECT name_core_key FROM res_partner WHERE is_company "
            "AND name_core_key ~ '^[\u4e00-\u9fff]{2}$' ORDER BY id LIMIT 500"
        )
        core, traditional = next(
            (core, spellings[-1])
            for (core,) in self.cr.fetchall()
            if (spellings := script_spellings(core))
        )
        self.cr.execute(
            "SELECT name_core_key FROM res_partner WHERE is_company "
            "AND name_core_key ~ '^[a-zäöü]{5,}$' "
            "AND strpos(lower(name), name_core_key) > 0 ORDER BY id LIMIT 1"
        )
        western = self.cr.fetchone()[0]
        self.cr.execute(
            "SELECT vat_key FROM res_partner WHERE vat_key ~ '^9[0-9A-Z]{17}$' "
            "ORDER BY id LIMIT 1"
        )
        vat = self.cr.fetchone()[0]
        spaced = "CN " + " ".join(vat[i : i + 4] for i in range(0, len(vat), 4))
        return [
            ("Chinese trade name, simplified", core),
            ("the same, traditional", traditional),
            ("German name", western.capitalize()),
            ("VAT number, prefix and spaces", spaced),
        ]

    def measure_search(self, size, report):
        """Odoo's name search of customers (a customer field's dropdown: 8
        names) with the addon, which also searches the other spellings of a
        Chinese text and a typed VAT number by its key, against Odoo's own
        domain (its ``_rec_names_search`` fields), alternating."""
        Partner = self.env["res.partner"]
        odoo_fields = Partner._rec_names_search
        for label, typed in self.search_terms():
            domains = {
                "ours": [("display_name", "ilike", typed)],
                "odoo": ["|"] * (len(odoo_fields) - 1)
                + [(fname, "ilike", typed) for fname in odoo_fields],
            }
            times = {"ours": [], "odoo": []}
            found = {}
            for number in range(2 * self.args.listing_runs):
                order = ("ours", "odoo") if number % 2 == 0 else ("odoo", "ours")
                for which in order:
                    started = time.perf_counter()
                    Partner.search(domains[which], limit=8)
                    times[which].append(1000 * (time.perf_counter() - started))
                    found[which] = Partner.search_count(domains[which])
            ours_ms = statistics.median(times["ours"])
            odoo_ms = statistics.median(times["odoo"])
            say(
                f"  name search {typed!r} ({label}): {found['ours']:,} customers "
                f"found, first 8 in {ours_ms:.1f} ms; Odoo's domain finds "
                f"{found['odoo']:,} in {odoo_ms:.1f} ms"
            )
            report.add(
                f"{size:,}",
                f"name search, {label}: found / Odoo's; first 8 (median ms)",
                f"{found['ours']:,}; {ours_ms:.1f}",
                f"{found['odoo']:,}; {odoo_ms:.1f}",
                f"{ours_ms / odoo_ms:.2f}",
                "finds Odoo's and more",
                ok=found["ours"] >= found["odoo"] and found["ours"] > 0,
            )

    @staticmethod
    def add_listing(report, size, metric, ours, odoo, ours_best, odoo_best):
        speedup = odoo / ours
        target = TARGETS["listing_speedup"]
        best = ""
        if ours_best is not None:
            best = f" (best {ours_best:.1f})"
        report.add(
            f"{size:,}",
            metric + " (median ms)",
            f"{ours:.1f}{best}",
            f"{odoo:.1f}" + (f" (best {odoo_best:.1f})" if odoo_best else ""),
            f"{speedup:.2f}x faster",
            f">= {target:.0f}x faster",
            ok=speedup >= target,
            counted=size >= BIG_SIZE,
        )


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def top_up(registry, generator, size):
    """Generated partners up to ``size`` rows, committed, then VACUUM ANALYZE;
    the timings and the number of generated partners."""
    started = time.perf_counter()
    with registry.cursor() as cr:
        loader = Loader(superuser_env(cr), generator, say)
        timings = loader.top_up(size)
        cr.commit()
        generated = loader.counts()[1]
    total = time.perf_counter() - started
    vacuum = vacuum_analyze(
        registry.db_name,
        ["res_partner", "crm_duplicate_name_core", "crm_duplicate_name_neighbour"],
    )
    timings.update(total_s=total + vacuum, vacuum_s=vacuum)
    if timings["rows"]:
        say(
            f"generated {timings['rows']:,} partners in {total:.1f} s (COPY "
            f"{timings['copy_s']:.1f} s, {timings['indexes_rebuilt']} indexes "
            f"rebuilt and name cores listed in {timings['index_s']:.1f} s, "
            + (
                "the name cores put in order as the nightly job does"
                if timings.get("cores_reordered")
                else "the name cores still in order"
            )
            + "), then VACUUM ANALYZE of "
            f"the partners and name cores in {vacuum:.1f} s (as autovacuum would: "
            "index-only scans possible, statistics current)"
        )
    else:
        say(
            f"res_partner already had {size:,} rows; VACUUM ANALYZE of the "
            f"partners and name cores in {vacuum:.1f} s"
        )
    return timings, generated


def measure_requests(registry, generator, args, report, size, generated):
    """Single creates as requests run them, with and without the rules,
    alternating one by one (ABBA) like the interleaved creates, but each in a
    cursor of its own. Odoo's pool resets the session of the connection it
    lends to a cursor (psycopg2's reset: ``DISCARD ALL``), which drops the plans
    the match function's statements kept: a request plans the statements it
    runs, which the creates in one transaction never show. Each create is
    rolled back (a request would commit: the database stays as it was). The
    shipped rules are switched by a write committed in a cursor of its own, as
    an administrator does, one untimed create after each switch; the rules are
    put back as they were at the end."""
    pairs = args.request_pairs
    xmlids = (*EXACT_RULES, SIMILAR_RULE)
    with registry.cursor() as cr:
        env = superuser_env(cr)
        admin = env.ref("base.user_admin")
        rule_ids = [env.ref(xmlid).id for xmlid in xmlids]
        Rule = env["crm.duplicate.rule"].with_context(active_test=False)
        was_active = Rule.browse(rule_ids).filtered("active").ids

    def switch(active_ids):
        with registry.cursor() as cr:
            rules = (
                superuser_env(cr)["crm.duplicate.rule"]
                .with_context(active_test=False)
                .browse(rule_ids)
            )
            rules.filtered(lambda rule: rule.id not in active_ids).write(
                {"active": False}
            )
            rules.filtered(lambda rule: rule.id in active_ids).write({"active": True})

    def create(vals):
        with registry.cursor() as cr:
            env = user_env(cr, admin, tz="Asia/Shanghai")
            started = time.perf_counter()
            env["res.partner"].create(vals)
            env.flush_all()
            elapsed = time.perf_counter() - started
            cr.rollback()
        return elapsed

    times = {"all": [], "off": []}
    with registry.cursor() as reader:
        bench = Bench(user_env(reader, admin), generator, args)
        bench.sample_existing(generated)
        try:
            mode = None
            for number in range(pairs):
                order = ("all", "off") if number % 2 == 0 else ("off", "all")
                for wanted in order:
                    if wanted != mode:
                        switch(rule_ids if wanted == "all" else [])
                        mode = wanted
                        create(bench.fresh_vals(1)[0])
                    times[wanted].append(create(bench.fresh_vals(1)[0]))
        finally:
            switch(was_active)
    with_ms = 1000 * statistics.fmean(times["all"])
    without_ms = 1000 * statistics.fmean(times["off"])
    ratio = with_ms / without_ms
    say(
        f"  single create as a request (own cursor), all shipped rules, {pairs} "
        f"interleaved pairs: mean {with_ms:.2f} / {without_ms:.2f} ms, ratio "
        f"{ratio:.3f} (of the medians "
        f"{statistics.median(times['all']) / statistics.median(times['off']):.3f})"
    )
    target = TARGETS["single"]
    report.add(
        f"{size:,}",
        "single create as a request, all shipped rules (ms/partner; own cursor, "
        "plans dropped as Odoo's pool does; interleaved)",
        f"{with_ms:.3f}",
        f"{without_ms:.3f}",
        f"{ratio:.3f}",
        f"<= {target:.2f}",
        ok=ratio <= target,
    )


def measure_size(registry, generator, args, report, size, generated):
    with registry.cursor() as cr:
        env = superuser_env(cr)
        checked, mismatches = check_keys(env, generated)
        say(
            f"match keys of {checked} generated partners against the addon's "
            f"set-based fill (match_input_query, partner_match_keys): "
            f"{len(mismatches)} differences"
        )
        for mismatch in mismatches[:5]:
            say(f"  partner {mismatch[0]}: stored {mismatch[1]}, addon {mismatch[2]}")
        if mismatches:
            raise SystemExit("the generated match keys are not the addon's")
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_company), "
            "count(*) FILTER (WHERE parent_id IS NOT NULL), count(vat_key), "
            "count(email_key), count(phone_key) FROM res_partner"
        )
        total, companies, contacts, vats, emails, phones = cr.fetchone()
        say(
            f"res_partner: {total:,} rows, {companies:,} companies, {contacts:,} "
            f"contacts, {vats:,} with a VAT key, {emails:,} e-mail keys, {phones:,} "
            "phone keys"
        )
        admin = env.ref("base.user_admin")
        bench = Bench(user_env(cr, admin, tz="Asia/Shanghai"), generator, args)
        rows = bench.sample_existing(generated)
        # Read-only measurements first, on the freshly vacuumed table.
        if "listing" in args.only:
            bench.measure_listing(size, report)
        if "search" in args.only:
            bench.measure_search(size, report)
        if "similar" in args.only:
            set_rules(bench.env, "off")
            bench.measure_similar(size, report, rows)
        if "labelled" in args.only:
            bench.measure_labelled(size, report)
        if "creates" in args.only:
            bench.measure_creates(size, report)
        if "import" in args.only:
            bench.measure_import(size, report, rows)
        cr.rollback()
    registry.clear_cache()
    if "requests" in args.only:
        measure_requests(registry, generator, args, report, size, generated)


def measure(args, registry):
    report = Report(
        "size | metric | with rules | without rules / Odoo | ratio | target | ok",
        notes="Single creates: one by one, alternating with and without rules "
        "(archived through the ORM, one untimed create after each switch), ratio "
        "of the mean times; as requests: the same, each in a cursor of its own "
        "(its session reset by Odoo's pool: plans dropped); blocks and batches: "
        "alternating rounds, each rolled back, ratio = median of the per-round "
        "ratios with / without rules. "
        "Listing: Odoo's merge-wizard query time / ours. (ok) / (missed) in "
        "brackets: target promised at 1,000,000 partners only.",
    )
    with registry.cursor() as cr:
        env = superuser_env(cr)
        describe(cr, f"database {args.db}")
        countries = {
            code: (country.id, country.phone_code)
            for code, country in (
                ("CN", env.ref("base.cn")),
                ("DE", env.ref("base.de")),
            )
        }
    generator = Generator(countries)
    generation = []
    for size in args.sizes:
        say(f"\n===== {size:,} partners =====")
        timings, generated = top_up(registry, generator, size)
        generation.append((size, timings))
        measure_size(registry, generator, args, report, size, generated)

    say("\n===== data generation =====")
    for size, timings in generation:
        if timings["rows"]:
            say(
                f"{size:>9,} partners: +{timings['rows']:,} rows in "
                f"{timings['total_s']:.1f} s (COPY {timings['copy_s']:.1f} s, "
                f"indexes {timings['index_s']:.1f} s, VACUUM ANALYZE "
                f"{timings['vacuum_s']:.1f} s)"
            )
        else:
            say(
                f"{size:>9,} partners: present already (VACUUM ANALYZE "
                f"{timings['vacuum_s']:.1f} s)"
            )
    return report


def install(server, args, log):
    """crm_extension's dependencies first; then the company is placed in China
    (as most generated customers are) before crm_extension fills its match keys."""
    say(
        f"installing {ADDON} without demo data in database {args.db} "
        f"(log: {relative(log)}) ..."
    )
    server.install(args.db, addon_depends(), log)
    server.query(
        args.db,
        "UPDATE res_partner SET country_id = (SELECT res_id FROM ir_model_data "
        "WHERE module = 'base' AND name = 'cn') WHERE id IN (SELECT partner_id "
        "FROM res_company) AND country_id IS NULL",
    )
    server.install(args.db, [ADDON], log)


def add_arguments(parser):
    add_sizes_argument(
        parser, DEFAULT_SIZES, "partners in res_partner (default 10k, 100k, 1M)"
    )
    parser.add_argument(
        "--rounds", type=int, default=10, help="rounds of single creates per rule mode"
    )
    parser.add_argument(
        "--single-count", type=int, default=50, help="single creates per round"
    )
    parser.add_argument(
        "--interleaved-pairs",
        type=int,
        default=1000,
        help="single creates with and without rules, alternating one by one",
    )
    parser.add_argument(
        "--batch-rounds",
        type=int,
        default=16,
        help="rounds of one batch of 1000 creates per rule mode",
    )
    parser.add_argument(
        "--only",
        default="listing,search,similar,labelled,creates,requests,import",
        help="measurements to run (default: all of "
        "listing,search,similar,labelled,creates,requests,import)",
    )
    parser.add_argument(
        "--request-pairs",
        type=int,
        default=300,
        help="single creates as requests (own cursor), with and without rules",
    )
    parser.add_argument(
        "--import-rows", type=int, default=10000, help="rows of the import measured"
    )
    parser.add_argument("--similar-names", type=int, default=300)
    parser.add_argument("--listing-runs", type=int, default=5)
    parser.add_argument(
        "--explain", action="store_true", help="also print the plans of the listing"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile 100 single creates with all shipped rules",
    )


if __name__ == "__main__":
    sys.exit(run(sys.modules[__name__]))
