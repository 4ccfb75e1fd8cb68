"""Typed model of the handbook's data.

Each YAML file under ``data/`` is validated against one of the ``*File`` classes
below. Field descriptions are in Chinese because they end up in the JSON Schemas
(``data/schemas/``) that editors show to maintainers while they type.

Cross-references between files (a duty naming a procedure, a step naming a role)
are checked later, in :mod:`macros.validate`, once every file has been read.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CITATION_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(#[a-z0-9]+(-[a-z0-9]+)*)?$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)*$"
MAX_CHECKLIST_ITEMS = 9

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="标识：小写英文字母、数字和连字符，如 outgoing-document"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Citation = Annotated[
    str,
    StringConstraints(pattern=CITATION_PATTERN),
    Field(description="出处：来源标识，可加 # 和章节标识，如 000#duties"),
]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN), Field(description="版本号，如 1.0")]


class Record(BaseModel):
    """Base for every data record: unknown keys are errors, so typos surface."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Cited(Record):
    """A record that must say where its content comes from."""

    sources: list[Citation] = Field(min_length=1, description="出处列表，至少一项")


# --- sources -----------------------------------------------------------------


class Section(Record):
    id: Id
    title: Text = Field(description="章节标题或内容提要")
    omitted: Text | None = Field(
        default=None, description="手册未采用这一节时写明原因（如原文残缺、网页杂项）"
    )


class Piece(Record):
    """One article inside a source file: an essay file can hold several."""

    title: Text
    author: Text | None = None
    date: dt.date | None = Field(default=None, description="日期，格式 YYYY-MM-DD")
    publisher: Text | None = Field(default=None, description="刊载网站、栏目或发布机关")
    sections: list[Section] = Field(min_length=1)


class Source(Record):
    id: Id
    kind: Literal["essay", "standard"] = Field(description="essay：原文；standard：法规标准")
    title: Text = Field(description="手册中称呼这份来源的名称")
    file: str | None = Field(
        default=None,
        pattern=r"^[0-9]{3}_[0-9a-f]{16}\.txt$",
        description="原文文件名（仅 essay）",
    )
    script: Literal["简体", "繁体"] | None = None
    number: Text | None = Field(default=None, description="文号或标准号（仅 standard）")
    summary: Text
    pieces: list[Piece] = Field(min_length=1)

    @model_validator(mode="after")
    def _essay_has_file(self) -> Source:
        if self.kind == "essay" and not self.file:
            raise ValueError("原文（kind: essay）必须写 file：原文文件名。请补上 file")
        return self


class SourcesFile(Record):
    sources: list[Source] = Field(min_length=1)


# --- roles and areas ---------------------------------------------------------


class Role(Cited):
    id: Id
    name: Text
    summary: Text


class RolesFile(Record):
    roles: list[Role] = Field(min_length=1)


class Area(Cited):
    id: Id
    name: Text
    summary: Text


class AreasFile(Record):
    areas: list[Area] = Field(min_length=1)


# --- duties ------------------------------------------------------------------

Frequency = Literal["日常", "每周", "每月", "每季度", "每年", "按需", "随时"]


class Duty(Cited):
    id: Id
    title: Text
    area: Id = Field(description="所属工作领域，见 areas.yaml")
    summary: Text = Field(description="职责内容")
    roles: list[Id] = Field(min_length=1, description="承担这项职责的角色，见 roles.yaml")
    frequency: Frequency = Field(description="频次")
    procedures: list[Id] = Field(default=[], description="相关工作程序")
    checklists: list[Id] = Field(default=[], description="相关检查清单")


class DutiesFile(Record):
    duties: list[Duty] = Field(min_length=1)


# --- procedures --------------------------------------------------------------


class Exit(Record):
    label: Text = Field(description="出口标签，如 合格、退回")
    to: Id = Field(description="去往的步骤标识")


class Step(Record):
    id: Id
    title: Text
    role: Id = Field(description="由谁做，见 roles.yaml，且须列在本程序的 roles 中")
    kind: Literal["task", "decision"] = Field(
        default="task", description="task：办理；decision：判断，须有两个以上出口"
    )
    action: Text | None = Field(default=None, description="具体做什么")
    output: Text | None = Field(default=None, description="形成的记录或成果")
    time_limit: Text | None = Field(default=None, description="时限（来源给出时才写）")
    next: Id | None = Field(default=None, description="下一步；不写则为列表中的下一项")
    end: bool = Field(default=False, description="true：本步之后程序结束")
    exits: list[Exit] = Field(default=[], description="判断步骤的出口")
    sources: list[Citation] = Field(default=[], description="这一步的出处（与整个程序不同时写）")

    @model_validator(mode="after")
    def _shape_matches_kind(self) -> Step:
        if self.kind == "decision":
            if len(self.exits) < 2:
                raise ValueError(
                    "判断步骤（kind: decision）至少要有两个带标签的出口 exits。"
                    "请在 exits 下逐个写出 label（如 是、否）和 to（去往的步骤 id）"
                )
            if self.next or self.end:
                raise ValueError("判断步骤用 exits 指明去向，不能再写 next 或 end。请删去 next 或 end")
        else:
            if self.exits:
                raise ValueError(
                    "只有判断步骤（kind: decision）才能写 exits。请删去 exits，或加上 kind: decision"
                )
            if not self.action:
                raise ValueError("办理步骤必须写 action：具体做什么")
            if self.next and self.end:
                raise ValueError("next 和 end: true 不能同时写。请删去其中一个")
        return self


class Pitfall(Cited):
    text: Text


class Reviewed(Record):
    """Ownership fields shared by procedures and checklists."""

    owner: Id = Field(description="负责维护的角色")
    last_reviewed: dt.date = Field(description="上次审核日期，YYYY-MM-DD")
    review_due: dt.date = Field(description="下次审核日期，YYYY-MM-DD")

    @model_validator(mode="after")
    def _due_after_review(self) -> Reviewed:
        if self.review_due <= self.last_reviewed:
            raise ValueError(
                "review_due（下次审核日期）必须晚于 last_reviewed（上次审核日期）。请改正其中一个日期"
            )
        return self


class Procedure(Reviewed, Cited):
    id: Id = Field(description="与文件名相同（不含 .yaml）")
    title: Text
    purpose: Text = Field(description="为什么有这个程序")
    trigger: Text = Field(description="什么时候启动")
    roles: list[Id] = Field(min_length=1, description="参与的角色，按泳道从左到右的顺序")
    steps: list[Step] = Field(min_length=2)
    pitfalls: list[Pitfall] = []
    checklists: list[Id] = []


# --- checklists --------------------------------------------------------------


class ChecklistSection(Record):
    title: Text
    items: list[Text] = Field(min_length=1, max_length=MAX_CHECKLIST_ITEMS)


class Change(Record):
    version: Version
    date: dt.date
    note: Text


class Checklist(Reviewed, Cited):
    id: Id = Field(description="与文件名相同（不含 .yaml）")
    title: Text
    pause_point: Text = Field(description="什么时候停下来用这份清单")
    type: Literal["READ-DO", "DO-CONFIRM"] = Field(
        description="READ-DO：边读边做；DO-CONFIRM：先凭经验做完，再停下来逐项确认"
    )
    roles: list[Id] = Field(min_length=1, description="使用这份清单的角色")
    procedure: Id | None = Field(default=None, description="对应的工作程序")
    sections: list[ChecklistSection] = Field(min_length=1)
    version: Version
    updated: dt.date
    changes: list[Change] = Field(min_length=1, description="修订记录，须含当前版本")

    @model_validator(mode="after")
    def _current_version_logged(self) -> Checklist:
        if self.version not in {c.version for c in self.changes}:
            raise ValueError(
                f"修订记录 changes 中没有当前版本 {self.version}。"
                f'请在 changes 中补一条 version: "{self.version}" 的记录，或改正 version'
            )
        return self


# --- glossary ----------------------------------------------------------------


class Term(Cited):
    term: Text
    aliases: list[Text] = Field(default=[], description="别称、简称，搜索和提示都会用到")
    definition: Text
    see_also: list[Text] = Field(default=[], description="相关术语（写术语本身）")


class GlossaryFile(Record):
    terms: list[Term] = Field(min_length=1)


# --- principles and writing guides -------------------------------------------


class PrincipleItem(Record):
    name: Text
    summary: Text
    sources: list[Citation] = Field(default=[], description="与整组不同时才写")


class Principle(Cited):
    id: Id
    title: Text
    summary: Text
    roles: list[Id] = Field(min_length=1, description="最需要记住这一组的角色")
    items: list[PrincipleItem] = Field(min_length=1)


class PrinciplesFile(Record):
    principles: list[Principle] = Field(min_length=1)


class Example(Record):
    title: Text
    text: Text


class Guide(Cited):
    id: Id = Field(description="与文件名相同（不含 .yaml）")
    title: Text
    summary: Text
    points: list[PrincipleItem] = Field(default=[], description="要点")
    do: list[Text] = Field(min_length=1, description="应当")
    dont: list[Text] = Field(min_length=1, description="避免")
    examples: list[Example] = []
    procedures: list[Id] = []
    checklists: list[Id] = []
