"""Ownership and review: owner and review dates, "last updated" from git, the overdue list."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from macros.handbook import load_handbook
from macros.render import View, checklist_page, procedure_page
from macros.review import git_dates, overdue_reviews


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def in_git() -> bool:
    try:
        return git("rev-parse", "--is-inside-work-tree") == "true"
    except (OSError, subprocess.CalledProcessError):
        return False


def test_git_dates_match_git_log(in_git: bool):
    if not in_git:
        pytest.skip("not a git checkout")
    dates = git_dates(ROOT / "data")
    tracked = git("ls-files", "data/procedures", "data/checklists").splitlines()
    assert tracked
    for rel in tracked[:5] + tracked[-3:]:
        assert dates[rel] == git("log", "-1", "--format=%cs", "--", rel), rel
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates.values())


def test_no_git_no_dates(tmp_path: Path):
    """A zip copy of the handbook has no history: no dates, and no "last updated" line."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "good", data)
    assert git_dates(data) == {}
    hb = load_handbook(data)
    html = procedure_page(View(hb, "procedures/receive.html"), "receive")
    assert "负责维护" in html and "下次审核" in html
    assert "最近修改" not in html


def test_pages_show_owner_review_dates_and_last_update(data_copy: Path):
    hb = load_handbook(data_copy)
    hb.file_dates = {
        "data/procedures/receive.yaml": "2026-10-01",
        "data/checklists/register.yaml": "2026-09-30",
    }
    proc = procedure_page(View(hb, "procedures/receive.html"), "receive")
    cl = checklist_page(View(hb, "checklists/register.html"), "register")
    for html, updated in ((proc, "2026-10-01"), (cl, "2026-09-30")):
        review = html[html.index('<dl class="hb-review">') :]
        assert '<dt>负责维护</dt><dd><a href="../roles/staff.html">办公室工作人员</a></dd>' in review
        assert "<dt>上次审核</dt><dd>2026-11-21</dd>" in review
        assert "<dt>下次审核</dt><dd>2027-11-21</dd>" in review
        assert f"<dt>最近修改</dt><dd>{updated}</dd>" in review
    # each checklist shows its version and its change log
    assert "第 1.1 版" in cl and "<td>1.0</td><td>2026-01-01</td><td>初版。</td>" in cl


@pytest.mark.parametrize(
    ("today", "overdue", "upcoming"),
    [
        ("2026-12-01", [], []),
        ("2027-10-01", [], ["还有 51 天", "还有 51 天"]),
        ("2027-11-21", [], ["今天到期", "今天到期"]),
        ("2027-11-22", ["逾期 1 天", "逾期 1 天"], []),
    ],
)
def test_overdue_list(data_copy: Path, today: str, overdue: list[str], upcoming: list[str]):
    hb = load_handbook(data_copy)
    html = overdue_reviews(View(hb, "maintainers.html"), today)
    found = re.findall(r"逾期 \d+ 天|今天到期|还有 \d+ 天", html)
    assert found == overdue + upcoming
    if overdue:
        assert f"截至 {today}" in html and "下列 2 项已过下次审核日期" in html
        assert 'href="procedures/receive.html">收文</a>' in html
        assert 'href="checklists/register.html">收文登记</a>' in html
    else:
        assert "都没有逾期未审核的" in html


def test_overdue_entries_come_first_by_due_date(data_copy: Path):
    path = data_copy / "procedures" / "receive.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("review_due: 2027-11-21", "review_due: 2027-01-10"), encoding="utf-8")
    html = overdue_reviews(View(load_handbook(data_copy), "maintainers.html"), "2027-12-01")
    assert re.findall(r'data-review="([^"]+)"', html) == ["procedures/receive", "checklists/register"]
    assert re.findall(r"逾期 \d+ 天", html) == ["逾期 325 天", "逾期 10 天"]


def test_built_site_has_review_data_and_overdue_section(built_site: Path, in_git: bool):
    maintainers = (built_site / "maintainers.html").read_text(encoding="utf-8")
    match = re.search(r'<div class="hb-overdue" data-today="([\d-]+)">', maintainers)
    assert match, "the maintainers' guide lists overdue reviews"
    assert dt.date.fromisoformat(match.group(1)) <= dt.date.today()
    page = (built_site / "procedures" / "outgoing-document.html").read_text(encoding="utf-8")
    assert "<dt>负责维护</dt>" in page and "<dt>下次审核</dt>" in page
    if in_git and not git("status", "--porcelain", "--", "data/procedures/outgoing-document.yaml"):
        date = git("log", "-1", "--format=%cs", "--", "data/procedures/outgoing-document.yaml")
        if date:
            assert f"<dt>最近修改</dt><dd>{date}</dd>" in page


def guide_examples() -> dict[str, str]:
    """The YAML examples in the maintainers' guide, by what they add."""
    text = (ROOT / "docs" / "maintainers.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M)
    out = {}
    for block in blocks:
        if block.startswith("--8<--") or block.startswith("# yaml-language-server") and "\nid:" not in block:
            continue
        if block.startswith("  - id:"):
            out["duty"] = block
        elif block.startswith("  - term:"):
            out["term"] = block
        elif "procedure.schema.json" in block:
            out["procedure"] = block
        elif "checklist.schema.json" in block:
            out["checklist"] = block
    return out


def test_guide_examples_are_valid_data(tmp_path: Path):
    """The complete examples in the guide load together with the real data, as written."""
    examples = guide_examples()
    assert set(examples) == {"duty", "term", "procedure", "checklist"}
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for rel, key in (("duties.yaml", "duty"), ("glossary.yaml", "term")):
        path = data / rel
        path.write_text(
            path.read_text(encoding="utf-8").rstrip("\n") + "\n" + examples[key], encoding="utf-8"
        )
    for folder, key in (("procedures", "procedure"), ("checklists", "checklist")):
        record_id = re.search(r"^id: (\S+)", examples[key], flags=re.M).group(1)
        (data / folder / f"{record_id}.yaml").write_text(examples[key], encoding="utf-8")
    hb = load_handbook(data)
    assert "handle-mail" in hb.duties and "登记簿" in hb.glossary
    assert (
        hb.procedures["mail"].checklists == ["mail-check"] and hb.checklists["mail-check"].procedure == "mail"
    )
