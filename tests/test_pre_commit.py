"""The pre-commit configuration runs the linters of scripts/test, pinned as in
requirements-dev.txt: one set of versions for both."""

import re

import pytest
import yaml

PIN_RE = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")


def pins(lines):
    found = {}
    for line in lines:
        match = PIN_RE.match(line.split("#", 1)[0].strip())
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


@pytest.fixture(scope="module")
def hooks(repo_root):
    config = yaml.safe_load(
        (repo_root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


@pytest.fixture(scope="module")
def required(repo_root):
    return pins(
        (repo_root / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    )


def test_hooks_pinned_as_the_test_command(hooks, required):
    for hook in hooks:
        dependencies = hook.get("additional_dependencies", [])
        assert dependencies, f"{hook['id']} installs nothing pinned"
        hook_pins = pins(dependencies)
        assert len(hook_pins) == len(dependencies), f"{hook['id']}: unpinned"
        wrong = {
            name: version
            for name, version in hook_pins.items()
            if required.get(name) != version
        }
        assert not wrong, f"{hook['id']} pins differ from requirements-dev.txt"


@pytest.mark.parametrize(
    "command",
    [
        "ruff check",
        "ruff format",
        "pylint --rcfile=.pylintrc crm_extension",
        "oca-checks-odoo-module crm_extension",
        "oca-checks-po",
        "scripts/gen_readme.py --check",
    ],
)
def test_the_test_commands_linters_are_hooks(hooks, repo_root, command):
    assert any(command in hook["entry"] for hook in hooks)
    test_command = (repo_root / "scripts" / "test").read_text(encoding="utf-8")
    if command != "scripts/gen_readme.py --check":
        assert command.split()[0] in test_command
