"""The real content: coverage of the essays, the source map, and the shape of each entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from macros.handbook import load_handbook
from macros.model import MAX_CHECKLIST_ITEMS
from macros.validate import end_steps, successors

SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def hb():
    return load_handbook(ROOT / "data")


def test_enough_content(hb):
    assert len(hb.duties) >= 40
    assert len(hb.procedures) >= 12
    assert len(hb.checklists) >= 12
    assert len(hb.glossary) >= 40


def test_every_essay_is_cited(hb):
    cited = {source for (source, _section) in hb.links.cited_by}
    essays = {sid for sid, s in hb.sources.items() if s.kind == "essay"}
    assert len(essays) == 5
    assert essays <= cited


def test_essay_files_exist_beside_the_repo(hb):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for source in hb.sources.values():
        if source.kind == "essay":
            assert (SEEDS / source.file).is_file(), source.file


def test_every_essay_section_is_used_or_has_a_reason(hb):
    for sid, source in hb.sources.items():
        if source.kind != "essay":
            continue
        for piece in source.pieces:
            for section in piece.sections:
                used = hb.links.cited_by.get((sid, section.id))
                if section.omitted:
                    assert not used, f"{sid}#{section.id} is marked omitted but cited by {used}"
                else:
                    assert used, f"{sid}#{section.id} ({section.title}) is neither cited nor explained"


def test_checklist_sections_are_short(hb):
    for cid, checklist in hb.checklists.items():
        for section in checklist.sections:
            assert len(section.items) <= MAX_CHECKLIST_ITEMS, (cid, section.title)


def test_every_procedure_has_a_start_an_end_and_roles(hb):
    for pid, proc in hb.procedures.items():
        edges = successors(proc)
        assert proc.steps[0].kind == "task", f"{pid} starts with a decision"
        assert end_steps(edges), f"{pid} has no end"
        for step in proc.steps:
            assert step.role in proc.roles, (pid, step.id)


def test_principles_and_guides_cite_sources(hb):
    for kind in ("principles", "guides"):
        for key, record in hb.entries[kind].items():
            assert record.sources, (kind, key)


def test_glossary_aliases_are_unique(hb):
    words: dict[str, str] = {}
    for term, entry in hb.glossary.items():
        for word in [term, *entry.aliases]:
            assert word not in words, f"{word} used by {words[word]} and {term}"
            words[word] = term


def test_built_procedure_pages_show_flow_and_steps(hb, built_site: Path):
    for pid, proc in hb.procedures.items():
        html = (built_site / "procedures" / f"{pid}.html").read_text(encoding="utf-8")
        assert re.search(r'<svg[^>]*role="img"', html), pid
        rows = re.findall(r'<tr id="step-([a-z0-9-]+)"', html)
        assert rows == [s.id for s in proc.steps], pid


def test_site_has_a_page_for_every_role_and_guide(hb, built_site: Path):
    for kind in ("roles", "guides"):
        for key in hb.entries[kind]:
            assert (built_site / kind / f"{key}.html").is_file(), (kind, key)


def test_role_pages_list_exactly_what_the_data_assigns(hb, built_site: Path):
    for rid in hb.roles:
        html = (built_site / "roles" / f"{rid}.html").read_text(encoding="utf-8")
        duties = set(re.findall(r'data-duty="([a-z0-9-]+)"', html))
        assert duties == {d for d, duty in hb.duties.items() if rid in duty.roles}, rid
        steps = set(re.findall(r'<tr data-procedure="([a-z0-9-]+)">', html))
        assert steps == {p for p, proc in hb.procedures.items() if any(s.role == rid for s in proc.steps)}, (
            rid
        )
        checklists = set(re.findall(r'<li data-checklist="([a-z0-9-]+)">', html))
        assert checklists == {c for c, cl in hb.checklists.items() if rid in cl.roles}, rid
        principles = set(re.findall(r'<li data-principle="([a-z0-9-]+)">', html))
        assert principles == {p for p, pr in hb.principles.items() if rid in pr.roles}, rid
