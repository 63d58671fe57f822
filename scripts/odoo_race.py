"""Race tier of scripts/test: parallel registrations of one blocked company name.

    python3 odoo_race.py --url http://127.0.0.1:PORT --db DB [--odoo-pid PID]
                         [--log ODOO.LOG] [--racers 16]

Talks to a running Odoo (scripts/test starts it with --workers) through
JSON-RPC only (``/jsonrpc``, services ``common`` and ``object``), with the
standard library and python-stdnum (Odoo's requirement: a valid code). As
admin (admin/admin, the demo database's login) it creates a salesperson
(``sales_team.group_sale_salesman`` only); then, per scenario, RACERS
threads, each with its own HTTP connection, send ``res.partner.create`` as
that salesperson at the same moment, all registering companies whose names
differ only by case, script and legal suffix, which the shipped block rule
"Same company name" treats as one (or whose VAT numbers differ only as typed).
Scenarios:

  a) a new name nobody holds;
  b) a name whose first holder was registered, then renamed (the name is free);
  c) a name whose first holder was registered, then deleted;
  d) a new name again (the lock must hold every time);
  e) a new Chinese name, written in simplified and in traditional characters
     (one key: the shipped rule folds the script);
  f) one new unified social credit code (统一社会信用代码) under different
     names, with and without its country prefix and separators (one VAT key:
     the shipped rule "Same VAT number").

Each scenario passes when exactly one racer's partner is committed, every racer
that was told "created" has its partner in the database with the key raced for,
no refused racer's partner is there, and every refusal is a block message or a
concurrency error. The last line is ``RESULT <passed> <failed>``.
"""

import argparse
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request

from stdnum.cn import uscc

GROUP = ("sales_team", "group_sale_salesman")
VARIANTS = [
    "Racing {T} Co., Ltd.",
    "RACING {T} CO LTD",
    "racing {t} co. ltd",
    "Racing {T} Company Limited",
    "Racing  {T}  Ltd",
    "Racing-{T} Limited",
    "Racing {T} Inc.",
    "racing {t}",
]
# The same Chinese company in simplified and traditional characters, with other
# legal forms and spaces.
SCRIPT_VARIANTS = [
    "深圳市{T}华星科技有限公司",
    "深圳市{T}華星科技有限公司",
    "深圳市 {T} 華星 科技 有限責任公司",
    "深圳市{T}华星科技股份有限公司",
    "深圳{T}華星科技有限公司",
]
# One unified social credit code ({code}) as typed: with and without the
# country prefix, separators, lower case.
VAT_VARIANTS = ["{code}", "CN{code}", "cn {spaced}", "CN-{code}"]


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name") or ""
        self.message = data.get("message") or error.get("message") or str(error)
        super().__init__(f"{self.name}: {self.message}")


class Odoo:
    def __init__(self, url, db, timeout=300):
        self.url = url.rstrip("/")
        self.db = db
        self.timeout = timeout

    def call(self, service, method, *args):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
                "id": secrets.randbelow(1 << 30),
            }
        ).encode()
        request = urllib.request.Request(
            self.url + "/jsonrpc",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        # One urlopen, one new HTTP connection.
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = json.load(response)
        if answer.get("error"):
            raise RpcError(answer["error"])
        return answer["result"]

    def login(self, login, password):
        uid = self.call("common", "login", self.db, login, password)
        if not uid:
            raise SystemExit(f"cannot log in as {login!r} on database {self.db}")
        return User(self, uid, password)


class User:
    def __init__(self, odoo, uid, password):
        self.odoo = odoo
        self.uid = uid
        self.password = password

    def __call__(self, model, method, *args, **kwargs):
        return self.odoo.call(
            "object",
            "execute_kw",
            self.odoo.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


def wait_for_login(url, pid, timeout):
    """Wait until GET /web/login answers 200; give up if Odoo ``pid`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                raise SystemExit("Odoo stopped before answering /web/login") from None
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise SystemExit(f"no answer from {url}/web/login within {timeout}s")


def user_group_fields(admin):
    """res.users' field of a user's own groups and of all the groups they have:
    ``groups_id`` for both on Odoo 18.0, ``group_ids`` and ``all_group_ids`` on
    19.0."""
    fields = admin("res.users", "fields_get", [], attributes=["type"])
    if "group_ids" in fields:
        return "group_ids", "all_group_ids"
    return "groups_id", "groups_id"


def make_salesperson(admin, token):
    own_groups, all_groups = user_group_fields(admin)
    group = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", GROUP[0]), ("name", "=", GROUP[1])],
        fields=["res_id"],
    )[0]["res_id"]
    login = f"race_salesperson_{token}"
    password = secrets.token_hex(12)
    uid = admin(
        "res.users",
        "create",
        {
            "name": f"Race Salesperson {token}",
            "login": login,
            "password": password,
            own_groups: [(6, 0, [group])],
        },
    )
    managers = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", GROUP[0]), ("name", "=", "group_sale_manager")],
        fields=["res_id"],
    )[0]["res_id"]
    groups = admin("res.users", "read", [uid], [all_groups])[0][all_groups]
    if managers in groups:
        raise SystemExit("the salesperson came out as a sales administrator")
    return login, password


def race(odoo, salesperson, registrations):
    """All racers create at once, each one of ``registrations`` (create
    values); ``[(name, partner id or None, error)]``."""
    barrier = threading.Barrier(len(registrations))
    results = [None] * len(registrations)

    def racer(index, values):
        user = User(odoo, salesperson.uid, salesperson.password)
        name = values["name"]
        barrier.wait()
        try:
            results[index] = (name, user("res.partner", "create", values), None)
        except RpcError as error:
            results[index] = (name, None, error)
        except Exception as error:  # reported, never raised
            results[index] = (name, None, RpcError({"message": repr(error)}))

    threads = [
        threading.Thread(target=racer, args=(index, values))
        for index, values in enumerate(registrations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def classify(error):
    text = f"{error.name} {error.message}".lower()
    if any(
        words in text
        for words in ("same company name", "same vat", "already registered")
    ):
        return "block message"
    if any(word in text for word in ("serializ", "concurren", "deadlock", "lock")):
        return "concurrency error"
    return "other error"


def count_lines(path, needle):
    if not path or not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8", errors="replace") as log:
        return sum(needle in line for line in log)


def registrations(kind, token, racers):
    """``(create values of each racer, domain of the partners committed, key
    field)`` of a scenario: names of one key (``kind`` "name" or "script"),
    or one VAT number under different names ("vat")."""
    if kind == "vat":
        base = f"91350100{token.upper()}000"
        code = base + uscc.calc_check_digit(base)
        spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
        values = [
            {
                "name": f"VAT Racer {i} {token}",
                "is_company": True,
                "vat": VAT_VARIANTS[i % len(VAT_VARIANTS)].format(
                    code=code, spaced=spaced
                ),
            }
            for i in range(racers)
        ]
        return values, [("vat_key", "=", code)], "vat_key"
    variants = SCRIPT_VARIANTS if kind == "script" else VARIANTS
    values = [
        {
            "name": variants[i % len(variants)].format(T=token.upper(), t=token),
            "is_company": True,
        }
        for i in range(racers)
    ]
    return values, [("name", "ilike", token)], "name_key"


def scenario(odoo, admin, salesperson, label, setup, racers, log, kind="name"):
    token = secrets.token_hex(3)
    values, domain, key_field = registrations(kind, token, racers)
    names = [row["name"] for row in values]
    holder_note = setup(admin, salesperson, names[0])
    retries_before = count_lines(log, "tries left, try again")
    started = time.monotonic()
    results = race(odoo, salesperson, values)
    seconds = time.monotonic() - started
    retries = count_lines(log, "tries left, try again") - retries_before

    created = {pid for _name, pid, _error in results if pid}
    refusals = {}
    others = []
    for name, _pid, error in results:
        if error:
            kind = classify(error)
            refusals[kind] = refusals.get(kind, 0) + 1
            if kind == "other error":
                others.append(f"{name}: {error}")
    ctx = {"context": {"active_test": False}}
    found = admin(
        "res.partner",
        "search_read",
        domain,
        fields=["name", key_field],
        **ctx,
    )
    keys = {row[key_field] for row in found}
    problems = []
    if len(found) != 1:
        problems.append(f"{len(found)} partners with this key committed")
    if created != {row["id"] for row in found}:
        problems.append(
            f"the racers were told {len(created)} created, the database has "
            f"{len(found)} (ids {sorted(created)} against "
            f"{sorted(row['id'] for row in found)})"
        )
    if len(keys) > 1 or not all(keys):
        problems.append(f"keys {sorted(map(str, keys))}, expected one")
    if others:
        problems.append(f"{len(others)} unexpected errors")

    refused = len(results) - len(created)
    detail = ", ".join(
        f"{refusals.get(kind, 0)} {kind}"
        for kind in ("block message", "concurrency error", "other error")
        if refusals.get(kind) or kind != "other error"
    )
    print(f"({label}) {holder_note}names like {names[0]!r} / {names[1]!r}:")
    print(
        f"    committed {len(found)} of {len(results)} ({refused} refused: {detail});"
        f" {retries} serialization failure(s) retried by Odoo; {seconds:.1f}s"
        + (" — ok" if not problems else " — FAILED: " + "; ".join(problems))
    )
    for line in others[:5]:
        print("    other error: " + line[:300])
    for row in found:
        print(f"    committed: #{row['id']} {row['name']!r} (key {row[key_field]})")
    return not problems


def new_name(_admin, _salesperson, _name):
    return "new name; "


def hold_then_rename(admin, salesperson, name):
    holder = salesperson("res.partner", "create", {"name": name, "is_company": True})
    new_name = f"Renamed Holder {secrets.token_hex(3)}"
    admin("res.partner", "write", [holder], {"name": new_name})
    return f"holder #{holder} renamed to {new_name!r}; "


def hold_then_delete(admin, salesperson, name):
    holder = salesperson("res.partner", "create", {"name": name, "is_company": True})
    admin("res.partner", "unlink", [holder])
    return f"holder #{holder} deleted; "


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo-pid", type=int, default=0)
    parser.add_argument("--log", help="Odoo's log, to count its retries")
    parser.add_argument("--racers", type=int, default=16)
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--wait", type=int, default=300)
    args = parser.parse_args()

    wait_for_login(args.url, args.odoo_pid, args.wait)
    odoo = Odoo(args.url, args.db)
    admin = odoo.login(args.admin_login, args.admin_password)
    token = secrets.token_hex(3)
    login, password = make_salesperson(admin, token)
    salesperson = odoo.login(login, password)
    print(f"salesperson {login} (uid {salesperson.uid}, {GROUP[0]}.{GROUP[1]})")

    passed = failed = 0
    for label, setup, kind in [
        ("a", new_name, "name"),
        ("b", hold_then_rename, "name"),
        ("c", hold_then_delete, "name"),
        ("d", new_name, "name"),
        ("e", new_name, "script"),
        ("f", new_name, "vat"),
    ]:
        try:
            ok = scenario(
                odoo, admin, salesperson, label, setup, args.racers, args.log, kind
            )
        except RpcError as error:
            print(f"({label}) FAILED: {error}")
            ok = False
        passed += ok
        failed += not ok
    print(f"RESULT {passed} {failed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
