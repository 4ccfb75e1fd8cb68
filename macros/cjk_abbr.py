"""Python-Markdown's ``abbr`` extension, made to find terms inside Chinese text.

The stock extension wraps matches in ``\\b…\\b``; between two Chinese characters
there is no word boundary, so 督办 inside 做好督办工作 is never found. Here a
boundary is only required on the side of a term that is an ASCII word character.
"""

from __future__ import annotations

import re

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor


def _pattern(term: str) -> str:
    start = r"\b" if re.match(r"\w", term[0], re.ASCII) else ""
    end = r"\b" if re.match(r"\w", term[-1], re.ASCII) else ""
    return f"{start}{re.escape(term)}{end}"


class CjkAbbrTreeprocessor(AbbrTreeprocessor):
    def run(self, root):  # type: ignore[override]
        if not self.abbrs:
            return
        terms = sorted(self.abbrs, key=len, reverse=True)
        self.RE = re.compile("|".join(_pattern(t) for t in terms))
        self.iter_element(root)


class CjkAbbrExtension(AbbrExtension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        super().extendMarkdown(md)
        md.treeprocessors.register(CjkAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


def makeExtension(**kwargs):  # noqa: N802 (Markdown's API name)
    return CjkAbbrExtension(**kwargs)
