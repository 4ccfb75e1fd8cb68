"""Print and run: one-page checklists, the print-all page, procedures on paper, ticking.

Real Chromium (tests/conftest.py) prints the built site to PDF with print media;
pypdf reads the pages back. Expected text comes from the YAML data.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from conftest import ROOT, fresh_page
from macros.handbook import load_handbook

HB = load_handbook(ROOT / "data")
A4_POINTS = (595.0, 842.0)
# The printable width of A4 with the margins of print.css (210 mm - 15 mm - 18 mm), in CSS px.
A4_CONTENT_PX = round((210 - 15 - 18) / 25.4 * 96)

# Noto/Source Han fonts map some glyphs to radical code points in the PDF's text
# layer (车 comes back as U+2ECB ⻋). NFKC folds the Kangxi radicals; these are the
# C-simplified radicals of U+2E80-U+2EFF (Unicode's EquivalentUnifiedIdeograph.txt).
RADICALS = str.maketrans(
    {
        "⺦": "丬",
        "⺰": "纟",
        "⻅": "见",
        "⻆": "角",
        "⻈": "讠",
        "⻉": "贝",
        "⻋": "车",
        "⻐": "钅",
        "⻓": "长",
        "⻔": "门",
        "⻙": "韦",
        "⻚": "页",
        "⻛": "风",
        "⻜": "飞",
        "⻠": "饣",
        "⻢": "马",
        "⻥": "鱼",
        "⻦": "鸟",
        "⻧": "卤",
        "⻨": "麦",
        "⻩": "黄",
        "⻪": "黾",
        "⻬": "齐",
        "⻮": "齿",
        "⻰": "龙",
    }
)


def norm(text: str) -> str:
    """Text without whitespace, as CJK text comes out of a PDF in runs and lines."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(RADICALS))


def contains(haystack: str, needle: str) -> bool:
    """``needle in haystack`` where a radical left over in the PDF text matches any character."""
    haystack, needle = norm(haystack), norm(needle)
    if needle in haystack:
        return True
    # Slide the needle over the haystack with radicals as wildcards.
    return any(re.fullmatch(window, needle) for window in _windows(haystack, len(needle)))


def _windows(text: str, size: int):
    for i in range(len(text) - size + 1):
        window = text[i : i + size]
        if any("\u2e80" <= c <= "\u2eff" for c in window):
            yield "".join("." if "\u2e80" <= c <= "\u2eff" else re.escape(c) for c in window)


def pdf_pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, (width, height)
    return [page.extract_text() for page in reader.pages]


def checklist_items(cid: str) -> list[str]:
    return [item for section in HB.checklists[cid].sections for item in section.items]


@pytest.fixture(scope="module")
def printer(browser):
    """One page with print media, reused for every PDF of this module."""
    with fresh_page(browser, media="print") as page:
        yield page


@pytest.fixture(scope="module")
def screen(browser):
    """One screen page for ticking and buttons; storage is cleared per test."""
    with fresh_page(browser) as page:
        yield page


@pytest.fixture
def clean_screen(screen, site_server: str):
    screen.goto(site_server + "index.html")
    screen.evaluate("localStorage.clear()")
    yield screen
    screen.context.unroute_all()


def test_every_checklist_prints_on_one_a4_page(printer, site_server: str):
    assert len(HB.checklists) >= 12
    for cid, cl in HB.checklists.items():
        printer.goto(site_server + f"checklists/{cid}.html")
        pages = pdf_pages(printer.pdf(format="A4", print_background=True))
        assert len(pages) == 1, f"{cid}: {len(pages)} pages"
        text = pages[0]
        assert contains(text, cl.title), cid
        assert contains(text, cl.pause_point), cid
        assert cl.type in text, cid
        for section in cl.sections:
            assert contains(text, section.title), (cid, section.title)
        for item in checklist_items(cid):
            assert contains(text, item), (cid, item)
        for line in ("日期", "经办人", "复核人"):
            assert contains(text, line), (cid, line)
        assert contains(text, f"第 {cl.version} 版"), cid
        assert cl.updated.isoformat() in text, cid
        assert contains(text, f"checklists/{cid}.html"), cid
        # the screen-only parts stay off paper: buttons, related links, change log, site chrome
        for screen_only in ("打印清单", "清除勾选", "相关内容", "修订记录", "办公室工作手册"):
            assert not contains(text, screen_only), (cid, screen_only)


def test_print_all_page_has_one_page_per_checklist(printer, site_server: str):
    printer.goto(site_server + "checklists/print-all.html")
    pages = pdf_pages(printer.pdf(format="A4"))
    assert len(pages) == len(HB.checklists)
    for text, (cid, cl) in zip(pages, HB.checklists.items()):
        assert contains(text, cl.title), cid
        assert contains(text, f"checklists/{cid}.html"), cid
        for item in checklist_items(cid):
            assert contains(text, item), (cid, item)
    assert not contains(pages[0], "打印全部清单")


def test_checklist_boxes_are_drawn_solid_and_ticks_print(clean_screen, site_server: str):
    page = clean_screen
    page.goto(site_server + "checklists/reception.html")
    page.locator("input.hb-tick[data-item='1-2']").check()
    page.emulate_media(media="print")
    try:
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('input.hb-tick')].map(input => {
                 const span = input.nextElementSibling, box = getComputedStyle(span, '::before');
                 return {item: input.dataset.item, input: getComputedStyle(input).opacity,
                         content: box.content, border: box.borderTopStyle,
                         width: parseFloat(box.borderTopWidth), size: parseFloat(box.width)};
               })"""
        )
        text = pdf_pages(page.pdf(format="A4"))[0]
    finally:
        page.emulate_media(media="screen")
    assert len(boxes) == len(checklist_items("reception"))
    for box in boxes:
        assert box["input"] == "0", box  # the real checkbox is not what prints
        assert box["border"] == "solid" and box["width"] >= 1 and box["size"] >= 12, box
        assert box["content"] == ('"✓"' if box["item"] == "1-2" else '""'), box
    assert text.count("✓") == 1


def test_print_uses_a_simplified_chinese_font(printer, site_server: str):
    printer.goto(site_server + "checklists/reception.html")
    assert printer.evaluate("document.documentElement.lang") in ("zh-Hans", "zh-CN")
    family = printer.evaluate("getComputedStyle(document.querySelector('.hb-checklist')).fontFamily")
    first = family.split(",")[0].strip().strip('"')
    assert first.endswith(("SC", "CN")), family
    # The font Chromium actually draws the Chinese text with.
    cdp = printer.context.new_cdp_session(printer)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        cdp.send("CSS.enable")
        used = set()
        for selector in (".hb-checklist__title", ".hb-checklist__items li span", ".hb-checklist__sign"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                used.add(font["familyName"])
    finally:
        cdp.detach()
    cjk = {name for name in used if "CJK" in name or "Han" in name or "Hei" in name}
    assert cjk, used
    assert all(re.search(r"\b(SC|CN|GB)\b|YaHei", name) for name in cjk), used


def test_procedure_prints_flow_within_page_width_and_its_steps(printer, site_server: str):
    printer.set_viewport_size({"width": A4_CONTENT_PX, "height": 1100})
    try:
        for pid in HB.procedures:
            printer.goto(site_server + f"procedures/{pid}.html")
            geometry = printer.evaluate(
                """() => {
                  const svg = document.querySelector('figure.hb-flow svg[role=img]');
                  const r = svg.getBoundingClientRect();
                  return {left: r.left, right: r.right, width: r.width, height: r.height,
                          page: document.documentElement.clientWidth,
                          scroll: document.documentElement.scrollWidth};
                }"""
            )
            assert geometry["width"] > 200 and geometry["height"] > 50, (pid, geometry)
            assert geometry["left"] >= 0 and geometry["right"] <= geometry["page"] + 0.5, (pid, geometry)
            assert geometry["scroll"] <= geometry["page"], f"{pid}: something is wider than the page"
        for pid in ("outgoing-document", "meeting"):
            printer.goto(site_server + f"procedures/{pid}.html")
            text = "\n".join(pdf_pages(printer.pdf(format="A4")))
            proc = HB.procedures[pid]
            assert contains(text, proc.title)
            for step in proc.steps:
                assert contains(text, step.title), (pid, step.id)
                if step.action:
                    assert contains(text, step.action[:12]), (pid, step.id)
            for screen_only in ("打印本页",):
                assert not contains(text, screen_only)
    finally:
        printer.set_viewport_size({"width": 1280, "height": 720})


def test_print_buttons_open_the_print_dialog(clean_screen, site_server: str):
    page = clean_screen
    for path, label in (
        ("checklists/reception.html", "打印清单"),
        ("procedures/outgoing-document.html", "打印本页"),
        ("checklists/print-all.html", "打印全部清单"),
    ):
        page.goto(site_server + path)
        page.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1; }; }")
        page.get_by_role("button", name=label).click()
        assert page.evaluate("window.__prints") == 1, path


def ticked(page, cid: str | None = None) -> list[str]:
    scope = f"section.hb-checklist[data-checklist='{cid}']" if cid else "section.hb-checklist"
    return page.eval_on_selector_all(
        f"{scope} input.hb-tick", "els => els.filter(e => e.checked).map(e => e.dataset.item)"
    )


def test_ticks_survive_reload_and_reset_clears_them(clean_screen, site_server: str):
    page = clean_screen
    page.goto(site_server + "checklists/reception.html")
    assert ticked(page) == []
    page.locator("input.hb-tick[data-item='1-1']").check()
    page.get_by_text("座次已排定并复核").click()  # clicking the item text ticks it too
    page.reload()
    assert ticked(page) == ["1-1", "1-3"]
    # the print-all page shows the same ticks for the same checklist and version
    page.goto(site_server + "checklists/print-all.html")
    assert ticked(page, "reception") == ["1-1", "1-3"]
    assert ticked(page) == ["1-1", "1-3"]
    page.locator("section[data-checklist='meeting-during'] input.hb-tick[data-item='2-1']").check()
    page.goto(site_server + "checklists/reception.html")
    page.get_by_role("button", name="清除勾选").click()
    assert ticked(page) == []
    page.reload()
    assert ticked(page) == []
    # reset on one checklist leaves the others alone; the print-all reset clears them all
    page.goto(site_server + "checklists/print-all.html")
    assert ticked(page, "meeting-during") == ["2-1"]
    page.get_by_role("button", name="清除全部勾选").click()
    assert ticked(page) == []
    page.reload()
    assert ticked(page) == []


def test_a_new_version_of_a_checklist_starts_clean(clean_screen, site_server: str):
    page = clean_screen
    url = site_server + "checklists/reception.html"
    version = HB.checklists["reception"].version
    page.goto(url)
    page.locator("input.hb-tick[data-item='2-1']").check()
    page.locator("input.hb-tick[data-item='3-2']").check()
    page.reload()
    assert ticked(page) == ["2-1", "3-2"]

    # The site is rebuilt with a new version of the checklist: same ids, new data-version.
    def new_version(route):
        response = route.fetch()
        body = response.text().replace(f'data-version="{version}"', 'data-version="99.0"')
        route.fulfill(response=response, body=body)

    page.context.route(url, new_version)
    page.goto(url)
    assert page.get_attribute("section.hb-checklist", "data-version") == "99.0"
    assert ticked(page) == []
    page.locator("input.hb-tick[data-item='1-1']").check()
    page.reload()
    assert ticked(page) == ["1-1"]
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.includes('reception'))")
    assert len(keys) == 1 and "99.0" in keys[0], keys  # the old version's ticks are dropped
