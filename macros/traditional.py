"""The Traditional-script edition: OpenCC conversion of everything a reader sees.

Nobody writes Traditional text by hand. The zh-Hant edition is built from the
same Simplified sources (``mkdocs.zh-Hant.yml`` inherits ``mkdocs.yml`` and sets
Material's ``zh-Hant`` UI language); the ``handbook`` plugin then converts

- each page's final HTML (text, navigation, data tables, flow SVGs, checklists,
  glossary tooltips, ``<title>``) in ``on_post_page`` / ``on_post_template``;
- the search index after the search plugin wrote it, keeping the word
  boundaries that jieba found in the *Simplified* text (jieba's dictionary is
  Simplified, so segmenting Traditional text directly would cut it badly);
- the site's own scripts, stylesheets and images with Chinese text in them.

The conversion is OpenCC ``s2tw``: Traditional characters in Taiwan's standard
forms (為、著、裡) and no vocabulary changes. ``s2twp`` is not used: it rewrites
administrative words (审核 → 稽核, 程序 → 程式, 信息 → 資訊); plain ``s2t`` would
write 审核 as 審覈.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import opencc

from .search import HAN_RUN, JOINER, SEGMENT

OPENCC_CONFIG = "s2tw.json"
# What counts as Simplified-only in the checks: anything plain s2t still changes.
CHECK_CONFIG = "s2t.json"
VARIANT_CONFIG = "t2tw.json"
EDITION = "zh-Hant"
MARKS = SEGMENT + JOINER  # the invisible word marks of the search index


@cache
def _converter(config: str = OPENCC_CONFIG) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Simplified → Traditional with the edition's OpenCC configuration."""
    if not HAN_RUN.search(text):
        return text
    return _converter().convert(text)


def convert_segmented(text: str, marks: str = MARKS) -> str:
    """Convert text with invisible word marks (U+200B, U+2060) without moving the marks.

    The text is converted as a whole, marks taken out (OpenCC picks characters
    by phrase, the same way as on the page), then the marks are put back at the
    same offsets. If a conversion ever changed the length, fall back to converting
    the pieces between marks one by one.
    """
    if not any(m in text for m in marks):
        return to_traditional(text)
    plain = "".join(ch for ch in text if ch not in marks)
    converted = to_traditional(plain)
    if len(converted) != len(plain):
        return re.sub(f"[^{marks}]+", lambda m: to_traditional(m.group(0)), text)
    out: list[str] = []
    i = 0
    for ch in text:
        if ch in marks:
            out.append(ch)
        else:
            out.append(converted[i])
            i += 1
    return "".join(out)


def convert_search_index(data: dict[str, Any]) -> dict[str, Any]:
    """Every string a reader can search for or see in the index, in Traditional script."""
    for doc in data.get("docs", []):
        for key, value in doc.items():
            if isinstance(value, str):
                doc[key] = convert_segmented(value)
            elif isinstance(value, list):
                doc[key] = [to_traditional(v) if isinstance(v, str) else v for v in value]
    return data


# Traditional characters that plain s2t rewrites anyway: it reads 参与而不干预 as 不幹預
# (干 is right in 干預, 干涉, 若干). Everything else s2t changes is either a
# Simplified character left behind or a variant (see ``simplified_only``).
ALLOWED = frozenset("干")


def simplified_only(text: str, allow: frozenset[str] = ALLOWED) -> list[str]:
    """Characters of ``text`` that OpenCC s2t would still change (in context), minus ``allow``.

    A Traditional page should have none: every one is a Simplified form left
    behind. Not counted: the Taiwan-standard forms that s2tw writes and s2t
    swaps for OpenCC's older variants (群 → 羣, 吃 → 喫, 秘 → 祕, 才 → 纔),
    recognised because OpenCC's t2tw maps the variant back to the same character.
    """
    if not HAN_RUN.search(text):
        return []
    converted = _converter(CHECK_CONFIG).convert(text)
    if len(converted) != len(text):  # never seen with s2t; compare character by character
        converted = "".join(_converter(CHECK_CONFIG).convert(ch) for ch in text)
    variant = _converter(VARIANT_CONFIG).convert
    return [a for a, b in zip(text, converted) if a != b and a not in allow and variant(b) != a]


# --- the edition in the build --------------------------------------------------

# Files copied from docs/ whose text readers may see (scripts show messages, CSS has content:).
TEXT_SUFFIXES = (".js", ".css", ".svg", ".json", ".txt")


def edition_of(option: str | None, theme_language: str) -> str:
    """The plugin's ``edition`` option, or the theme's language when it is not set."""
    if option:
        return option
    return EDITION if str(theme_language).startswith(EDITION) else "zh-Hans"


def alternate_roots(extra: dict[str, Any]) -> dict[str, str]:
    """``extra.alternate`` as written in the config: each edition's root, relative to this one's."""
    return {str(alt.get("lang", "")): str(alt.get("link", "")) for alt in extra.get("alternate") or []}


# Material's language selector (<a … hreflang>).
HREFLANG = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)("[^>]*?\bhreflang="([^"]*)")')
# <link rel="alternate" hreflang> in <head>: Material's script fetches a sitemap.xml
# beside each of these, which fails from file:// and is not needed once the
# selector links lead to the same page; the tags are dropped.
HEAD_ALTERNATE = re.compile(r'<link rel="alternate"[^>]*\bhreflang="[^"]*"[^>]*>\s*')


def link_alternates(html: str, roots: dict[str, str], page_url: str | None, edition: str) -> str:
    """Point the language links of a page at the same page in each edition.

    Material prints ``extra.alternate[].link`` as is (made relative to the page),
    so every page would lead to the other edition's home page. Here each link
    becomes that edition's root plus the page's own URL, relative to the page,
    so it works from any folder and from ``file://``. ``page_url`` None is the
    404 page, whose links Material writes from the server root.
    """
    if not roots or "hreflang" not in html:
        return html

    def href(lang: str, current: str) -> str:
        root = roots.get(lang)
        if root is None:
            return current
        if page_url is None:
            here = f"{EDITION}/" if edition == EDITION else ""
            return "/" + posixpath.normpath(here + root + "index.html")
        depth = page_url.count("/")
        return posixpath.normpath("../" * depth + root + (page_url or "index.html"))

    html = HEAD_ALTERNATE.sub("", html)
    return HREFLANG.sub(lambda m: m.group(1) + href(m.group(4), m.group(2)) + m.group(3), html)


def convert_files(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.suffix in TEXT_SUFFIXES and path.is_file():
            text = path.read_text(encoding="utf-8")
            if HAN_RUN.search(text):
                path.write_text(to_traditional(text), encoding="utf-8")
