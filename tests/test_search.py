"""Search quality: the query set through the site's real search box, in both editions.

Each query in ``search_queries.yaml`` is typed into Material's search input in
Chromium and the result list is read in order; the mean reciprocal rank of the
expected page over the top 5 must stay at 0.9 or above. The zh-Hant run types
the same queries converted with the edition's OpenCC configuration.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from macros.handbook import load_handbook
from macros.search import SEPARATOR, dictionary_words
from macros.search_bench import SearchBox, edition_queries, load_queries, reciprocal_rank

MIN_MRR = 0.9
EDITIONS = {"zh-Hans": "", "zh-Hant": "zh-Hant/"}


def test_query_set_is_sound(built_site: Path):
    queries = load_queries()
    assert len(queries) >= 40
    assert len({q["query"] for q in queries}) == len(queries), "a query is listed twice"
    for q in queries:
        assert (built_site / q["page"]).is_file(), q


@pytest.mark.parametrize("edition", EDITIONS)
def test_search_finds_the_right_page_first(edition: str, browser, site_server: str, built_site: Path, capsys):
    queries = load_queries()
    typed = edition_queries(edition, [q["query"] for q in queries])
    box = SearchBox(browser, site_server + EDITIONS[edition])
    misses = []
    total = 0.0
    try:
        for q, text in zip(queries, typed):
            pages = box.ranked_pages(text)
            rr = reciprocal_rank(pages, q["page"])
            total += rr
            if rr < 1:
                misses.append(f"  {rr:.2f} {text} → 应为 {q['page']}，实为 {pages}")
    finally:
        box.close()
    mrr = total / len(queries)
    index = built_site / EDITIONS[edition] / "search" / "search_index.json"
    with capsys.disabled():
        print(
            f"\n搜索 MRR@5（{edition}，{len(queries)} 个查询）：{mrr:.3f}；索引 {index.stat().st_size} 字节"
        )
        print("\n".join(misses))
    assert mrr >= MIN_MRR, f"MRR {mrr:.3f} < {MIN_MRR}\n" + "\n".join(misses)


def _index(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def _tokens(value: str) -> list[str]:
    return [t for t in SEPARATOR.split(re.sub(r"<[^>]*>", " ", value)) if t]


def test_two_character_queries_are_not_cut_to_one_character(built_site: Path):
    """Material cuts a query at the longest *shorter* token it knows: 督办 → 督* if 督 is one."""
    data = _index(built_site)
    vocabulary = {
        t
        for doc in data["docs"]
        for key, value in doc.items()
        if key not in ("location", "boost")
        for t in _tokens(value)
    }
    queries = [q["query"] for q in load_queries() if len(q["query"]) == 2]
    cut = [q for q in queries if q[0] in vocabulary]
    assert not cut, f"these queries would be searched by their first character only: {cut}"


def test_aliases_are_indexed_with_the_page_that_uses_the_term(built_site: Path):
    docs = {doc["location"]: doc for doc in _index(built_site)["docs"]}
    assert {"督办", "督查", "督促检查"} <= set(docs["procedures/supervision.html"]["aliases"].split())
    assert "时评" in docs["guides/commentary.html"]["aliases"].split()
    assert "checklists/print-all.html" not in docs, "the print-all page repeats every checklist"
    fields = _index(built_site)["config"]["fields"]
    assert fields["title"]["boost"] > fields["text"]["boost"]
    assert fields["aliases"]["boost"] >= fields["title"]["boost"]


def test_dictionary_keeps_domain_words_whole():
    import jieba

    hb = load_handbook(ROOT / "data")
    words = dictionary_words(hb)
    for term, entry in hb.glossary.items():
        assert term in words and all(a in words for a in entry.aliases)
    for word in ("督查督办", "月工作安排表", "领导包案", "会前准备", "督办件跟踪"):
        assert word in words
        assert jieba.lcut(f"做好{word}工作") == ["做好", word, "工作"], word
    # Titles jieba already cuts into words stay words, so the shorter title is not outranked.
    assert "值班交接" not in words and "信息报送自查" not in words
