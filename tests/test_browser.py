"""Every page in a real Chromium with all non-local requests blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LocalOnly, fresh_page


def all_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.fixture
def page(browser):
    with fresh_page(browser) as pg:
        yield pg


TABS = 6  # pages loading side by side; one Chromium handles this easily on 2 cores


def test_no_request_leaves_the_local_server(browser, site_server: str, built_site: Path):
    """Every page of both editions, with requests to any other host blocked and counted.

    Also fails on any request to our own server that errors or answers 4xx/5xx
    (a missing asset would be a broken feature offline).
    """
    context = browser.new_context()
    guard = LocalOnly(context)
    failed: list[str] = []
    tabs = [context.new_page() for _ in range(TABS)]
    for tab in tabs:
        tab.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        tab.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} HTTP {r.status}"))
    pages = [p for p in all_pages(built_site) if not p.endswith("404.html")]
    assert len(pages) > 20
    for start in range(0, len(pages), TABS):
        batch = list(zip(tabs, pages[start : start + TABS]))
        for tab, rel in batch:
            tab.goto(site_server + rel, wait_until="commit")
        for tab, _ in batch:
            tab.wait_for_load_state("networkidle")
    context.close()
    assert guard.foreign == [], f"requests to other hosts: {sorted(set(guard.foreign))}"
    assert failed == [], failed


def test_procedure_page_shows_its_flow(page, site_server: str):
    page.goto(site_server + "procedures/outgoing-document.html")
    flow = page.locator("figure.hb-flow svg[role=img]")
    assert flow.count() == 1
    box = flow.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert (
        page.locator("figure.hb-flow svg [data-step]").count()
        == page.locator("table.hb-steps tbody tr").count()
    )
    assert "发文办理" in flow.locator(":scope > title").text_content()
