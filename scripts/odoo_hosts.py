"""Hosts tier of scripts/test: two Odoo hosts on one database, and a replica.

    python3 odoo_hosts.py --db DB --db-host H --db-port P --db-user U
                          --replica-port R --log-dir DIR [--workers 2]
                          [--racers 16] [--rounds 3] -- ODOO-COMMAND...

Starts two Odoo hosts (separate processes and ports, ``--workers`` HTTP
workers and a cron worker each) on database DB of the primary PostgreSQL
(H:P), both configured with Odoo's read replica (``--db_replica_host
127.0.0.1 --db_replica_port R``: a streaming standby of the primary that
scripts/test made with pg_basebackup). ODOO-COMMAND is Odoo's command with its
options but the database and the servers'. Talks to the hosts as the web
client does (``/web/session/authenticate``, ``/web/dataset/call_kw`` and
``call_button``, the routes Odoo serves from the replica for read-only
methods) and through ``/jsonrpc``, and to both databases with psycopg2.

Scenarios (each passes or fails):

  race      RACERS registrations of one blocked company name at once, half
            on each host, through /jsonrpc and then through the web client's
            web_save: exactly one commits per contested key.
  primary   replay paused on the replica (it lags); a customer registered
            after the pause; its duplicates are refused on either host, a
            customer registered after the pause is claimed, an exception to a
            block approved, two customers merged and the merge undone, all
            through the web client's routes: the replica does not have those
            records, the primary decided.
  replica   replay resumed: the analyses (funnel, complaints, customer
            value), the duplicate review listing and the typing hints on the
            customer and lead forms, on both hosts: each served by the
            replica (Odoo's request log says ``ro``), none falling back to the
            primary; the share of their SQL time on the replica.
  jobs      ROUNDS rounds, each: complaints due for escalation, customers
            moved out of the class their revenue gives them, a queued bulk
            merge of duplicate customers and merges past their undo period,
            then the scheduler woken on both hosts and, at the same moment,
            "Run now" of each job and "Recompute now" on both hosts; until the
            work is done. Every complaint escalated once, no automated
            activity made twice, every class move made once, every merge done
            (and purged) once.

Then both hosts stop and their logs are read: no ERROR or CRITICAL line but
the queries of requests Odoo retried, no job failed, no serialization error
logged unhandled, the replica always reachable. The last lines are
``FIGURES key=value...`` and ``RESULT <passed> <failed>``.
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from odoo_race import (  # noqa: E402
    VARIANTS,
    Odoo,
    RpcError,
    classify,
    make_salesperson,
    wait_for_login,
)

# Odoo's request log line, with the SQL count, SQL time, other time and the
# cursor mode Odoo logs when a replica is configured.
REQUEST_LINE = re.compile(
    r' werkzeug: \S+ - - \[[^\]]*\] "(?P<verb>\w+) (?P<path>\S+) [^"]*" '
    r"(?P<status>\d+) \S+ (?P<queries>\d+) (?P<sql>[\d.]+) (?P<other>[\d.]+) "
    r"(?P<mode>\S+)"
)
RECORD_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (?P<level>[A-Z]+) ")
ESCALATION_SUMMARY = "Complaint breached its service level"
# What Odoo retries a request on (PostgreSQL's messages after a failed query).
RETRIED_ERRORS = (
    "could not serialize access",
    "deadlock detected",
    "could not obtain lock",
    "canceling statement due to lock timeout",
)
# Odoo's scheduled actions that call services outside this machine (IAP,
# odoo.com): held while the hosts run (this machine has no such network), put
# back afterwards.
OUTSIDE_CRONS = [
    ("crm_iap_enrich", "ir_cron_lead_enrichment"),
    ("crm_iap_mine", "ir_cron_crm_iap_mine"),
    ("partner_autocomplete", "ir_cron_partner_autocomplete"),
    ("sms", "ir_cron_sms_scheduler_action"),
    ("snailmail", "snailmail_print"),
    ("mail", "ir_cron_module_update_notification"),
]


def now_utc():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class WebSession:
    """The web client's session on one host: JSON routes with its cookie."""

    def __init__(self, url, db, login, password, timeout=600):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.cookie = None
        result = self.post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        self.context = result.get("user_context") or {}
        self.major = (result.get("server_version_info") or [18])[0]

    def post(self, path, params):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("session_id="):
                    self.cookie = header.split(";", 1)[0]
            answer = json.load(response)
        if answer.get("error"):
            raise RpcError(answer["error"])
        return answer["result"]

    def call_kw(self, model, method, args, kwargs=None, route="call_kw"):
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", dict(self.context))
        return self.post(
            f"/web/dataset/{route}/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def button(self, model, method, ids, context=None):
        return self.call_kw(
            model,
            method,
            [ids],
            {"context": {**self.context, **(context or {})}},
            route="call_button",
        )


class Host:
    """One Odoo host: its process, port and log."""

    def __init__(self, name, command, port, log_path):
        self.name = name
        self.command = command
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = None

    def start(self):
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_size(self):
        return os.path.getsize(self.log_path)

    def log_since(self, offset):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read()


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """psycopg2 on the primary and on the replica, autocommit."""

    def __init__(self, args):
        self.primary = psycopg2.connect(
            host=args.db_host, port=args.db_port, user=args.db_user, dbname=args.db
        )
        self.primary.autocommit = True
        self.replica = psycopg2.connect(
            host="127.0.0.1", port=args.replica_port, user=args.db_user, dbname=args.db
        )
        self.replica.autocommit = True
        self.postgres = psycopg2.connect(
            host=args.db_host, port=args.db_port, user=args.db_user, dbname="postgres"
        )
        self.postgres.autocommit = True
        self.db = args.db

    @staticmethod
    def query(connection, sql, params=None):
        with connection.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None

    def on_primary(self, sql, params=None):
        return self.query(self.primary, sql, params)

    def on_replica(self, sql, params=None):
        return self.query(self.replica, sql, params)

    def lag_bytes(self):
        (primary_lsn,) = self.on_primary("SELECT pg_current_wal_lsn()::text")[0]
        return self.on_replica(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())",
            [primary_lsn],
        )[0][0]

    def wait_caught_up(self, timeout=120):
        """Wait until the replica replayed what the primary wrote until now."""
        (target,) = self.on_primary("SELECT pg_current_wal_lsn()::text")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.on_replica(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0",
                [target],
            )[0][0]:
                return True
            time.sleep(0.2)
        return False

    def wake_schedulers(self, cron_ids):
        """What ir.cron._trigger does: a trigger per job, then the NOTIFY that
        wakes the cron workers of every host."""
        self.on_primary(
            "INSERT INTO ir_cron_trigger (cron_id, call_at, create_date, write_date)"
            " SELECT unnest(%s::int[]), now() at time zone 'UTC',"
            " now() at time zone 'UTC', now() at time zone 'UTC'",
            [list(cron_ids)],
        )
        self.query(self.postgres, "SELECT pg_notify('cron_trigger', %s)", [self.db])


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


class Tier:
    def __init__(self, args, hosts, db):
        self.args = args
        self.hosts = hosts
        self.db = db
        self.results = []  # (scenario, ok, note)
        self.figures = {}

    def record(self, scenario, problems, note=""):
        ok = not problems
        self.results.append((scenario, ok))
        status = "ok" if ok else "FAILED: " + "; ".join(problems)
        print(f"[{scenario}] {note}{' — ' if note else ''}{status}", flush=True)

    # -- setup ------------------------------------------------------------

    def setup(self):
        a, b = self.hosts
        self.odoo = [Odoo(host.url, self.args.db) for host in self.hosts]
        self.admin = [odoo.login("admin", "admin") for odoo in self.odoo]
        login, password = make_salesperson(self.admin[0], secrets.token_hex(3))
        self.salesperson = [odoo.login(login, password) for odoo in self.odoo]
        self.web_admin = [
            WebSession(host.url, self.args.db, "admin", "admin") for host in self.hosts
        ]
        self.web_sales = [
            WebSession(host.url, self.args.db, login, password) for host in self.hosts
        ]
        print(
            f"hosts: {a.url} and {b.url}, {self.args.workers} workers and a cron "
            f"worker each; replica 127.0.0.1:{self.args.replica_port}; "
            f"salesperson {login}",
            flush=True,
        )

    # -- race -------------------------------------------------------------

    def race(self):
        self.figures["racers"] = self.args.racers
        keys = 0
        for label, through in [("jsonrpc", "jsonrpc"), ("web client", "web_save")]:
            token = secrets.token_hex(3)
            names = [
                VARIANTS[i % len(VARIANTS)].format(T=token.upper(), t=token)
                for i in range(self.args.racers)
            ]
            barrier = threading.Barrier(len(names))
            results = [None] * len(names)

            def racer(index, name, through=through, barrier=barrier, results=results):
                host = index % 2
                values = {"name": name, "is_company": True}
                try:
                    if through == "jsonrpc":
                        user = self.salesperson[host]
                        session = Odoo(self.hosts[host].url, self.args.db)
                        barrier.wait()
                        result = session.call(
                            "object",
                            "execute_kw",
                            self.args.db,
                            user.uid,
                            user.password,
                            "res.partner",
                            "create",
                            [values],
                            {},
                        )
                    else:
                        web = self.web_sales[host]
                        barrier.wait()
                        result = web.call_kw(
                            "res.partner",
                            "web_save",
                            [[], values],
                            {"specification": {"display_name": {}}},
                        )[0]["id"]
                    results[index] = (host, result, None)
                except RpcError as refusal:
                    results[index] = (host, None, refusal)
                except Exception as failure:  # reported, never raised
                    results[index] = (host, None, RpcError({"message": repr(failure)}))

            threads = [
                threading.Thread(target=racer, args=(index, name))
                for index, name in enumerate(names)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.monotonic() - started
            committed = self.db.on_primary(
                "SELECT id FROM res_partner WHERE name ILIKE %s", [f"%{token}%"]
            )
            created = {pid for _host, pid, _error in results if pid}
            kinds = {}
            for _host, _pid, error in results:
                if error:
                    kind = classify(error)
                    kinds[kind] = kinds.get(kind, 0) + 1
            problems = []
            if len(committed) != 1:
                problems.append(f"{len(committed)} partners committed")
            if created != {row[0] for row in committed}:
                problems.append(f"told created {sorted(created)}, database {committed}")
            if kinds.get("other error"):
                others = [
                    str(error)
                    for _h, _p, error in results
                    if error and classify(error) == "other error"
                ]
                problems.append(f"unexpected errors: {others[:2]}")
            by_host = [
                sum(1 for host, pid, _e in results if pid and host == h) for h in (0, 1)
            ]
            keys += 1
            self.record(
                "race",
                problems,
                f"{len(names)} registrations of {names[0]!r} at once through "
                f"{label}, half on each host: committed {len(committed)} "
                f"(host A {by_host[0]}, host B {by_host[1]}), refused "
                + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
                + f"; {seconds:.1f}s",
            )
        self.figures["contested_keys"] = keys

    # -- decisions on the primary with the replica behind ----------------------

    def _refuse_duplicates_while_paused(self, token, problems):
        """A customer registered after the pause; its duplicates refused on
        both hosts. Returns the customer and the number refused."""
        db = self.db
        # Registered after the pause, on host A (the primary).
        holder = self.salesperson[0](
            "res.partner",
            "create",
            {"name": f"Lagging {token} Trading Co., Ltd.", "is_company": True},
        )
        if db.on_replica("SELECT count(*) FROM res_partner WHERE id = %s", [holder])[0][
            0
        ]:
            problems.append("the replica has the new customer: it does not lag")
        # The replica answers the read-only requests: they do not see it.
        seen = self.web_sales[0].call_kw(
            "res.partner", "search_read", [[("id", "=", holder)], ["name"]]
        )
        if seen:
            problems.append("a read-only request saw the new customer: not the replica")
        # Its duplicates, on both hosts, through the web client and RPC.
        refused = 0
        for index in range(2):
            for variant in (
                f"LAGGING {token} TRADING LIMITED",
                f"lagging {token} trading",
            ):
                try:
                    self.web_sales[index].call_kw(
                        "res.partner",
                        "web_save",
                        [[], {"name": variant, "is_company": True}],
                        {"specification": {"display_name": {}}},
                    )
                    problems.append(f"host {'AB'[index]} registered {variant!r}")
                except RpcError as error:
                    if classify(error) != "block message":
                        problems.append(f"host {'AB'[index]}: {error}")
                    refused += 1
            try:
                self.salesperson[index](
                    "res.partner",
                    "create",
                    {"name": f"Lagging {token} Trading Ltd", "is_company": True},
                )
                problems.append(f"host {'AB'[index]} registered it through RPC")
            except RpcError as error:
                if classify(error) != "block message":
                    problems.append(f"host {'AB'[index]}: {error}")
                refused += 1
        return holder, refused

    def _decide_while_paused(self, token, holder, problems):
        """A claim, an exception approved, a merge and its undo, each on
        records registered after the pause. Returns those records."""
        db = self.db
        # A claim of a customer registered after the pause (host B).
        free = self.admin[0](
            "res.partner",
            "create",
            {
                "name": f"Unowned {token} Industries",
                "is_company": True,
                "user_id": False,
            },
        )
        self.web_sales[1].button("res.partner", "action_claim_customer", [free])
        owner = db.on_primary("SELECT user_id FROM res_partner WHERE id = %s", [free])
        if owner[0][0] != self.web_sales[1].uid:
            problems.append(f"claim not recorded: owner {owner}")
        # An exception to the block, asked on host A, approved on host B.
        exception = self.web_sales[0].call_kw(
            "crm.duplicate.exception",
            "create",
            [
                {
                    "name": f"Lagging {token} Trading (Branch)",
                    "matched_partner_id": holder,
                    "reason": "A branch registered on its own.",
                }
            ],
        )
        self.web_admin[1].button(
            "crm.duplicate.exception", "action_approve", [exception]
        )
        state = db.on_primary(
            "SELECT state, partner_id FROM crm_duplicate_exception WHERE id = %s",
            [exception],
        )[0]
        if state[0] != "approved" or not state[1]:
            problems.append(f"exception not approved: {state}")
        # Two customers registered after the pause merged (host A), the
        # merge undone (host B).
        twins = self.admin[0](
            "res.partner",
            "create",
            [
                {"name": f"Merge {token} North", "is_company": True},
                {"name": f"Merge {token} South", "is_company": True},
            ],
        )
        wizard = self.web_admin[0].call_kw(
            "crm.partner.merge.wizard",
            "create",
            [
                {
                    "survivor_rule": "oldest",
                    "customer_ids": [
                        (
                            0,
                            0,
                            {"group": 1, "partner_id": twin, "keep": twin == twins[0]},
                        )
                        for twin in twins
                    ],
                }
            ],
        )
        action = self.web_admin[0].button(
            "crm.partner.merge.wizard", "action_merge", [wizard]
        )
        # (A notification says it is done, then opens the merge.)
        merge_id = action.get("params", {}).get("next", {}).get("res_id")
        merged = db.on_primary(
            "SELECT state FROM crm_partner_merge WHERE id = %s", [merge_id]
        )
        if not merged or merged[0][0] != "done":
            problems.append(f"merge not done: {merged}")
        self.web_admin[1].button("crm.partner.merge", "action_undo", [merge_id])
        undone = db.on_primary(
            "SELECT m.state, p.active FROM crm_partner_merge m, res_partner p "
            "WHERE m.id = %s AND p.id = %s",
            [merge_id, twins[1]],
        )
        if undone != [("undone", True)]:
            problems.append(f"undo not done: {undone}")
        return [free, *twins]

    def primary(self):
        db = self.db
        token = secrets.token_hex(3).upper()
        problems = []
        db.on_replica("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while db.on_replica("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            if time.monotonic() > deadline:
                return self.record("primary", ["replay did not pause"])
            time.sleep(0.1)
        paused_at = time.monotonic()
        offsets = [host.log_size() for host in self.hosts]
        try:
            holder, refused = self._refuse_duplicates_while_paused(token, problems)
            made = self._decide_while_paused(token, holder, problems)
            lag = db.lag_bytes()
            behind = time.monotonic() - paused_at
            still = db.on_replica(
                "SELECT count(*) FROM res_partner WHERE id = ANY(%s)",
                [[holder, *made]],
            )[0][0]
            if still:
                problems.append("the replica caught up during the pause")
        finally:
            db.on_replica("SELECT pg_wal_replay_resume()")
        # The decisions' requests ran on the primary ("rw"), never read-only.
        modes = {}
        for host, offset in zip(self.hosts, offsets, strict=True):
            for match in REQUEST_LINE.finditer(host.log_since(offset)):
                if (
                    "/web/dataset/call_button/" in match["path"]
                    or "/web_save" in match["path"]
                    or "crm.duplicate.exception/create" in match["path"]
                ):
                    modes[match["mode"]] = modes.get(match["mode"], 0) + 1
        if set(modes) - {"rw"}:
            problems.append(f"decisions ran with cursor modes {modes}")
        caught_up = db.wait_caught_up()
        if not caught_up:
            problems.append("the replica did not catch up after the pause")
        self.figures["lag_seconds"] = round(behind, 1)
        self.figures["lag_kb"] = round(lag / 1024)
        self.record(
            "primary",
            problems,
            f"replica paused {behind:.1f}s, {lag / 1024:.0f} kB of WAL behind: "
            f"{refused} duplicate registrations refused on both hosts, a claim, an "
            f"exception approved, a merge and its undo, each on the primary "
            f"({sum(modes.values())} decision requests, cursor modes {modes})",
        )

    # -- reads on the replica -----------------------------------------------------

    REPORTS = [
        (
            "crm.funnel.report",
            "web_read_group",
            lambda: [[], ["__count"], ["funnel_phase"]],
            {"lazy": False},
        ),
        (
            "crm.funnel.report",
            "web_read_group",
            lambda: [[], ["__count"], ["stage_id", "user_id"]],
            {"lazy": False},
        ),
        (
            "crm.complaint",
            "web_read_group",
            lambda: [[], ["__count"], ["category_id", "severity"]],
            {"lazy": False},
        ),
        (
            "crm.customer.value",
            "web_read_group",
            lambda: [[], ["revenue_12m:sum"], ["abc_class", "rfm_segment"]],
            {"lazy": False},
        ),
        (
            "crm.duplicate.group",
            "web_search_read",
            lambda: [[]],
            {
                "specification": {
                    "key": {},
                    "key_value": {},
                    "partner_count": {},
                    "company_id": {},
                }
            },
        ),
        (
            "res.partner",
            "onchange",
            lambda: [
                [],
                {"name": "Racing Twin Trading", "is_company": True},
                ["name"],
                {"name": {}, "is_company": {}, "duplicate_match_ids": {}},
            ],
            {},
        ),
        (
            "crm.lead",
            "onchange",
            lambda: [
                [],
                {"name": "Warehouse", "partner_name": "Racing Twin Trading"},
                ["partner_name"],
                {"name": {}, "partner_name": {}, "matched_partner_id": {}},
            ],
            {},
        ),
    ]

    def replica(self):
        problems = []
        offsets = [host.log_size() for host in self.hosts]
        (xacts_before,) = self.db.on_replica(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = current_database()"
        )[0]
        calls = 0
        for _round in range(self.args.report_rounds):
            for index in range(2):
                web = self.web_admin[index]
                for model, method, args, kwargs in self.REPORTS:
                    args, kwargs = args(), dict(kwargs)
                    if method == "web_read_group" and web.major >= 19:
                        # 19.0: (domain, groupby, aggregates), and no lazy
                        domain, aggregates, groupby = args
                        args = [domain, groupby, aggregates]
                        kwargs.pop("lazy", None)
                    try:
                        web.call_kw(model, method, args, kwargs)
                        calls += 1
                    except RpcError as error:
                        problems.append(
                            f"{model}.{method} on host {'AB'[index]}: {error}"
                        )
        time.sleep(1)  # the request log lines are written after the answers
        # A standby flushes its statistics within about ten seconds.
        deadline = time.monotonic() + 15
        while True:
            (xacts_after,) = self.db.on_replica(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                "WHERE datname = current_database()"
            )[0]
            if xacts_after != xacts_before or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        sql = {}
        count = {}
        for host, offset in zip(self.hosts, offsets, strict=True):
            for match in REQUEST_LINE.finditer(host.log_since(offset)):
                if "/web/dataset/call_kw/" not in match["path"]:
                    continue
                mode = match["mode"]
                sql[mode] = sql.get(mode, 0.0) + float(match["sql"])
                count[mode] = count.get(mode, 0) + 1
        total = sum(sql.values())
        share = 100 * sql.get("ro", 0.0) / total if total else 0.0
        if sum(count.values()) != calls:
            problems.append(f"{calls} calls, {sum(count.values())} request log lines")
        if set(count) - {"ro"}:
            problems.append(f"not all read on the replica: {count}")
        if share < 90:
            problems.append(f"replica share of report SQL time {share:.0f} % < 90 %")
        if xacts_after == xacts_before:
            problems.append("the replica ran no transaction for them")
        self.figures["replica_share"] = round(share, 1)
        self.record(
            "replica",
            problems,
            f"{calls} report requests on both hosts (funnel, complaints, customer "
            f"value, duplicate review, typing hints): cursor modes {count}, "
            f"{share:.1f} % of their SQL time ({total * 1000:.0f} ms) on the replica, "
            f"{xacts_after - xacts_before} transactions counted by the replica",
        )

    # -- jobs once -------------------------------------------------------------

    def xmlid(self, name):
        module, _, xml = name.partition(".")
        return self.db.on_primary(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
            [module, xml],
        )[0][0]

    def jobs(self):
        db = self.db
        problems = []
        started = now_utc() - timedelta(seconds=5)
        crons = {
            "escalate": self.xmlid("crm_extension.ir_cron_complaint_escalate"),
            "value": self.xmlid("crm_extension.ir_cron_customer_value"),
            "merge": self.xmlid("crm_extension.ir_cron_run_partner_merges"),
            "purge": self.xmlid("crm_extension.ir_cron_purge_partner_merges"),
        }
        vip = self.xmlid("crm_extension.customer_class_retail_vip")
        normal = self.xmlid("crm_extension.customer_class_retail_normal")
        vips = [
            row[0]
            for row in db.on_primary(
                # VIPs by the class rule: the value job moves them back.
                "SELECT p.id FROM res_partner p"
                " JOIN crm_customer_class c ON c.id = p.customer_class_id"
                " JOIN crm_customer_value v ON v.partner_id = p.id"
                " WHERE p.customer_class_id = %s"
                " AND NOT COALESCE(p.customer_class_locked, false)"
                " AND v.revenue_12m >= COALESCE(c.min_revenue, 0)"
                " AND v.invoice_count_12m >= COALESCE(c.min_invoice_count, 0)"
                " ORDER BY p.id",
                [vip],
            )
        ]
        customer = self.admin[0](
            "res.partner",
            "create",
            {"name": f"Complaining {secrets.token_hex(3)} Ltd", "is_company": True},
        )
        complaints, flips, groups, purged_expected = [], {}, [], []
        # (The lists and the dict grow in place, round after round.)
        work = {
            "complaints": complaints,
            "purged": purged_expected,
            "vips": vips,
            "vip": vip,
            "flips": flips,
            "groups": groups,
        }
        refused = {}
        run_now_calls = 0
        for number in range(self.args.rounds):
            # Work for the jobs: complaints breached, customers moved out of
            # their class by hand, duplicate groups to merge in the background.
            received = (now_utc() - timedelta(days=10)).strftime("%Y-%m-%d %H:%M:%S")
            complaints += self.admin[number % 2](
                "crm.complaint",
                "create",
                [
                    {
                        "partner_id": customer,
                        "severity": "3",
                        "date_received": received,
                        "subject": f"Round {number} complaint {index}",
                        "user_id": self.admin[0].uid,
                    }
                    for index in range(self.args.complaints)
                ],
            )
            for partner in vips:
                self.admin[0](
                    "res.partner", "write", [partner], {"customer_class_id": normal}
                )
                flips[partner] = flips.get(partner, 0) + 1
            size = 60 if number == 0 else 25
            token = secrets.token_hex(3)
            partners = self.admin[1](
                "res.partner",
                "create",
                [
                    {"name": f"Hosts {token} {side} {index}", "is_company": True}
                    for index in range(size)
                    for side in ("North", "South")
                ],
            )
            pairs = [partners[i : i + 2] for i in range(0, len(partners), 2)]
            groups += pairs
            wizard = self.web_admin[number % 2].call_kw(
                "crm.partner.merge.wizard",
                "create",
                [
                    {
                        "survivor_rule": "oldest",
                        "customer_ids": [
                            (
                                0,
                                0,
                                {
                                    "group": number_in_call,
                                    "partner_id": partner_id,
                                    "keep": partner_id == pair[0],
                                },
                            )
                            for number_in_call, pair in enumerate(pairs, start=1)
                            for partner_id in pair
                        ],
                    }
                ],
            )
            self.web_admin[number % 2].button(
                "crm.partner.merge.wizard", "action_merge", [wizard]
            )
            # The merges done in the rounds before are past their undo period.
            expired = db.on_primary(
                "UPDATE crm_partner_merge SET undo_deadline = now() at time zone 'UTC'"
                " - interval '1 day' WHERE state = 'done' AND partner_id = ANY(%s)"
                " RETURNING id",
                [[pair[0] for pair in groups[: len(groups) - len(pairs)]]],
            )
            purged_expected += [row[0] for row in expired]

            run_now_calls += self._all_at_once(crons, problems, refused)
            self._wait_done(number, crons, work, problems)
        self._check_jobs(started, work, problems, run_now_calls, refused)

    def _all_at_once(self, crons, problems, refused):
        """Everything at once: the scheduler of both hosts, Run now of each
        job on both hosts, Recompute now on both. Returns the starts."""
        db = self.db
        starts = []
        for index in range(2):
            for job in crons:
                starts.append(("run now", index, job))
            starts.append(("recompute", index, "value"))
        barrier = threading.Barrier(len(starts) + 1)
        outcomes = []

        def start(kind, index, job, barrier=barrier, outcomes=outcomes):
            web = self.web_admin[index]
            barrier.wait()
            try:
                if kind == "run now":
                    web.button("ir.cron", "method_direct_trigger", [crons[job]])
                else:
                    web.call_kw(
                        "crm.customer.value",
                        "action_recompute",
                        [],
                        route="call_button",
                    )
                outcomes.append((kind, job, None))
            except RpcError as refusal:
                outcomes.append((kind, job, refusal))
            except Exception as failure:  # reported, never raised
                outcomes.append((kind, job, RpcError({"message": repr(failure)})))

        threads = [threading.Thread(target=start, args=item) for item in starts]
        for thread in threads:
            thread.start()
        barrier.wait()
        db.wake_schedulers(crons.values())
        for thread in threads:
            thread.join()
        for kind, job, error in outcomes:
            if not error:
                continue
            text = error.message
            # Odoo's refusal of Run now while its scheduler runs the job (18.0:
            # "currently being executed", 19.0: "already executing"), or ours.
            if any(
                refusal in text
                for refusal in (
                    "currently being executed",
                    "already executing",
                    "being computed right now",
                )
            ):
                refused[kind] = refused.get(kind, 0) + 1
            else:
                problems.append(f"{kind} {job}: {text[:200]}")
        return len(starts)

    def _wait_done(self, number, crons, work, problems):
        """Until the work is done (the schedulers may still be at it)."""
        db = self.db
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            left = db.on_primary(
                "SELECT (SELECT count(*) FROM crm_partner_merge WHERE state = 'queued')"
                " + (SELECT count(*) FROM crm_complaint WHERE id = ANY(%s)"
                "    AND escalation_level < 2)"
                " + (SELECT count(*) FROM ir_cron_trigger WHERE cron_id = ANY(%s))"
                " + (SELECT count(*) FROM crm_partner_merge WHERE id = ANY(%s)"
                "    AND state = 'done')"
                " + (SELECT count(*) FROM res_partner WHERE id = ANY(%s)"
                "    AND customer_class_id != %s)",
                [
                    work["complaints"],
                    list(crons.values()),
                    work["purged"],
                    work["vips"],
                    work["vip"],
                ],
            )[0][0]
            if not left:
                break
            time.sleep(1)
        else:
            problems.append(f"round {number}: the jobs did not finish in 240 s")

    def _check_jobs(self, started, work, problems, run_now_calls=0, refused=None):
        """Every complaint escalated once, no automated activity made twice,
        every class move made once, every merge done (and purged) once."""
        db = self.db
        refused = refused or {}
        complaints, flips, groups, vips = (
            work["complaints"],
            work["flips"],
            work["groups"],
            work["vips"],
        )
        # Every complaint escalated once.
        escalations = dict(
            db.on_primary(
                "SELECT c.id, count(a.id) FROM crm_complaint c"
                " LEFT JOIN mail_activity a ON a.res_model = 'crm.complaint'"
                " AND a.res_id = c.id AND a.summary = %s"
                " WHERE c.id = ANY(%s) GROUP BY c.id",
                [ESCALATION_SUMMARY, complaints],
            )
        )
        twice = sum(1 for n in escalations.values() if n > 1)
        never = sum(1 for n in escalations.values() if n == 0)
        if twice or never:
            problems.append(f"escalations: {twice} complaints twice, {never} never")
        # No automated activity made twice.
        activities = db.on_primary(
            "SELECT count(*) FROM mail_activity WHERE automated AND create_date >= %s",
            [started],
        )[0][0]
        doubles = db.on_primary(
            "SELECT count(*) FROM (SELECT 1 FROM mail_activity"
            " WHERE automated AND create_date >= %s"
            " GROUP BY res_model, res_id, user_id, summary, date_deadline"
            " HAVING count(*) > 1) d",
            [started],
        )[0][0]
        if doubles:
            problems.append(f"{doubles} automated activities made twice")
        # Every class move made once: one automatic move back per hand move.
        moves = dict(
            db.on_primary(
                "SELECT partner_id, count(*) FROM crm_customer_class_history"
                " WHERE is_automatic AND create_date >= %s AND partner_id = ANY(%s)"
                " GROUP BY partner_id",
                [started, vips or [0]],
            )
        )
        if moves != flips:
            problems.append(f"class moves {moves}, expected {flips}")
        # Every merge done once, its trail once; the expired ones purged once.
        merges = db.on_primary(
            "SELECT m.partner_id, m.state, count(*) OVER (PARTITION BY m.partner_id)"
            " FROM crm_partner_merge m WHERE m.partner_id = ANY(%s)",
            [[pair[0] for pair in groups]],
        )
        states = {}
        for _partner, state, _n in merges:
            states[state] = states.get(state, 0) + 1
        if len(merges) != len(groups) or any(n != 1 for _p, _s, n in merges):
            problems.append(f"{len(merges)} merges for {len(groups)} groups")
        if set(states) - {"done", "purged"}:
            problems.append(f"merge states {states}")
        double_lines = db.on_primary(
            "SELECT count(*) FROM (SELECT 1 FROM crm_partner_merge_line"
            " GROUP BY merge_id, table_name, column_name, record_id, other_column"
            " HAVING count(*) > 1) d"
        )[0][0]
        if double_lines:
            problems.append(f"{double_lines} re-pointed records written down twice")
        absorbed_active = db.on_primary(
            "SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND active",
            [[pair[1] for pair in groups]],
        )[0][0]
        if absorbed_active:
            problems.append(f"{absorbed_active} merged customers still active")
        self.figures.update(
            complaints=len(complaints),
            escalations=sum(escalations.values()),
            activities=activities,
            class_moves=sum(moves.values()),
            merges=len(groups),
            purged=states.get("purged", 0),
        )
        self.record(
            "jobs",
            problems,
            f"{self.args.rounds} rounds with the scheduler of both hosts, "
            f"{run_now_calls} Run now / Recompute now at the same moments "
            f"({sum(refused.values())} refused while running elsewhere): "
            f"{len(complaints)} complaints, {sum(escalations.values())} escalations "
            f"({twice} twice); {activities} automated activities ({doubles} twice); "
            f"{sum(moves.values())} class moves for {sum(flips.values())} due; "
            f"{len(groups)} merges done once, {states.get('purged', 0)} purged",
        )

    # -- the logs ------------------------------------------------------------------

    def logs(self):
        problems = []
        retried = 0
        for host in self.hosts:
            text = host.log_since(0)
            retried += text.count("tries left, try again")
            lines = text.splitlines()
            for number, line in enumerate(lines):
                match = RECORD_LINE.match(line)
                if not match:
                    continue
                level = match["level"]
                if level in ("ERROR", "CRITICAL"):
                    if "odoo.sql_db: bad query" in line:
                        # Odoo logs a failed query, then retries the request:
                        # only serialization failures and lock timeouts may.
                        after = "\n".join(lines[number + 1 : number + 3])
                        if any(error in after for error in RETRIED_ERRORS):
                            continue
                    problems.append(f"host {host.name}: {line[:300]}")
                elif level == "WARNING" and (
                    "Failed to open a readonly cursor" in line
                    or "Exception in cron" in line
                    or "serializ" in line.lower()
                ):
                    problems.append(f"host {host.name}: {line[:300]}")
        self.figures["retried"] = retried
        self.record(
            "logs",
            problems[:10]
            + ([f"... {len(problems) - 10} more"] if len(problems) > 10 else []),
            f"both hosts' logs: {retried} serialization failures retried by Odoo, "
            f"{len(problems)} lines logged unhandled",
        )


def connect(args):
    connection = psycopg2.connect(
        host=args.db_host, port=args.db_port, user=args.db_user, dbname=args.db
    )
    connection.autocommit = True
    return connection


def hold_outside_crons(args):
    """Deactivate the active OUTSIDE_CRONS; their ids."""
    with connect(args) as connection, connection.cursor() as cr:
        cr.execute(
            "UPDATE ir_cron c SET active = false FROM ir_model_data d"
            " WHERE d.model = 'ir.cron' AND d.res_id = c.id AND c.active"
            " AND (d.module, d.name) IN %s RETURNING c.id",
            [tuple(OUTSIDE_CRONS)],
        )
        return [row[0] for row in cr.fetchall()]


def release_outside_crons(args, ids):
    with connect(args) as connection, connection.cursor() as cr:
        cr.execute("UPDATE ir_cron SET active = true WHERE id = ANY(%s)", [ids])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--db-host", required=True)
    parser.add_argument("--db-port", required=True, type=int)
    parser.add_argument("--db-user", required=True)
    parser.add_argument("--replica-port", required=True, type=int)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--racers", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--complaints", type=int, default=20)
    parser.add_argument("--report-rounds", type=int, default=3)
    parser.add_argument("--wait", type=int, default=300)
    parser.add_argument("odoo", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    odoo = [part for part in args.odoo if part != "--"]
    if not odoo:
        parser.error("Odoo's command is missing after --")

    hosts = []
    for name in "AB":
        port, gevent = free_port(), free_port()
        command = [
            *odoo,
            "-d",
            args.db,
            f"--workers={args.workers}",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={gevent}",
            "--db_replica_host=127.0.0.1",
            f"--db_replica_port={args.replica_port}",
            "--limit-time-real=900",
            "--limit-time-cpu=900",
            "--log-level=info",
        ]
        hosts.append(
            Host(
                name,
                command,
                port,
                os.path.join(args.log_dir, f"odoo-hosts-{name.lower()}.log"),
            )
        )
    # Stopped by scripts/test (SIGTERM): stop the hosts too (the finally below).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    tier = None
    held = hold_outside_crons(args)
    try:
        for host in hosts:
            print(f"host {host.name}: $ {' '.join(host.command)}", flush=True)
            host.start()
        for host in hosts:
            wait_for_login(host.url, host.process.pid, args.wait)
        db = Database(args)
        tier = Tier(args, hosts, db)
        tier.setup()
        for scenario in (tier.race, tier.primary, tier.replica, tier.jobs):
            try:
                scenario()
            except (RpcError, psycopg2.Error, OSError) as error:
                tier.record(scenario.__name__, [f"stopped: {error}"[:500]])
    finally:
        for host in hosts:
            host.stop()
        release_outside_crons(args, held)
    if tier is None:
        print("RESULT 0 1")
        return
    tier.logs()
    passed = sum(1 for _s, ok in tier.results if ok)
    failed = len(tier.results) - passed
    figures = " ".join(f"{key}={value}" for key, value in tier.figures.items())
    print(f"FIGURES hosts=2 workers={args.workers} {figures}")
    print(f"RESULT {passed} {failed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
