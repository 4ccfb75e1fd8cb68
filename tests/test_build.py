"""The real site: a strict build, the open data file, and a failed build that keeps site/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOT, edit, run_build
from macros.handbook import load_handbook

KINDS = ("duties", "procedures", "checklists", "roles", "sources", "glossary")


def test_strict_build_writes_open_data(built_site: Path):
    data = json.loads((built_site / "data" / "handbook.json").read_text(encoding="utf-8"))
    hb = load_handbook(ROOT / "data")
    for kind in KINDS:
        assert [e["id"] for e in data[kind]] == list(hb.entries[kind]), kind
        for entry in data[kind]:
            assert entry["sources"], f"{kind}:{entry['id']} has no sources"
            page = entry["url"].split("#")[0]
            assert (built_site / page).is_file(), f"{kind}:{entry['id']} -> {entry['url']}"
    for proc in data["procedures"]:
        assert proc["steps"] and all(step["role"] for step in proc["steps"])
    for checklist in data["checklists"]:
        assert checklist["sections"] and all(s["items"] for s in checklist["sections"])


def test_every_yaml_record_has_its_own_page(built_site: Path):
    for kind in ("procedures", "checklists", "roles", "guides"):
        for path in (ROOT / "data" / kind).glob("*.yaml") if kind != "roles" else []:
            assert (built_site / kind / f"{path.stem}.html").is_file(), path
    hb = load_handbook(ROOT / "data")
    for role in hb.roles:
        assert (built_site / "roles" / f"{role}.html").is_file()


def test_failed_build_keeps_the_last_good_site(tmp_path: Path):
    """A broken data file stops the build with a Chinese message and site/ stays as it was."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".git", ".site-*", "__pycache__")
    )
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("上一次的网站", encoding="utf-8")
    edit(project / "data" / "procedures" / "outgoing-document.yaml", "role: leader", "role: leadr")
    result = run_build(site, project / "mkdocs.yml")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "data/procedures/outgoing-document.yaml 第" in output
    assert "角色“leadr”" in output
    assert "Traceback" not in output
    assert (site / "index.html").read_text(encoding="utf-8") == "上一次的网站"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert not list(project.glob(".site-*")), "the staging folder is removed"
