"""The Python drivers of the compatibility and race tiers of scripts/test.

Both tiers need Odoo; what they decide without it is tested here: which test
outcomes count as regressions, how refusals are classified, and that the names
the racers register are one name for the addon's block rule.
"""

import importlib.util
import json
import subprocess
import sys

import pytest


def load_script(repo_root, name):
    spec = importlib.util.spec_from_file_location(
        name, repo_root / "scripts" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def race(repo_root):
    return load_script(repo_root, "odoo_race")


def outcome(status, detail=""):
    return {"status": status, "detail": detail}


def compare(repo_root, tmp_path, with_, without, *again):
    """``odoo_compat.py compare`` of these outcomes; ``again``: the outcomes
    of the runs again, alternately with and without the addon."""
    paths = []
    runs = [("with", with_), ("without", without)]
    runs += [(f"again-{index}", outcomes) for index, outcomes in enumerate(again)]
    for name, outcomes in runs:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"outcomes": outcomes}), encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "odoo_compat.py"), "compare"]
        + paths,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


T = "odoo.addons.crm.tests.test_x.TestX."
SETUP = "setUpClass of its class: ValidationError: blocked"


def test_compare_counts_only_what_passes_without_the_addon(repo_root, tmp_path):
    without = {
        T + "test_ok": outcome("passed"),
        T + "test_broken": outcome("passed"),
        T + "test_erroring": outcome("passed"),
        T + "test_always_failing": outcome("failed", "AssertionError"),
        T + "test_fixed": outcome("failed", "AssertionError"),
        T + "test_skipped": outcome("skipped", "no Chromium"),
        T + "test_gone": outcome("passed"),
    }
    with_ = {
        T + "test_ok": outcome("passed"),
        T + "test_broken": outcome("failed", "AssertionError: -1 != 0"),
        T + "test_erroring": outcome("error", "KeyError: 'x'"),
        T + "test_always_failing": outcome("failed", "AssertionError"),
        T + "test_fixed": outcome("passed"),
        T + "test_skipped": outcome("skipped", "no Chromium"),
    }
    lines = compare(repo_root, tmp_path, with_, without)
    regressions = [line for line in lines if line.startswith("REGRESSION ")]
    assert len(regressions) == 3
    assert any(
        "test_broken: failed — AssertionError: -1 != 0" in r for r in regressions
    )
    assert any("test_erroring: error" in r for r in regressions)
    assert any("test_gone: not run" in r for r in regressions)
    assert not any("test_always_failing" in r for r in regressions)
    # Those that failed are run again (not one that did not run).
    assert f"RUN AGAIN {T}test_broken,{T}test_erroring" in lines
    # passed with, passed without, regressions, failing both, skipped with,
    # tests with, tests without, intermittent, not reproduced
    assert lines[-1] == "COUNTS 2 4 3 1 1 7 7 0 0"


def test_compare_groups_a_class_whose_setup_failed(repo_root, tmp_path):
    names = ["test_a", "test_b", "test_c"]
    without = {T + name: outcome("passed") for name in names}
    with_ = {T + name: outcome("error", SETUP) for name in names}
    lines = compare(repo_root, tmp_path, with_, without)
    regressions = [line for line in lines if line.startswith("REGRESSION ")]
    assert regressions == [
        "REGRESSION crm.tests.test_x.TestX: 3 tests error — "
        f"{SETUP} (test_a, test_b, test_c)"
    ]
    assert lines[-1] == "COUNTS 0 3 3 0 0 3 3 0 0"


def test_compare_without_regressions(repo_root, tmp_path):
    same = {T + "test_ok": outcome("passed")}
    lines = compare(repo_root, tmp_path, same, same)
    assert not [line for line in lines if line.startswith(("REGRESSION", "RUN"))]
    assert lines[-1] == "COUNTS 1 1 0 0 0 1 1 0 0"


def test_a_regression_failing_again_without_the_addon_is_intermittent(
    repo_root, tmp_path
):
    """Tests of Odoo's that failed with the addon, run again: one that fails
    without the addon too in a run is Odoo's intermittent test, counted apart
    with how often it failed on each side; one that passes in every run again
    with the addon was not reproduced, counted apart with its error; one that
    fails again with the addon and never without stays a regression, however
    often it passed again."""
    flaky, broken, once = T + "test_tour", T + "test_broken", T + "test_once"
    without = {test: outcome("passed") for test in (flaky, broken, once)}
    with_ = {
        flaky: outcome("failed", "TIMEOUT step"),
        broken: outcome("failed", "AssertionError"),
        once: outcome("failed", "SystemError: AST constructor"),
    }
    passed = outcome("passed")
    again = [
        {flaky: passed, broken: outcome("failed", "AssertionError"), once: passed},
        {flaky: passed, broken: passed, once: passed},
        {flaky: outcome("failed", "TIMEOUT"), broken: passed, once: passed},
        {flaky: outcome("failed", "TIMEOUT"), broken: passed, once: passed},
    ]
    lines = compare(repo_root, tmp_path, with_, without, *again)
    assert [line for line in lines if line.startswith("REGRESSION ")] == [
        "REGRESSION crm.tests.test_x.TestX.test_broken: failed — AssertionError"
    ]
    assert (
        "INTERMITTENT crm.tests.test_x.TestX.test_tour: failed 2 of 3 runs with "
        "crm_extension, 1 of 3 without — TIMEOUT step"
    ) in lines
    assert (
        "NOT REPRODUCED crm.tests.test_x.TestX.test_once: passed 2 runs again "
        "with crm_extension — SystemError: AST constructor"
    ) in lines
    assert not [line for line in lines if line.startswith("RUN AGAIN")]
    assert lines[-1] == "COUNTS 0 3 1 0 0 3 3 1 1"


def test_the_test_tag_of_a_test_id(repo_root):
    compat = load_script(repo_root, "odoo_compat")
    assert (
        compat.test_tag("odoo.addons.crm.tests.test_crm_ui.TestUi.test_03_tour")
        == "/crm:TestUi.test_03_tour"
    )


def test_racers_register_one_name_for_the_block_rule(race, tools):
    token = "a3f9c1"
    names = [v.format(T=token.upper(), t=token) for v in race.VARIANTS]
    assert len(set(names)) == len(race.VARIANTS)
    keys = {tools.normalize.normalize_name(name) for name in names}
    assert keys == {"racing" + token}


def test_racers_of_each_scenario_register_one_key(race, tools):
    """The racers of the other-script and VAT scenarios register different
    texts of one key: the shipped rules must see them as one."""
    token = "a3f9c1"
    names, _domain, field = race.registrations("script", token, 16)
    assert field == "name_key"
    assert len({row["name"] for row in names}) == len(race.SCRIPT_VARIANTS)
    keys = {tools.normalize.normalize_name(row["name"]) for row in names}
    assert keys == {"深圳a3f9c1华星科技"}
    vats, domain, field = race.registrations("vat", token, 16)
    assert field == "vat_key"
    typed = {row["vat"] for row in vats}
    assert len(typed) == len(race.VAT_VARIANTS)
    keys = {tools.normalize.normalize_vat(vat) for vat in typed}
    assert keys == {domain[0][2]}
    assert tools.normalize.is_valid_uscc(domain[0][2])
    # Under different names: only the number is the same.
    assert len({row["name"] for row in vats}) == 16


def test_racers_of_two_salespeople_share_both_keys(race, tools):
    """Scenario g: every racer registers the one company by both keys, its
    name in either script and its code as typed: any two racers share both,
    so exactly one may commit whoever wins."""
    token = "a3f9c1"
    values, domain, field = race.registrations("both", token, 16)
    assert field == "vat_key"
    names = {tools.normalize.normalize_name(row["name"]) for row in values}
    vats = {tools.normalize.normalize_vat(row["vat"]) for row in values}
    assert names == {"深圳a3f9c1华星科技"}
    assert vats == {domain[2][2]}
    assert len({row["name"] for row in values}) == len(race.SCRIPT_VARIANTS)
    assert len({row["vat"] for row in values}) == len(race.VAT_VARIANTS)


def test_refusals_of_the_other_decisions_name_what_was_decided(race):
    """A lost claim, merge or decision is told why, in English or Chinese;
    a database error is no such refusal."""
    told = [
        (None, race.RpcError({"message": message}))
        for message in (
            "Pooled Ltd belongs to Sam. Only customers in the shared pool ...",
            "Pooled Ltd已经是您的客户。",
            "Archived or already merged customers cannot be merged: South.",
            "已归档或已合并的客户不能再合并：South。",
        )
    ]
    refusals = race.CLAIM_REFUSALS + race.MERGE_REFUSALS
    assert race.refusal_problems(told, refusals, str) == []
    error = race.RpcError(
        {
            "message": "The operation cannot be completed: Error, a partner "
            "cannot follow twice the same object."
        }
    )
    assert race.refusal_problems([(None, error)], refusals, str)


@pytest.mark.parametrize(
    "name, message, kind",
    [
        (
            "odoo.exceptions.ValidationError",
            "This customer is already registered.",
            "block message",
        ),
        ("odoo.exceptions.ValidationError", "x: Same company name. y", "block message"),
        (
            "odoo.exceptions.ValidationError",
            "x: Same VAT or company registry. y",
            "block message",
        ),
        (
            "psycopg2.errors.SerializationFailure",
            "could not serialize access due to concurrent update",
            "concurrency error",
        ),
        (
            "odoo.exceptions.ValidationError",
            "该客户已经登记。 x：相同公司名称。y已经登记",
            "block message",
        ),
        ("odoo.exceptions.AccessError", "You are not allowed to create", "other error"),
    ],
)
def test_refusals_are_classified(race, name, message, kind):
    error = race.RpcError({"data": {"name": name, "message": message}})
    assert race.classify(error) == kind
