"""Swimlane flow charts for procedures, drawn at build time as inline SVG.

The layout is deliberately plain so that it works for any valid procedure: one
horizontal lane per role (in the procedure's ``roles`` order), one column per
step in list order, a start marker before the first step and an end marker
right after each end step. Because every column holds exactly one box, a
vertical line through a box's centre meets no other box and the gaps between
columns meet none at all. Edges use only those lines plus horizontal tracks in
a channel above the lanes (edges going back) or below them (edges skipping
columns), so no edge can cross a box.

Python computes geometry only; ``templates/flow.svg.j2`` writes every element.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, Mapping

from markupsafe import Markup

from .jinja import render
from .model import Procedure, Role
from .validate import end_steps, successors

Shape = Literal["task", "decision", "start", "end"]
Side = Literal["top", "bottom", "left", "right"]
EdgeKind = Literal["forward", "skip", "back"]

# Marker node names contain "_", which step ids cannot, so they never clash.
START = "_start"
END_PREFIX = "_end-"

FONT, LINE = 14.0, 18.0  # step titles and role names
LABEL_FONT, LABEL_LINE = 12.0, 14.0  # exit labels and markers
HEADER_W = 96.0  # role-name column at the left of every lane
GAP = 56.0  # between columns; exit labels of forward edges sit here
LANE_PAD = 24.0  # above and below the tallest box in a lane
TRACK = 14.0  # distance between parallel edges in the channels
MARGIN = 8.0  # around the whole drawing
ELLIPSIS = "…"
LABEL_LINES = 3


@dataclass(frozen=True)
class _Spec:
    """Fixed size of one kind of box and the room its text may take."""

    w: float
    h: float
    text_w: float
    max_lines: int
    font: float
    line: float


# A diamond's text block (tw × th) fits when tw/w + th/h <= 1: 98/168 + 36/88 < 1.
SPECS: dict[str, _Spec] = {
    "task": _Spec(120, 64, 104, 3, FONT, LINE),
    "decision": _Spec(168, 88, 98, 2, FONT, LINE),
    "start": _Spec(44, 44, 32, 1, LABEL_FONT, LABEL_LINE),
    "end": _Spec(44, 44, 32, 1, LABEL_FONT, LABEL_LINE),
}
MARKER_TEXT = {"start": "开始", "end": "结束"}


# --- text --------------------------------------------------------------------

# Chinese typesetting keeps closing punctuation off the start of a line and
# opening brackets off its end.
_NO_START = set("，。、；：？！）」』》〉】〕”’…·,.;:?!)]}%")
_NO_END = set("（「『《〈【〔“‘([{")


def char_width(ch: str) -> float:
    """Estimated advance in em: wide and ambiguous (CJK punctuation) 1, others 0.55."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.55


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def wrap(text: str, width: float, max_lines: int) -> tuple[str, ...]:
    """Lines no wider than ``width`` em; at most ``max_lines``, the last ending in … if cut.

    Latin words and numbers stay whole unless longer than a line; every other
    character may break, except where Chinese punctuation rules forbid it.
    """
    lines: list[list[str]] = [[]]
    for token in re.findall(r"[A-Za-z0-9]+|.", " ".join(text.split())):
        for piece in [token] if text_width(token) <= width else list(token):
            line = lines[-1]
            if not line and piece == " ":
                continue
            if not line or text_width("".join(line) + piece) <= width:
                line.append(piece)
                continue
            if piece == " ":
                lines.append([])
                continue
            carry: list[str] = []
            while len(line) > 1 and ((carry or [piece])[0][0] in _NO_START or line[-1][-1] in _NO_END):
                carry.insert(0, line.pop())
            if carry and text_width("".join(carry) + piece) > width:
                line.extend(carry)
                carry = []
            lines.append(carry + [piece])
    out = [s for s in ("".join(line).strip() for line in lines) if s]
    if len(out) <= max_lines:
        return tuple(out)
    last = out[max_lines - 1]
    while last and text_width(last + ELLIPSIS) > width:
        last = last[:-1]
    return tuple(out[: max_lines - 1] + [last.rstrip() + ELLIPSIS])


# --- geometry ----------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Text:
    """Lines of a ``<text>``, each with its own baseline."""

    lines: tuple[str, ...]
    x: float
    ys: tuple[float, ...]
    anchor: Literal["start", "middle", "end"]
    size: float

    @property
    def rows(self) -> list[tuple[str, float]]:
        return list(zip(self.lines, self.ys))


@dataclass(frozen=True)
class Lane:
    role: str
    name: Text
    y: float
    height: float


@dataclass(frozen=True)
class Box:
    """A step or a start/end marker; ``node`` is the step id or the marker's name."""

    node: str
    shape: Shape
    role: str
    x: float
    y: float
    w: float
    h: float
    text: Text

    @property
    def step(self) -> str | None:
        return None if self.shape in ("start", "end") else self.node

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    points: tuple[Point, ...]
    label: str | None  # the exit's label in full
    text: Text | None  # the label as drawn, possibly cut short


@dataclass(frozen=True)
class FlowLayout:
    width: float
    height: float
    header_width: float
    lanes: tuple[Lane, ...]
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    def box(self, node: str) -> Box:
        return next(b for b in self.boxes if b.node == node)


def _centred_text(lines: tuple[str, ...], cx: float, cy: float, size: float = FONT, line: float = LINE) -> Text:
    # 0.35 em below the middle puts the visual centre of CJK glyphs on cy.
    ys = tuple(cy + (i - (len(lines) - 1) / 2) * line + 0.35 * size for i in range(len(lines)))
    return Text(lines, cx, ys, "middle", size)


def _port(box: Box, side: Side, offset: float) -> Point:
    """The point on ``box``'s outline on ``side``, shifted ``offset`` along that side."""
    half_w, half_h = box.w / 2, box.h / 2
    if box.shape == "task":
        reach_x, reach_y = half_w, half_h
    elif box.shape == "decision":
        reach_x = half_w * (1 - abs(offset) / half_h)
        reach_y = half_h * (1 - abs(offset) / half_w)
    else:
        reach_x = reach_y = math.sqrt(max(half_w**2 - offset**2, 0.0))
    return {
        "top": Point(box.cx + offset, box.cy - reach_y),
        "bottom": Point(box.cx + offset, box.cy + reach_y),
        "left": Point(box.cx - reach_x, box.cy + offset),
        "right": Point(box.cx + reach_x, box.cy + offset),
    }[side]


def _spread(n: int, span: float) -> list[float]:
    """Offsets for ``n`` edges sharing one side, evenly over ``span`` around the middle."""
    return [0.0] if n == 1 else [-span / 2 + i * span / (n - 1) for i in range(n)]


def _tracks(intervals: dict[int, tuple[float, float]]) -> dict[int, int]:
    """Track number per edge; edges whose spans overlap get different tracks, short ones nearest the lanes."""
    taken: list[list[tuple[float, float]]] = []
    result: dict[int, int] = {}
    for key, (lo, hi) in sorted(intervals.items(), key=lambda kv: (kv[1][1] - kv[1][0], kv[1][0])):
        for k, track in enumerate(taken):
            if all(hi + 4 < a or b + 4 < lo for a, b in track):
                break
        else:
            k = len(taken)
            taken.append([])
        taken[k].append((lo, hi))
        result[key] = k
    return result


def _label(text: str, start: Point, side: Side, goes_up: bool, source: Box) -> Text:
    """An exit label beside the first segment of its edge, on the side away from any bend.

    Labels of edges leaving to the right start past the box, clear of a diamond's slope.
    """
    lines = wrap(text, (GAP - 8) / LABEL_FONT, LABEL_LINES)
    x, anchor = {
        "right": (source.right + 4, "start"),
        "top": (start.x + 4, "start"),
        "bottom": (start.x - 4, "end"),
    }[side]
    if side == "bottom" or (side == "right" and goes_up):
        first = start.y + 4 + 0.8 * LABEL_FONT
    else:
        first = start.y - 6 - (len(lines) - 1) * LABEL_LINE
    return Text(lines, x, tuple(first + i * LABEL_LINE for i in range(len(lines))), anchor, LABEL_FONT)


_SIDES: dict[EdgeKind, tuple[Side, Side]] = {
    "forward": ("right", "left"),
    "skip": ("bottom", "bottom"),
    "back": ("top", "top"),
}


def layout(proc: Procedure, roles: Mapping[str, Role]) -> FlowLayout:
    """Geometry of ``proc``'s flow chart; ``proc`` must already have passed validation."""
    out_edges = successors(proc)
    ends = end_steps(out_edges)

    # Nodes in column order: (name, shape, role, title).
    nodes: list[tuple[str, Shape, str, str]] = [(START, "start", proc.steps[0].role, MARKER_TEXT["start"])]
    raw: list[tuple[str, str, str | None]] = [(START, proc.steps[0].id, None)]
    for step in proc.steps:
        nodes.append((step.id, step.kind, step.role, step.title))
        raw += [(step.id, target, label) for target, label in out_edges[step.id]]
        if step.id in ends:
            nodes.append((END_PREFIX + step.id, "end", step.role, MARKER_TEXT["end"]))
            raw.append((step.id, END_PREFIX + step.id, None))
    column = {name: i for i, (name, *_) in enumerate(nodes)}

    # Horizontal geometry first: it decides the ports, which decide the tracks.
    left: dict[str, float] = {}
    x = HEADER_W + GAP / 2
    for name, shape, _, _ in nodes:
        left[name] = x
        x += SPECS[shape].w + GAP
    width = x - GAP / 2 + MARGIN
    spec = {name: SPECS[shape] for name, shape, _, _ in nodes}
    centre_x = {name: left[name] + spec[name].w / 2 for name in left}

    kinds: list[EdgeKind] = []
    for source, target, _ in raw:
        step = column[target] - column[source]
        kinds.append("forward" if step == 1 else "skip" if step > 1 else "back")

    # Spread the edges meeting one side of a box so none share a point; order them
    # by where their other end lies, which keeps the channel tracks from crossing.
    sharing: dict[tuple[str, Side], list[tuple[float, int, int, bool]]] = defaultdict(list)
    for i, ((source, target, _), kind) in enumerate(zip(raw, kinds)):
        out_side, in_side = _SIDES[kind]
        sharing[source, out_side].append((-centre_x[target], 1, i, True))
        sharing[target, in_side].append((-centre_x[source], 0, i, False))
    # Spreading over 40% of each side keeps a diamond's top and right ports apart.
    offset: dict[tuple[int, bool], float] = {}
    for (name, side), uses in sharing.items():
        along = spec[name].w if side in ("top", "bottom") else spec[name].h
        for (_, _, i, is_out), off in zip(sorted(uses), _spread(len(uses), 0.4 * along)):
            offset[i, is_out] = off

    channel: dict[EdgeKind, dict[int, tuple[float, float]]] = {"back": {}, "skip": {}}
    for i, ((source, target, _), kind) in enumerate(zip(raw, kinds)):
        if kind != "forward":
            a, b = centre_x[source] + offset[i, True], centre_x[target] + offset[i, False]
            channel[kind][i] = (min(a, b), max(a, b))
    track = {**_tracks(channel["back"]), **_tracks(channel["skip"])}
    n_top = 1 + max((track[i] for i in channel["back"]), default=-1)
    n_bottom = 1 + max((track[i] for i in channel["skip"]), default=-1)

    # Vertical geometry.
    lane_h = max(s.h for s in spec.values()) + 2 * LANE_PAD
    lanes_top = MARGIN + TRACK * n_top
    lane_y = {role: lanes_top + i * lane_h for i, role in enumerate(proc.roles)}
    lanes_bottom = lanes_top + len(proc.roles) * lane_h
    height = lanes_bottom + TRACK * n_bottom + MARGIN

    lanes = []
    for role, y in lane_y.items():
        name = wrap(roles[role].name, (HEADER_W - 16) / FONT, 3)
        lanes.append(Lane(role, _centred_text(name, HEADER_W / 2, y + lane_h / 2), y, lane_h))

    boxes: dict[str, Box] = {}
    for name, shape, role, title in nodes:
        s = spec[name]
        y = lane_y[role] + (lane_h - s.h) / 2
        lines = wrap(title, s.text_w / s.font, s.max_lines)
        text = _centred_text(lines, left[name] + s.w / 2, y + s.h / 2, s.font, s.line)
        boxes[name] = Box(name, shape, role, left[name], y, s.w, s.h, text)

    # Forward edges between the same two columns get their own vertical in the gap.
    in_gap: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, ((source, target, _), kind) in enumerate(zip(raw, kinds)):
        if kind == "forward":
            in_gap[source, target].append(i)

    edges: list[Edge] = []
    for i, ((source, target, label), kind) in enumerate(zip(raw, kinds)):
        src, dst = boxes[source], boxes[target]
        out_side, in_side = _SIDES[kind]
        start, end = _port(src, out_side, offset[i, True]), _port(dst, in_side, offset[i, False])
        if kind == "forward":
            group = in_gap[source, target]
            gap_x = (src.right + dst.x) / 2 + (group.index(i) - (len(group) - 1) / 2) * 8
            bend = [] if math.isclose(start.y, end.y) else [Point(gap_x, start.y), Point(gap_x, end.y)]
        else:
            y = lanes_top - TRACK * (track[i] + 1) if kind == "back" else lanes_bottom + TRACK * (track[i] + 1)
            bend = [Point(start.x, y), Point(end.x, y)]
        text = _label(label, start, out_side, end.y < start.y, src) if label else None
        edges.append(Edge(source, target, kind, (start, *bend, end), label, text))

    return FlowLayout(width, height, HEADER_W, tuple(lanes), tuple(boxes.values()), tuple(edges))


def render_flow(proc: Procedure, roles: Mapping[str, Role]) -> Markup:
    """The procedure's flow chart as one inline ``<svg>`` element."""
    flow = layout(proc, roles)
    decisions = sum(step.kind == "decision" for step in proc.steps)
    desc = (
        f"泳道从上到下依次为：{'、'.join(roles[r].name for r in proc.roles)}；"
        f"共 {len(proc.steps)} 个步骤"
        + (f"，其中 {decisions} 个判断" if decisions else "")
        + "。各步骤的完整说明见步骤表。"
    )
    prefix = f"{proc.id}-flow"
    ids = {"title": f"{prefix}-title", "desc": f"{prefix}-desc", "arrow": f"{prefix}-arrow"}
    return render("flow.svg.j2", flow=flow, proc_id=proc.id, title=f"{proc.title}流程图", desc=desc, ids=ids)
