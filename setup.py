"""Install the addon as the Python package ``odoo.addons.crm_extension``.

``pip install .`` into the Python that runs Odoo 18.0 or 19.0 makes the addon importable
without touching Odoo's addons path. ``odoo`` and ``odoo.addons`` stay namespace
packages: this distribution ships neither ``odoo/__init__.py`` nor
``odoo/addons/__init__.py``, so it never shadows the Odoo it is installed beside.

It declares no dependency on Odoo: Odoo is a prerequisite the user already has,
and the addons it depends on (``sale_crm``, ``phone_validation`` ...) come with
Odoo. It declares only the addon's own requirement, OpenCC (``opencc``:
traditional and simplified Chinese names are one key), which Odoo does not need;
python-stdnum, the other external dependency of its manifest, is Odoo's own
requirement.
"""

import ast
import os

from setuptools import setup

ADDON = "crm_extension"
PACKAGE = f"odoo.addons.{ADDON}"
HERE = os.path.dirname(os.path.abspath(__file__))
ADDON_DIR = os.path.join(HERE, ADDON)
# The addon's own Python requirements (those of the manifest's external
# dependencies that Odoo does not require itself).
ADDON_REQUIREMENTS = ["opencc>=1.1"]

# Files of the addon that are not Python modules but must be installed with it.
DATA_EXTENSIONS = (
    ".xml",
    ".csv",
    ".po",
    ".pot",
    ".js",
    ".scss",
    ".css",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".ico",
    ".svg",
    ".md",
    ".rst",
    ".html",
    ".txt",
)


def read_manifest():
    with open(os.path.join(ADDON_DIR, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def find_packages_in_addon():
    """Dotted names of the addon's package and of every sub-package in it."""
    packages = []
    for root, dirs, files in os.walk(ADDON_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        if "__init__.py" in files:
            rel = os.path.relpath(root, ADDON_DIR)
            suffix = "" if rel == "." else "." + rel.replace(os.sep, ".")
            packages.append(PACKAGE + suffix)
    return packages


def find_data_files_in_addon():
    """Paths, relative to the addon, of all its data files (views, i18n, ...).

    Migration scripts are data too: Odoo runs them by path, they are no package.
    """
    data = []
    for root, dirs, files in os.walk(ADDON_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        in_migrations = (
            os.path.relpath(root, ADDON_DIR).split(os.sep)[0] == "migrations"
        )
        for name in sorted(files):
            if name.lower().endswith(DATA_EXTENSIONS) or (
                in_migrations and name.endswith(".py")
            ):
                path = os.path.relpath(os.path.join(root, name), ADDON_DIR)
                data.append(path.replace(os.sep, "/"))
    return data


manifest = read_manifest()

setup(
    name=f"odoo-addon-{ADDON}",
    version=manifest["version"],
    description=manifest["name"],
    long_description=manifest.get("summary", ""),
    author=manifest.get("author"),
    url=manifest.get("website"),
    license=manifest.get("license"),
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "Framework :: Odoo :: 19.0",
    ],
    python_requires=">=3.10",
    install_requires=ADDON_REQUIREMENTS,
    packages=find_packages_in_addon(),
    package_dir={PACKAGE: ADDON},
    package_data={PACKAGE: find_data_files_in_addon()},
    include_package_data=False,
    zip_safe=False,
)
