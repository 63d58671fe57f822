"""Odoo's own crm and sale_crm tests, run from a fully loaded registry.

Used by the compatibility tier of scripts/test:

    python odoo_compat.py run OUT.json [--tests TEST-ID,...] -- ODOO-OPTIONS...
    python odoo_compat.py compare WITH.json WITHOUT.json [AGAIN-WITH AGAIN-WITHOUT]...

``run`` (with Odoo's Python, ``odoo`` importable) loads the registry of the
database named by ``-d`` with every installed module, starts Odoo's HTTP server
(for the HttpCase tours) and runs the at_install, then the post_install test
classes of ``crm`` and ``sale_crm`` with Odoo's own test loader. At-install
tests normally run while the modules load, before the modules depending on
``crm`` are in the registry; here they run with all of them loaded. It writes
each test's outcome (passed, failed, error, skipped, not run) to OUT.json.

``--tests`` runs only those tests (their ids, as OUT.json names them): the
regressions of a first comparison, run again.

``compare`` lists the tests that pass without crm_extension and fail, error or
do not run with it (the regressions), names those that failed to run again
(``RUN AGAIN <test ids, comma-separated>``) and ends with the line
``COUNTS <passed with> <passed without> <regressions> <failing both> <skipped
with> <tests with> <tests without> <intermittent> <not reproduced>`` for
scripts/test. The outcomes of the regressions run again (alternately with and
without crm_extension, on the same two databases) follow the two first files:
a regression that fails without crm_extension too in one of those runs is no
regression but an intermittent test of Odoo's (counted apart, with how often it
failed on each side); one that passes in every run again with crm_extension
was not reproduced (counted apart, with its error: the machine's, such as
Python 3.11.7's compiler failing in two threads at once); the others stay
regressions.
"""

import json
import os
import re
import sys
import threading
import time

MODULES = ["crm", "sale_crm"]
TEST_TAGS = ",".join(f"/{module}" for module in MODULES)
POSITIONS = ["at_install", "post_install"]
# Worst first: a test keeps the worst outcome of its attempts and subtests.
RANK = {"passed": 0, "skipped": 1, "not run": 2, "failed": 3, "error": 4}
CLASS_ERROR = re.compile(r"^(setUpClass|tearDownClass) \((?P<cls>[\w.]+)\)$")


def short_id(test_id):
    return test_id.removeprefix("odoo.addons.")


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else ""


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------


def make_result_class(base, case):
    class RecordingResult(base):
        """Odoo's test result, remembering each test's outcome by test id."""

        def __init__(self):
            super().__init__()
            self.outcomes = {}

        def _set(self, test, status, detail=""):
            while isinstance(test, case._SubTest) and test.test_case:
                test = test.test_case
            old = self.outcomes.get(test.id())
            if old is None or RANK[status] >= RANK[old["status"]]:
                self.outcomes[test.id()] = {"status": status, "detail": detail}

        def startTest(self, test):
            super().startTest(test)
            # A retried test starts afresh.
            self.outcomes[test.id()] = {"status": "passed", "detail": ""}

        def _record(self, test, err, status):
            # A failure in a try that Odoo will retry does not count.
            if not self._soft_fail:
                detail = last_line(self._exc_info_to_string(err, test))
                self._set(test, status, detail)

        def addFailure(self, test, err):
            self._record(test, err, "failed")
            super().addFailure(test, err)

        def addError(self, test, err):
            self._record(test, err, "error")
            super().addError(test, err)

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self._set(test, "skipped", str(reason)[:300])

    return RecordingResult


def run_position(loader, result_class, position, registry, odoo):
    """Run one position's tests as ``odoo.tests.loader.run_suite`` does, with a
    result that keeps every test's outcome."""
    from odoo.modules import module

    suite = loader.make_suite(MODULES, position)
    ids = [test.id() for test in suite]
    if suite.has_http_case():
        # As Odoo does before its post-install tests (preload_registries).
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["ir.qweb"]._pregenerate_assets_bundles()
    result = result_class()
    module.current_test = True
    threading.current_thread().testing = True
    try:
        suite(result)
    finally:
        threading.current_thread().testing = False
        module.current_test = False

    outcomes = {}
    for test_id in ids:
        outcomes[test_id] = result.outcomes.pop(
            test_id, {"status": "not run", "detail": ""}
        )
    # What remains are class-level errors (setUpClass, tearDownClass): they
    # count for every test of the class that did not run.
    for holder_id, outcome in result.outcomes.items():
        match = CLASS_ERROR.match(holder_id)
        if not match:
            outcomes[holder_id] = outcome
            continue
        prefix = match["cls"] + "."
        detail = f"{match[1]} of its class: {outcome['detail']}"
        hit = False
        for test_id in ids:
            if test_id.startswith(prefix) and outcomes[test_id]["status"] == "not run":
                outcomes[test_id] = {"status": outcome["status"], "detail": detail}
                hit = True
        if not hit:  # e.g. tearDownClass after the tests ran
            outcomes[f"{match['cls']}.{match[1]}"] = outcome
    print(
        f"{position}: {len(ids)} tests, {result}",
        file=sys.stderr,
    )
    return outcomes


def test_tag(test_id):
    """The test tag selecting one test: ``odoo.addons.crm.tests.test_crm_ui.
    TestUi.test_03`` -> ``/crm:TestUi.test_03``."""
    parts = test_id.split(".")
    module = parts[parts.index("addons") + 1]
    return f"/{module}:{parts[-2]}.{parts[-1]}"


def run(out_path, odoo_args, test_ids=()):
    # As odoo-bin does before anything reads the time.
    os.environ["TZ"] = "UTC"
    time.tzset()
    import odoo
    from odoo.modules.registry import Registry
    from odoo.service import server
    from odoo.tools import config

    config.parse_config(odoo_args, setup_logging=True)
    dbname = config["db_name"]
    if isinstance(dbname, (list, tuple)):  # Odoo 19.0 keeps a list of them
        dbname = ",".join(dbname)
    if not dbname or "," in dbname:
        sys.exit("odoo_compat.py run: give one database with -d")
    # Test mode, but no test while the registry loads (loading an installed
    # module runs its at_install tests when test mode is on).
    config["test_enable"] = True
    config["test_tags"] = "-*"
    started = time.time()

    server.load_server_wide_modules()
    httpd = server.ThreadedServer(odoo.http.root)
    server.server = httpd  # HttpCase finds the port here
    httpd.http_spawn()
    try:
        threading.current_thread().dbname = dbname
        registry = Registry.new(dbname)
        # Odoo 18.0 reads every addon's manifest when a request first asks for
        # a static file, in whichever request threads come first; two of them
        # parsing at once can hit Python 3.11.7's "AST constructor recursion
        # depth mismatch" (a tour then gets an error page): read them here,
        # once, as a server that has served a page has.
        getattr(odoo.http.root, "statics", None)
        config["test_tags"] = (
            ",".join(map(test_tag, test_ids)) if test_ids else TEST_TAGS
        )
        from odoo.tests import case, loader
        from odoo.tests.result import OdooTestResult

        result_class = make_result_class(OdooTestResult, case)
        outcomes = {}
        for position in POSITIONS:
            outcomes.update(
                run_position(loader, result_class, position, registry, odoo)
            )
        data = {
            "database": dbname,
            "modules": MODULES,
            "seconds": round(time.time() - started, 1),
            "outcomes": outcomes,
        }
        with open(out_path, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
    finally:
        httpd.stop()


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


def counts(outcomes):
    found = dict.fromkeys(RANK, 0)
    for outcome in outcomes.values():
        found[outcome["status"]] += 1
    return found


def describe(label, outcomes):
    found = counts(outcomes)
    parts = [f"{found['passed']} passed"]
    parts += [
        f"{found[status]} {status}"
        for status in ("failed", "error", "skipped", "not run")
        if found[status]
    ]
    return f"{label}: {len(outcomes)} tests, " + ", ".join(parts)


def grouped(test_ids, with_, detail_of):
    """Regressions one per line; the tests of a class that did not run because
    the class's setup failed share one line."""
    lines = []
    by_class = {}
    for test_id in test_ids:
        detail = detail_of(test_id)
        if " of its class: " in detail:
            cls = test_id.rsplit(".", 1)[0]
            by_class.setdefault((cls, detail), []).append(test_id)
        else:
            lines.append(
                f"  {short_id(test_id)}: {with_[test_id]['status']}"
                + (f" — {detail}" if detail else "")
            )
    for (cls, detail), ids in sorted(by_class.items()):
        names = ", ".join(test_id.rsplit(".", 1)[1] for test_id in ids)
        lines.append(
            f"  {short_id(cls)}: {len(ids)} tests {with_[ids[0]]['status']} — "
            f"{detail} ({names})"
        )
    return lines


def load_outcomes(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["outcomes"]


def compare(with_path, without_path, *again_paths):
    with_ = load_outcomes(with_path)
    without = load_outcomes(without_path)
    # The regressions run again, alternately with and without crm_extension.
    again = {"with": [], "without": []}
    for index, path in enumerate(again_paths):
        again["with" if index % 2 == 0 else "without"].append(load_outcomes(path))
    print(describe("with crm_extension", with_))
    print(describe("without crm_extension", without))

    bad = ("failed", "error", "not run")
    missing = {"status": "not run", "detail": "not found with crm_extension"}
    for test_id in without:
        with_.setdefault(test_id, missing)
    regressions = sorted(
        test_id
        for test_id, outcome in without.items()
        if outcome["status"] == "passed" and with_[test_id]["status"] in bad
    )
    failing_both = sorted(
        test_id
        for test_id, outcome in without.items()
        if outcome["status"] in bad and with_[test_id]["status"] in bad
    )

    def failures(test_id, side, first):
        """(failed, runs) of ``test_id`` on ``side``, its first run included."""
        runs = [first] + [
            outcomes[test_id]["status"]
            for outcomes in again[side]
            if test_id in outcomes
        ]
        return sum(status in bad for status in runs), len(runs)

    intermittent = {}
    unreproduced = {}
    for test_id in list(regressions):
        failed_with = failures(test_id, "with", with_[test_id]["status"])
        failed_without = failures(test_id, "without", "passed")
        if failed_without[0]:
            regressions.remove(test_id)
            intermittent[test_id] = (failed_with, failed_without)
        elif failed_with[1] > 1 and failed_with[0] == 1:
            regressions.remove(test_id)
            unreproduced[test_id] = failed_with

    if regressions:
        print(
            f"REGRESSIONS: {len(regressions)} tests pass without crm_extension "
            "and fail with it:"
        )
        for line in grouped(regressions, with_, lambda t: with_[t]["detail"]):
            print("REGRESSION" + line[1:])
    if intermittent:
        print(
            f"INTERMITTENT: {len(intermittent)} tests of Odoo's fail now and then "
            "without crm_extension too, run again on both databases (not counted):"
        )
        for test_id, ((k, n), (j, m)) in sorted(intermittent.items()):
            print(
                f"INTERMITTENT {short_id(test_id)}: failed {k} of {n} runs with "
                f"crm_extension, {j} of {m} without — {with_[test_id]['detail']}"
            )
    if unreproduced:
        print(
            f"NOT REPRODUCED: {len(unreproduced)} tests failed once with "
            "crm_extension and passed in every run again (not counted):"
        )
        for test_id, (_k, n) in sorted(unreproduced.items()):
            print(
                f"NOT REPRODUCED {short_id(test_id)}: passed {n - 1} runs again "
                f"with crm_extension — {with_[test_id]['detail']}"
            )
    if failing_both:
        print(f"failing without crm_extension too (not counted): {len(failing_both)}")
        for line in grouped(failing_both, with_, lambda t: without[t]["detail"]):
            print(line)
    # The regressions that failed (not those that did not run) to run again.
    rerun = [t for t in regressions if with_[t]["status"] in ("failed", "error")]
    if rerun and not again_paths:
        print("RUN AGAIN", ",".join(rerun))
    found_with = counts(with_)
    print(
        "COUNTS",
        found_with["passed"],
        counts(without)["passed"],
        len(regressions),
        len(failing_both),
        found_with["skipped"],
        len(with_),
        len(without),
        len(intermittent),
        len(unreproduced),
    )


def main(argv):
    if len(argv) >= 3 and argv[0] == "run" and "--" in argv:
        split = argv.index("--")
        options = argv[2:split]
        if options and (len(options) != 2 or options[0] != "--tests"):
            sys.exit(__doc__)
        test_ids = [t for t in options[1].split(",") if t] if options else []
        run(argv[1], argv[split + 1 :], test_ids)
    elif len(argv) >= 3 and argv[0] == "compare" and len(argv) % 2 == 1:
        compare(*argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
