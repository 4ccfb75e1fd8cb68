"""The handbook says things in its own words: no sentence of the source essays carries over.

Every text value in data/**/*.yaml and every docs/**/*.md page is compared with the essays
(converted to Simplified script). Only CJK characters, digits and Latin letters count, so
punctuation and spacing make no difference. A run of MIN_RUN or more characters shared with an
essay fails, unless it is covered by tests/maxims.txt (facts, lists, short maxims and headings
may carry over; sentences may not) or it is a title in data/sources.yaml (essay titles are quoted
exactly).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from ruamel.yaml import YAML

from conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
MAXIMS = ROOT / "tests" / "maxims.txt"
MIN_RUN = 12
MAX_MAXIM = 30  # longer than any maxim, list or heading in the essays: a longer entry is a sentence

_NOT_TEXT = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")


def normalize(text: str) -> str:
    """Keep only CJK characters, digits and Latin letters."""
    return _NOT_TEXT.sub("", text)


def load_maxims() -> list[str]:
    """The allow-list: one phrase a line, blank lines and `#` comments ignored."""
    lines = MAXIMS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def text_values(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a loaded YAML document, with its path (e.g. `.steps[2].action`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from text_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from text_values(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def handbook_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every YAML text value and every Markdown page, minus essay titles."""
    yaml = YAML(typ="safe")
    for file in sorted((ROOT / "data").rglob("*.yaml")):
        name = file.relative_to(ROOT).as_posix()
        for path, text in text_values(yaml.load(file.read_text(encoding="utf-8-sig"))):
            if name == "data/sources.yaml" and path.endswith(".title"):
                continue
            yield f"{name}{path}", text
    for file in sorted((ROOT / "docs").rglob("*.md")):
        yield file.relative_to(ROOT).as_posix(), file.read_text(encoding="utf-8")


def mask(text: str, phrases: list[str]) -> str:
    """Replace every occurrence of an allowed phrase with `|`, so its characters never count."""
    covered = [False] * len(text)
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            covered[start : start + len(phrase)] = [True] * len(phrase)
            start = text.find(phrase, start + 1)
    return "".join("|" if hit else char for char, hit in zip(text, covered))


def shared_runs(text: str, grams: set[str]) -> list[str]:
    """Maximal stretches of text made of MIN_RUN-grams that also occur in the essays."""
    covered = [False] * len(text)
    for i in range(len(text) - MIN_RUN + 1):
        if text[i : i + MIN_RUN] in grams:
            covered[i : i + MIN_RUN] = [True] * MIN_RUN
    runs, start = [], None
    for i, hit in enumerate([*covered, False]):
        if hit and start is None:
            start = i
        elif not hit and start is not None:
            runs.append(text[start:i])
            start = None
    return runs


@pytest.fixture(scope="module")
def essay_grams() -> set[str]:
    """All MIN_RUN-character substrings of the essays, in Simplified script, normalized."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    import opencc

    converter = opencc.OpenCC("t2s.json")
    grams: set[str] = set()
    for essay in sorted(SEEDS.glob("0*.txt")):
        text = normalize(converter.convert(essay.read_text(encoding="utf-8")))
        grams.update(text[i : i + MIN_RUN] for i in range(len(text) - MIN_RUN + 1))
    assert grams, f"no essays found in {SEEDS}"
    return grams


def test_allow_list_is_short_phrases_only():
    """Entries are normalized, unique and short enough to be a maxim, list, heading or figure."""
    maxims = load_maxims()
    assert maxims
    assert [m for m in maxims if normalize(m) != m] == [], "write entries without punctuation or spaces"
    assert len(set(maxims)) == len(maxims), "duplicate entries"
    too_long = [m for m in maxims if len(m) > MAX_MAXIM]
    assert too_long == [], f"entries longer than {MAX_MAXIM} characters look like sentences"


def test_no_sentence_is_copied_from_the_essays(essay_grams):
    """No text shares MIN_RUN or more characters with an essay outside the allow-list."""
    maxims = load_maxims()
    copied = []
    for where, text in handbook_texts():
        for run in shared_runs(mask(normalize(text), maxims), essay_grams):
            if not any(run in maxim for maxim in maxims):
                copied.append(f"{where}: {run}")
    assert copied == [], (
        "text copied from the essays; say it in the handbook's own words "
        "(or, for a real maxim, list, heading or figure, add it to tests/maxims.txt):\n" + "\n".join(copied)
    )
