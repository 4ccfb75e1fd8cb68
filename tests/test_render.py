"""Rendering: markup and template syntax in YAML must come out as inert text.

Every free-text field of the fixture data gets a ``<script>`` and Jinja syntax
appended; then each macro is rendered directly, and the whole site is built with
MkDocs, and the output is searched for the live forms.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import ROOT, edit, run_build
from macros.glossary import mark_terms
from macros.handbook import load_handbook
from macros.render import MACROS, View, checklist_page, duty_table, procedure_page

PAYLOAD = "<script>alert(1)</script>{{ 7 * 7 }}{% if true %}X{% endif %}"
# Fields holding ids, enums, dates or other structured values: no free text to inject.
STRUCTURED = {
    "id",
    "role",
    "roles",
    "area",
    "to",
    "next",
    "owner",
    "procedure",
    "procedures",
    "checklists",
    "sources",
    "type",
    "kind",
    "frequency",
    "see_also",
    "version",
    "date",
    "updated",
    "last_reviewed",
    "review_due",
    "file",
    "script",
    "end",
    "term",
    "aliases",
}


def _inject(node, key=None):
    if isinstance(node, dict):
        for k in list(node):
            if k in STRUCTURED:
                continue
            if isinstance(node[k], str):
                node[k] = node[k] + PAYLOAD
            else:
                _inject(node[k], k)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, str):
                node[i] = item + PAYLOAD
            else:
                _inject(item, key)


@pytest.fixture
def hostile_data(data_copy: Path) -> Path:
    yaml = YAML()
    for path in data_copy.rglob("*.yaml"):
        tree = yaml.load(path.read_text(encoding="utf-8"))
        _inject(tree)
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(tree, fh)
    return data_copy


def _assert_inert(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7 * 7 }}" in html and "{% if true %}X{% endif %}" in html
    assert "49" not in re.sub(r"<[^>]+>", "", html).replace("{{ 7 * 7 }}", "")


def _render_all(view: View) -> dict[str, str]:
    hb = view.hb
    calls = {
        "duty_table": (),
        "procedure_block": ("receive",),
        "procedure_page": ("receive",),
        "checklist": ("register",),
        "checklist_page": ("register",),
        "all_checklists": (),
        "role_page": ("staff",),
        "page_index": ("procedures",),
        "principles_page": (),
        "glossary_page": (),
        "sources_page": (),
        "guide_page": ("memo",),
        "citations": ("000#duties",),
        "overdue_reviews": ("2028-01-01",),
    }
    assert set(calls) == {f.__name__ for f in MACROS}, "every macro is exercised"
    assert hb  # loaded
    return {f.__name__: f(view, *calls[f.__name__]) for f in MACROS}


def test_every_macro_escapes_yaml_text(hostile_data: Path):
    view = View(load_handbook(hostile_data), "index.html")
    pages = _render_all(view)
    for name in (
        "duty_table",
        "procedure_page",
        "checklist_page",
        "principles_page",
        "glossary_page",
        "sources_page",
        "guide_page",
        "role_page",
        "page_index",
        "overdue_reviews",
    ):
        _assert_inert(pages[name])


def test_links_are_relative_to_the_page(data_copy: Path):
    hb = load_handbook(data_copy)
    html = duty_table(View(hb, "roles/staff.html"))
    assert 'href="../procedures/receive.html"' in html
    assert 'href="../checklists/register.html"' in html
    assert 'href="../sources.html#src-000-duties"' in html


def test_cross_links_both_ways(data_copy: Path):
    hb = load_handbook(data_copy)
    proc = procedure_page(View(hb, "procedures/receive.html"), "receive")
    # the procedure page names the duty that lists it and the checklist that points at it
    assert 'href="../duties/index.html#handle-documents"' in proc
    assert 'href="../checklists/register.html"' in proc
    cl = checklist_page(View(hb, "checklists/register.html"), "register")
    assert 'href="../procedures/receive.html"' in cl and "handle-documents" in cl


def test_filters_of_duty_table(data_copy: Path):
    hb = load_handbook(data_copy)
    v = View(hb, "index.html")
    assert "办理公文" in duty_table(v, area="documents") and "会务" not in duty_table(v, area="documents")
    leader = duty_table(v, role="leader")
    assert 'data-duty="run-meetings"' in leader and 'data-duty="handle-documents"' not in leader
    with pytest.raises(KeyError):
        duty_table(v, area="nowhere")


def build_fixture_site(data: Path, tmp_path: Path) -> tuple[Path, object]:
    """Build a small site from ``data`` with the real theme, plugins and templates."""
    docs = tmp_path / "docs"
    for folder in ("procedures", "checklists", "roles", "guides", "stylesheets"):
        (docs / folder).mkdir(parents=True)
    for css in ("handbook.css", "flow.css"):
        (docs / "stylesheets" / css).write_text(
            (ROOT / "docs/stylesheets" / css).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (docs / "index.md").write_text(
        "# 首页\n\n督办要认真。\n\n{{ duty_table() }}\n\n{{ glossary_page() }}\n\n{{ sources_page() }}\n",
        encoding="utf-8",
    )
    for folder in ("procedures", "checklists", "roles", "guides"):
        (docs / folder / "index.md").write_text(
            f'# {folder}\n\n{{{{ page_index("{folder}") }}}}\n', encoding="utf-8"
        )
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        textwrap.dedent(
            f"""\
            INHERIT: {ROOT / "mkdocs.yml"}
            docs_dir: {docs}
            theme:
              custom_dir: {ROOT / "overrides"}
            plugins:
              - search:
                  lang: zh
              - handbook:
                  data_dir: {data}
              - macros:
                  modules: [macros]
                  on_error_fail: true
                  on_undefined: strict
            nav:
              - 首页: index.md
              - 程序:
                  - procedures/index.md
              - 清单:
                  - checklists/index.md
              - 角色:
                  - roles/index.md
              - 指导:
                  - guides/index.md
            """
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    return site, run_build(site, config)


def test_built_pages_keep_yaml_text_inert(hostile_data: Path, tmp_path: Path):
    site, result = build_fixture_site(hostile_data, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (
        "index.html",
        "procedures/receive.html",
        "checklists/register.html",
        "roles/staff.html",
        "guides/memo.html",
    ):
        _assert_inert((site / page).read_text(encoding="utf-8"))
    data = json.loads((site / "data/handbook.json").read_text(encoding="utf-8"))
    assert data["duties"][0]["title"].endswith(PAYLOAD)


def test_glossary_terms_become_tooltips_inside_chinese_text(data_copy: Path, tmp_path: Path):
    site, result = build_fixture_site(data_copy, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="即“督查督办”：检查落实情况。">督办</abbr>要认真' in html


def test_mark_terms_escapes_first_and_prefers_the_longest_term():
    tips = {"督查督办": "检查落实", "督办": "即“督查督办”", "GB": "国家标准"}
    html = mark_terms("<b>做好督查督办和督办</b>，GB 与 GBT", tips)
    assert html.startswith("&lt;b&gt;做好")
    assert '<abbr title="检查落实">督查督办</abbr>和<abbr title="即“督查督办”">督办</abbr>' in html
    assert '<abbr title="国家标准">GB</abbr> 与 GBT' in html  # ASCII terms keep word boundaries


def test_data_rendered_text_shows_glossary_tooltips(data_copy: Path):
    edit(data_copy / "duties.yaml", "summary: 收文和发文。", "summary: 收文后及时督办。")
    html = duty_table(View(load_handbook(data_copy), "index.html"))
    assert '收文后及时<abbr title="即“督查督办”：检查落实情况。">督办</abbr>。' in html
