"""Lint for Chinese text: look-alike characters, half-width punctuation, CJK/Latin spacing.

Checks every text value in ``data/**/*.yaml`` and the prose of ``docs/**/*.md``:

``radical``
    Kangxi radicals and CJK radicals (U+2E80–U+2FDF) and CJK compatibility
    ideographs (U+F900–U+FAFF, except the twelve unified ideographs in that block). They look like ordinary characters (⼈ / 人) but
    are different code points, so search, OpenCC and sorting miss them; they come
    in with text copied from PDFs. The fix is the character's NFKC form.
``punctuation``
    ASCII ``, ; : ? ! ( )`` written against Chinese characters: full-width forms
    are the rule in Chinese text (“中文，中文”, not “中文,中文”). A comma, semicolon,
    colon, question or exclamation mark is reported when it sits between two
    Chinese characters; a parenthesis when a Chinese character is on either side.
``spacing``
    A Chinese character directly against a Latin letter or an Arabic digit. The
    handbook writes a space between them (“第 3 步”, “A4 纸”), as in its data from
    the start; document numbers keep their official form (〔2012〕14号).

Markdown code (fenced and inline), link targets, HTML tags and macro calls are
not prose and are skipped. ``python -m macros lint`` prints the findings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .search import HAN

# The twelve code points in the compatibility block that are ordinary unified
# ideographs with no other form (﨎 﨏 﨑 﨓 﨔 﨟 﨡 﨣 﨤 﨧 﨨 﨩) are allowed.
LOOKALIKE = re.compile(
    "(?![\ufa0e\ufa0f\ufa11\ufa13\ufa14\ufa1f\ufa21\ufa23\ufa24\ufa27\ufa28\ufa29])[\u2e80-\u2fdf\uf900-\ufaff]"
)
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
BETWEEN = re.compile(f"(?<=[{HAN}]) ?[,;:?!] ?(?=[{HAN}])")
PAREN = re.compile(f"(?<=[{HAN}])[()]|[()](?=[{HAN}])")
SPACING = re.compile(f"(?=([{HAN}][A-Za-z0-9]|[A-Za-z0-9][{HAN}]))")  # overlapping: 第3步 is two
# Written exactly as issued: 中办发〔2012〕14号, 国发〔2016〕3号.
ALLOWED_SPACING = (re.compile(r"〔\d{4}〕\d+号"),)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.line} 行：{self.message}"


def check_text(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, rule, message) for every problem in one piece of Chinese text."""
    for m in LOOKALIKE.finditer(text):
        char = m.group()
        plain = unicodedata.normalize("NFKC", char)
        fix = (
            f"请改为普通汉字“{plain}”（U+{ord(plain):04X}）" if plain != char else "请用输入法重新输入这个字"
        )
        yield (
            m.start(),
            "radical",
            (f"“{char}”（U+{ord(char):04X}）是部首或兼容字符，外形像汉字，但搜索和繁体转换都认不出。{fix}"),
        )
    for pattern in (BETWEEN, PAREN):
        for m in pattern.finditer(text):
            char = m.group().strip()
            yield (
                m.start(),
                "punctuation",
                (f"中文里用了半角“{char}”：“{_context(text, m.start())}”。请改为全角“{FULL_WIDTH[char]}”"),
            )
    allowed = [span for pattern in ALLOWED_SPACING for span in (m.span() for m in pattern.finditer(text))]
    for m in SPACING.finditer(text):
        if any(start <= m.start() < end for start, end in allowed):
            continue
        pair = m.group(1)
        yield (
            m.start(),
            "spacing",
            (
                f"汉字和英文字母或数字之间要空一格：“{_context(text, m.start())}”。请在“{pair[0]}”和“{pair[1]}”之间加一个空格"
            ),
        )


def _context(text: str, at: int, width: int = 6) -> str:
    return text[max(0, at - width) : at + width + 1].replace("\n", " ")


# --- data/*.yaml ----------------------------------------------------------------


def lint_yaml(path: Path, display: str) -> list[Finding]:
    try:
        tree = YAML(typ="rt", pure=True).load(path.read_text(encoding="utf-8-sig"))
    except Exception:  # a broken file is reported by `make check`, not here
        return []
    findings = []
    for line, value in _strings(tree):
        for offset, rule, message in check_text(value):
            extra = value.count("\n", 0, offset) + (1 if isinstance(value, LiteralScalarString) else 0)
            findings.append(Finding(display, line + extra, rule, message))
    return findings


def _strings(node: Any) -> Iterator[tuple[int, str]]:
    """Every string value (not key) in a YAML tree, with its 1-based line."""
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(value, str):
                yield node.lc.value(key)[0] + 1, value
            else:
                yield from _strings(value)
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            if isinstance(value, str):
                yield node.lc.item(i)[0] + 1, value
            else:
                yield from _strings(value)


# --- docs/*.md ------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_PROSE = re.compile(
    r"`[^`]*`"  # inline code
    r"|\{\{.*?\}\}|\{%.*?%\}"  # macro calls
    r"|<[^>]*>"  # HTML tags
    r"|\]\([^)]*\)"  # link targets
    r"|<https?://[^>]*>|https?://\S+"  # bare links
    r"|\{:?[#.][^}]*\}"  # attribute lists
)


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines of a Markdown page with code, links, tags and macros blanked out."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or line.lstrip().startswith("--8<--"):
            continue
        yield number, _NOT_PROSE.sub(lambda m: "]" if m.group().startswith("](") else " ", line)


def lint_markdown(path: Path, display: str) -> list[Finding]:
    findings = []
    for number, line in prose_lines(path.read_text(encoding="utf-8-sig")):
        for _, rule, message in check_text(line):
            findings.append(Finding(display, number, rule, message))
    return findings


def lint(root: Path) -> list[Finding]:
    """All findings in ``root/data`` and ``root/docs``."""
    findings: list[Finding] = []
    for path in sorted((root / "data").rglob("*.yaml")):
        findings += lint_yaml(path, path.relative_to(root).as_posix())
    for path in sorted((root / "docs").rglob("*.md")):
        findings += lint_markdown(path, path.relative_to(root).as_posix())
    return sorted(findings)


def report(findings: list[Finding]) -> str:
    if not findings:
        return "文字格式检查通过。"
    lines = [f"文字格式有 {len(findings)} 处问题："]
    lines += [f"  - {f}" for f in findings]
    lines.append("写法见手册“维护指南”的“文字格式”一节。")
    return "\n".join(lines)
