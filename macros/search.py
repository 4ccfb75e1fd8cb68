"""Chinese search on Material's own search: a domain dictionary for jieba and a tuned index.

How Material searches Chinese (mkdocs-material 9.x, ``plugins/search`` and the
search worker), which is what this module works with:

- At build time the search plugin cuts every Han run of a section's title and
  text with ``jieba.cut`` and joins the words with U+200B; the separator
  (``[\\s\\u200b\\u3000\\-、。，．？！；]+``) makes each word one index token.
- In the browser the query is cut greedily against the tokens already in the
  index, trying only slices that stop *before the last character*, and every
  piece gets a trailing wildcard. So ``督办`` becomes ``督*`` as soon as ``督``
  alone is a token anywhere, and ``值班交接`` becomes ``值班*`` unless ``值班交``
  is a token. Titles weigh 1000 times the text; results are grouped by page.

What this module adds, all generated from ``data/`` at build time:

1. ``write_user_dict``: a jieba user dictionary (in ``.cache/handbook/``, not
   committed) of the glossary terms and their aliases, and of the entry titles
   that jieba would otherwise break into single characters (会前准备,
   督办件跟踪). It is loaded before any page is indexed, so these are one token.
   Titles jieba already cuts into words (值班交接 → 值班 交接) stay cut: as one
   rare token they would outrank the page titled 值班 in every search for 值班.
2. ``tune_index`` rewrites ``search/search_index.json`` after the search plugin:

   - a one-character word gets an invisible U+2060 after it, so no bare
     character is ever a token that cuts a two-character query in half;
   - hidden fields, never shown in results:
     ``keywords`` (weighted like the title): dictionary words inside the title's
     words (督查督办 → 督查, 督办: jieba's search mode);
     ``aliases`` (three times a title): the aliases of the glossary terms in the
     title, so an alias finds the page that uses the main term (督办 → 督查督办);
     ``related`` (weighted like the text): the same two for the text;
     ``prefixes`` (weight near zero): every longer word less its last character,
     only so that a query typed in full is cut as one piece (值班交接 → 值班交*);
   - a weight per page (``PAGE_BOOST``): work pages above overview and
     reference pages; the print-everything page is left out;
   - compact UTF-8 JSON (Material escapes every Chinese character as ``\\uXXXX``),
     about half the size.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .glossary import term_pattern

if TYPE_CHECKING:
    from .handbook import Handbook

SEGMENT = "\u200b"  # Material's search plugin joins jieba's words with zero-width spaces
JOINER = "\u2060"  # this module marks one-character words with a word joiner
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han characters, as a regex class body
HAN_RUN = re.compile(f"[{HAN}]+")
TAG = re.compile(r"<[^>]*>")
# Material's separator for Chinese, as written into the index config.
SEPARATOR = re.compile(r"[\s\u200b\u3000\-、。，．？！；]+")
MAX_TITLE_WORD = 6

# Entry kinds whose titles go into the dictionary.
TITLE_KINDS = ("procedures", "checklists", "duties", "guides", "principles", "roles")

# Hidden fields, relative to Material's title (1000) and text (1) weights.
FIELDS = {
    "keywords": {"boost": 1000.0},
    "aliases": {"boost": 3000.0},
    "related": {"boost": 1.0},
    # Only there so the query cutter sees the token: it must not change the order.
    "prefixes": {"boost": 0.001},
}

# Weight of each page in the results (glob on the page URL; first match wins).
# Work pages come first; reference pages that mention everything come after
# them; the print-everything page repeats the checklists and is left out.
PAGE_BOOST: dict[str, float] = {
    "checklists/print-all.html": 0.0,
    # Reference pages: every term and every source is on them.
    "glossary.html": 0.3,
    "sources.html": 0.3,
    # Overview pages, each one long entry in the index: all duties, all principles.
    "duties/index.html": 0.5,
    "principles.html": 0.5,
    "maintainers.html": 0.5,
    "*/index.html": 0.8,
    # The pages that say how a job is done.
    "procedures/*": 2.0,
    "guides/*": 2.0,
}

DICT_FILE = "jieba_user_dict.txt"


# --- dictionary --------------------------------------------------------------


# Title runs are also split at these when jieba cuts them off as words of their own:
# 决策服务的“前、中、后” gives 决策服务, not 决策服务的.
FUNCTION_WORDS = frozenset("的与和及或之")


def title_words(title: str) -> list[str]:
    """The words of a title: Han runs split at punctuation and function words, 2 to 6 characters."""
    import jieba

    words = []
    for run in HAN_RUN.findall(title):
        word = ""
        for piece in [*jieba.cut(run, HMM=False), "的"]:
            if piece in FUNCTION_WORDS:
                if 2 <= len(word) <= MAX_TITLE_WORD:
                    words.append(word)
                word = ""
            else:
                word += piece
    return words


def _words(words: Iterable[str]) -> list[str]:
    return [w for w in dict.fromkeys(words) if HAN_RUN.fullmatch(w) and len(w) >= 2]


def dictionary_words(hb: Handbook) -> list[str]:
    """Glossary terms and aliases, then the entry titles that jieba would break up.

    A title that jieba already cuts into words of two or more characters
    (值班交接 → 值班 交接, 信息报送自查 → 信息报送 自查) is left as those words:
    as one rare word it would outrank the page titled with its first word
    (值班) in every search for that word. Titles it would shatter into single
    characters (会前准备 → 会 前 准备, 督办件跟踪) become words.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = _words(w for term, entry in hb.glossary.items() for w in (term, *entry.aliases))
    for word in words:
        jieba.add_word(word)
    titles = _words(
        w
        for kind in TITLE_KINDS
        for record in hb.entries[kind].values()
        for w in title_words(getattr(record, "title", None) or record.name)
    )
    for word in titles:
        if word not in words and any(len(piece) < 2 for piece in jieba.cut(word, HMM=False)):
            words.append(word)
            jieba.add_word(word)
    return words


def write_user_dict(hb: Handbook, cache_dir: Path) -> Path:
    """Write the jieba user dictionary (one word a line; jieba picks each frequency)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / DICT_FILE
    text = "".join(f"{word}\n" for word in dictionary_words(hb))
    # Both editions build at once: write a temporary file and rename it over.
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".dict-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return path


def load_user_dict(path: Path) -> None:
    """Load the dictionary into jieba, which the search plugin uses in this process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(path))


def _is_word(word: str) -> bool:
    import jieba

    return jieba.dt.FREQ.get(word, 0) > 0


# --- index -------------------------------------------------------------------


def hide_single_characters(value: str) -> str:
    """Append U+2060 WORD JOINER (invisible, not a separator) to every one-character Han word.

    The word stays where it is and reads the same, but its token is no longer
    the bare character, so the query cutter never takes ``督`` for a word and
    searches ``督*`` instead of ``督办*``.
    """
    if SEGMENT not in value:
        return value
    return SEGMENT.join(
        part + JOINER if len(part) == 1 and HAN_RUN.fullmatch(part) else part for part in value.split(SEGMENT)
    )


def tokens(value: str) -> Iterator[str]:
    """Han tokens of an index field, as Material's tokenizer will see them."""
    for piece in SEPARATOR.split(TAG.sub(" ", value)):
        if piece and HAN_RUN.fullmatch(piece):
            yield piece


def sub_words(word: str) -> Iterator[str]:
    """Dictionary words of 2 to 4 characters inside a longer word (jieba's search mode)."""
    n = len(word)
    for size in range(2, min(4, n - 1) + 1):
        for i in range(n - size + 1):
            piece = word[i : i + size]
            if _is_word(piece):
                yield piece


class Synonyms:
    """Aliases from the glossary: a term's aliases go with it wherever it is used."""

    def __init__(self, hb: Handbook):
        self.aliases = {term: list(entry.aliases) for term, entry in hb.glossary.items() if entry.aliases}
        self.term_of = {alias: term for term, aliases in self.aliases.items() for alias in aliases}
        self.pattern = term_pattern(tuple(self.aliases)) if self.aliases else None

    def in_text(self, plain: str) -> list[str]:
        """The aliases of every term in ``plain``, once per use of the term."""
        if not self.pattern:
            return []
        return [alias for m in self.pattern.finditer(plain) for alias in self.aliases[m.group(0)]]

    def in_title(self, plain: str) -> list[str]:
        """Aliases of terms in a title; a title that *is* an alias also gets the term and the other aliases."""
        words = self.in_text(plain)
        for run in HAN_RUN.findall(plain):
            term = self.term_of.get(run)
            if term:
                words += [term] + [a for a in self.aliases[term] if a != run]
        return words


def implied_words(field_tokens: Iterable[str]) -> list[str]:
    """Shorter dictionary words inside each token."""
    out: list[str] = []
    for token in field_tokens:
        if len(token) >= 3:
            out += sub_words(token)
    return out


def prefixes(field_tokens: Iterable[str]) -> list[str]:
    """Each token of 3 or more characters less its last character."""
    return [token[:-1] for token in field_tokens if len(token) >= 3]


def page_boost(location: str, boosts: dict[str, float]) -> float:
    page = location.split("#", 1)[0]
    for pattern, boost in boosts.items():
        if fnmatch.fnmatchcase(page, pattern):
            return boost
    return 1.0


def tune_index(data: dict[str, Any], hb: Handbook, boosts: dict[str, float] | None = None) -> dict[str, Any]:
    """Rewrite Material's search index in place (see the module docstring); returns it."""
    boosts = PAGE_BOOST if boosts is None else boosts
    synonyms = Synonyms(hb)
    docs = []
    for doc in data["docs"]:
        boost = page_boost(doc["location"], boosts)
        if boost <= 0:
            continue
        if boost != 1.0:
            doc["boost"] = doc.get("boost", 1.0) * boost
        title_plain = doc["title"].replace(SEGMENT, "")
        text_plain = TAG.sub(" ", doc["text"]).replace(SEGMENT, "")
        title_tokens, text_tokens = list(tokens(doc["title"])), list(tokens(doc["text"]))
        keywords = implied_words(title_tokens)
        aliases = synonyms.in_title(title_plain)
        related = implied_words(text_tokens) + synonyms.in_text(text_plain)
        heads = prefixes(title_tokens + text_tokens + aliases) + [
            t[:-1] for t in HAN_RUN.findall(title_plain) if len(t) >= 3
        ]
        doc["title"] = hide_single_characters(doc["title"])
        doc["text"] = hide_single_characters(doc["text"])
        fields = (
            ("keywords", keywords),
            ("aliases", aliases),
            ("related", related),
            ("prefixes", sorted(set(heads))),
        )
        for name, words in fields:
            words = [w for w in words if len(w) >= 2]
            if words:
                doc[name] = " ".join(words)
        docs.append(doc)
    data["docs"] = docs
    data["config"]["fields"].update(FIELDS)
    return data


def write_index(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
