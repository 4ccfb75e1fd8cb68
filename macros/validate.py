"""Checks that need the whole handbook: references between files and procedure graphs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import DataError, choices, did_you_mean
from .model import Procedure

if TYPE_CHECKING:
    from .handbook import Handbook

# (kind, field holding a list of ids or one id, kind referred to, what it is called)
_REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("duties", "area", "areas", "工作领域"),
    ("duties", "roles", "roles", "角色"),
    ("duties", "procedures", "procedures", "工作程序"),
    ("duties", "checklists", "checklists", "检查清单"),
    ("procedures", "roles", "roles", "角色"),
    ("procedures", "checklists", "checklists", "检查清单"),
    ("procedures", "owner", "roles", "角色"),
    ("checklists", "roles", "roles", "角色"),
    ("checklists", "procedure", "procedures", "工作程序"),
    ("checklists", "owner", "roles", "角色"),
    ("principles", "roles", "roles", "角色"),
    ("guides", "procedures", "procedures", "工作程序"),
    ("guides", "checklists", "checklists", "检查清单"),
    ("glossary", "see_also", "glossary", "术语"),
)


def check_handbook(hb: Handbook, incomplete: set[str] = frozenset()) -> list[DataError]:
    """Cross-file checks. References into ``incomplete`` kinds (a file of that kind
    failed to load) are skipped, so one broken file does not look like many."""
    errors: list[DataError] = []
    errors += _check_references(hb, incomplete)
    if "sources" not in incomplete:
        errors += _check_citations(hb)
    if "glossary" not in incomplete:
        errors += _check_glossary(hb)
    for pid, proc in hb.procedures.items():
        errors += _check_procedure(hb, pid, proc)
    return errors


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_references(hb: Handbook, incomplete: set[str]) -> Iterator[DataError]:
    for kind, field, target, label in _REFERENCES:
        if target in incomplete:
            continue
        valid = hb.entries[target]
        for key, record in hb.entries[kind].items():
            value = getattr(record, field)
            for i, ref in enumerate(_as_list(value)):
                if ref not in valid:
                    sub = (field, i) if isinstance(value, list) else (field,)
                    yield hb.error(kind, key, sub, _unknown(label, ref, valid, target))


def _unknown(label: str, ref: str, valid: dict[str, Any], target: str) -> str:
    from .handbook import KIND  # the kinds are declared beside the loader, which imports this module

    names = [f"{k}（{_name_of(v)}）" if _name_of(v) else k for k, v in valid.items()]
    home = f"，或先在 {KIND[target].home} 中添加它"
    return (
        f"{label}“{ref}”不存在。{did_you_mean(ref, valid)}"
        f"请改用已有的{label}{home}。可用的有：{choices(names)}"
    )


def _name_of(record: Any) -> str:
    for attr in ("name", "title"):
        value = getattr(record, attr, None)
        if isinstance(value, str):
            return value
    return ""


def citations(record: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``sources`` citation inside a record, with its location."""
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name == "sources" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            for i, citation in enumerate(value):
                yield loc + (name, i), citation
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if hasattr(type(item), "model_fields"):
                    yield from citations(item, loc + (name, i))


def _check_citations(hb: Handbook) -> Iterator[DataError]:
    sections = {
        sid: {s.id for piece in src.pieces for s in piece.sections} for sid, src in hb.sources.items()
    }
    for kind, table in hb.entries.items():
        if kind == "sources":
            continue
        for key, record in table.items():
            for sub, citation in citations(record):
                source, _, section = citation.partition("#")
                if source not in sections:
                    yield hb.error(kind, key, sub, _unknown("来源", source, hb.sources, "sources"))
                elif section and section not in sections[source]:
                    yield hb.error(
                        kind,
                        key,
                        sub,
                        f"来源 {source} 没有章节“{section}”。{did_you_mean(section, sections[source])}"
                        f"请改为下列章节之一（或只写 {source}）。可用的章节：{choices(sections[source])}",
                    )


def _check_glossary(hb: Handbook) -> Iterator[DataError]:
    seen: dict[str, str] = {term: term for term in hb.glossary}
    for term, entry in hb.glossary.items():
        for i, alias in enumerate(entry.aliases):
            if alias in seen and seen[alias] != term or alias == term:
                owner = seen.get(alias, term)
                yield hb.error(
                    "glossary",
                    term,
                    ("aliases", i),
                    f"别称“{alias}”已被术语“{owner}”使用。同一个词只能指向一个术语，请删去其中一处",
                )
            else:
                seen[alias] = term


def _check_procedure(hb: Handbook, pid: str, proc: Procedure) -> Iterator[DataError]:
    steps = {}
    for i, step in enumerate(proc.steps):
        if step.id in steps:
            yield hb.error(
                "procedures",
                pid,
                ("steps", i, "id"),
                f"步骤标识“{step.id}”重复：同一程序里每个步骤的 id 必须不同。请换一个，并相应修改指向它的 next 或 to",
            )
        steps.setdefault(step.id, i)
        if step.role not in proc.roles:
            known = step.role in hb.roles
            yield hb.error(
                "procedures",
                pid,
                ("steps", i, "role"),
                (
                    f"角色“{step.role}”没有列在本程序的 roles 中。请把它加进 roles，或"
                    if known
                    else f"角色“{step.role}”不存在。{did_you_mean(step.role, proc.roles)}请"
                )
                + f"改为本程序的角色：{choices(proc.roles)}",
            )
    edges = successors(proc)
    bad_target = False
    for i, step in enumerate(proc.steps):
        for sub, target in _targets(step):
            if target not in steps:
                bad_target = True
                yield hb.error(
                    "procedures",
                    pid,
                    ("steps", i) + sub,
                    f"步骤“{target}”不存在。{did_you_mean(target, steps)}请改为本程序某一步的 id：{choices(steps)}",
                )
    if bad_target:
        return
    reached = _reachable(proc.steps[0].id, edges)
    for i, step in enumerate(proc.steps):
        if step.id not in reached:
            yield hb.error(
                "procedures",
                pid,
                ("steps", i),
                f"从第一步“{proc.steps[0].title}”走不到步骤“{step.title}”。"
                "请检查前面步骤的 next 或判断出口 exits 是否指向它",
            )
    if not end_steps(edges) & reached:
        yield hb.error(
            "procedures",
            pid,
            ("steps",),
            "程序没有终点：每一步都指向别的步骤，流程转不出来。请给结束的那一步写 end: true（或删去最后一步的 next）",
        )


def _targets(step: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    if step.next:
        yield ("next",), step.next
    for j, ex in enumerate(step.exits):
        yield ("exits", j, "to"), ex.to


def successors(proc: Procedure) -> dict[str, list[tuple[str, str | None]]]:
    """Each step's outgoing edges as (target step id, label)."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for i, step in enumerate(proc.steps):
        if step.kind == "decision":
            out[step.id] = [(ex.to, ex.label) for ex in step.exits]
        elif step.next:
            out[step.id] = [(step.next, None)]
        elif not step.end and i + 1 < len(proc.steps):
            out[step.id] = [(proc.steps[i + 1].id, None)]
        else:
            out[step.id] = []
    return out


def end_steps(edges: dict[str, list[tuple[str, str | None]]]) -> set[str]:
    """Steps after which the procedure ends (decisions always lead somewhere)."""
    return {step_id for step_id, out in edges.items() if not out}


def _reachable(start: str, edges: dict[str, Iterable[tuple[str, str | None]]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target, _ in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
