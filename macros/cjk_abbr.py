"""Python-Markdown's ``abbr`` extension, made to find terms inside Chinese text.

The stock extension wraps matches in ``\\b…\\b``; between two Chinese characters
there is no word boundary, so 督办 inside 做好督办工作 is never found. Here a
boundary is only required on the side of a term that is an ASCII word character.
"""

from __future__ import annotations

from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor

from .glossary import term_pattern


class CjkAbbrTreeprocessor(AbbrTreeprocessor):
    def run(self, root):  # type: ignore[override]
        if not self.abbrs:
            return
        self.RE = term_pattern(tuple(self.abbrs))
        self.iter_element(root)


class CjkAbbrExtension(AbbrExtension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        super().extendMarkdown(md)
        md.treeprocessors.register(CjkAbbrTreeprocessor(md, self.abbrs), "abbr", 7)


def makeExtension(**kwargs):  # noqa: N802 (Markdown's API name)
    return CjkAbbrExtension(**kwargs)
