"""Glossary terms as tooltips: the same words are marked in prose and in data-rendered text.

Markdown prose gets them through the ``macros.cjk_abbr`` extension; text that
templates render from YAML gets them through :func:`mark_terms`. Both use
:func:`term_pattern`, which finds a term inside Chinese text (where ``\\b`` never
matches) and needs a word boundary only beside ASCII letters or digits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .handbook import Handbook


def tooltips(hb: Handbook) -> dict[str, str]:
    """Glossary terms and their aliases, each with the definition as tooltip text."""
    out: dict[str, str] = {}
    for term, entry in hb.glossary.items():
        out[term] = entry.definition
        for alias in entry.aliases:
            out[alias] = f"即“{term}”：{entry.definition}"
    return out


def _bounded(term: str) -> str:
    start = r"\b" if re.match(r"\w", term[0], re.ASCII) else ""
    end = r"\b" if re.match(r"\w", term[-1], re.ASCII) else ""
    return f"{start}{re.escape(term)}{end}"


@lru_cache(maxsize=8)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for all terms, longest first so 督查督办 wins over 督办."""
    return re.compile("|".join(_bounded(t) for t in sorted(terms, key=len, reverse=True)))


def mark_terms(text: str, tips: dict[str, str]) -> Markup:
    """Escape ``text`` and wrap each glossary term in it in ``<abbr title=…>``.

    The text is escaped first and terms are plain words, so nothing in the YAML
    can become markup; only the ``abbr`` elements added here are.
    """
    escaped = str(escape(text))
    if not tips:
        return Markup(escaped)
    pattern = term_pattern(tuple(tips))
    return Markup(
        pattern.sub(lambda m: f'<abbr title="{escape(tips[m.group(0)])}">{m.group(0)}</abbr>', escaped)
    )
