"""`pip install .` installs the addon as odoo.addons.crm_extension.

Builds the wheel offline (setuptools and wheel from the tools' venv, no build
isolation, no dependency download) from a copy of the repository, so the work
tree gets no build/ or *.egg-info, and inspects what it would install.
"""

import ast
import shutil
import subprocess
import sys
import zipfile

import pytest

PREFIX = "odoo/addons/crm_extension/"
DATA_EXTENSIONS = (".xml", ".csv", ".po", ".pot", ".js", ".scss", ".png", ".svg")


@pytest.fixture(scope="module")
def wheel(repo_root, tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.py", "pyproject.toml", "README.md"):
        if (repo_root / name).exists():
            shutil.copy2(repo_root / name, source / name)
    shutil.copytree(
        repo_root / "crm_extension",
        source / "crm_extension",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(dist),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as archive:
        files = archive.namelist()
        metadata = next(path for path in files if path.endswith(".dist-info/METADATA"))
        return wheels[0].name, files, archive.read(metadata).decode("utf-8")


def test_wheel_name_and_version(wheel, manifest):
    name, _files, _metadata = wheel
    assert name == f"odoo_addon_crm_extension-{manifest['version']}-py3-none-any.whl"


def test_manifest_and_code_installed(wheel):
    _name, files, _metadata = wheel
    for path in (
        "__manifest__.py",
        "__init__.py",
        "hooks.py",
        "models/__init__.py",
        "tools/__init__.py",
    ):
        assert PREFIX + path in files


def test_every_python_module_installed(wheel, addon_dir):
    _name, files, _metadata = wheel
    missing = [
        path.relative_to(addon_dir).as_posix()
        for path in addon_dir.rglob("*.py")
        if "__pycache__" not in path.parts
        and PREFIX + path.relative_to(addon_dir).as_posix() not in files
    ]
    assert not missing


def test_manifest_data_installed(wheel, manifest):
    _name, files, _metadata = wheel
    listed = manifest.get("data", []) + manifest.get("demo", [])
    assert any(path.startswith("views/") and path.endswith(".xml") for path in listed)
    assert "security/ir.model.access.csv" in listed
    missing = [path for path in listed if PREFIX + path not in files]
    assert not missing


def test_views_and_security_installed(wheel, addon_dir):
    _name, files, _metadata = wheel
    views = sorted(addon_dir.glob("views/*.xml"))
    assert views
    for path in views:
        assert PREFIX + "views/" + path.name in files
    assert PREFIX + "security/ir.model.access.csv" in files


def test_translations_installed(wheel, addon_dir):
    _name, files, _metadata = wheel
    assert PREFIX + "i18n/crm_extension.pot" in files
    assert PREFIX + "i18n/zh_CN.po" in files
    for path in (addon_dir / "i18n").glob("*.po*"):
        assert PREFIX + "i18n/" + path.name in files


def test_every_data_file_installed(wheel, addon_dir):
    _name, files, _metadata = wheel
    missing = [
        path.relative_to(addon_dir).as_posix()
        for path in addon_dir.rglob("*")
        if path.is_file()
        and path.suffix in DATA_EXTENSIONS
        and PREFIX + path.relative_to(addon_dir).as_posix() not in files
    ]
    assert not missing


def test_namespace_packages_not_shipped(wheel):
    _name, files, _metadata = wheel
    assert "odoo/__init__.py" not in files
    assert "odoo/addons/__init__.py" not in files
    outside = [
        path
        for path in files
        if not path.startswith(PREFIX) and ".dist-info/" not in path
    ]
    assert not outside, outside


def test_no_dependency_on_odoo(wheel, repo_root):
    """Installing the addon must never pull Odoo or its requirements: only the
    addon's own requirement (OpenCC) is declared."""
    _name, _files, metadata = wheel
    requires = [
        line.split(":", 1)[1].strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:")
    ]
    assert requires == ["opencc>=1.1"]
    assert not any("odoo" in requirement.lower() for requirement in requires)
    tree = ast.parse((repo_root / "setup.py").read_text(encoding="utf-8"))
    keywords = {
        keyword.arg
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
    }
    assert not keywords & {"setup_requires", "extras_require"}


def test_addon_requirements_are_the_manifest_ones(wheel, manifest):
    """Every external dependency of the manifest is Odoo's own (python-stdnum)
    or declared for pip; and pip's is one of the manifest's."""
    _name, _files, metadata = wheel
    requires = {
        line.split(":", 1)[1].strip().split(">")[0].split("=")[0]
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:")
    }
    python = set(manifest["external_dependencies"]["python"])
    assert python - requires == {"python-stdnum"}
    assert requires <= python
