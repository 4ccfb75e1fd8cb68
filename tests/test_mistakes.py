"""The mistakes corpus: realistic slips made while editing data/, each one handled.

Every file in ``tests/mistakes/`` describes one mistake a maintainer can make in
one file of the small fixture data set (``tests/fixtures/good``), and what the
loader must say about it. A case file holds:

``mistake``
    what the maintainer did, in Chinese (read by people, not by the test);
``file``
    the data file it happens in, relative to the data folder;
``copy`` (optional)
    start ``file`` as a copy of this other data file (a new file made from an old one);
``replace`` (optional)
    ``old``/``new`` pairs applied in order, each ``old`` must be present;
``write`` (optional)
    the whole new content of ``file``; ``mkdir: true`` makes ``file`` a folder instead;
``encoding`` (optional)
    how the file is saved (``gbk`` for Notepad's ANSI on a Chinese Windows);
``expect``
    ``file`` as the message names it, ``line`` (a number, a piece of text found
    on that line of the edited file, or ``null`` when the file has no line to
    point at), ``field`` (as the message names it, ``""`` when none) and
    ``words`` the message must contain;
``errors`` (optional, default 1)
    at most this many messages in all, so one slip does not bury the maintainer;
``build`` (optional)
    also run ``python -m macros build`` and the MkDocs build in a copy of the
    project, and check that ``site/`` is left exactly as it was.

Every message of every case must be Chinese, name a file, carry a line when the
case expects one, and say how to fix it; none may contain a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import GOOD, ROOT, run_build
from macros.errors import DataError, DataErrors
from macros.handbook import load_handbook

MISTAKES = ROOT / "tests" / "mistakes"
CASES = {p.stem: p for p in sorted(MISTAKES.glob("*.yaml"))}
# A message says how to fix the problem when it asks for something ("请…") or says
# what is expected ("应为…", "应与…", "必须…").
FIX_WORDS = ("请", "应为", "应与", "必须")
CJK = re.compile(r"[\u4e00-\u9fff]")


def read_case(name: str) -> dict[str, Any]:
    return YAML(typ="safe", pure=True).load(CASES[name].read_text(encoding="utf-8"))


def apply(case: dict[str, Any], data: Path) -> Path:
    """Make the mistake in the data folder ``data``; return the file it is in."""
    target = data / case["file"]
    encoding = case.get("encoding", "utf-8")
    if case.get("mkdir"):
        target.mkdir(parents=True)
        return target
    if "copy" in case:
        shutil.copyfile(data / case["copy"], target)
    if "write" in case:
        text = case["write"]
    else:
        text = target.read_text(encoding="utf-8")
    for pair in case.get("replace", []):
        assert pair["old"] in text, f"{pair['old']!r} not in {case['file']}"
        text = text.replace(pair["old"], pair["new"], 1)
    target.write_bytes(text.encode(encoding))
    return target


def expected_line(case: dict[str, Any], target: Path) -> int | None:
    line = case["expect"].get("line")
    if line is None or isinstance(line, int):
        return line
    text = target.read_bytes().decode(case.get("encoding", "utf-8"))
    for number, content in enumerate(text.splitlines(), start=1):
        if line in content:
            return number
    raise AssertionError(f"{line!r} not in {target}")


def check_message(error: DataError) -> None:
    text = str(error)
    assert CJK.search(error.message), f"not Chinese: {text}"
    assert any(word in error.message for word in FIX_WORDS), f"no fix in: {text}"
    assert "Traceback" not in text and "Error" not in error.message, text


def find(errors: list[DataError], case: dict[str, Any], line: int | None) -> DataError:
    expect = case["expect"]
    candidates = [e for e in errors if e.file == expect["file"] and e.field == expect["field"]]
    assert candidates, f"no message for {expect['file']} {expect['field']!r}: {[str(e) for e in errors]}"
    for error in candidates:
        if error.line == line and all(w in str(error) for w in expect["words"]):
            return error
    raise AssertionError(f"expected line {line} and {expect['words']}, got {[str(e) for e in candidates]}")


def test_corpus_is_large_and_covers_every_class():
    assert len(CASES) >= 25
    files = {read_case(name)["file"].split("/")[0] for name in CASES}
    assert {"duties.yaml", "roles.yaml", "glossary.yaml", "procedures", "checklists", "guides"} <= files
    assert sum(1 for name in CASES if read_case(name).get("build")) >= 4


@pytest.mark.parametrize("name", sorted(CASES))
def test_mistake_is_reported(name: str, data_copy: Path):
    case = read_case(name)
    target = apply(case, data_copy)
    with pytest.raises(DataErrors) as info:
        load_handbook(data_copy)
    errors = info.value.errors
    line = expected_line(case, target)
    find(errors, case, line)
    assert len(errors) <= case.get("errors", 1), "\n".join(map(str, errors))
    for error in errors:
        check_message(error)
        if line is not None and error.file == case["expect"]["file"]:
            assert error.line is not None, str(error)
    assert "Traceback" not in info.value.report()


# --- through the real build ---------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (config, docs, theme overrides, code) without data or site."""
    target = tmp_path_factory.mktemp("mistakes") / "project"
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(
            ".*",
            "site",
            "__pycache__",
            "tests",
            "data",
            "*.egg-info",  # .venv, .git, caches
        ),
    )
    return target


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """The MkDocs build on its own (as `make serve` and the plugin see it), through build_site."""
    code = (
        "import sys; from pathlib import Path; from macros.build import build_site; "
        "sys.exit(build_site(Path('mkdocs.yml'), Path(sys.argv[1])))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


BUILD_CASES = sorted(name for name in CASES if read_case(name).get("build"))


@pytest.mark.parametrize("name", BUILD_CASES)
def test_failed_build_names_the_mistake_and_keeps_site(name: str, project: Path):
    case = read_case(name)
    data = project / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(GOOD, data)
    target = apply(case, data)
    line = expected_line(case, target)
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "procedures").mkdir(parents=True)
    (site / "index.html").write_text("上一次的网站", encoding="utf-8")
    (site / "procedures" / "receive.html").write_text("收文", encoding="utf-8")
    before = tree_digest(site)
    for result in (run_build(site, project / "mkdocs.yml"), mkdocs_build(project, site)):
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        where = case["expect"]["file"] + (f" 第 {line} 行" if line else "")
        assert where in output, output
        assert all(word in output for word in case["expect"]["words"]), output
        assert "Traceback" not in output, output
        assert "原有的 site/ 保持不变" in output, output
        assert tree_digest(site) == before
        assert not list(project.glob(".site-*")), "the staging folder is removed"


# --- what must build -------------------------------------------------------------

LONG = "收文要逐件登记，" * 600  # 4,800 characters in one value
PAYLOAD = "<script>alert(7)</script>{{ 6 * 7 }}{% raw %}"


def test_bom_crlf_and_very_long_values_build_and_stay_inert(data_copy: Path, tmp_path: Path):
    """Notepad's BOM and CRLF on every file, and very long values with markup inside, build."""
    from test_render import build_fixture_site

    edits = {
        "procedures/receive.yaml": [
            ("    action: 清点签收。", f"    action: {LONG}{PAYLOAD}"),
            ("    title: 批示", "    title: " + "领导批示" * 40),
        ],
        "checklists/register.yaml": [("      - 文号已登记", f"      - 文号已登记{'并核对' * 150}{PAYLOAD}")],
        "duties.yaml": [("    summary: 收文和发文。", f"    summary: {LONG}{PAYLOAD}")],
        "glossary.yaml": [
            ("    definition: 检查落实情况。", f"    definition: {'检查落实情况' * 300}{PAYLOAD}")
        ],
    }
    for rel, pairs in edits.items():
        path = data_copy / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for path in data_copy.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))

    site, result = build_fixture_site(data_copy, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    procedure = (site / "procedures/receive.html").read_text(encoding="utf-8")
    checklist = (site / "checklists/register.html").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert LONG in procedure and "领导批示" * 40 in procedure
    assert "并核对" * 150 in checklist
    assert LONG in home and "检查落实情况" * 300 in home
    for html in (procedure, checklist, home):
        assert "<script>alert(7)</script>" not in html
        assert "&lt;script&gt;alert(7)&lt;/script&gt;{{ 6 * 7 }}{% raw %}" in html
        assert "\ufeff" not in html and "\r" not in html.replace("\r\n", "\n")
