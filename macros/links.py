"""Where each record lives on the site, and which records point at which.

Cross-links are written once in the data (a duty lists its procedures, a checklist
names its procedure) and rendered both ways from the indexes built here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .validate import citations

if TYPE_CHECKING:
    from .handbook import Handbook

# Kinds that get a page of their own, generated from their YAML file.
PAGE_KINDS = ("procedures", "checklists", "roles", "guides")


def anchor(key: str) -> str:
    """HTML id for a record shown on a shared page (glossary terms are Chinese text)."""
    return key.replace(" ", "-")


def site_url(kind: str, key: str) -> str:
    """Site-relative URL of a record's page or anchor."""
    if kind in PAGE_KINDS:
        return f"{kind}/{key}.html"
    if kind == "duties":
        return f"duties/index.html#{anchor(key)}"
    if kind == "areas":
        return f"duties/index.html#area-{anchor(key)}"
    if kind == "principles":
        return f"principles.html#{anchor(key)}"
    if kind == "glossary":
        return f"glossary.html#{anchor(key)}"
    if kind == "sources":
        return f"sources.html#src-{anchor(key)}"
    raise KeyError(f"no page for kind {kind!r}")


@dataclass
class Links:
    """Reverse indexes: for each record, the records of another kind that refer to it."""

    index: dict[tuple[str, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    # (source id, section id or "") -> [(kind, key)] of every record citing it
    cited_by: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, key: str, other_kind: str, other_key: str) -> None:
        """Record that ``kind:key`` and ``other_kind:other_key`` are related, both ways."""
        for a, b in (((kind, key), (other_kind, other_key)), ((other_kind, other_key), (kind, key))):
            bucket = self.index[(a[0], a[1], b[0])]
            if b[1] not in bucket:
                bucket.append(b[1])

    def cite(self, citation: str, kind: str, key: str) -> None:
        source, _, section = citation.partition("#")
        bucket = self.cited_by[(source, section)]
        if (kind, key) not in bucket:
            bucket.append((kind, key))

    def of(self, kind: str, key: str, other_kind: str) -> list[str]:
        return list(self.index.get((kind, key, other_kind), []))


def build_links(hb: Handbook) -> Links:
    links = Links()
    for did, duty in hb.duties.items():
        for pid in duty.procedures:
            links.add("duties", did, "procedures", pid)
        for cid in duty.checklists:
            links.add("duties", did, "checklists", cid)
        for rid in duty.roles:
            links.add("duties", did, "roles", rid)
    for pid, proc in hb.procedures.items():
        for cid in proc.checklists:
            links.add("procedures", pid, "checklists", cid)
        for rid in proc.roles:
            links.add("procedures", pid, "roles", rid)
    for cid, checklist in hb.checklists.items():
        if checklist.procedure:
            links.add("checklists", cid, "procedures", checklist.procedure)
        for rid in checklist.roles:
            links.add("checklists", cid, "roles", rid)
    for key, principle in hb.principles.items():
        for rid in principle.roles:
            links.add("principles", key, "roles", rid)
    for gid, guide in hb.guides.items():
        for pid in guide.procedures:
            links.add("guides", gid, "procedures", pid)
        for cid in guide.checklists:
            links.add("guides", gid, "checklists", cid)
    for kind, table in hb.entries.items():
        for key, record in table.items():
            for _, citation in citations(record):
                links.cite(citation, kind, key)
    return links
