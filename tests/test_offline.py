"""Intranet and file://: the built site works with no host but its own, and from disk.

The same build that `make build` writes (tests/conftest.py: built_site) is opened
from the file system (file://) and from the local test server, in real Chromium,
with every request to any other host refused and recorded.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT, LocalOnly, is_local, read_html


def harmless(failure: str) -> bool:
    """Failures that are not a missing or blocked resource.

    ERR_ABORTED: a request cut short because the test moved on to the next page.
    """
    _url, _, error = failure.partition(" ")
    return error == "net::ERR_ABORTED"


def test_built_pages_are_simplified_chinese_and_self_contained(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        refs = read_html(page)
        if page.name == "404.html":
            continue  # served by a web server for missing pages; its links are root-absolute
        rel = page.relative_to(built_site)
        # site/ is the Simplified edition; the Traditional one, when built, sits in site/zh-Hant/.
        expected = "zh-Hant" if rel.parts[0] == "zh-Hant" else "zh-Hans"
        assert refs.lang == expected, f"{rel}: lang={refs.lang!r}"
        for tag, attr, url in refs.links:
            where = f"{page.relative_to(built_site)}: <{tag} {attr}={url!r}>"
            parsed = urlparse(url)
            if parsed.scheme or url.startswith("//"):
                # Only plain links to other sites (sources, licences) may name a host;
                # nothing the page loads by itself.
                assert tag == "a" and parsed.scheme in ("http", "https", "mailto"), where
                continue
            path = unquote(parsed.path)
            if not path:
                continue  # "#anchor"
            target = (page.parent / path).resolve()
            # file:// has no index pages: every link must name a file that exists.
            assert target.is_file(), f"{where} -> {target} (no such file)"
    for text_file in [
        *built_site.rglob("*.html"),
        *built_site.glob("javascripts/**/*.js"),
        *built_site.glob("stylesheets/*.css"),
    ]:
        assert "unpkg.com" not in text_file.read_text(encoding="utf-8"), text_file


def test_search_shim_is_vendored_and_loaded_before_the_bundle(built_site: Path):
    shim = ROOT / "docs" / "javascripts" / "vendor" / "iframe-worker-shim.js"
    text = shim.read_text(encoding="utf-8")
    assert "Permission is hereby granted, free of charge" in text and "Martin Donath" in text
    assert (built_site / "javascripts/vendor/iframe-worker-shim.js").read_text(encoding="utf-8") == text
    assert (built_site / "search/search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    html = (built_site / "procedures/outgoing-document.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    shim_at = scripts.index("../javascripts/vendor/iframe-worker-shim.js")
    bundle_at = next(i for i, s in enumerate(scripts) if "/assets/javascripts/bundle." in s)
    assert shim_at < bundle_at, scripts
    assert "../javascripts/checklist.js" in scripts


@pytest.fixture(scope="module")
def guarded(browser):
    """A context whose requests to any other host are refused and recorded."""
    context = browser.new_context()
    foreign = LocalOnly(context).foreign
    failed: list[str] = []
    # Requests that bypass routing (e.g. from workers) are still seen here.
    context.on("request", lambda r: is_local(r.url) or foreign.append(r.url))
    context.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, foreign, failed, errors
    context.close()


@pytest.fixture
def page(guarded):
    pg, foreign, failed, errors = guarded
    foreign.clear(), failed.clear(), errors.clear()
    yield pg
    pg.wait_for_load_state("networkidle")
    assert sorted(set(foreign)) == [], "requests to other hosts"
    assert [f for f in failed if not harmless(f)] == []
    assert errors == [], errors


def file_url(site: Path, rel: str) -> str:
    return (site / rel).as_uri()


def search(page, query: str) -> list[str]:
    """Type a query into Material's search box; the URLs of the results."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # a key up, as a person typing sends; Material searches on keyup
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


def test_file_procedure_page_shows_its_flow_and_links_work(page, built_site: Path):
    page.goto(file_url(built_site, "procedures/outgoing-document.html"))
    flow = page.locator("figure.hb-flow svg[role=img]")
    assert flow.is_visible()
    box = flow.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert page.locator("link[href$='print.css']").count() == 1
    # navigation: a tab, a card on an index page, a related link back to a procedure
    page.locator(".md-tabs__link", has_text="检查清单").click()
    page.wait_for_url("**/checklists/index.html")
    assert page.url.startswith("file://")
    page.locator("article a[href='outgoing-review.html']").first.click()
    page.wait_for_url("**/checklists/outgoing-review.html")
    assert page.locator("section.hb-checklist[data-checklist='outgoing-review']").is_visible()
    page.locator(".hb-related a[href='../procedures/outgoing-document.html']").click()
    page.wait_for_url("**/procedures/outgoing-document.html")
    assert page.locator("figure.hb-flow svg[role=img]").is_visible()
    # the previous/next footer links and the home link
    page.locator("a.md-header__button.md-logo").click()
    page.wait_for_url("**/index.html")
    assert page.locator("h1").first.is_visible()


def test_ticking_works_from_file(page, built_site: Path):
    page.goto(file_url(built_site, "checklists/meeting-before.html"))
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator("input.hb-tick[data-item='1-1']").check()
    page.locator("input.hb-tick[data-item='2-2']").check()
    page.reload()
    ticked = "els => els.filter(e => e.checked).map(e => e.dataset.item)"
    assert page.eval_on_selector_all("input.hb-tick", ticked) == ["1-1", "2-2"]
    page.goto(file_url(built_site, "checklists/print-all.html"))
    assert page.eval_on_selector_all("section[data-checklist='meeting-before'] input.hb-tick", ticked) == [
        "1-1",
        "2-2",
    ]
    page.goto(file_url(built_site, "checklists/meeting-before.html"))
    page.get_by_role("button", name="清除勾选").click()
    page.reload()
    assert page.eval_on_selector_all("input.hb-tick", ticked) == []


@pytest.mark.parametrize("edition, query", [("", "发文"), ("zh-Hant/", "發文")], ids=["zh-Hans", "zh-Hant"])
def test_search_works_from_file(page, built_site: Path, edition: str, query: str):
    page.goto(file_url(built_site, f"{edition}procedures/meeting.html"))
    results = search(page, query)
    assert any(
        urlparse(url).path.endswith(f"/{edition}procedures/outgoing-document.html") for url in results
    ), results
    assert all(url.startswith("file://") for url in results)
    page.locator(".md-search-result__item a[href*='procedures/outgoing-document.html']").first.click()
    page.wait_for_url("**/procedures/outgoing-document.html*")
    assert page.locator("figure.hb-flow svg[role=img]").is_visible()


def test_every_feature_works_on_the_intranet_without_other_hosts(page, site_server: str):
    # tooltips from the glossary
    page.goto(site_server + "index.html")
    page.locator("article abbr").first.hover()
    page.locator(".md-tooltip2--active").first.wait_for(timeout=5_000)
    # dark mode, kept for the next page
    page.locator("label.md-header__button[for^=__palette]:visible").first.click()
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    # search
    results = search(page, "值班")
    assert any(urlparse(url).path.endswith("/procedures/duty-shift.html") for url in results), results
    # flows
    page.goto(site_server + "procedures/duty-shift.html")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert page.locator("figure.hb-flow svg[role=img]").is_visible()
    # ticking and printing
    page.goto(site_server + "checklists/duty-handover.html")
    page.evaluate(
        "localStorage.removeItem('hb-ticks:duty-handover@' + document.querySelector('section.hb-checklist').dataset.version)"
    )
    page.locator("input.hb-tick[data-item='1-1']").check()
    page.reload()
    assert page.locator("input.hb-tick[data-item='1-1']").is_checked()
    page.emulate_media(media="print")
    try:
        assert page.locator(".md-header").is_hidden()
        assert page.pdf(format="A4")[:4] == b"%PDF"
    finally:
        page.emulate_media(media="screen")
    page.get_by_role("button", name="清除勾选").click()
    # back to the light scheme so other tests see the default
    page.locator("label.md-header__button[for^=__palette]:visible").first.click()
