"""Static checks of the translations: i18n/crm_extension.pot and i18n/zh_CN.po.

The template must hold every translatable term of the Python code (``_()``,
``self.env._()``, field labels, helps and selection values, model descriptions),
and the Chinese catalogue must translate every term of the template, keeping the
placeholders. Each check is a function returning a list of problems, run on the
addon and on small examples made here (so that no check passes by accident).
"""

import ast
import re
from collections import Counter
from pathlib import Path

import polib
import pytest

ADDON_DIR = Path(__file__).resolve().parent.parent / "crm_extension"
I18N_DIR = ADDON_DIR / "i18n"
POT_PATH = I18N_DIR / "crm_extension.pot"
PO_PATH = I18N_DIR / "zh_CN.po"

TRANSLATE_FUNCTIONS = {"_", "_lt"}
FIELD_TEXT_KEYWORDS = {"string", "help"}
PLACEHOLDER_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)


# ---------------------------------------------------------------------------
# Reading catalogues
# ---------------------------------------------------------------------------


def load_catalog(path):
    """Parse a .po/.pot file; a syntax error fails with the file's name."""
    try:
        return polib.pofile(str(path), check_for_duplicates=True)
    except (OSError, ValueError) as error:
        pytest.fail(f"{path.name} does not parse: {error}")


def msgids(catalog):
    return {entry.msgid for entry in catalog if not entry.obsolete and entry.msgid}


# ---------------------------------------------------------------------------
# Checks on catalogues
# ---------------------------------------------------------------------------


def msgid_set_problems(pot, po):
    template, translated = msgids(pot), msgids(po)
    problems = [
        f"not in zh_CN.po: {msgid!r}" for msgid in sorted(template - translated)
    ]
    problems += [
        f"not in the .pot: {msgid!r}" for msgid in sorted(translated - template)
    ]
    return problems


def untranslated_problems(po):
    problems = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        translations = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        if not all(text.strip() for text in translations):
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


def placeholders(text):
    """Named placeholders (any order) and positional ones (in order) of ``text``."""
    named, positional = [], []
    for match in PLACEHOLDER_RE.finditer(text):
        token = match.group(0)
        if token == "%%":
            continue
        (named if match.group("name") is not None else positional).append(token)
    return Counter(named), positional


def uses_python_format(entry):
    return (
        "python-format" in entry.flags
        or "odoo-python" in (entry.comment or "")
        or "%(" in entry.msgid
    )


def placeholder_problems(po):
    problems = []
    for entry in po:
        if entry.obsolete or not entry.msgid or not entry.msgstr:
            continue
        if not uses_python_format(entry):
            continue
        if placeholders(entry.msgid) != placeholders(entry.msgstr):
            problems.append(f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
    return problems


# ---------------------------------------------------------------------------
# Terms of the Python code
# ---------------------------------------------------------------------------


def _string(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def code_terms(source):
    """First-argument literals of ``_()``, ``_lt()``, ``self.env._()``, ``env._()``."""
    terms = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in TRANSLATE_FUNCTIONS and _string(node.args[0]) is not None:
            terms.add(_string(node.args[0]))
    return terms


def _selection_labels(node, constants):
    if isinstance(node, ast.Name):
        node = constants.get(node.id)
    labels = set()
    if isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                label = _string(item.elts[1])
                if label:
                    labels.add(label)
    return labels


def model_terms(source):
    """Field labels, helps and selection values, and model descriptions."""
    tree = ast.parse(source)
    constants = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    terms = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(
                        getattr(target, "id", None) == "_description"
                        for target in statement.targets
                    )
                    and _string(statement.value)
                ):
                    terms.add(_string(statement.value))
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "fields"
        ):
            continue
        for keyword in node.keywords:
            if keyword.arg in FIELD_TEXT_KEYWORDS and _string(keyword.value):
                terms.add(_string(keyword.value))
            if keyword.arg in ("selection", "selection_add"):
                terms |= _selection_labels(keyword.value, constants)
        if node.func.attr == "Selection" and node.args:
            terms |= _selection_labels(node.args[0], constants)
    return terms


def python_files():
    return sorted(ADDON_DIR.rglob("*.py"))


def model_files():
    return sorted(
        path
        for folder in ("models", "wizard", "report")
        for path in (ADDON_DIR / folder).glob("*.py")
    )


def exported(term):
    """Whether Odoo's exporter keeps ``term``: it drops empty and one-letter terms
    (odoo/tools/translate.py, ``_push_translation``)."""
    return len(re.sub(r"\W+", "", term.strip())) > 1


def missing_terms(terms, pot):
    known = msgids(pot)
    return sorted(term for term in terms if exported(term) and term not in known)


def unmarked_code_terms(terms, catalog):
    """Code terms whose entry Odoo does not load as a code translation: it
    loads those with a ``code:`` reference and the ``odoo-python`` comment
    (odoo/tools/translate.py, ``PoFileReader`` and the filter of
    ``CodeTranslations``); an entry of a field label alone translates the
    label, and ``_()`` of the same words stays in English."""
    entries = {entry.msgid: entry for entry in catalog if not entry.obsolete}
    problems = []
    for term in sorted(terms):
        entry = entries.get(term)
        if entry is None or not exported(term):
            continue
        if not any(ref.startswith("code:") for ref, _line in entry.occurrences) or (
            "odoo-python" not in (entry.comment or "").splitlines()
        ):
            problems.append(term)
    return problems


# ---------------------------------------------------------------------------
# The addon
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pot():
    if not POT_PATH.is_file():
        pytest.fail(f"{POT_PATH.relative_to(ADDON_DIR.parent)} does not exist")
    return load_catalog(POT_PATH)


@pytest.fixture(scope="module")
def po():
    if not PO_PATH.is_file():
        pytest.fail(f"{PO_PATH.relative_to(ADDON_DIR.parent)} does not exist")
    return load_catalog(PO_PATH)


def test_template_is_not_empty(pot):
    assert msgids(pot)


def test_same_terms_as_template(pot, po):
    assert msgid_set_problems(pot, po) == []


def test_everything_translated(po):
    assert untranslated_problems(po) == []


def test_placeholders_kept(po):
    assert placeholder_problems(po) == []


def test_chinese_catalogue_header(po):
    assert po.metadata.get("Language", "").replace("-", "_") in ("zh_CN", "")
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")


def test_code_terms_in_template(pot):
    terms = set()
    for path in python_files():
        terms |= code_terms(path.read_text(encoding="utf-8"))
    assert terms, "no _() call found in the addon: the AST scan is broken"
    assert missing_terms(terms, pot) == []


@pytest.mark.parametrize("catalog", ["pot", "po"])
def test_code_terms_loaded_as_code(catalog, request):
    terms = set()
    for path in python_files():
        terms |= code_terms(path.read_text(encoding="utf-8"))
    assert unmarked_code_terms(terms, request.getfixturevalue(catalog)) == []


def test_model_terms_in_template(pot):
    terms = set()
    for path in model_files():
        terms |= model_terms(path.read_text(encoding="utf-8"))
    assert terms, "no field label found in the addon: the AST scan is broken"
    assert missing_terms(terms, pot) == []


# ---------------------------------------------------------------------------
# The checks find what they look for
# ---------------------------------------------------------------------------

POT_TEXT = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. module: crm_extension
#. odoo-python
#: code:addons/crm_extension/models/res_partner.py:0
msgid "%(partner)s is missing: %(fields)s"
msgstr ""

#. module: crm_extension
#: model:ir.model.fields,field_description:crm_extension.field_x
msgid "Customer Class"
msgstr ""

#. module: crm_extension
#. odoo-python
#: code:addons/crm_extension/models/x.py:0
msgid "%s of %s"
msgstr ""
"""

GOOD_PO_TEXT = """\
msgid ""
msgstr ""
"Language: zh_CN\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#. module: crm_extension
#. odoo-python
#: code:addons/crm_extension/models/res_partner.py:0
msgid "%(partner)s is missing: %(fields)s"
msgstr "%(partner)s 缺少：%(fields)s"

#. module: crm_extension
#: model:ir.model.fields,field_description:crm_extension.field_x
msgid "Customer Class"
msgstr "客户类别"

#. module: crm_extension
#. odoo-python
#: code:addons/crm_extension/models/x.py:0
msgid "%s of %s"
msgstr "%s 的 %s"
"""


@pytest.fixture
def example(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return load_catalog(path)

    return write


def test_good_example_passes(example):
    pot, po = example("x.pot", POT_TEXT), example("zh_CN.po", GOOD_PO_TEXT)
    assert msgid_set_problems(pot, po) == []
    assert untranslated_problems(po) == []
    assert placeholder_problems(po) == []


def test_missing_and_extra_terms_found(example):
    pot = example("x.pot", POT_TEXT)
    po = example(
        "zh_CN.po",
        GOOD_PO_TEXT.replace('msgid "Customer Class"', 'msgid "Customer Klass"'),
    )
    assert msgid_set_problems(pot, po) == [
        "not in zh_CN.po: 'Customer Class'",
        "not in the .pot: 'Customer Klass'",
    ]


def test_empty_and_fuzzy_translations_found(example):
    text = GOOD_PO_TEXT.replace('msgstr "客户类别"', 'msgstr ""').replace(
        "#. odoo-python\n#: code:addons/crm_extension/models/x.py:0\n",
        "#. odoo-python\n#: code:addons/crm_extension/models/x.py:0\n#, fuzzy\n",
    )
    assert untranslated_problems(example("zh_CN.po", text)) == [
        "untranslated: 'Customer Class'",
        "fuzzy: '%s of %s'",
    ]


@pytest.mark.parametrize(
    "wrong",
    [
        "%(partner)s 缺少：%(field)s",  # renamed
        "%(partner)s 缺少",  # dropped
        "%(partner)d 缺少：%(fields)s",  # other conversion
    ],
)
def test_named_placeholder_mismatch_found(example, wrong):
    text = GOOD_PO_TEXT.replace("%(partner)s 缺少：%(fields)s", wrong)
    assert len(placeholder_problems(example("zh_CN.po", text))) == 1


def test_positional_placeholder_mismatch_found(example):
    text = GOOD_PO_TEXT.replace('msgstr "%s 的 %s"', 'msgstr "%s 的"')
    assert len(placeholder_problems(example("zh_CN.po", text))) == 1


def test_placeholders_parsing():
    assert placeholders("%(a)s and %(b)d, 100%% of %s/%5.2f") == (
        Counter({"%(a)s": 1, "%(b)d": 1}),
        ["%s", "%5.2f"],
    )
    # Named placeholders may be reordered by the translator.
    assert placeholders("%(a)s %(b)s") == placeholders("%(b)s %(a)s")


def test_code_terms_parsing():
    source = """
from odoo import _
def f(self, env, name):
    _("Plain")
    self.env._("Customer %s is already registered", name)
    env._("Implicit " "concatenation")
    _lt("Lazy")
    _(name)
    print("Not a term")
"""
    assert code_terms(source) == {
        "Plain",
        "Customer %s is already registered",
        "Implicit concatenation",
        "Lazy",
    }


def test_model_terms_parsing():
    source = """
from odoo import fields, models
LEVELS = [("a", "A grade"), ("b", "B grade")]

class Thing(models.Model):
    _name = "x.thing"
    _description = "Thing"
    name = fields.Char(string="Label", help="Some help " "text")
    level = fields.Selection(LEVELS)
    mode = fields.Selection(selection=[("x", "Mode X")], string="Mode")
    state = fields.Selection(selection_add=[("done", "Done")])
    plain = fields.Integer()
"""
    assert model_terms(source) == {
        "Thing",
        "Label",
        "Some help text",
        "A grade",
        "B grade",
        "Mode X",
        "Mode",
        "Done",
    }


def test_code_terms_of_field_labels_only_found(example):
    po = example("zh_CN.po", GOOD_PO_TEXT)
    # "Customer Class" is a field label only: ``_("Customer Class")`` would
    # stay in English.
    assert unmarked_code_terms({"Customer Class", "%s of %s", "Unknown"}, po) == [
        "Customer Class"
    ]


def test_missing_terms_found(example):
    pot = example("x.pot", POT_TEXT)
    assert missing_terms({"Customer Class", "Unknown term"}, pot) == ["Unknown term"]
    # One-letter terms (selection values "A", "B", ...) are not exported by Odoo.
    assert missing_terms({"A", " b ", "(C)", "", "AB"}, pot) == ["AB"]
