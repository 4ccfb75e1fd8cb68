"""Read YAML files into typed records, keeping line numbers for error messages.

ruamel.yaml's round-trip loader remembers where every key and item stood, and
refuses duplicate keys. Numbers and dates are kept as text here and parsed by the
model instead, so ``version: 1.10`` stays "1.10" and a bad date is reported as a
field error rather than a crash inside the YAML library.

ruamel's parser is pure Python and slow (about a second for all of ``data/``), so
a file is first read with libyaml through PyYAML, set up to give the same result
(YAML 1.2 booleans, numbers and dates as text, no duplicate keys). Anything
libyaml does not read exactly that way (an error, a duplicate key, a merge key,
a Unicode line separator) is read by ruamel instead, which words the error. The
positions are only needed for error messages: ruamel reads a file for them the
first time a line number is asked for. ``tests/test_property.py`` checks that
both readers agree.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml as pyyaml
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

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


class _FastLoader(getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader, made to read files the way ``_yaml()`` does."""


class _Fallback(Exception):
    """libyaml would read this file differently from ruamel: let ruamel read it."""


def _fast_text(loader: Any, node: Any) -> str:
    return loader.construct_scalar(node)


def _fast_bool(loader: Any, node: Any) -> bool | str:
    value = loader.construct_scalar(node)  # YAML 1.2: yes/no/on/off are text
    return value.lower() == "true" if value.lower() in ("true", "false") else value


def _fast_mapping(loader: Any, node: Any) -> dict[Any, Any]:
    if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
        raise _Fallback("merge key")
    keys = [loader.construct_object(key, deep=True) for key, _ in node.value]
    try:
        if len(set(keys)) != len(keys):
            raise _Fallback("duplicate key")
    except TypeError:  # an unhashable key
        raise _Fallback("complex key") from None
    return loader.construct_mapping(node, deep=True)


for _tag in ("int", "float", "timestamp"):
    _FastLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _fast_text)
_FastLoader.add_constructor("tag:yaml.org,2002:bool", _fast_bool)
_FastLoader.add_constructor("tag:yaml.org,2002:map", _fast_mapping)


_TAG = re.compile(r"(?:^|[\s\[\]{},])!", re.MULTILINE)
# A block scalar header (| or >) must be followed by indicators and then a space or
# the line end; libyaml lets through headers such as ">#" that ruamel rejects.
_ODD_BLOCK_HEADER = re.compile(r"(?:^|[:?-]\s+)[|>](?![0-9+-]*(?:\s|$))", re.MULTILINE)


def fast_load(text: str) -> Any:
    """The tree libyaml reads from ``text``; raises when ruamel must read it instead."""
    if any(c in text for c in "\x85\u2028\u2029\ufeff"):  # YAML 1.1 line breaks, stray BOMs
        raise _Fallback("line separator or BOM")
    if "\t" in text:  # ruamel is stricter about tabs (and says "use spaces")
        raise _Fallback("tab")
    if _ODD_BLOCK_HEADER.search(text):
        raise _Fallback("block scalar header")
    if _TAG.search(text):  # the two readers construct explicitly tagged values differently
        raise _Fallback("tag")
    return pyyaml.load(text, Loader=_FastLoader)


@dataclass
class Document:
    """One parsed YAML file: its display path, the raw tree and (on demand) positions."""

    path: str
    tree: Any
    text: str | None = field(default=None, repr=False)  # set when ``tree`` has no positions

    @cached_property
    def positions(self) -> Any:
        """The file read by ruamel, which remembers the line of every key and item."""
        if self.text is None:
            return self.tree
        try:
            return _yaml().load(self.text)
        except (YAMLError, RecursionError):
            return None

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """1-based line of the deepest part of ``loc`` that exists in the file."""
        node = self.positions
        line = _start_line(node)
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
        node = self.positions
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
            "文件不是 UTF-8 编码（很可能用记事本存成了 GBK/ANSI）。请用“另存为”选择 UTF-8 编码后再保存",
        )
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return DataError(display, None, "", "文件是空的。请按维护指南中的示例填写内容，或删除这个文件")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return Document(display, fast_load(text), text)
    except Exception:  # noqa: BLE001 -- whatever libyaml makes of it, ruamel decides
        pass
    try:
        tree = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "simple key" in str(exc.context):
            mark = exc.context_mark  # the key that lacks its colon, not the line after it
        line = mark.line + 1 if mark is not None else None
        lines = text.split("\n")
        opened = _unclosed_quote(lines, line) if line and "duplicate" not in str(exc.problem) else None
        if opened:
            return DataError(
                display,
                opened,
                "",
                "引号没有闭合：这一行的文字以引号开头，结尾却没有引号。请补上结尾的引号，或去掉开头的引号",
            )
        source = lines[line - 1] if line and line <= len(lines) else ""
        return DataError(display, line, "", _yaml_message(exc, source))
    except ReaderError as exc:  # a control character pasted in from elsewhere
        line = text[: max(exc.position, 0)].count("\n") + 1
        return DataError(
            display,
            line,
            "",
            f"这一行有不可见的特殊字符（U+{exc.character:04X}），多半是从别处复制来的。请删掉这一行的文字重新输入",
        )
    except YAMLError as exc:
        return DataError(
            display, None, "", f"YAML 格式错误（{exc}）。请对照维护指南中的示例检查缩进、冒号和引号"
        )
    except RecursionError:
        return DataError(
            display, None, "", "方括号或缩进嵌套得太深，文件读不出来。请对照维护指南中的示例改写"
        )
    return Document(display, tree)


_OPEN_QUOTE = re.compile(r"""^\s*(- )?([\w-]+:\s+)?(["'])(?:(?!\3).)*$""")


def _unclosed_quote(lines: list[str], line: int) -> int | None:
    """Line number of the nearest line at or before ``line`` that opens a quote and never closes it.

    A quoted value runs on over the following lines until the next quote mark, so
    the parser complains far below the real mistake; point at where it began.
    """
    for number in range(min(line, len(lines)), 0, -1):
        if _OPEN_QUOTE.match(lines[number - 1]):
            return number
    return None


def _yaml_message(exc: MarkedYAMLError, source: str = "") -> str:
    problem = f"{exc.problem or ''} {exc.context or ''}"
    if "simple key" in problem and "：" in source:
        return "这一行用了中文冒号“：”。请改用英文冒号加一个空格，如 title: 收文办理"
    if "simple key" in problem and re.match(r"^\s*(- )?[A-Za-z_]+:\S", source):
        return "冒号后面少了空格。请写成“字段: 值”，冒号后面加一个空格，如 title: 收文办理"
    if "simple key" in problem and re.match(r"^\s*-[^\s-]", source):
        return "列表项的“-”后面少了空格。请写成“- 内容”，“-”后面加一个空格"
    if "found '<scalar>'" in problem and re.search(r"""(^|: |- )\s*(["'])[^"']*\2[^\s,\]}#]""", source):
        return (
            "这段文字以引号开头，又在引号后面接着写了字，YAML 会把开头的引号当成整段的边界。"
            "请改用中文引号“”，或把整段文字放进一对英文引号里"
        )
    if "alias" in problem or "anchor" in problem or ("tag" in problem and "URI" in problem):
        return "这一行的文字以 *、& 或 ! 开头，YAML 把它当成了特殊记号。请给整段文字加引号"
    if "\\t" in problem or "tab" in problem.lower():
        return "这一行用了制表符（Tab）缩进。YAML 只认空格：请把 Tab 换成空格（每级两个）"
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        return f"字段“{key}”在同一层写了两次。请删去或合并重复的一项"
    if "mapping values are not allowed" in problem:
        return "这一行的冒号位置不对：值里含有“: ”时请给整个值加引号，或检查缩进是否对齐"
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "这一行缺少“字段: 值”里的冒号，或上一行的引号没有闭合。请补上冒号（冒号后加空格）或闭合引号"
    if "expected <block end>" in problem or "block mapping" in problem:
        return "缩进不一致：同一层的字段要左对齐，子项比上级多缩进两个空格。请对齐这一行和上一行"
    if "flow sequence" in problem or "flow mapping" in problem:
        return "方括号 [ ] 或花括号 { } 没有配对，或者里面的文字含有冒号。请补全括号，或给文字加引号"
    if "found unexpected end of stream" in problem or "while scanning a quoted" in problem:
        return "引号没有闭合：请检查这一段文字开头和结尾的引号是否成对"
    if "found character" in problem or "cannot start any token" in problem:
        return "这一行开头有 YAML 不允许的字符（如 @、`、%）。请给整段文字加引号"
    return f"YAML 格式错误（{problem.strip()}）。请对照维护指南中的示例检查这一行的缩进、冒号和引号"


def parse(doc: Document, model: type[M]) -> M | list[DataError]:
    """Validate a parsed document against ``model``; return the record or its errors."""
    if not isinstance(doc.tree, dict):
        return [
            DataError(
                doc.path, doc.line(()), "", "文件最外层应为“字段: 值”形式的内容。请对照维护指南中的示例改写"
            )
        ]
    try:
        return model.model_validate(doc.tree)
    except ValidationError as exc:
        errs = exc.errors(include_url=False)
    # A misspelt field is reported once, as "unknown field, did you mean ...", not
    # a second time as the missing field it was meant to be.
    meant = {
        (tuple(e["loc"][:-1]), close)
        for e in errs
        if e["type"] == "extra_forbidden"
        for close in difflib.get_close_matches(
            str(e["loc"][-1]), list(_fields_at(model, tuple(e["loc"][:-1]))), n=1, cutoff=0.6
        )
    }
    return [
        _from_pydantic(doc, model, err)
        for err in errs
        if not (err["type"] == "missing" and (tuple(err["loc"][:-1]), str(err["loc"][-1])) in meant)
    ]


def _from_pydantic(doc: Document, model: type[BaseModel], err: Any) -> DataError:
    loc = tuple(err["loc"])
    allowed: set[str] = set()
    if err["type"] == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
    description = _description(model, loc) if err["type"] == "missing" else ""
    return DataError(doc.path, doc.line(loc), field_path(loc), pydantic_message(err, allowed, description))


def _description(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """The field's description in the model (editors show it too), if it has one."""
    record = _record_at(model, loc[:-1]) if loc else None
    field = record.model_fields.get(str(loc[-1])) if record is not None else None
    return (field.description or "") if field is not None else ""


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """Field names of the record at ``loc`` (to list what may be written there)."""
    record = _record_at(model, loc)
    return set(record.model_fields) if record is not None else set()


def _record_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _record_type(field.annotation)
        if current is None:
            return None
    return current


def _record_type(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _record_type(arg)
        if found is not None:
            return found
    return None
