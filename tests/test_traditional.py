"""The Traditional edition under site/zh-Hant/: converted, declared, searchable, linked both ways."""

from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOT
from macros.search import SEGMENT
from macros.traditional import EDITION, MARKS, convert_segmented, simplified_only, to_traditional

# What a reader sees: text outside <script>/<style>, and these attributes (tooltips, labels).
VISIBLE_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.text: list[str] = []
        self.html_lang: str | None = None
        self.switch: list[tuple[str, str]] = []  # (hreflang, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("a", "link") and a.get("hreflang") and a.get("href"):
            self.switch.append((a["hreflang"], a["href"]))
        self.text += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if EDITION not in p.relative_to(root).parts
    )


def test_conversion_keeps_administrative_words():
    assert (
        to_traditional("审核程序，发文办理") == "審核程序，發文辦理"
    )  # not 稽核 / 程式 (s2twp), not 審覈 (s2t)
    assert to_traditional("信息报送") == "信息報送"  # not 資訊
    assert convert_segmented("做好\u200b督查督办\u200b工作") == "做好\u200b督查督辦\u200b工作"


def test_every_traditional_page_is_declared_and_fully_converted(built_site: Path):
    hant = built_site / EDITION
    pages = _pages(hant)
    assert pages == _pages(built_site), "both editions have the same pages"
    leftovers = {}
    for rel in pages:
        page = _parse(hant / rel)
        assert page.html_lang == "zh-Hant", rel
        bad = simplified_only("\n".join(page.text))
        if bad:
            leftovers[rel] = "".join(sorted(set(bad)))
    assert not leftovers, f"Simplified-only characters on zh-Hant pages: {leftovers}"


def test_simplified_pages_declare_their_script(built_site: Path):
    assert _parse(built_site / "index.html").html_lang == "zh-Hans"


def test_language_switch_leads_to_the_same_page(built_site: Path):
    """Every language link of every page (both editions) points at that page in the other edition."""
    roots = {"zh-Hans": built_site, "zh-Hant": built_site / EDITION}
    checked = 0
    for edition, root in roots.items():
        for rel in _pages(root):
            links = dict(_parse(root / rel).switch)
            assert set(links) == set(roots), f"{edition}/{rel}: {links}"
            for lang, href in links.items():
                if href.startswith("/"):  # 404.html: Material writes its links from the server root
                    target = built_site / href.lstrip("/")
                    expected = roots[lang] / "index.html"
                else:
                    target = (root / rel).parent / href
                    expected = roots[lang] / rel
                assert target.resolve() == expected.resolve(), f"{edition}/{rel} → {href}"
                assert target.is_file(), f"{edition}/{rel} → {href}"
                assert "//" not in href and not href.startswith(("http:", "https:", "file:"))
                checked += 1
    assert checked >= 4 * 50


def test_language_switch_works_from_disk(browser, built_site: Path):
    page = browser.new_page()
    try:
        page.goto((built_site / EDITION / "procedures" / "supervision.html").as_uri())
        assert page.title().startswith("督查督辦")
        href = page.locator("a.md-select__link[hreflang=zh-Hans]").get_attribute("href")
        page.goto(posixpath.join(page.url.rsplit("/", 1)[0], href))
        assert page.url == (built_site / "procedures" / "supervision.html").as_uri()
        assert page.title().startswith("督查督办")
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
    finally:
        page.close()


def test_traditional_search_index_keeps_the_segmentation(built_site: Path):
    """Words are cut in the Simplified text (jieba's dictionary is Simplified), then converted."""
    simplified = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    traditional = json.loads(
        (built_site / EDITION / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    assert traditional["config"] == simplified["config"]
    assert [d["location"] for d in traditional["docs"]] == [d["location"] for d in simplified["docs"]]
    for s_doc, t_doc in zip(simplified["docs"], traditional["docs"]):
        for key in ("title", "text"):
            assert t_doc[key].count(SEGMENT) == s_doc[key].count(SEGMENT), (t_doc["location"], key)
            assert t_doc[key] == convert_segmented(s_doc[key])
        for key in ("title", "text", "keywords", "aliases", "related"):
            # Checked as read: without the word joins, which would split OpenCC's phrases.
            read = "".join(ch for ch in t_doc.get(key, "") if ch not in MARKS)
            assert not simplified_only(read), (t_doc["location"], key)
    offline = built_site / EDITION / "search" / "search_index.js"
    if offline.is_file():  # the offline plugin's copy for file:// is made from the converted index
        assert json.loads(offline.read_text(encoding="utf-8").split("=", 1)[1]) == traditional


def test_site_scripts_and_styles_are_converted(built_site: Path):
    docs = ROOT / "docs"
    for src in docs.rglob("*"):
        if src.suffix in (".js", ".css", ".svg") and src.is_file():
            out = built_site / EDITION / src.relative_to(docs)
            assert not simplified_only(out.read_text(encoding="utf-8")), out
