"""Quality gates on the built site: links and anchors, valid HTML, accessibility, Chinese text.

All run on the site built once per session (``built_site``), both editions when the
Traditional one (``zh-Hant/``) is there, and need no network.
"""

from __future__ import annotations

import collections
import posixpath
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest

from conftest import ROOT, HtmlPage, fresh_page, read_html
from macros.lint import check_text, lint, lint_markdown, lint_yaml, report

TRADITIONAL = "zh-Hant"


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, HtmlPage]:
    """Every HTML page of every edition, by path from the site root."""
    return {
        path.relative_to(built_site).as_posix(): read_html(path)
        for path in sorted(built_site.rglob("*.html"))
    }


def test_both_editions_are_checked(pages: dict[str, HtmlPage], built_site: Path):
    assert len(pages) > 40
    if (built_site / TRADITIONAL / "index.html").is_file():
        assert sum(1 for p in pages if p.startswith(f"{TRADITIONAL}/")) > 40


def resolve(page: str, url: str, site: Path) -> tuple[str, str] | None:
    """(file from the site root, fragment) that ``url`` on ``page`` points at; None if external."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if path.startswith("/"):
        # Only MkDocs' 404 page uses root-absolute URLs (it is served from any depth).
        assert page.endswith("404.html"), f"{page}: absolute URL {url} breaks file:// use"
        target = path.lstrip("/")
    elif path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:
        target = page
    if target in ("", ".") or (site / target).is_dir():
        target = posixpath.join(target, "index.html").lstrip("./")
    return target, fragment


def test_no_broken_internal_links_or_anchors(pages: dict[str, HtmlPage], built_site: Path):
    broken = []
    for page, info in pages.items():
        for tag, attribute, url in info.links:
            if not url or url.startswith(("javascript:", "mailto:", "tel:", "data:")):
                continue
            resolved = resolve(page, url, built_site)
            if resolved is None:
                continue
            target, fragment = resolved
            if not (built_site / target).is_file():
                broken.append(f"{page}: <{tag} {attribute}={url!r}> → {target} does not exist")
            elif fragment and target in pages and fragment not in pages[target].ids:
                broken.append(f"{page}: <{tag} {attribute}={url!r}> → no id {fragment!r} in {target}")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:40])


# html5lib implements the HTML parsing algorithm, which reports every parse error the
# standard defines (stray end tags, misnested elements, bad attributes, duplicate
# attributes, missing doctype, ...). No class of error is ignored today; add one here
# only with the reason it is harmless.
IGNORED_PARSE_ERRORS: dict[str, str] = {}


def test_every_page_is_valid_html(pages: dict[str, HtmlPage], built_site: Path):
    problems = []
    for page, info in pages.items():
        parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
        parser.parse((built_site / page).read_bytes(), transport_encoding="utf-8")
        for (line, col), code, data in parser.errors:
            if code not in IGNORED_PARSE_ERRORS:
                problems.append(f"{page}:{line}:{col}: {code} {data}")
        duplicates = [i for i, n in collections.Counter(info.ids).items() if n > 1]
        if duplicates:
            problems.append(f"{page}: duplicate ids {duplicates}")
        if not info.lang:
            problems.append(f"{page}: <html> has no lang")
    assert not problems, "\n".join(problems[:40])


# --- accessibility ---------------------------------------------------------------

A11Y_PAGES = [
    "index.html",
    "procedures/outgoing-document.html",
    "checklists/outgoing-review.html",
    "roles/director.html",
    "glossary.html",
    "sources.html",
    "duties/index.html",
    "maintainers.html",
]


@pytest.fixture(scope="module")
def axe_page(browser):
    with fresh_page(browser) as page:
        yield page


def axe_violations(page, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url, wait_until="load")
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("rel", A11Y_PAGES)
def test_no_serious_accessibility_violations(axe_page, site_server: str, rel: str):
    violations = axe_violations(axe_page, site_server + rel)
    assert not violations, "\n".join(violations)


def test_traditional_edition_accessibility(axe_page, site_server: str, built_site: Path):
    if not (built_site / TRADITIONAL / "index.html").is_file():
        pytest.skip("the Traditional edition is not built")
    for rel in ("index.html", "procedures/outgoing-document.html"):
        violations = axe_violations(axe_page, f"{site_server}{TRADITIONAL}/{rel}")
        assert not violations, f"{TRADITIONAL}/{rel}:\n" + "\n".join(violations)


# --- Chinese text ------------------------------------------------------------------


def test_chinese_text_lint_passes():
    findings = lint(ROOT)
    assert not findings, report(findings)


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("办公室⼈员", ["radical"]),  # U+2F08 KANGXI RADICAL MAN
        ("⻩色", ["radical"]),  # U+2EE9 CJK RADICAL SIMPLIFIED YELLOW
        ("\uf900字", ["radical"]),  # CJK COMPATIBILITY IDEOGRAPH-F900
        ("收文,发文", ["punctuation"]),
        ("收文; 发文", ["punctuation"]),
        ("是否合规?办理", ["punctuation"]),
        ("见附件(草稿)", ["punctuation", "punctuation"]),
        ("打印在A4 纸上", ["spacing"]),
        ("第3步", ["spacing", "spacing"]),
        ("中办发〔2012〕14号", []),
        ("第 3 步，A4 纸；GB/T 9704(2012)", []),
        ("Hello, world (ok)!", []),
        ("﨑", []),  # a unified ideograph that lives in the compatibility block
    ],
)
def test_lint_rules(text: str, rules: list[str]):
    assert [rule for _, rule, _ in check_text(text)] == rules


def test_lint_reports_file_and_line(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "data" / "roles.yaml").write_text(
        "roles:\n  - id: staff\n    name: 办公室⼈员\n    summary: |\n      第一行。\n      收文,发文。\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "index.md").write_text(
        "# 首页\n\n见[角色](roles/index.md)页。\n\n```yaml\nname: 中文,中文\n```\n\n用`code`和A4纸\n",
        encoding="utf-8",
    )
    findings = lint(tmp_path)
    assert [(f.file, f.line, f.rule) for f in findings] == [
        ("data/roles.yaml", 3, "radical"),
        ("data/roles.yaml", 6, "punctuation"),
        ("docs/index.md", 9, "spacing"),
        ("docs/index.md", 9, "spacing"),
    ]
    assert "请改为普通汉字“人”" in findings[0].message
    assert lint_yaml(tmp_path / "data" / "roles.yaml", "x") and lint_markdown(
        tmp_path / "docs" / "index.md", "y"
    )
    result = subprocess.run(
        [sys.executable, "-m", "macros", "lint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1 and "文字格式有 4 处问题" in result.stderr
