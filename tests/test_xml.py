"""Static checks of the addon's XML files: Odoo 18 idioms and STYLE.md naming.

Each check is a function returning a list of problems; it runs on the addon (no
problem expected) and on a small bad example (the problem must be found), so that
no check can pass by accident.
"""

import re
from pathlib import Path

import pytest

try:
    from lxml import etree

    HAVE_LXML = True
except ImportError:  # pragma: no cover - lxml is pinned in requirements-dev.txt
    import xml.etree.ElementTree as etree

    HAVE_LXML = False

ADDON = "crm_extension"
VIEW_TYPES = (
    "form",
    "list",
    "search",
    "kanban",
    "pivot",
    "graph",
    "calendar",
    "activity",
    "gantt",
    "map",
    "hierarchy",
    "cohort",
)
RECORD_TAGS = ("record", "template", "menuitem", "report", "act_window")
TRUE_VALUES = ("1", "True", "true")

ADDON_DIR = Path(__file__).resolve().parent.parent / ADDON


class Doc:
    """A parsed XML file: its path inside the addon, root, and manifest role."""

    def __init__(self, path, root, demo=False):
        self.path = path
        self.root = root
        self.demo = demo

    def where(self, elem):
        line = getattr(elem, "sourceline", None)
        return f"{self.path}:{line}" if line else self.path


def parse_text(text, path="example.xml", demo=False):
    return Doc(path, etree.fromstring(text.encode("utf-8")), demo=demo)


def walk(elem, ancestors=()):
    """Yield ``(element, ancestors)`` for every element (comments skipped)."""
    if not isinstance(elem.tag, str):
        return
    yield elem, ancestors
    for child in elem:
        yield from walk(child, (*ancestors, elem))


def top_records(doc):
    """Records (and shortcuts) of an Odoo data file, with their ancestors."""
    if doc.root.tag not in ("odoo", "openerp"):
        return
    for child in doc.root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "data":
            for grandchild in child:
                if isinstance(grandchild.tag, str) and grandchild.tag in RECORD_TAGS:
                    yield grandchild, (doc.root, child)
        elif child.tag in RECORD_TAGS:
            yield child, (doc.root,)


def field(record, name):
    for child in record:
        if (
            isinstance(child.tag, str)
            and child.tag == "field"
            and child.get("name") == name
        ):
            return child
    return None


def arch_root(record):
    arch = field(record, "arch")
    if arch is None:
        return None
    for child in arch:
        if isinstance(child.tag, str):
            return child
    return None


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def problems_duplicate_ids(docs):
    seen = {}
    problems = []
    for doc in docs:
        for record, _ancestors in top_records(doc):
            xmlid = record.get("id")
            if not xmlid:
                continue
            if xmlid in seen:
                problems.append(
                    f"{doc.where(record)}: id {xmlid} already used at {seen[xmlid]}"
                )
            else:
                seen[xmlid] = doc.where(record)
    return problems


def problems_module_prefix(docs):
    return [
        f"{doc.where(record)}: id {record.get('id')} repeats the module name"
        for doc in docs
        for record, _ancestors in top_records(doc)
        if (record.get("id") or "").startswith(ADDON + ".")
    ]


def problems_deprecated_markup(docs):
    problems = []
    for doc in docs:
        for elem, _ancestors in walk(doc.root):
            if elem.tag == "tree":
                problems.append(f"{doc.where(elem)}: <tree> is <list> in Odoo 18")
            for attribute in ("attrs", "states"):
                if attribute in elem.attrib:
                    problems.append(
                        f"{doc.where(elem)}: {attribute}= is gone in Odoo 18, use "
                        "invisible=/readonly=/required= expressions"
                    )
            if "oe_chatter" in (elem.get("class") or "").split():
                problems.append(f"{doc.where(elem)}: use <chatter/>, not oe_chatter")
            if elem.get("t-name") == "kanban-box":
                problems.append(f'{doc.where(elem)}: kanban template is t-name="card"')
            if (
                elem.tag == "field"
                and elem.get("name") == "view_mode"
                and "tree" in (elem.text or "").split(",")
            ):
                problems.append(f"{doc.where(elem)}: view_mode says tree, not list")
    return problems


def problems_kanban_card(docs):
    problems = []
    for doc in docs:
        for record, _ancestors in top_records(doc):
            if (
                record.get("model") != "ir.ui.view"
                or field(record, "inherit_id") is not None
            ):
                continue
            root = arch_root(record)
            if root is None or root.tag != "kanban":
                continue
            names = {elem.get("t-name") for elem, _a in walk(root)}
            if "card" not in names:
                problems.append(f'{doc.where(record)}: kanban without t-name="card"')
    return problems


def expected_view_id(record):
    """The regular expression STYLE.md sets for the id of a view record."""
    inherit = field(record, "inherit_id")
    mode = field(record, "mode")
    primary = mode is not None and (mode.text or "").strip() == "primary"
    if inherit is not None and not primary:
        parent = inherit.get("ref", "").rsplit(".", 1)[-1]
        return rf"{re.escape(parent)}_inherit_{ADDON}(_[a-z0-9_]+)?"
    model = field(record, "model")
    prefix = (
        re.escape((model.text or "").strip().replace(".", "_"))
        if model is not None
        else ""
    )
    root = arch_root(record)
    if root is not None and root.tag in VIEW_TYPES:
        view_type = root.tag
    else:
        view_type = "(" + "|".join(VIEW_TYPES) + ")"
    return rf"{prefix}_view_{view_type}(_[a-z0-9_]+)?"


def problems_view_ids(docs):
    problems = []
    for doc in docs:
        for record, _ancestors in top_records(doc):
            if record.get("model") != "ir.ui.view":
                continue
            view_type = field(record, "type")
            if view_type is not None and (view_type.text or "").strip() == "qweb":
                continue
            pattern = expected_view_id(record)
            xmlid = record.get("id", "")
            if not re.fullmatch(pattern, xmlid):
                problems.append(
                    f"{doc.where(record)}: view id {xmlid!r} should match {pattern}"
                )
    return problems


def problems_rules_noupdate(docs):
    problems = []
    for doc in docs:
        for record, ancestors in top_records(doc):
            if record.get("model") != "ir.rule":
                continue
            if not any(a.get("noupdate") in TRUE_VALUES for a in ancestors):
                problems.append(
                    f"{doc.where(record)}: record rule {record.get('id')} is not in "
                    'noupdate="1"'
                )
    return problems


def problems_demo_ids(docs):
    problems = []
    for doc in docs:
        if not doc.demo:
            continue
        for record, _ancestors in top_records(doc):
            xmlid = record.get("id")
            if xmlid and "." not in xmlid and not xmlid.endswith("_demo"):
                problems.append(f"{doc.where(record)}: demo id {xmlid} lacks _demo")
    return problems


def problems_dangerous_replace(docs):
    problems = []
    for doc in docs:
        for record, _ancestors in top_records(doc):
            if (
                record.get("model") != "ir.ui.view"
                or field(record, "inherit_id") is None
            ):
                continue
            arch = field(record, "arch")
            if arch is None:
                continue
            replaces = [e for e, _a in walk(arch) if e.get("position") == "replace"]
            if replaces and field(record, "priority") is None:
                problems.append(
                    f"{doc.where(replaces[0])}: position=replace without a priority"
                )
    return problems


CHECKS = [
    problems_duplicate_ids,
    problems_module_prefix,
    problems_deprecated_markup,
    problems_kanban_card,
    problems_view_ids,
    problems_rules_noupdate,
    problems_demo_ids,
    problems_dangerous_replace,
]


# ---------------------------------------------------------------------------
# The addon
# ---------------------------------------------------------------------------


def addon_xml_files():
    return sorted(ADDON_DIR.rglob("*.xml"))


@pytest.fixture(scope="module")
def addon_docs(manifest):
    demo_files = set(manifest.get("demo", []))
    docs = []
    for path in addon_xml_files():
        rel = path.relative_to(ADDON_DIR).as_posix()
        docs.append(Doc(rel, etree.parse(str(path)).getroot(), demo=rel in demo_files))
    return docs


def test_addon_has_xml_files():
    assert len(addon_xml_files()) >= 5


@pytest.mark.parametrize(
    "path", addon_xml_files(), ids=lambda p: p.relative_to(ADDON_DIR).as_posix()
)
def test_xml_file_parses(path):
    root = etree.parse(str(path)).getroot()
    assert isinstance(root.tag, str)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_addon(check, addon_docs):
    assert check(addon_docs) == []


# ---------------------------------------------------------------------------
# The checks find what they look for
# ---------------------------------------------------------------------------

VIEW = """
<odoo>
    <record id="{id}" model="ir.ui.view">
        <field name="name">x</field>
        <field name="model">{model}</field>
        {extra}
        <field name="arch" type="xml">{arch}</field>
    </record>
</odoo>
"""


def view(xmlid, arch, model="crm.complaint", extra=""):
    return parse_text(VIEW.format(id=xmlid, model=model, extra=extra, arch=arch))


@pytest.mark.parametrize(
    ("check", "docs"),
    [
        (
            problems_duplicate_ids,
            [
                parse_text('<odoo><record id="a" model="x"/></odoo>', "one.xml"),
                parse_text('<odoo><data><record id="a" model="x"/></data></odoo>'),
            ],
        ),
        (
            problems_duplicate_ids,
            [parse_text('<odoo><menuitem id="m"/><menuitem id="m"/></odoo>')],
        ),
        (
            problems_module_prefix,
            [parse_text('<odoo><record id="crm_extension.a" model="x"/></odoo>')],
        ),
        (problems_deprecated_markup, [view("crm_complaint_view_list", "<tree/>")]),
        (
            problems_deprecated_markup,
            [
                view(
                    "crm_complaint_view_form",
                    "<form><field name='a' attrs=\"{}\"/></form>",
                )
            ],
        ),
        (
            problems_deprecated_markup,
            [
                view(
                    "crm_complaint_view_form",
                    "<form><button name='b' states='draft'/></form>",
                )
            ],
        ),
        (
            problems_deprecated_markup,
            [view("crm_complaint_view_form", "<form><div class='oe_chatter'/></form>")],
        ),
        (
            problems_deprecated_markup,
            [
                view(
                    "crm_complaint_view_kanban",
                    "<kanban><templates><t t-name='kanban-box'/></templates></kanban>",
                )
            ],
        ),
        (
            problems_deprecated_markup,
            [
                parse_text(
                    '<odoo><record id="a_action" model="ir.actions.act_window">'
                    '<field name="view_mode">tree,form</field></record></odoo>'
                )
            ],
        ),
        (
            problems_kanban_card,
            [view("crm_complaint_view_kanban", "<kanban><templates/></kanban>")],
        ),
        (problems_view_ids, [view("complaint_form", "<form/>")]),
        (problems_view_ids, [view("crm_complaint_view_list", "<form/>")]),
        (problems_view_ids, [view("res_partner_view_form", "<form/>")]),
        (
            problems_view_ids,
            [
                view(
                    "view_partner_form_crm_extension",
                    "<xpath expr='//sheet' position='inside'/>",
                    model="res.partner",
                    extra='<field name="inherit_id" ref="base.view_partner_form"/>',
                )
            ],
        ),
        (
            problems_view_ids,
            [
                view(
                    "view_partner_tree_inherit_crm_extension",
                    "<xpath expr='//sheet' position='inside'/>",
                    model="res.partner",
                    extra='<field name="inherit_id" ref="base.view_partner_form"/>',
                )
            ],
        ),
        (
            problems_rules_noupdate,
            [parse_text('<odoo><record id="r" model="ir.rule"/></odoo>')],
        ),
        (
            problems_rules_noupdate,
            [
                parse_text(
                    '<odoo><data noupdate="0">'
                    '<record id="r" model="ir.rule"/>'
                    "</data></odoo>"
                )
            ],
        ),
        (
            problems_demo_ids,
            [
                parse_text(
                    '<odoo><record id="partner_x" model="res.partner"/></odoo>',
                    demo=True,
                )
            ],
        ),
        (
            problems_dangerous_replace,
            [
                view(
                    "view_partner_form_inherit_crm_extension",
                    "<field name='name' position='replace'/>",
                    model="res.partner",
                    extra='<field name="inherit_id" ref="base.view_partner_form"/>',
                )
            ],
        ),
    ],
    ids=lambda value: value.__name__ if callable(value) else "",
)
def test_check_finds_problem(check, docs):
    assert check(docs)


@pytest.mark.parametrize(
    "docs",
    [
        [view("crm_complaint_view_form", "<form><chatter/></form>")],
        [view("crm_complaint_view_list_portal", "<list/>")],
        [
            view(
                "crm_complaint_view_kanban",
                "<kanban><templates><t t-name='card'/></templates></kanban>",
            )
        ],
        [
            view(
                "view_partner_form_inherit_crm_extension",
                "<xpath expr='//sheet' position='inside'/>",
                model="res.partner",
                extra='<field name="inherit_id" ref="base.view_partner_form"/>',
            )
        ],
        [
            parse_text(
                '<odoo><data noupdate="1">'
                '<record id="r" model="ir.rule"/>'
                "</data></odoo>"
            )
        ],
        [parse_text('<odoo noupdate="1"><record id="r" model="ir.rule"/></odoo>')],
        [
            parse_text(
                '<odoo><record id="partner_x_demo" model="res.partner"/></odoo>',
                demo=True,
            )
        ],
    ],
)
def test_checks_accept_good_examples(docs):
    for check in CHECKS:
        assert check(docs) == [], check.__name__
