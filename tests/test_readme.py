"""The addon's user documentation has one source: crm_extension/readme/*.md.

README.rst and static/description/index.html are generated from it by
scripts/gen-readme (scripts/gen_readme.py): they must be current, and the
conversion of Markdown into reStructuredText must keep what a fragment says.
"""

import importlib.util

import lxml.html
import pytest


@pytest.fixture(scope="module")
def gen(repo_root):
    spec = importlib.util.spec_from_file_location(
        "gen_readme", repo_root / "scripts" / "gen_readme.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "fragment", ["DESCRIPTION", "INSTALL", "CONFIGURE", "USAGE", "CONTRIBUTORS"]
)
def test_fragment_exists(addon_dir, fragment):
    path = addon_dir / "readme" / f"{fragment}.md"
    assert path.is_file() and path.read_text(encoding="utf-8").strip()


def test_generated_files_are_current(gen, addon_dir, repo_root):
    stale = [
        str(path.relative_to(repo_root))
        for path, content in gen.generate(addon_dir).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != content
    ]
    assert not stale, f"not current (run scripts/gen-readme): {stale}"


def test_every_screenshot_shown_exists(gen, addon_dir):
    readme = (addon_dir / "README.rst").read_text(encoding="utf-8")
    images = [
        line.split("::", 1)[1].strip()
        for line in readme.splitlines()
        if line.startswith(".. image::") and "://" not in line
    ]
    assert images, "no screenshot in README.rst"
    missing = [path for path in images if not (addon_dir / path).is_file()]
    assert not missing


def render(gen, markdown):
    return gen.RstRenderer(lambda path: path).render(markdown)


def test_markup_beside_chinese_is_kept_apart(gen):
    rst = render(gen, "客户**分类**表，见 *阶段*。")
    assert rst == "客户\\ **分类**\\ 表，见 *阶段*。\n"


def test_text_is_escaped(gen):
    assert render(gen, "a \\*star, a | bar and name\\_") == (
        "a \\*star, a \\| bar and name\\_\n"
    )


def test_lists_tables_links_and_images(gen):
    rst = render(
        gen,
        "# Title\n\n"
        "1. First `code`\n"
        "2. Second, [a link](https://example.com)\n\n"
        "- item\n  - nested\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "![A picture](../static/description/x.png)\n",
    )
    assert rst == (
        "Title\n-----\n\n"
        "1. First ``code``\n\n"
        "2. Second, `a link <https://example.com>`__\n\n"
        "- item\n\n  - nested\n\n"
        ".. list-table::\n   :header-rows: 1\n\n"
        "   * - a\n     - b\n   * - 1\n     - 2\n\n"
        ".. image:: static/description/x.png\n   :alt: A picture\n"
    )


def test_underline_covers_wide_characters(gen):
    assert render(gen, "# 中文\n") == "中文\n----\n"


def test_page_images_lie_beside_it(gen, addon_dir):
    page = (addon_dir / "static" / "description" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'src="customers_kanban.png"' in page
    assert "static/description/" not in page


def test_page_parses_as_odoo_reads_it(gen, addon_dir):
    """Odoo 19.0 decodes index.html and parses the string with lxml, which
    refuses an XML encoding declaration: the install would stop."""
    page = (addon_dir / "static" / "description" / "index.html").read_text("utf-8")
    assert not page.startswith("<?xml")
    assert lxml.html.document_fromstring(page).find(".//body") is not None
