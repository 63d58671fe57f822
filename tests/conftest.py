"""Shared set-up of the tests that need no Odoo.

``crm_extension/__init__.py`` imports ``odoo``, so the addon package itself cannot
be imported here. Its pure rules live in ``crm_extension/tools``, which imports
nothing from Odoo: that folder is loaded on its own, as the top-level package
``crm_extension_tools``, without ever executing ``crm_extension/__init__.py``.
"""

import ast
import importlib.util
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
# Hypothesis keeps its example database and caches in .var/, not in the work tree.
set_hypothesis_home_dir(str(REPO_ROOT / ".var" / "hypothesis"))
ADDON_DIR = REPO_ROOT / "crm_extension"
TOOLS_PACKAGE = "crm_extension_tools"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def load_tools_package():
    """Import ``crm_extension/tools`` as the package ``crm_extension_tools``."""
    if TOOLS_PACKAGE in sys.modules:
        return sys.modules[TOOLS_PACKAGE]
    tools_dir = ADDON_DIR / "tools"
    spec = importlib.util.spec_from_file_location(
        TOOLS_PACKAGE,
        tools_dir / "__init__.py",
        submodule_search_locations=[str(tools_dir)],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[TOOLS_PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[TOOLS_PACKAGE]
        raise
    return module


load_tools_package()

# No per-example deadline: a first run building Hypothesis's caches, or a busy
# machine, must not fail a test. CI (CI=true) also gets a deterministic run.
settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    database=None,
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def read_manifest(addon_dir=ADDON_DIR):
    with open(addon_dir / "__manifest__.py", encoding="utf-8") as f:
        return ast.literal_eval(f.read())


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope="session")
def addon_dir():
    return ADDON_DIR


@pytest.fixture(scope="session")
def manifest():
    return read_manifest()


@pytest.fixture(scope="session")
def tools():
    return load_tools_package()
