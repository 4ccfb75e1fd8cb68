"""Read YAML files into typed records, keeping line numbers for error messages.

ruamel.yaml's round-trip loader remembers where every key and item stood, and
refuses duplicate keys. Numbers and dates are kept as text here and parsed by the
model instead, so ``version: 1.10`` stays "1.10" and a bad date is reported as a
field error rather than a crash inside the YAML library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import DataError, field_path, pydantic_message

M = TypeVar("M", bound=BaseModel)


class _TextScalarConstructor(RoundTripConstructor):
    """Round-trip constructor that leaves numbers and timestamps as strings."""


for _tag in ("int", "float", "timestamp"):
    _TextScalarConstructor.add_constructor(
        f"tag:yaml.org,2002:{_tag}", _TextScalarConstructor.construct_yaml_str
    )


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _TextScalarConstructor
    yaml.allow_duplicate_keys = False
    return yaml


@dataclass
class Document:
    """One parsed YAML file: its display path and the raw tree with positions."""

    path: str
    tree: Any

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """1-based line of the deepest part of ``loc`` that exists in the file."""
        node, line = self.tree, _start_line(self.tree)
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        return line

    def keys_at(self, loc: tuple[Any, ...]) -> set[str]:
        node = self.tree
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return set()
        return set(node) if isinstance(node, CommentedMap) else set()


def _start_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return None if lc is None or lc.line is None else lc.line + 1


def read_document(path: Path, display: str) -> Document | DataError:
    """Decode and parse one file; every failure becomes a Chinese DataError."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return DataError(
            display,
            line,
            "",
            "文件不是 UTF-8 编码（很可能用记事本存成了 GBK/ANSI）。"
            "请用“另存为”选择 UTF-8 编码后再保存",
        )
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return DataError(display, None, "", "文件是空的。请按维护指南中的示例填写内容，或删除这个文件")
    try:
        tree = _yaml().load(text.replace("\r\n", "\n").replace("\r", "\n"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return DataError(display, line, "", _yaml_message(exc))
    except YAMLError as exc:  # e.g. a stray control character
        return DataError(display, None, "", f"YAML 格式错误：{exc}")
    return Document(display, tree)


def _yaml_message(exc: MarkedYAMLError) -> str:
    problem = f"{exc.problem or ''} {exc.context or ''}"
    if "\\t" in problem or "tab" in problem.lower():
        return "这一行用了制表符（Tab）缩进。YAML 只认空格：请把 Tab 换成空格（每级两个）"
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        return f"字段“{key}”在同一层写了两次。请删去或合并重复的一项"
    if "mapping values are not allowed" in problem:
        return "这一行的冒号位置不对：值里含有“: ”时请给整个值加引号，或检查缩进是否对齐"
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "这一行缺少“字段: 值”里的冒号，或上一行的引号没有闭合"
    if "expected <block end>" in problem or "block mapping" in problem:
        return "缩进不一致：同一层的字段要左对齐，子项比上级多缩进两个空格"
    if "found unexpected end of stream" in problem or "while scanning a quoted" in problem:
        return "引号没有闭合：请检查这一段文字开头和结尾的引号是否成对"
    if "found character" in problem or "cannot start any token" in problem:
        return "这一行开头有 YAML 不允许的字符（如 @、`、%）。请给整段文字加引号"
    return f"YAML 格式错误（{problem.strip()}）。请对照维护指南中的示例检查这一行的缩进、冒号和引号"


def parse(doc: Document, model: type[M]) -> M | list[DataError]:
    """Validate a parsed document against ``model``; return the record or its errors."""
    if not isinstance(doc.tree, CommentedMap):
        return [DataError(doc.path, _start_line(doc.tree), "", "文件最外层应为“字段: 值”形式的内容")]
    try:
        return model.model_validate(doc.tree)
    except ValidationError as exc:
        return [_from_pydantic(doc, model, err) for err in exc.errors(include_url=False)]


def _from_pydantic(doc: Document, model: type[BaseModel], err: Any) -> DataError:
    loc = tuple(err["loc"])
    allowed: set[str] = set()
    if err["type"] == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
    return DataError(doc.path, doc.line(loc), field_path(loc), pydantic_message(err, allowed))


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """Field names of the record at ``loc`` (to list what may be written there)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return set()
        current = _record_type(field.annotation)
        if current is None:
            return set()
    return set(current.model_fields)


def _record_type(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _record_type(arg)
        if found is not None:
            return found
    return None
