"""Render handbook data as HTML for pages.

Each public function takes a :class:`View` (the handbook plus the URL of the page
being rendered, so links can be relative and work from ``file://``) and returns
HTML produced by a template in ``macros/templates/``. ``MACROS`` lists the
functions that pages may call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from mkdocs.utils import get_relative_url

from .flow import render_flow
from .glossary import mark_terms
from .handbook import Handbook
from .jinja import render
from .links import anchor, site_url
from .review import last_updated, overdue_reviews
from .validate import successors


@dataclass(frozen=True)
class View:
    hb: Handbook
    page_url: str  # site-relative URL of the page being rendered, e.g. "roles/staff.html"

    def url(self, kind: str, key: str) -> str:
        return get_relative_url(site_url(kind, key), self.page_url)

    def name(self, kind: str, key: str) -> str:
        record = self.hb.entries[kind][key]
        for attr in ("name", "title", "term"):
            value = getattr(record, attr, None)
            if isinstance(value, str):
                return value
        raise KeyError(f"{kind}:{key} has no display name")

    def related(self, kind: str, key: str, other: str) -> list[str]:
        return self.hb.links.of(kind, key, other)

    def cite(self, citations: list[str]) -> list[dict[str, str]]:
        """Citations as label/detail/url for templates; essays are named by file name."""
        out = []
        for citation in citations:
            source_id, _, section_id = citation.partition("#")
            source = self.hb.sources[source_id]
            section = next((s for p in source.pieces for s in p.sections if s.id == section_id), None)
            label = source.file if source.kind == "essay" else f"《{source.title}》"
            detail = section.title if section else ""
            url = self.url("sources", source_id)
            if section:
                url += f"-{anchor(section_id)}"
            out.append({"label": label, "detail": detail, "url": url})
        return out

    def gloss(self, text: str) -> Markup:
        """``text`` escaped, with glossary terms shown as tooltips."""
        return mark_terms(text, self.hb.tooltips)

    def page(self, template: str, **context: Any) -> str:
        return render(template, v=self, hb=self.hb, **context)

    def updated(self, kind: str, key: str) -> str:
        """Date of the last git commit of the record's data file ("" when not a git checkout)."""
        return last_updated(self.hb, kind, key)


def duty_table(v: View, area: str | None = None, role: str | None = None) -> str:
    """Duties grouped by area; ``area`` or ``role`` narrows the table."""
    if area is not None and area not in v.hb.areas:
        raise KeyError(f"unknown area {area!r}")
    if role is not None and role not in v.hb.roles:
        raise KeyError(f"unknown role {role!r}")
    groups = []
    for aid, area_record in v.hb.areas.items():
        if area not in (None, aid):
            continue
        duties = [
            (did, d) for did, d in v.hb.duties.items() if d.area == aid and (role is None or role in d.roles)
        ]
        if duties:
            groups.append((aid, area_record, duties))
    return v.page("duties.html.j2", groups=groups, anchors=role is None and area is None)


def procedure_block(v: View, procedure_id: str) -> str:
    """Flow chart and step table of one procedure."""
    proc = v.hb.procedures[procedure_id]
    edges = successors(proc)
    return v.page(
        "procedure_block.html.j2",
        proc=proc,
        flow=render_flow(proc, v.hb.roles),
        edges=edges,
        titles={s.id: s.title for s in proc.steps},
    )


def procedure_page(v: View, procedure_id: str) -> str:
    proc = v.hb.procedures[procedure_id]
    return v.page(
        "procedure.html.j2",
        proc=proc,
        block=procedure_block(v, procedure_id),
        checklists=_union(proc.checklists, v.related("procedures", procedure_id, "checklists")),
        duties=v.related("procedures", procedure_id, "duties"),
        guides=v.related("procedures", procedure_id, "guides"),
    )


def checklist(v: View, checklist_id: str) -> str:
    """One checklist, tickable on screen and printable on one page."""
    return v.page("checklist.html.j2", cl=v.hb.checklists[checklist_id], cid=checklist_id)


def checklist_page(v: View, checklist_id: str) -> str:
    return v.page(
        "checklist_page.html.j2",
        cl=v.hb.checklists[checklist_id],
        body=checklist(v, checklist_id),
        procedures=v.related("checklists", checklist_id, "procedures"),
        duties=v.related("checklists", checklist_id, "duties"),
        guides=v.related("checklists", checklist_id, "guides"),
    )


def all_checklists(v: View) -> str:
    """Every checklist, each on its own printed page."""
    return v.page("print_all.html.j2", bodies=[checklist(v, cid) for cid in v.hb.checklists])


def role_page(v: View, role_id: str) -> str:
    role = v.hb.roles[role_id]
    steps = [
        (pid, proc, [s for s in proc.steps if s.role == role_id]) for pid, proc in v.hb.procedures.items()
    ]
    return v.page(
        "role.html.j2",
        role=role,
        rid=role_id,
        duties=duty_table(v, role=role_id) if v.related("roles", role_id, "duties") else "",
        steps=[(pid, proc, owned) for pid, proc, owned in steps if owned],
        owned=[pid for pid, proc in v.hb.procedures.items() if proc.owner == role_id],
        checklists=v.related("roles", role_id, "checklists"),
        principles=v.related("roles", role_id, "principles"),
    )


def page_index(v: View, kind: str) -> str:
    """Cards linking to every page of one generated kind."""
    if kind not in ("procedures", "checklists", "roles", "guides"):
        raise KeyError(f"no index for kind {kind!r}")
    return v.page("index.html.j2", kind=kind, keys=list(v.hb.entries[kind]))


def principles_page(v: View) -> str:
    return v.page("principles.html.j2")


def glossary_page(v: View) -> str:
    return v.page("glossary.html.j2")


def sources_page(v: View) -> str:
    return v.page("sources.html.j2", cited_by=v.hb.links.cited_by)


def guide_page(v: View, guide_id: str) -> str:
    return v.page("guide.html.j2", guide=v.hb.guides[guide_id], gid=guide_id)


def citations(v: View, *refs: str) -> str:
    """A source line for prose pages: ``{{ citations("000#duties") }}``."""
    unknown = [r for r in refs if r.partition("#")[0] not in v.hb.sources]
    if unknown:
        raise KeyError(f"unknown source in {unknown}")
    return v.page("citations.html.j2", refs=list(refs))


def _union(first: list[str], second: list[str]) -> list[str]:
    return first + [x for x in second if x not in first]


MACROS: tuple[Callable[..., str], ...] = (
    duty_table,
    procedure_block,
    procedure_page,
    checklist,
    checklist_page,
    all_checklists,
    role_page,
    page_index,
    principles_page,
    glossary_page,
    sources_page,
    guide_page,
    citations,
    overdue_reviews,
)
