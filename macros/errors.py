"""Data errors, worded in Chinese for the office staff who edit the YAML.

Every problem found in ``data/`` becomes a :class:`DataError` carrying the file,
the line, the field and what is expected; nothing reaches the reader as a
traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic_core import ErrorDetails


@dataclass(frozen=True, order=True)
class DataError:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} 第 {self.line} 行"
        field = f"，字段 {self.field}" if self.field else ""
        return f"{where}{field}：{self.message}"


class DataErrors(Exception):
    """All errors found in one pass, so a maintainer can fix them in one go."""

    def __init__(self, errors: Iterable[DataError]):
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.field, e.message))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"数据有 {len(self.errors)} 处错误，网站没有生成（原有的 site/ 保持不变）："]
        lines += [f"  - {e}" for e in self.errors]
        lines.append("改正后运行 make check 复查；各条提示的含义见手册“维护指南”。")
        return "\n".join(lines)


def field_path(loc: Iterable[Any]) -> str:
    """Render a pydantic location as ``steps[3].role`` (list positions count from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def choices(valid: Iterable[str], limit: int = 40) -> str:
    items = sorted(valid)
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 项" if len(items) > limit else "")


def did_you_mean(word: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.6)
    return f"是不是想写“{close[0]}”？" if close else ""


_EXPECTED_ID = "小写英文字母、数字和连字符组成的标识，如 outgoing-document"
_EXPECTED_DATE = "日期，格式 YYYY-MM-DD，如 2026-11-21"


def pydantic_message(err: ErrorDetails, allowed_fields: Iterable[str] = (), description: str = "") -> str:
    """Translate one pydantic error into a Chinese sentence that says what is expected."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = err["loc"]
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        about = f"（{description}）" if description else ""
        return f"缺少必填字段“{name}”{about}。请在这一项下补写一行 {name}: …"
    if kind == "extra_forbidden":
        if "\u3000" in name:
            return f"字段名“{name}”里有全角空格（中文输入法下打出的空格）。请删掉它，缩进只用半角空格"
        hint = did_you_mean(name, allowed_fields)
        return f"未知字段“{name}”。{hint}请改正拼写或删去这一行。这里允许的字段：{choices(allowed_fields)}"
    if kind in {"string_type", "str_type"}:
        value = err.get("input")
        return f"应为一段文字，现在是 {_describe(value)}。{_text_fix(value)}"
    if kind == "string_too_short":
        return "不能为空：请填写内容，或删去这一行"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if "#" in pattern:
            return "出处格式应为 来源标识 或 来源标识#章节标识，如 000#duties"
        if "txt" in pattern:
            return "应为原文文件名，如 000_9f0cf95159c16e58.txt"
        if r"\." in pattern:
            return "版本号应为数字加点，如 1.0、1.2"
        value = err.get("input")
        if isinstance(value, str) and re.search(r"[\u3400-\u9fff]", value):
            return f"这里要写标识（id），不是中文名称。应为{_EXPECTED_ID}；各项的标识见它所在文件的 id 一行"
        return f"应为{_EXPECTED_ID}"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [str(ctx.get("expected", ""))]
        return f"应为以下之一：{'、'.join(options)}。请照原样抄写其中一个"
    if kind == "list_type":
        value = err.get("input")
        dash = "（“-”后面要加一个空格）" if isinstance(value, str) and value.startswith("-") else ""
        return f"应为列表：每项另起一行，以“- ”开头{dash}，或写成 [甲, 乙]"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "应为“字段: 值”形式的一组内容"
    if kind.startswith("date") or kind.startswith("datetime"):
        value = str(err.get("input", ""))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"日期 {value} 不存在（月份 1–12，日期不超过当月天数）。请改正，应为{_EXPECTED_DATE}"
        return f"应为{_EXPECTED_DATE}"
    if kind.startswith("bool"):
        return "应为 true 或 false"
    if kind == "too_short":
        return f"至少要有 {ctx.get('min_length')} 项，请补足"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项，现在有 {ctx.get('actual_length')} 项；请拆成几节"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"不符合要求（{err['msg']}）。请对照维护指南中的示例改正"


def _text_fix(value: Any) -> str:
    if value is None:
        return "请在冒号后面填写内容"
    if isinstance(value, (list, tuple, dict)):
        return "请只写一段文字；文字里有冒号、“- ”或方括号时，给整段加引号"
    return "请给这段文字加上引号"


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, dict):
        return "一组“字段: 值”"
    return f"“{value}”"
