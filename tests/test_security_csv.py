"""Static checks of security/ir.model.access.csv against the addon's models."""

import ast
import csv
import io

import pytest

HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
MANAGER_GROUPS = {
    "sales_team.group_sale_manager",
    "group_complaint_manager",
    "crm_extension.group_complaint_manager",
}
# Models only sales administrators use: merging customers and undoing merges.
# Every other role is refused by having no access row at all.
MANAGER_ONLY = {
    "crm.partner.merge",
    "crm.partner.merge.line",
    "crm.partner.merge.wizard",
    "crm.partner.merge.wizard.customer",
}
# Base classes whose subclasses get a table and so need access rights.
STORED_BASES = {"Model", "TransientModel"}


def read_rows(text):
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [row for row in reader if row]


def class_attribute(node, name):
    """The literal value of class attribute ``name`` (a string or a list of
    strings), or ``None``."""
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name
            for target in statement.targets
        ):
            try:
                return ast.literal_eval(statement.value)
            except ValueError:
                return None
    return None


def model_names(source):
    """``_name`` of every class in ``source`` that defines a new stored model
    (not of one that extends a model under its own name, such as
    ``_name = "res.partner"`` with ``_inherit = ["res.partner", "a.mixin"]``)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {
            base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            for base in node.bases
        }
        if not bases & STORED_BASES:
            continue
        name = class_attribute(node, "_name")
        if not isinstance(name, str):
            continue
        inherit = class_attribute(node, "_inherit") or []
        if name in ([inherit] if isinstance(inherit, str) else inherit):
            continue
        names.add(name)
    return names


def model_ref(name):
    return "model_" + name.replace(".", "_")


def access_problems(rows, models):
    """What is wrong with access rows ``rows`` for our models ``models``."""
    problems = []
    ids = [row[0] for row in rows]
    duplicates = sorted({xmlid for xmlid in ids if ids.count(xmlid) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    for row in rows:
        if len(row) != len(HEADER):
            problems.append(f"{row[0]}: {len(row)} columns instead of {len(HEADER)}")
            continue
        if any(value not in ("0", "1") for value in row[4:]):
            problems.append(f"{row[0]}: permissions must be 0 or 1")
        model = row[2]
        if "." not in model and model not in {model_ref(name) for name in models}:
            problems.append(f"{row[0]}: {model} is not a model of this addon")
    for name in sorted(models):
        groups = [row[3] for row in rows if len(row) > 3 and row[2] == model_ref(name)]
        if not any(group in MANAGER_GROUPS for group in groups):
            problems.append(f"{name}: no manager row")
        if name in MANAGER_ONLY:
            if any(group not in MANAGER_GROUPS for group in groups):
                problems.append(f"{name}: for sales administrators only")
        elif not any(group not in MANAGER_GROUPS for group in groups):
            problems.append(f"{name}: no user row")
    return problems


@pytest.fixture(scope="module")
def access(addon_dir):
    return read_rows(
        (addon_dir / "security" / "ir.model.access.csv").read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def models(addon_dir):
    names = set()
    paths = [
        path
        for folder in ("models", "wizard", "report")
        for path in (addon_dir / folder).glob("*.py")
    ]
    for path in sorted(paths):
        names |= model_names(path.read_text(encoding="utf-8"))
    return names


def test_header(access):
    header, _rows = access
    assert header == HEADER


def test_extensions_under_their_own_name_are_no_new_models():
    source = (
        "class A(models.Model):\n"
        "    _name = 'res.partner'\n"
        "    _inherit = ['res.partner', 'crm.guarded.field.mixin']\n"
        "class B(models.Model):\n"
        "    _name = 'crm.thing'\n"
        "    _inherit = ['mail.thread']\n"
    )
    assert model_names(source) == {"crm.thing"}


def test_models_found(models):
    # The models this addon is known to define; more may come.
    assert {
        "crm.customer.class",
        "crm.contact.role",
        "crm.lead.contact.role",
        "crm.duplicate.rule",
        "crm.customer.transfer",
        "crm.duplicate.group",
    } <= models


def test_access_rows(access, models):
    _header, rows = access
    assert access_problems(rows, models) == []


def test_model_names_parsing():
    source = """
from odoo import models

class A(models.Model):
    _name = "x.a"

class B(models.TransientModel):
    _name = "x.b"

class C(models.AbstractModel):
    _name = "x.mixin"

class D(models.Model):
    _inherit = "res.partner"
"""
    assert model_names(source) == {"x.a", "x.b"}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], ["x.a: no manager row", "x.a: no user row"]),
        (
            [["a_user", "a", "model_x_a", "base.group_user", "1", "0", "0", "0"]],
            ["x.a: no manager row"],
        ),
        (
            [["a_mgr", "a", "model_x_a", "sales_team.group_sale_manager"] + ["1"] * 4],
            ["x.a: no user row"],
        ),
        (
            [
                ["a", "a", "model_x_a", "base.group_user", "1", "0", "0", "0"],
                ["a", "a", "model_x_a", "group_complaint_manager", "1", "1", "1", "1"],
            ],
            ["duplicate ids: ['a']"],
        ),
        (
            [
                ["a_user", "a", "model_x_a", "base.group_user", "1", "0", "0", "2"],
                [
                    "a_mgr",
                    "a",
                    "model_x_a",
                    "group_complaint_manager",
                    "1",
                    "1",
                    "1",
                    "1",
                ],
            ],
            ["a_user: permissions must be 0 or 1"],
        ),
        (
            [
                ["a_user", "a", "model_x_a", "base.group_user", "1", "0", "0", "0"],
                [
                    "a_mgr",
                    "a",
                    "model_x_a",
                    "group_complaint_manager",
                    "1",
                    "1",
                    "1",
                    "1",
                ],
                ["typo", "a", "model_x_z", "base.group_user", "1", "0", "0", "0"],
            ],
            ["typo: model_x_z is not a model of this addon"],
        ),
    ],
)
def test_access_problems_found(rows, expected):
    assert access_problems(rows, {"x.a"}) == expected
