"""Static checks of crm_extension/__manifest__.py."""

import ast
import glob
import re

import pytest

# x.y.z without the Odoo series: one manifest for 18.0 and 19.0, each of which
# prefixes its own series (18.0.x.y.z, 19.0.x.y.z); 19.0 refuses "18.0.x.y.z".
VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")


def test_manifest_is_a_literal_dict(addon_dir):
    source = (addon_dir / "__manifest__.py").read_text(encoding="utf-8")
    manifest = ast.literal_eval(source)
    assert isinstance(manifest, dict)
    assert manifest.get("name")
    assert manifest.get("installable", True) is True


def test_version(manifest):
    assert VERSION_RE.fullmatch(manifest["version"]), manifest["version"]


@pytest.mark.parametrize("version", ["1.4.0", "12.3.45"], ids=["plain", "multi-digit"])
def test_version_pattern_accepts(version):
    assert VERSION_RE.fullmatch(version)


@pytest.mark.parametrize(
    "version", ["18.0.1.4.0", "19.0.1.4.0", "1.4", "1.4.0-beta", "1.4.0\n"]
)
def test_version_pattern_rejects(version):
    assert not VERSION_RE.fullmatch(version)


def test_migrations_keep_their_series(addon_dir):
    """Folders of migrations made before the series left the manifest keep it
    (18.0.x.y.z): Odoo runs those on 18.0 only, and an 18.0 database upgraded on
    19.0 has them behind it."""
    folders = [p.name for p in (addon_dir / "migrations").iterdir() if p.is_dir()]
    assert folders
    assert all(re.fullmatch(r"(18\.0\.)?\d+\.\d+\.\d+", name) for name in folders)


def test_license(manifest):
    assert manifest["license"] == "LGPL-3"


def test_depends(manifest):
    depends = manifest["depends"]
    assert {"sale_crm", "phone_validation"} <= set(depends)
    # Nothing of the addon uses SMS: no dependency on it.
    assert "sms" not in depends
    assert len(depends) == len(set(depends)), "a dependency is listed twice"


@pytest.mark.parametrize("key", ["data", "demo"])
def test_listed_files_exist(manifest, addon_dir, key):
    missing = [
        path for path in manifest.get(key, []) if not (addon_dir / path).is_file()
    ]
    assert not missing, f"{key} lists files that do not exist: {missing}"


@pytest.mark.parametrize("key", ["data", "demo"])
def test_listed_files_not_duplicated(manifest, key):
    files = manifest.get(key, [])
    assert len(files) == len(set(files))


def test_demo_files_are_not_data(manifest):
    assert not set(manifest.get("data", [])) & set(manifest.get("demo", []))


def data_order_problems(data_files):
    """Why a manifest ``data`` list is in the wrong order (empty when it is fine).

    Security files come first, menus after every view file.
    """
    problems = []
    security = [i for i, path in enumerate(data_files) if path.startswith("security/")]
    others = [
        i for i, path in enumerate(data_files) if not path.startswith("security/")
    ]
    if security and others and max(security) > min(others):
        problems.append(
            f"{data_files[max(security)]} is loaded after {data_files[min(others)]}"
        )
    views = [
        i
        for i, path in enumerate(data_files)
        if path.endswith("_views.xml") and "menu" not in path
    ]
    menus = [
        i for i, path in enumerate(data_files) if "menu" in path.rsplit("/", 1)[-1]
    ]
    if views and menus and min(menus) < max(views):
        problems.append(
            f"{data_files[min(menus)]} is loaded before {data_files[max(views)]}"
        )
    return problems


def test_data_order(manifest):
    assert data_order_problems(manifest["data"]) == []


def test_data_order_rule_catches_wrong_orders():
    good = [
        "security/crm_extension_security.xml",
        "security/ir.model.access.csv",
        "data/x_data.xml",
        "views/x_views.xml",
        "views/crm_extension_menus.xml",
    ]
    assert data_order_problems(good) == []
    security_late = [good[0], good[2], good[1], *good[3:]]
    assert data_order_problems(security_late)
    menus_early = [*good[:3], good[4], good[3]]
    assert data_order_problems(menus_early)


def test_asset_globs_match_files(manifest, repo_root):
    unmatched = []
    for bundle, entries in manifest.get("assets", {}).items():
        for entry in entries:
            # Entries are paths or (directive, path...) tuples, relative to the
            # addons directory: they start with the module name.
            paths = [entry] if isinstance(entry, str) else list(entry[1:])
            for path in paths:
                if not path.startswith("crm_extension/"):
                    continue  # another module's file, or a directive's target
                if not glob.glob(str(repo_root / path), recursive=True):
                    unmatched.append(f"{bundle}: {path}")
    assert not unmatched, f"asset globs matching no file: {unmatched}"


def test_hooks_named_in_manifest_exist(manifest, addon_dir):
    """Odoo looks hooks up on the addon package: defined in hooks.py, imported
    in __init__.py."""
    hooks_tree = ast.parse((addon_dir / "hooks.py").read_text(encoding="utf-8"))
    defined = {
        node.name for node in hooks_tree.body if isinstance(node, ast.FunctionDef)
    }
    init_tree = ast.parse((addon_dir / "__init__.py").read_text(encoding="utf-8"))
    exported = {
        alias.asname or alias.name
        for node in init_tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    for key in ("pre_init_hook", "post_init_hook", "uninstall_hook"):
        if key in manifest:
            assert manifest[key] in defined, f"{key}: {manifest[key]} not in hooks.py"
            assert manifest[key] in exported, f"{key}: not imported in __init__.py"
