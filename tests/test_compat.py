"""One tree for Odoo 18.0 and 19.0: what differs lives in crm_extension/compat.py.

Static checks: no other file of the addon tests Odoo's version or names what one
of the two versions lacks (fields renamed or removed by 19.0, APIs it dropped or
deprecated), and the XML uses only forms both versions accept.
"""

import re

import pytest
from lxml import etree

# What only compat.py may name in Python: the version itself, and what exists on
# one version only.
PYTHON_ONLY_IN_COMPAT = {
    "Odoo's version": re.compile(
        r"import .*\brelease\b|\brelease\.|version_info|major_version|\bserie\b"
    ),
    "res.partner/crm.lead mobile (gone in 19.0)": re.compile(
        r"""["']mobile["']|\.mobile\b|\bp\.mobile\b"""
    ),
    "groups_id / group_ids (renamed in 19.0)": re.compile(r"\bgroups?_ids?\b"),
    "res.groups users / category (renamed in 19.0)": re.compile(
        r"""(?<!res)\.users\b|["']users["']|privilege_id"""
    ),
    "_sql_constraints (ignored by 19.0)": re.compile(r"_sql_constraints"),
    "models.Constraint (19.0 only)": re.compile(r"models\.(Constraint|UniqueIndex)"),
    "cron progress (19.0 deprecates _notify_progress)": re.compile(
        r"_notify_progress|_commit_progress"
    ),
    "_message_compute_author / _message_add_suggested_recipient": re.compile(
        r"_message_compute_author\(|_message_add_suggested_recipient\("
    ),
    "rotting (19.0 only)": re.compile(r"rotting_threshold_days|is_rotting"),
}


def python_files(addon_dir):
    return sorted(
        path
        for path in addon_dir.rglob("*.py")
        if path.name != "compat.py" and "migrations" not in path.parts
    )


@pytest.mark.parametrize("what", sorted(PYTHON_ONLY_IN_COMPAT))
def test_python_leaves_version_differences_to_compat(addon_dir, what):
    pattern = PYTHON_ONLY_IN_COMPAT[what]
    found = []
    for path in python_files(addon_dir):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            code = line.split("#", 1)[0]
            if pattern.search(code):
                found.append(f"{path.relative_to(addon_dir)}:{number + 1}: {line}")
    assert not found, "\n".join(found)


def xml_files(addon_dir):
    return sorted(addon_dir.rglob("*.xml"))


# (model of a <record>, field): a field one of the two versions lacks.
RECORD_FIELDS_OF_ONE_VERSION = {
    ("res.groups", "category_id"),
    ("res.groups", "privilege_id"),
    ("res.groups", "users"),
    ("res.groups", "user_ids"),
    ("res.users", "groups_id"),
    ("res.users", "group_ids"),
    ("ir.actions.server", "groups_id"),
    ("ir.actions.server", "group_ids"),
    ("ir.actions.act_window", "groups_id"),
    ("ir.actions.act_window", "group_ids"),
    ("ir.ui.menu", "groups_id"),
    ("ir.ui.view", "groups_id"),
    ("ir.ui.view", "group_ids"),
    ("res.partner", "mobile"),
    ("crm.lead", "mobile"),
    ("crm.stage", "rotting_threshold_days"),
}


def test_xml_records_use_fields_of_both_versions(addon_dir):
    found = []
    for path in xml_files(addon_dir):
        tree = etree.parse(str(path))
        for record in tree.iter("record"):
            for field in record.iter("field"):
                if (
                    record.get("model"),
                    field.get("name"),
                ) in RECORD_FIELDS_OF_ONE_VERSION:
                    found.append(
                        f"{path.relative_to(addon_dir)}:{field.sourceline}: "
                        f"{record.get('model')}.{field.get('name')}"
                    )
        for model in tree.iter("record"):
            if model.get("model") == "res.groups.privilege":
                found.append(f"{path.relative_to(addon_dir)}: res.groups.privilege")
    assert not found, "\n".join(found)


def test_views_name_no_field_of_one_version(addon_dir):
    """Views, kanban cards and xpaths name neither mobile nor 19.0's rotting."""
    pattern = re.compile(
        r"""['"@]?name=['"](mobile|rotting_threshold_days|is_rotting)['"]"""
    )
    found = []
    for path in xml_files(addon_dir):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if pattern.search(line):
                found.append(f"{path.relative_to(addon_dir)}:{number + 1}: {line}")
    assert not found, "\n".join(found)


def test_search_views_group_without_attributes(addon_dir):
    """19.0 refuses ``<group expand="0" string="Group By">`` in search views."""
    found = []
    for path in xml_files(addon_dir):
        for search in etree.parse(str(path)).iter("search"):
            for group in search.iter("group"):
                if group.attrib:
                    found.append(f"{path.relative_to(addon_dir)}:{group.sourceline}")
    assert not found, "\n".join(found)


def test_xml_evaluates_no_version(addon_dir):
    found = []
    for path in xml_files(addon_dir):
        for element in etree.parse(str(path)).iter():
            if "version" in (element.get("eval") or ""):
                found.append(f"{path.relative_to(addon_dir)}:{element.sourceline}")
    assert not found, "\n".join(found)


def test_compat_declares_the_differences(addon_dir):
    """The compatibility module documents each difference it handles."""
    doc = (addon_dir / "compat.py").read_text(encoding="utf-8")
    for subject in (
        "manifest version",
        "phone numbers",
        "SQL constraints",
        "a user's groups",
        "a group's users",
        "stalled deals",
        "demo data",
    ):
        assert subject in doc, subject
