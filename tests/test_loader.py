"""Loader and validation: one good data set, and one broken copy per class of mistake.

Each bad case asserts the Chinese message, the file and the line, so a regression in
how errors are located or worded fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import GOOD, edit
from macros.errors import DataErrors
from macros.handbook import load_handbook


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def errors_for(data: Path) -> list:
    with pytest.raises(DataErrors) as info:
        load_handbook(data)
    return info.value.errors


def test_good_fixture_loads():
    hb = load_handbook(GOOD)
    assert list(hb.procedures) == ["receive"]
    assert hb.checklists["register"].sections[0].items == ["来文单位已登记", "文号已登记"]
    # numbers and dates stay text until the model parses them
    assert hb.checklists["register"].version == "1.1"
    assert hb.sources["000"].id == "000"


# (file, old text, new text, line marker in the edited file, field, words the message must contain)
CASES = {
    "unknown-field": (
        "duties.yaml",
        "    title: 办理公文",
        "    titel: 办理公文",
        "titel:",
        "duties[1].titel",
        ["未知字段“titel”", "是不是想写“title”"],
    ),
    "wrong-type": (
        "duties.yaml",
        "    roles: [staff]\n",
        "    roles: staff\n",
        "roles: staff",
        "duties[1].roles",
        ["应为列表"],
    ),
    "missing-required": (
        "procedures/receive.yaml",
        "purpose: 处理来文。\n",
        "",
        "id: receive",
        "purpose",
        ["缺少必填字段“purpose”"],
    ),
    "bad-enum": (
        "checklists/register.yaml",
        "type: DO-CONFIRM",
        "type: 先做后核",
        "type:",
        "type",
        ["READ-DO", "DO-CONFIRM"],
    ),
    "bad-date": (
        "procedures/receive.yaml",
        "last_reviewed: 2026-11-21",
        "last_reviewed: 2026-13-45",
        "last_reviewed",
        "last_reviewed",
        ["YYYY-MM-DD"],
    ),
    "bad-id": (
        "duties.yaml",
        "  - id: run-meetings",
        "  - id: Run Meetings",
        "Run Meetings",
        "duties[2].id",
        ["小写英文字母"],
    ),
    "empty-text": (
        "roles.yaml",
        "    summary: 签发公文。",
        '    summary: ""',
        'summary: ""',
        "roles[2].summary",
        ["不能为空"],
    ),
    "too-many-items": (
        "checklists/register.yaml",
        "      - 文号已登记\n",
        "".join(f"      - 第 {i} 项\n" for i in range(1, 10)),
        "items:",
        "sections[1].items",
        ["最多 9 项", "现在有 10 项"],
    ),
    "duplicate-id": (
        "duties.yaml",
        "  - id: run-meetings",
        "  - id: handle-documents  # 又写了一次",
        "又写了一次",
        "id",
        ["重复", "data/duties.yaml 第 3 行"],
    ),
    "bad-role": (
        "duties.yaml",
        "    roles: [staff, leader]",
        "    roles: [staff, leadr]",
        "leadr",
        "duties[2].roles[2]",
        ["角色“leadr”不存在", "leader（机关领导）", "staff（办公室工作人员）", "是不是想写“leader”"],
    ),
    "bad-area": (
        "duties.yaml",
        "    area: meetings",
        "    area: meeting",
        "area: meeting",
        "duties[2].area",
        ["工作领域“meeting”不存在", "meetings（会务）"],
    ),
    "bad-procedure-ref": (
        "duties.yaml",
        "    procedures: [receive]",
        "    procedures: [recieve]",
        "recieve",
        "duties[1].procedures[1]",
        ["工作程序“recieve”不存在", "receive（收文）"],
    ),
    "bad-checklist-ref": (
        "procedures/receive.yaml",
        "checklists: [register]",
        "checklists: [registry]",
        "registry",
        "checklists[1]",
        ["检查清单“registry”不存在", "register（收文登记）"],
    ),
    "bad-source": (
        "duties.yaml",
        '    sources: ["000#duties", "tiaoli#art24"]',
        '    sources: ["009#duties", "tiaoli#art24"]',
        "009#duties",
        "duties[1].sources[1]",
        ["来源“009”不存在", "000（测试原文）"],
    ),
    "bad-section": (
        "principles.yaml",
        '"000#duties"',
        '"000#dutys"',
        "000#dutys",
        "principles[1].sources[1]",
        ["没有章节“dutys”", "可用的章节：cut、duties"],
    ),
    "bad-step-target": (
        "procedures/receive.yaml",
        "        to: return",
        "        to: retrun",
        "retrun",
        "steps[2].exits[2].to",
        ["步骤“retrun”不存在", "return"],
    ),
    "step-role-not-in-procedure": (
        "procedures/receive.yaml",
        "roles: [staff, leader]",
        "roles: [staff]",
        "    role: leader",
        "steps[4].role",
        ["没有列在本程序的 roles 中"],
    ),
    "bad-glossary-ref": (
        "glossary.yaml",
        "see_also: [收文办理]",
        "see_also: [收文]",
        "see_also",
        "terms[1].see_also[1]",
        ["术语“收文”不存在"],
    ),
    "duplicate-alias": (
        "glossary.yaml",
        "    definition: 处理来文。",
        "    aliases: [来文, 督办]\n    definition: 处理来文。",
        "aliases: [来文, 督办]",
        "terms[2].aliases[2]",
        ["别称“督办”已被术语“督查督办”使用"],
    ),
    "decision-one-exit": (
        "procedures/receive.yaml",
        "      - label: 否\n        to: return\n",
        "",
        "id: screen",
        "steps[2]",
        ["至少要有两个带标签的出口"],
    ),
    "unreachable-step": (
        "procedures/receive.yaml",
        "    action: 领导批示。\n",
        "    action: 领导批示。\n    next: archive\n  - id: orphan\n    title: 孤立\n    role: staff\n    action: 没人来。\n",
        "id: orphan",
        "steps[5]",
        ["走不到步骤“孤立”"],
    ),
    "review-before-last": (
        "procedures/receive.yaml",
        "review_due: 2027-11-21",
        "review_due: 2025-01-01",
        "id: receive",
        "",
        ["必须晚于"],
    ),
    "version-not-logged": (
        "checklists/register.yaml",
        'version: "1.1"',
        'version: "1.2"',
        "id: register",
        "",
        ["没有当前版本 1.2"],
    ),
    "id-not-file-name": (
        "checklists/register.yaml",
        "id: register",
        "id: registration",
        "id: registration",
        "id",
        ["id 应与文件名相同：register"],
    ),
    "schema-line-missing": (
        "areas.yaml",
        "# yaml-language-server: $schema=schemas/areas.schema.json\n",
        "# 领域\n",
        "# 领域",
        "",
        ["第一行应为：# yaml-language-server: $schema=schemas/areas.schema.json"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_mistake_is_reported_in_chinese_with_file_and_line(data_copy: Path, case: str):
    rel, old, new, marker, field, words = CASES[case]
    path = data_copy / rel
    edit(path, old, new)
    errors = errors_for(data_copy)
    expected_line = line_of(path, marker)
    matching = [e for e in errors if e.file == f"data/{rel}" and e.field == field]
    assert matching, f"no error for data/{rel} field {field!r}: {[str(e) for e in errors]}"
    error = matching[0]
    assert error.line == expected_line, str(error)
    for word in words:
        assert word in error.message or word in str(error), str(error)


YAML_SYNTAX = {
    "tab-indent": ("duties.yaml", "    title: 办理公文", "\ttitle: 办理公文", "\ttitle", "制表符"),
    "duplicate-key": (
        "roles.yaml",
        "    name: 机关领导\n",
        "    name: 机关领导\n    name: 领导\n",
        "name: 领导",
        "写了两次",
    ),
    "bad-colon": ("areas.yaml", "    summary: 会议。", "    summary: 会议: 通知: 座次", "会议: 通知", "冒号"),
    "unclosed-quote": ("roles.yaml", '    sources: ["000"]', '    sources: ["000]', '"000]', "引号"),
}


@pytest.mark.parametrize("case", sorted(YAML_SYNTAX))
def test_yaml_syntax_errors(data_copy: Path, case: str):
    rel, old, new, marker, word = YAML_SYNTAX[case]
    path = data_copy / rel
    edit(path, old, new)
    errors = errors_for(data_copy)
    [error] = [e for e in errors if e.file == f"data/{rel}"]
    assert word in error.message, str(error)
    # the parser may point at the offending line or the one after it
    assert error.line in (line_of(path, marker), line_of(path, marker) + 1), str(error)


def test_procedure_without_end(data_copy: Path):
    path = data_copy / "procedures/receive.yaml"
    edit(path, "    end: true\n", "    next: sign-in\n")
    edit(path, "    action: 整理归档。\n", "    action: 整理归档。\n    next: sign-in\n")
    [error] = errors_for(data_copy)
    assert (error.file, error.line, error.field) == (
        "data/procedures/receive.yaml",
        line_of(path, "steps:"),
        "steps",
    )
    assert "没有终点" in error.message


def test_all_errors_reported_at_once(data_copy: Path):
    edit(data_copy / "duties.yaml", "    area: meetings", "    area: meeting")
    edit(data_copy / "procedures/receive.yaml", "        to: return", "        to: retrun")
    edit(data_copy / "checklists/register.yaml", "type: DO-CONFIRM", "type: DO")
    files = {e.file for e in errors_for(data_copy)}
    # a file that fails to parse does not stop the cross-checks of the others
    assert files == {"data/duties.yaml", "data/procedures/receive.yaml", "data/checklists/register.yaml"}


def test_bom_and_crlf_are_accepted(data_copy: Path):
    for path in data_copy.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    hb = load_handbook(data_copy)
    assert hb.procedures["receive"].title == "收文"
    assert hb.where("duties", "run-meetings") == (
        "data/duties.yaml",
        line_of(data_copy / "duties.yaml", "id: run-meetings"),
    )


def test_gbk_file(data_copy: Path):
    path = data_copy / "roles.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    [error] = errors_for(data_copy)
    assert error.file == "data/roles.yaml"
    assert "UTF-8" in error.message and "GBK" in error.message
    assert error.line is not None


def test_empty_file(data_copy: Path):
    (data_copy / "procedures" / "empty.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/procedure.schema.json\n\n", encoding="utf-8"
    )
    [error] = errors_for(data_copy)
    assert error.file == "data/procedures/empty.yaml"
    assert "文件是空的" in error.message


def test_stray_file(data_copy: Path):
    (data_copy / "checklists" / "notes.txt").write_text("草稿", encoding="utf-8")
    [error] = errors_for(data_copy)
    assert error.file == "data/checklists/notes.txt"
    assert "只能放 .yaml 文件" in error.message


def test_report_has_no_traceback_and_names_every_error(data_copy: Path):
    edit(data_copy / "duties.yaml", "    area: meetings", "    area: meeting")
    with pytest.raises(DataErrors) as info:
        load_handbook(data_copy)
    report = info.value.report()
    assert "Traceback" not in report
    assert "data/duties.yaml 第" in report and "工作领域“meeting”不存在" in report


def test_misspelt_step_role_is_called_unknown(data_copy: Path):
    path = data_copy / "procedures/receive.yaml"
    edit(path, "    role: leader", "    role: leadr")
    [error] = errors_for(data_copy)
    assert (error.file, error.line, error.field) == (
        "data/procedures/receive.yaml",
        line_of(path, "leadr"),
        "steps[4].role",
    )
    assert "角色“leadr”不存在" in error.message and "是不是想写“leader”" in error.message
