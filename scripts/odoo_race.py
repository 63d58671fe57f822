"""Race tier of scripts/test: parallel registrations of one blocked company name.

    python3 odoo_race.py --url http://127.0.0.1:PORT --db DB [--odoo-pid PID]
                         [--log ODOO.LOG] [--racers 16]

Talks to a running Odoo (scripts/test starts it with --workers) through
JSON-RPC only (``/jsonrpc``, services ``common`` and ``object``), standard
library only. As admin (admin/admin, the demo database's login) it creates a
salesperson (``sales_team.group_sale_salesman`` only); then, per scenario,
RACERS threads, each with its own HTTP connection, send ``res.partner.create``
as that salesperson at the same moment, all registering companies whose names
differ only by case and legal suffix, which the shipped block rule "Same company
name" treats as one. Scenarios:

  a) a new name nobody holds;
  b) a name whose first holder was registered, then renamed (the name is free);
  c) a name whose first holder was registered, then deleted;
  d) a new name again (the lock must hold every time).

Each scenario passes when exactly one racer's partner is committed, every racer
that was told "created" has its partner in the database with the name's key,
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


def race(odoo, salesperson, names):
    """All racers create at once; ``[(name, partner id or None, error)]``."""
    barrier = threading.Barrier(len(names))
    results = [None] * len(names)

    def racer(index, name):
        user = User(odoo, salesperson.uid, salesperson.password)
        values = {"name": name, "is_company": True}
        barrier.wait()
        try:
            results[index] = (name, user("res.partner", "create", values), None)
        except RpcError as error:
            results[index] = (name, None, error)
        except Exception as error:  # reported, never raised
            results[index] = (name, None, RpcError({"message": repr(error)}))

    threads = [
        threading.Thread(target=racer, args=(index, name))
        for index, name in enumerate(names)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def classify(error):
    text = f"{error.name} {error.message}".lower()
    if "same company name" in text or "already registered" in text:
        return "block message"
    if any(word in text for word in ("serializ", "concurren", "deadlock", "lock")):
        return "concurrency error"
    return "other error"


def count_lines(path, needle):
    if not path or not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8", errors="replace") as log:
        return sum(needle in line for line in log)


def scenario(odoo, admin, salesperson, label, setup, racers, log):
    token = secrets.token_hex(3)
    names = [
        VARIANTS[i % len(VARIANTS)].format(T=token.upper(), t=token)
        for i in range(racers)
    ]
    holder_note = setup(admin, salesperson, names[0])
    retries_before = count_lines(log, "tries left, try again")
    started = time.monotonic()
    results = race(odoo, salesperson, names)
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
        [("name", "ilike", token)],
        fields=["name", "name_key"],
        **ctx,
    )
    keys = {row["name_key"] for row in found}
    problems = []
    if len(found) != 1:
        problems.append(f"{len(found)} partners with this name committed")
    if created != {row["id"] for row in found}:
        problems.append(
            f"the racers were told {len(created)} created, the database has "
            f"{len(found)} (ids {sorted(created)} against "
            f"{sorted(row['id'] for row in found)})"
        )
    if len(keys) > 1 or not all(keys):
        problems.append(f"name keys {sorted(map(str, keys))}, expected one")
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
        print(f"    committed: #{row['id']} {row['name']!r} (key {row['name_key']})")
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
    for label, setup in [
        ("a", new_name),
        ("b", hold_then_rename),
        ("c", hold_then_delete),
        ("d", new_name),
    ]:
        try:
            ok = scenario(odoo, admin, salesperson, label, setup, args.racers, args.log)
        except RpcError as error:
            print(f"({label}) FAILED: {error}")
            ok = False
        passed += ok
        failed += not ok
    print(f"RESULT {passed} {failed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
