"""Race tier of scripts/test: decisions on one record taken at the same moment.

    python3 odoo_race.py --url http://127.0.0.1:PORT --db DB [--odoo-pid PID]
                         [--log ODOO.LOG] [--racers 16] [--only LETTERS]

Talks to a running Odoo (scripts/test starts it with --workers) through
JSON-RPC only (``/jsonrpc``, services ``common`` and ``object``), with the
standard library and python-stdnum (Odoo's requirement: a valid code), each
user's calls with their context (language, time zone) as the web client sends
it. As admin (admin/admin, the demo database's login) it creates salespeople
(``sales_team.group_sale_salesman`` only), a second sales administrator,
complaint handlers and complaint managers (the second salesperson, the
administrator, a handler and a manager speak Chinese when the database has
zh_CN); then, per scenario, RACERS threads (or as many as the scenario
names), each with its own HTTP connection, send their calls at the same
moment.

Registrations (``res.partner.create``) of companies whose names differ only
by case, script and legal suffix, which the shipped block rule "Same company
name" treats as one (or whose VAT numbers differ only as typed):

  a) a new name nobody holds;
  b) a name whose first holder was registered, then renamed (the name is free);
  c) a name whose first holder was registered, then deleted;
  d) a new name again (the lock must hold every time);
  e) a new Chinese name, written in simplified and in traditional characters
     (one key: the shipped rule folds the script);
  f) one new unified social credit code (统一社会信用代码) under different
     names, with and without its country prefix and separators (one VAT key:
     the shipped rule "Same VAT number");
  g) one new Chinese company, its name in either script and its code with or
     without the prefix (two keys each), by two salespeople in turn.

Each passes when exactly one racer's partner is committed, every racer that
was told "created" has its partner in the database with the key raced for, no
refused racer's partner is there, and every refusal is a block message (none
a concurrency error: Odoo runs a request a serialization failure stopped
again, and the key lock decides it then).

Other decisions, each passing when exactly one holds and every other racer is
refused by the message of what the first decided (never a database error):

  h) RACERS claims of one customer of the shared pool by four salespeople
     (each claiming several times): one owner, one note of the claim;
  i) four merges of the same two customers by two sales administrators,
     each keeping either: one merge done;
  j) the same with Odoo's own merge wizard at the same moment: one merge;
  k) one exception to a block approved and refused by two sales
     administrators: one decision, a customer registered only if approved;
  l) RACERS complaints registered by two complaint handlers: all registered,
     each with a reference of its own (the sequence);
  m) RACERS complaints corrected to one reference by two complaint
     managers: one holds, the others are told it is used;
  n) two sales administrators transferring one salesperson's customers to
     one colleague while that salesperson edits them: transferred once (one
     note each), every edit saved or refused with a message, none lost.

The last line is ``RESULT <passed> <failed>``.
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
SALESPERSON = ".".join(GROUP)
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
        user = User(self, uid, password)
        user.context = user("res.users", "context_get")
        return user


class User:
    """A user's calls, each on an HTTP connection of its own, with the user's
    context (language, time zone) as the web client sends it."""

    def __init__(self, odoo, uid, password, context=None):
        self.odoo = odoo
        self.uid = uid
        self.password = password
        self.context = context or {}

    def __call__(self, model, method, *args, **kwargs):
        kwargs["context"] = {**self.context, **(kwargs.get("context") or {})}
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


def group_id(admin, xmlid):
    module, name = xmlid.split(".")
    return admin(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )[0]["res_id"]


def make_user(admin, token, role="salesperson", groups=(SALESPERSON,), lang=None):
    """A user of ``groups`` only (their implied groups too), speaking
    ``lang`` (the database's default if None): ``(login, password)``. Only a
    sales administrator may be one."""
    own_groups, all_groups = user_group_fields(admin)
    login = f"race_{role.replace(' ', '_')}_{token}"
    password = secrets.token_hex(12)
    uid = admin(
        "res.users",
        "create",
        {
            "name": f"Race {role.title()} {token}",
            "login": login,
            "password": password,
            own_groups: [(6, 0, [group_id(admin, xmlid) for xmlid in groups])],
            **({"lang": lang} if lang else {}),
        },
    )
    managers = group_id(admin, "sales_team.group_sale_manager")
    groups_had = admin("res.users", "read", [uid], [all_groups])[0][all_groups]
    if (managers in groups_had) != (role == "sales administrator"):
        raise SystemExit(f"the {role} came out with the wrong sales rights")
    return login, password


def make_salesperson(admin, token):
    return make_user(admin, token)


def at_once(calls):
    """Run ``calls`` (functions of no argument, each sending its requests on
    HTTP connections of its own) at the same moment, each in a thread of its
    own; ``[(result, None) or (None, RpcError)]`` in their order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def racer(index, call):
        barrier.wait()
        try:
            results[index] = (call(), None)
        except RpcError as error:
            results[index] = (None, error)
        except Exception as error:  # reported, never raised
            results[index] = (None, RpcError({"message": repr(error)}))

    threads = [
        threading.Thread(target=racer, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def race(odoo, salesperson, registrations):
    """All racers create at once, each one of ``registrations`` (create
    values, or ``(salesperson, values)``); ``[(name, partner id or None,
    error)]``."""
    calls = []
    for item in registrations:
        user, values = item if isinstance(item, tuple) else (salesperson, item)
        calls.append(
            lambda user=user, values=values: user("res.partner", "create", values)
        )
    return [
        (
            (item[1] if isinstance(item, tuple) else item)["name"],
            result,
            error,
        )
        for item, (result, error) in zip(registrations, at_once(calls), strict=True)
    ]


def classify(error):
    text = f"{error.name} {error.message}".lower()
    if any(
        words in text
        for words in (
            "same company name",
            "same vat",
            "already registered",
            # zh_CN: 相同公司名称, 相同税号, ...已经登记 / ...使用该信息登记
            "相同公司名称",
            "相同税号",
            "登记",
        )
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
    if kind in ("vat", "both"):
        base = f"91350100{token.upper()}000"
        code = base + uscc.calc_check_digit(base)
        spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
    if kind == "both":
        # One company: its name in either script, its number with or without
        # the country prefix (two keys each, locked together).
        values = [
            {
                "name": SCRIPT_VARIANTS[i % len(SCRIPT_VARIANTS)].format(
                    T=token.upper(), t=token
                ),
                "is_company": True,
                "vat": VAT_VARIANTS[i % len(VAT_VARIANTS)].format(
                    code=code, spaced=spaced
                ),
            }
            for i in range(racers)
        ]
        return (
            values,
            ["|", ("name", "ilike", token), ("vat_key", "=", code)],
            "vat_key",
        )
    if kind == "vat":
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
    """``salesperson``: one, or a list of them who register in turn."""
    salespeople = salesperson if isinstance(salesperson, list) else [salesperson]
    salesperson = salespeople[0]
    token = secrets.token_hex(3)
    values, domain, key_field = registrations(kind, token, racers)
    names = [row["name"] for row in values]
    holder_note = setup(admin, salesperson, names[0])
    if len(salespeople) > 1:
        holder_note += f"{len(salespeople)} salespeople; "
    retries_before = count_lines(log, "tries left, try again")
    started = time.monotonic()
    results = race(
        odoo,
        salesperson,
        [
            (salespeople[index % len(salespeople)], row)
            for index, row in enumerate(values)
        ],
    )
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
    if refusals.get("concurrency error"):
        # Odoo retries a request a serialization failure stops (five times):
        # one that reaches the user was not decided by the key lock.
        problems.append(f"{refusals['concurrency error']} told a concurrency error")

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
    told = []
    for _name, _pid, error in results:
        if error and classify(error) == "block message" and error.message not in told:
            told.append(error.message)
    for message in told[: len(salespeople)]:
        print("    told: " + message.replace("\n", " ")[:200])
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


# What a racer that lost is told, per scenario beyond registrations (English
# and zh_CN): a refusal that says why, never a concurrency error.
CLAIM_REFUSALS = ("belongs to", "already your customer", "属于", "已经是您的客户")
MERGE_REFUSALS = ("already merged", "no longer exist", "已合并", "已不存在")
EXCEPTION_REFUSALS = ("already decided", "已有审批结果")
REFERENCE_REFUSALS = ("already used by another complaint", "已被另一条投诉使用")


def refusal_problems(results, refusals, who):
    """What is wrong with the refusals among ``results`` (``[(result,
    error)]``): those not one of ``refusals``."""
    problems = []
    for index, (_result, error) in enumerate(results):
        if error and not any(words in error.message for words in refusals):
            problems.append(f"{who(index)}: {error.name} {error.message[:200]}")
    return problems


def report(label, note, problems, retries, seconds, results=()):
    """Print a scenario's outcome, with the refusals its racers were told
    (each once); whether it passed."""
    print(f"({label}) {note}:")
    print(
        f"    {retries} serialization failure(s) retried by Odoo; {seconds:.1f}s"
        + (" — ok" if not problems else " — FAILED: " + "; ".join(problems[:5]))
    )
    told = []
    for _result, error in results:
        if error and error.message not in told:
            told.append(error.message)
    for message in told[:4]:
        print("    told: " + message.replace("\n", " ")[:200])
    return not problems


def timed(log, run):
    """``(result of run(), retries Odoo logged meanwhile, seconds)``."""
    before = count_lines(log, "tries left, try again")
    started = time.monotonic()
    result = run()
    seconds = time.monotonic() - started
    return result, count_lines(log, "tries left, try again") - before, seconds


def claim_race(odoo, admin, salespeople, label, racers, log):
    """RACERS claims of one customer of the shared pool at once, by several
    salespeople (each clicking more than once): one salesperson's claim
    holds, every other claim is refused by a claim message."""
    token = secrets.token_hex(3).upper()
    pooled = admin(
        "res.partner",
        "create",
        {"name": f"Pooled {token} Trading Ltd", "is_company": True, "user_id": False},
    )
    admin("res.partner", "write", [pooled], {"in_pool": True})
    claimers = [salespeople[index % len(salespeople)] for index in range(racers)]
    results, retries, seconds = timed(
        log,
        lambda: at_once(
            [
                lambda user=user: user("res.partner", "action_claim_customer", [pooled])
                for user in claimers
            ]
        ),
    )
    won = {
        claimers[index].uid for index, (_r, error) in enumerate(results) if not error
    }
    partner = admin("res.partner", "read", [pooled], ["user_id", "in_pool"])[0]
    owner = partner["user_id"] and partner["user_id"][0]
    notes = admin(
        "mail.message",
        "search_count",
        [
            ("model", "=", "res.partner"),
            ("res_id", "=", pooled),
            ("body", "ilike", "Race Salesperson"),
        ],
    )
    problems = []
    wins = sum(1 for _r, error in results if not error)
    if wins != 1 or won != {owner}:
        problems.append(f"{wins} claims held, owner {owner}, winners {sorted(won)}")
    if partner["in_pool"]:
        problems.append("still in the pool")
    if notes != 1:
        problems.append(f"{notes} notes of a claim")
    problems += refusal_problems(
        results, CLAIM_REFUSALS, lambda index: f"claim {index}"
    )
    return report(
        label,
        f"{racers} claims of one pooled customer at once by {len(salespeople)} "
        f"salespeople: {wins} held, {racers - wins} refused",
        problems,
        retries,
        seconds,
        results,
    )


def merge_race(odoo, admins, label, log, odoo_wizard=False):
    """Two sales administrators merging the same two customers at once, each
    twice, each keeping another of them, with the addon's wizard (and Odoo's,
    when ``odoo_wizard``): one merge is done, every other is refused with a
    message."""
    token = secrets.token_hex(3).upper()
    twins = admins[0](
        "res.partner",
        "create",
        [
            {"name": f"Merging {token} North", "is_company": True},
            {"name": f"Merging {token} South", "is_company": True},
        ],
    )
    calls = []
    labels = []
    for index in range(4):
        user = admins[index % 2]
        keep = twins[index % 2]
        wizard = user(
            "crm.partner.merge.wizard",
            "create",
            {
                "survivor_rule": "oldest",
                "customer_ids": [
                    (0, 0, {"group": 1, "partner_id": twin, "keep": twin == keep})
                    for twin in twins
                ],
            },
        )
        calls.append(
            lambda user=user, wizard=wizard: user(
                "crm.partner.merge.wizard", "action_merge", [wizard]
            )
        )
        labels.append(f"merge {index} (keeping #{keep})")
    if odoo_wizard:
        # Odoo's own wizard, at the same moment (it deletes what it merges;
        # the first administrator has Odoo's "Contact Creation" it asks for).
        user = admins[0]
        wizard = user(
            "base.partner.merge.automatic.wizard",
            "create",
            {
                "state": "selection",
                "partner_ids": [(6, 0, twins)],
                "dst_partner_id": twins[0],
            },
        )
        calls.append(
            lambda user=user, wizard=wizard: user(
                "base.partner.merge.automatic.wizard", "action_merge", [wizard]
            )
        )
        labels.append("Odoo's merge")
    results, retries, seconds = timed(log, lambda: at_once(calls))
    left = admins[0](
        "res.partner",
        "search_read",
        [("id", "in", twins)],
        fields=["active"],
        context={"active_test": False},
    )
    active = [row["id"] for row in left if row["active"]]
    merges = admins[0](
        "crm.partner.merge",
        "search_read",
        [("partner_id", "in", twins)],
        fields=["state", "error"],
    )
    done = [merge for merge in merges if merge["state"] == "done"]
    told_done = [
        labels[index]
        for index, (result, error) in enumerate(results)
        if not error
        and not (
            isinstance(result, dict)
            and (result.get("params") or {}).get("type") == "warning"
        )
    ]
    problems = []
    if len(active) != 1:
        problems.append(f"{len(active)} of the two customers active")
    if len(told_done) != 1:
        problems.append(f"{len(told_done)} told merged: {told_done}")
    if len(done) > 1:
        problems.append(f"{len(done)} merges done")
    failed = [merge for merge in merges if merge["state"] == "failed"]
    if failed:
        problems.append(f"{len(failed)} merges failed: {failed[0]['error'][:200]}")
    problems += refusal_problems(results, MERGE_REFUSALS, lambda index: labels[index])
    return report(
        label,
        f"{len(calls)} merges of the same two customers at once by two sales "
        f"administrators (4 with the addon's wizard, either kept"
        + ("; 1 with Odoo's" if odoo_wizard else "")
        + "): "
        f"{len(told_done)} told done, {len(done)} done "
        f"({sum(1 for _r, error in results if error)} refused)",
        problems,
        retries,
        seconds,
        results,
    )


def exception_race(odoo, admins, holder_salesperson, requester, label, log):
    """Two sales administrators deciding one exception to a block at once,
    each approving and refusing it: one decision holds, one customer at most
    is registered by it, every other decision is refused with a message."""
    token = secrets.token_hex(3).upper()
    holder = holder_salesperson(
        "res.partner",
        "create",
        {"name": f"Excepted {token} Trading Co., Ltd.", "is_company": True},
    )
    exception = requester(
        "crm.duplicate.exception",
        "create",
        {
            "name": f"Excepted {token} Trading (Branch)",
            "matched_partner_id": holder,
            "reason": "A branch registered on its own.",
        },
    )
    calls, labels = [], []
    for decision in ("action_approve", "action_refuse"):
        for user in admins:
            calls.append(
                lambda user=user, decision=decision: user(
                    "crm.duplicate.exception", decision, [exception]
                )
            )
            labels.append(f"{decision} by #{user.uid}")
    results, retries, seconds = timed(log, lambda: at_once(calls))
    decided = admins[0](
        "crm.duplicate.exception",
        "read",
        [exception],
        ["state", "partner_id", "approved_by_id"],
    )[0]
    registered = admins[0](
        "res.partner",
        "search_count",
        [("duplicate_exception_id", "=", exception)],
        context={"active_test": False},
    )
    held = [labels[index] for index, (_r, error) in enumerate(results) if not error]
    problems = []
    if len(held) != 1:
        problems.append(f"{len(held)} decisions held: {held}")
    elif ("approve" in held[0]) != (decided["state"] == "approved"):
        problems.append(f"{held[0]} held, the exception is {decided['state']}")
    if registered != (decided["state"] == "approved"):
        problems.append(f"{registered} customers registered, {decided['state']}")
    problems += refusal_problems(
        results, EXCEPTION_REFUSALS, lambda index: labels[index]
    )
    return report(
        label,
        f"an exception to a block approved and refused at once by two sales "
        f"administrators: {decided['state']}, {registered} customer registered",
        problems,
        retries,
        seconds,
        results,
    )


def complaint_race(odoo, admin, handlers, label, racers, log):
    """RACERS complaints registered at once by several complaint handlers:
    each is registered, each with a reference of its own."""
    token = secrets.token_hex(3).upper()
    customer = admin(
        "res.partner",
        "create",
        {"name": f"Complaining {token} Ltd", "is_company": True},
    )
    users = [handlers[index % len(handlers)] for index in range(racers)]
    results, retries, seconds = timed(
        log,
        lambda: at_once(
            [
                lambda user=user, index=index: user(
                    "crm.complaint",
                    "create",
                    {"partner_id": customer, "subject": f"Race {token} {index}"},
                )
                for index, user in enumerate(users)
            ]
        ),
    )
    made = admin(
        "crm.complaint",
        "search_read",
        [("partner_id", "=", customer)],
        fields=["name"],
    )
    references = [row["name"] for row in made]
    problems = [
        f"complaint {index}: {error.name} {error.message[:200]}"
        for index, (_r, error) in enumerate(results)
        if error
    ]
    if len(made) != racers:
        problems.append(f"{len(made)} of {racers} complaints registered")
    if len(set(references)) != len(references):
        problems.append(f"references given twice: {sorted(references)}")
    if any(not reference.startswith("CMP/") for reference in references):
        problems.append(f"references not from the sequence: {sorted(references)}")
    return report(
        label,
        f"{racers} complaints registered at once by {len(handlers)} complaint "
        f"handlers: {len(made)} registered, {len(set(references))} references "
        f"({min(references, default='')} .. {max(references, default='')})",
        problems,
        retries,
        seconds,
        results,
    )


def reference_race(odoo, admin, managers, label, racers, log):
    """RACERS complaints corrected to one reference at once by two complaint
    managers: one correction holds, the others are told it is used."""
    token = secrets.token_hex(3).upper()
    customer = admin(
        "res.partner", "create", {"name": f"Referenced {token} Ltd", "is_company": True}
    )
    complaints = admin(
        "crm.complaint",
        "create",
        [
            {"partner_id": customer, "subject": f"Reference {token} {index}"}
            for index in range(racers)
        ],
    )
    reference = f"CMP/RACE/{token}"
    users = [managers[index % len(managers)] for index in range(racers)]
    results, retries, seconds = timed(
        log,
        lambda: at_once(
            [
                lambda user=user, complaint=complaint: user(
                    "crm.complaint", "write", [complaint], {"name": reference}
                )
                for user, complaint in zip(users, complaints, strict=True)
            ]
        ),
    )
    given = admin("crm.complaint", "search_count", [("name", "=", reference)])
    held = sum(1 for _r, error in results if not error)
    problems = []
    if given != 1 or held != 1:
        problems.append(f"{held} corrections held, {given} complaints with it")
    problems += refusal_problems(
        results, REFERENCE_REFUSALS, lambda index: f"complaint {index}"
    )
    return report(
        label,
        f"{racers} complaints corrected to one reference at once by "
        f"{len(managers)} complaint managers: {held} held",
        problems,
        retries,
        seconds,
        results,
    )


def transfer_race(odoo, admins, leaver, receiver, label, racers, log):
    """Two sales administrators transfer a salesperson's customers to one
    colleague at once, while that salesperson edits them (the other racers'
    edits, round the customers): the customers go to the colleague once (one
    note each), both administrators are answered, and each edit is saved or
    refused with a message."""
    token = secrets.token_hex(3).upper()
    customers = [
        leaver(
            "res.partner",
            "create",
            {
                "name": f"Portfolio {token} {index} Ltd",
                "is_company": True,
                "user_id": leaver.uid,
            },
        )
        for index in range(4)
    ]
    calls = []
    for admin in admins:
        wizard = admin(
            "crm.customer.transfer",
            "create",
            {"from_user_id": leaver.uid, "target": "user", "to_user_id": receiver.uid},
        )
        calls.append(
            lambda admin=admin, wizard=wizard: admin(
                "crm.customer.transfer", "action_transfer", [wizard]
            )
        )
    transfers = len(calls)
    edits = []
    for index in range(racers - transfers):
        customer = customers[index % len(customers)]
        note = f"Edit {index} {token}"
        edits.append((customer, note))
        calls.append(
            lambda customer=customer, note=note: leaver(
                "res.partner", "write", [customer], {"comment": note}
            )
        )
    results, retries, seconds = timed(log, lambda: at_once(calls))
    admin = admins[0]
    rows = {
        row["id"]: row
        for row in admin("res.partner", "read", customers, ["user_id", "comment"])
    }
    (receiver_name,) = [
        row["name"] for row in admin("res.users", "read", [receiver.uid], ["name"])
    ]
    problems = [
        f"transfer {index}: {error.name} {error.message[:200]}"
        for index, (_r, error) in enumerate(results[:transfers])
        if error
    ]
    moved = sum(
        1
        for row in rows.values()
        if row["user_id"] and row["user_id"][0] == receiver.uid
    )
    if moved != len(customers):
        problems.append(f"{moved} of {len(customers)} customers transferred")
    notes = admin(
        "mail.message",
        "search_count",
        [
            ("model", "=", "res.partner"),
            ("res_id", "in", customers),
            ("body", "ilike", receiver_name),
        ],
    )
    if notes != len(customers):
        problems.append(f"{notes} notes of a transfer for {len(customers)} customers")
    saved = refused = 0
    for (customer, _note), (_result, error) in zip(
        edits, results[transfers:], strict=True
    ):
        if error:
            refused += 1
            if any(
                word in f"{error.name} {error.message}".lower()
                for word in ("serializ", "concurren", "deadlock", "lock", "traceback")
            ):
                problems.append(f"edit of #{customer}: {error.message[:200]}")
        else:
            saved += 1
    # Each customer's note is one its salesperson was told saved (no edit
    # told "saved" is lost under the transfer's write).
    for customer in customers:
        told = [
            note
            for (edited, note), (_r, error) in zip(
                edits, results[transfers:], strict=True
            )
            if edited == customer and not error
        ]
        comment = rows[customer]["comment"] or ""
        if told and not any(note in comment for note in told):
            problems.append(f"#{customer}: saved edits lost ({comment[:60]!r})")
    return report(
        label,
        f"{transfers} transfers of {len(customers)} customers at once while their "
        f"salesperson sends {len(edits)} edits of them: {moved} transferred, "
        f"{saved} edits saved, {refused} refused",
        problems,
        retries,
        seconds,
        results,
    )


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
    parser.add_argument(
        "--only", default="", help="the scenarios to run (letters), all if empty"
    )
    args = parser.parse_args()

    wait_for_login(args.url, args.odoo_pid, args.wait)
    odoo = Odoo(args.url, args.db)
    admin = odoo.login(args.admin_login, args.admin_password)
    token = secrets.token_hex(3)
    login, password = make_salesperson(admin, token)
    salesperson = odoo.login(login, password)
    print(f"salesperson {login} (uid {salesperson.uid}, {GROUP[0]}.{GROUP[1]})")

    # The others: a second salesperson (in Chinese when the database has it),
    # two more to claim, a second sales administrator, two complaint handlers.
    chinese = admin("res.lang", "search_count", [("code", "=", "zh_CN")])
    others = []
    for role, groups, lang in [
        ("salesperson", (SALESPERSON,), "zh_CN"),
        ("salesperson", (SALESPERSON,), None),
        ("salesperson", (SALESPERSON,), None),
        ("sales administrator", ("sales_team.group_sale_manager",), "zh_CN"),
        ("complaint handler", ("crm_extension.group_complaint_user",), "zh_CN"),
        ("complaint handler", ("crm_extension.group_complaint_user",), None),
        ("complaint manager", ("crm_extension.group_complaint_manager",), "zh_CN"),
        ("complaint manager", ("crm_extension.group_complaint_manager",), None),
    ]:
        other_login, other_password = make_user(
            admin, secrets.token_hex(3), role, groups, lang if chinese else None
        )
        others.append(odoo.login(other_login, other_password))
    colleague, *claimers = others[:3]
    sales_admin, handlers, complaint_managers = others[3], others[4:6], others[6:]

    passed = failed = 0
    scenarios = [
        (
            label,
            scenario,
            (odoo, admin, salesperson, label, setup, args.racers, args.log, kind),
        )
        for label, setup, kind in [
            ("a", new_name, "name"),
            ("b", hold_then_rename, "name"),
            ("c", hold_then_delete, "name"),
            ("d", new_name, "name"),
            ("e", new_name, "script"),
            ("f", new_name, "vat"),
        ]
    ]
    scenarios += [
        (
            "g",
            scenario,
            (
                odoo,
                admin,
                [salesperson, colleague],
                "g",
                new_name,
                args.racers,
                args.log,
                "both",
            ),
        ),
        (
            "h",
            claim_race,
            (
                odoo,
                admin,
                [salesperson, colleague, *claimers],
                "h",
                args.racers,
                args.log,
            ),
        ),
        ("i", merge_race, (odoo, [admin, sales_admin], "i", args.log)),
        ("j", merge_race, (odoo, [admin, sales_admin], "j", args.log, True)),
        (
            "k",
            exception_race,
            (odoo, [admin, sales_admin], salesperson, colleague, "k", args.log),
        ),
        ("l", complaint_race, (odoo, admin, handlers, "l", args.racers, args.log)),
        (
            "m",
            reference_race,
            (odoo, admin, complaint_managers, "m", args.racers, args.log),
        ),
        (
            "n",
            transfer_race,
            (
                odoo,
                [admin, sales_admin],
                colleague,
                claimers[0],
                "n",
                args.racers,
                args.log,
            ),
        ),
    ]
    for label, run, run_args in scenarios:
        if args.only and label not in args.only:
            continue
        try:
            ok = run(*run_args)
        except RpcError as error:
            print(f"({label}) FAILED: {error}")
            ok = False
        passed += ok
        failed += not ok
    print(f"RESULT {passed} {failed}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
