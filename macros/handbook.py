"""Load every file under ``data/`` into one validated :class:`Handbook`.

``load_handbook`` either returns a handbook whose every reference resolves, or
raises :class:`DataErrors` listing all problems at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import DataError, DataErrors, field_path
from .glossary import tooltips
from .links import Links, build_links
from .loader import Document, parse, read_document
from .model import (
    Area,
    AreasFile,
    Checklist,
    DutiesFile,
    Duty,
    GlossaryFile,
    Guide,
    Principle,
    PrinciplesFile,
    Procedure,
    Role,
    RolesFile,
    Source,
    SourcesFile,
    Term,
)
from .timing import timed
from .validate import check_handbook


@dataclass(frozen=True)
class Kind:
    """One kind of data: where it lives and which model validates it."""

    name: str  # key in handbook.json and in Handbook.entries
    schema: str  # data/schemas/<schema>.schema.json
    model: type[BaseModel]
    file: str | None = None  # a single file holding a list under ``name``
    folder: str | None = None  # or one file per record
    key: str = "id"  # field that identifies a record

    @property
    def home(self) -> str:
        """Where maintainers add a record of this kind."""
        return f"data/{self.file}" if self.file else f"data/{self.folder}/"


KINDS: tuple[Kind, ...] = (
    Kind("sources", "sources", SourcesFile, file="sources.yaml"),
    Kind("roles", "roles", RolesFile, file="roles.yaml"),
    Kind("areas", "areas", AreasFile, file="areas.yaml"),
    Kind("duties", "duties", DutiesFile, file="duties.yaml"),
    Kind("glossary", "glossary", GlossaryFile, file="glossary.yaml", key="term"),
    Kind("principles", "principles", PrinciplesFile, file="principles.yaml"),
    Kind("procedures", "procedure", Procedure, folder="procedures"),
    Kind("checklists", "checklist", Checklist, folder="checklists"),
    Kind("guides", "guide", Guide, folder="guides"),
)
KIND = {k.name: k for k in KINDS}
LIST_FIELD = {"glossary": "terms"}  # list key inside a single file, when not the kind name


def schema_line(kind: Kind) -> str:
    """The first line every data file of ``kind`` must carry, for editor autocompletion."""
    prefix = "../" if kind.folder else ""
    return f"# yaml-language-server: $schema={prefix}schemas/{kind.schema}.schema.json"


@dataclass
class Handbook:
    """All records by kind and id, plus where each one was written."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: dict[tuple[str, str], tuple[Document, tuple[Any, ...]]] = field(default_factory=dict)
    # "data/<file>" -> date of its last git commit; filled by the plugin (see review.py)
    file_dates: dict[str, str] = field(default_factory=dict)

    # Typed accessors keep call sites readable.
    @property
    def sources(self) -> dict[str, Source]:
        return self.entries["sources"]

    @property
    def roles(self) -> dict[str, Role]:
        return self.entries["roles"]

    @property
    def areas(self) -> dict[str, Area]:
        return self.entries["areas"]

    @property
    def duties(self) -> dict[str, Duty]:
        return self.entries["duties"]

    @property
    def glossary(self) -> dict[str, Term]:
        return self.entries["glossary"]

    @property
    def principles(self) -> dict[str, Principle]:
        return self.entries["principles"]

    @property
    def procedures(self) -> dict[str, Procedure]:
        return self.entries["procedures"]

    @property
    def checklists(self) -> dict[str, Checklist]:
        return self.entries["checklists"]

    @property
    def guides(self) -> dict[str, Guide]:
        return self.entries["guides"]

    @cached_property
    def links(self) -> Links:
        return build_links(self)

    @cached_property
    def tooltips(self) -> dict[str, str]:
        return tooltips(self)

    def where(self, kind: str, key: str, *sub: Any) -> tuple[str, int | None]:
        """File and line of a record, or of a field inside it."""
        doc, loc = self.origins[(kind, key)]
        return doc.path, doc.line(loc + sub)

    def error(self, kind: str, key: str, sub: tuple[Any, ...], message: str) -> DataError:
        """An error at field ``sub`` of a record, named from the top of its file like pydantic's."""
        doc, loc = self.origins[(kind, key)]
        return DataError(doc.path, doc.line(loc + sub), field_path(loc + sub), message)


def data_files(data_dir: Path) -> Iterator[tuple[Kind, Path]]:
    for kind in KINDS:
        if kind.file:
            yield kind, data_dir / kind.file
        else:
            folder = data_dir / kind.folder
            for path in sorted(folder.glob("*")) if folder.is_dir() else []:
                yield kind, path


def load_handbook(data_dir: Path) -> Handbook:
    """Read, validate and cross-check all data; raise DataErrors on any problem."""
    data_dir = Path(data_dir)
    handbook = Handbook(entries={k.name: {} for k in KINDS})
    errors: list[DataError] = []
    incomplete: set[str] = set()  # kinds with a file that could not be read
    for kind, path in data_files(data_dir):
        display = _display(path, data_dir)
        if kind.folder and (path.is_dir() or path.suffix != ".yaml"):
            errors.append(
                DataError(
                    display, None, "", f"data/{kind.folder}/ 里只能放 .yaml 文件。请把它移走或改名为 .yaml"
                )
            )
            incomplete.add(kind.name)
            continue
        if not path.exists():
            errors.append(
                DataError(display, None, "", "缺少这个文件。请把它恢复回来（手册的其他内容要引用它）")
            )
            incomplete.add(kind.name)
            continue
        file_errors = _load_file(handbook, kind, path, display)
        if file_errors:
            incomplete.add(kind.name)
            errors += file_errors
    with timed("validate"):
        errors += check_handbook(handbook, incomplete)
    if errors:
        raise DataErrors(errors)
    return handbook


def _display(path: Path, data_dir: Path) -> str:
    return f"data/{path.relative_to(data_dir).as_posix()}"


def _load_file(handbook: Handbook, kind: Kind, path: Path, display: str) -> list[DataError]:
    doc = read_document(path, display)
    if isinstance(doc, DataError):
        return [doc]
    errors: list[DataError] = []
    first = path.read_text(encoding="utf-8-sig").splitlines()[0].strip()
    if first != schema_line(kind):
        errors.append(
            DataError(
                display,
                1,
                "",
                f"第一行应为：{schema_line(kind)}（编辑器靠它提示字段）。请把这一行复制到文件开头",
            )
        )
    parsed = parse(doc, kind.model)
    if isinstance(parsed, list):
        return errors + parsed
    if kind.folder:
        records = [((), parsed)]
        if parsed.id != path.stem:
            errors.append(
                DataError(
                    display,
                    doc.line(("id",)),
                    "id",
                    f"id 应与文件名相同：{path.stem}。请把 id 改为 {path.stem}，或把文件改名为 {parsed.id}.yaml",
                )
            )
    else:
        list_field = LIST_FIELD.get(kind.name, kind.name)
        records = [((list_field, i), r) for i, r in enumerate(getattr(parsed, list_field))]
    table = handbook.entries[kind.name]
    for loc, record in records:
        key = getattr(record, kind.key)
        if key in table:
            first_path, first_line = handbook.where(kind.name, key)
            errors.append(
                DataError(
                    display,
                    doc.line(loc + (kind.key,)),
                    kind.key,
                    f"“{key}”重复：{first_path} 第 {first_line} 行已经用过。每项的 {kind.key} 必须唯一，请换一个",
                )
            )
            continue
        table[key] = record
        handbook.origins[(kind.name, key)] = (doc, loc)
    return errors
