"""Swimlane flow charts for procedures, drawn at build time as inline SVG.

The layout is deliberately plain so that it works for any valid procedure: one
vertical lane per role (in the procedure's ``roles`` order, left to right, each
headed by the role's name), one row per step in list order from top to bottom,
a start marker above the first step and an end marker right below each end
step. Because every row holds exactly one box, a horizontal line through a box
meets no other box and the gaps between rows meet none at all. Edges use only
those lines plus vertical tracks in a channel left of the lanes (edges going
back up) or right of them (edges skipping rows), so no edge can cross a box.

The chart grows in height with the steps but in width only with the roles (and
the channel tracks), so it fits a page column and an A4 page.

Python computes geometry only; ``templates/flow.svg.j2`` writes every element.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

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
LANE_W = 160.0  # width of one role's lane; the whole chart is about this times the roles
HEADER_PAD = 9.0  # above and below the role names in the header row
LEAD = 12.0  # between the header row and the start marker, and below the last row
GAP = 28.0  # least room between rows; edges to the next row bend here
JOG = 6.0  # distance between parallel bends of edges joining the same two rows
TRACK = 14.0  # distance between parallel edges in the channels
MARGIN = 8.0  # around the whole drawing
ELLIPSIS = "…"
# Least and most width of an exit label's lines, in label em: a label takes the
# room beside its edge, so most fit on one line and never reach past the lanes
# by more than LABEL_EM.
LABEL_EM, LABEL_MAX_EM = 5.0, 12.0
LABEL_LINES = 3
# Glyph extent around a baseline, in em, for keeping text clear of boxes and edges.
ASCENT, DESCENT = 0.9, 0.2


@dataclass(frozen=True)
class _Spec:
    """Fixed size of one kind of box and the room its text may take."""

    w: float
    h: float
    text_w: float
    max_lines: int
    font: float
    line: float


def _text_height(lines: int, line: float = LINE, font: float = FONT) -> float:
    return (lines - 1) * line + 1.2 * font


def _diamond(h: float, lines: int) -> _Spec:
    """A decision diamond of height ``h`` whose text of ``lines`` lines fits.

    A text block tw × th fits inside a diamond w × h when tw/w + th/h <= 1, so the
    text may be as wide as w · (1 - th/h).
    """
    text_w = math.floor(DECISION_W * (1 - _text_height(lines) / h))
    return _Spec(DECISION_W, h, text_w, lines, FONT, LINE)


# Boxes are wider than tall because their text runs horizontally.
SPECS: dict[str, _Spec] = {
    "task": _Spec(132, 56, 116, 3, FONT, LINE),  # 8 Chinese characters a line
    "start": _Spec(36, 36, 28, 1, LABEL_FONT, LABEL_LINE),
    "end": _Spec(36, 36, 28, 1, LABEL_FONT, LABEL_LINE),
}
DECISION_W = 152.0
# A decision takes the first of these diamonds its title fits into without being
# cut short (2 × 6, 2 × 7, 3 × 5, 3 × 6 and 4 × 5 Chinese characters), else the
# last one with the title cut. Most titles need the first, 80 px high.
DECISION_SPECS: tuple[_Spec, ...] = tuple(
    _diamond(h, n) for h, n in ((80, 2), (100, 2), (100, 3), (120, 3), (136, 4))
)
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

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Estimated (left, top, right, bottom) of the drawn glyphs."""
        w = max(text_width(line) for line in self.lines) * self.size
        left = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return left, self.ys[0] - ASCENT * self.size, left + w, self.ys[-1] + DESCENT * self.size


@dataclass(frozen=True)
class Lane:
    """One role's column; it runs the full height of the chart, its name in the header row."""

    role: str
    name: Text
    x: float
    width: float


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
    header_height: float
    lanes: tuple[Lane, ...]
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    def box(self, node: str) -> Box:
        return next(b for b in self.boxes if b.node == node)

    def lane(self, role: str) -> Lane:
        return next(lane for lane in self.lanes if lane.role == role)


def _centred_text(
    lines: tuple[str, ...], cx: float, cy: float, size: float = FONT, line: float = LINE
) -> Text:
    # 0.35 em below the middle puts the visual centre of CJK glyphs on cy.
    ys = tuple(cy + (i - (len(lines) - 1) / 2) * line + 0.35 * size for i in range(len(lines)))
    return Text(lines, cx, ys, "middle", size)


def _balanced(text: str, width: float, max_lines: int) -> tuple[str, ...]:
    """``wrap``, but with lines of even length: the narrowest width giving as few lines."""
    lines = wrap(text, width, max_lines)
    if lines[-1].endswith(ELLIPSIS) and not text.endswith(ELLIPSIS):
        return lines
    while width > 1:
        narrower = wrap(text, width - 0.5, max_lines + 1)
        if len(narrower) > len(lines):
            break
        lines, width = narrower, width - 0.5
    return lines


def _box_spec(shape: Shape, title: str) -> tuple[_Spec, tuple[str, ...]]:
    """The size of a box and its title as wrapped to fit it."""
    if shape != "decision":
        s = SPECS[shape]
        return s, _balanced(title, s.text_w / s.font, s.max_lines)
    for s in DECISION_SPECS:
        if len(wrap(title, s.text_w / s.font, s.max_lines + 1)) <= s.max_lines:
            return s, _balanced(title, s.text_w / s.font, s.max_lines)
    return s, wrap(title, s.text_w / s.font, s.max_lines)


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
        for k, track in enumerate(taken):  # noqa: B007 (k is used after the loop)
            if all(hi + 4 < a or b + 4 < lo for a, b in track):
                break
        else:
            k = len(taken)
            taken.append([])
        taken[k].append((lo, hi))
        result[key] = k
    return result


def _label(text: str, start: Point, side: Side, on_right: bool, source: Box, room: float) -> Text:
    """An exit label beside the first segment of its edge, on the side away from any bend.

    Labels start past the source's bounding box, clear of a diamond's slopes. An
    edge down to the next row has its label beside the line below the box; an
    edge out of a side has it beside the line outside the box: below it when the
    edge then turns up (back), above it when the edge turns down (skip). Lines
    are as wide as ``room`` allows, within LABEL_EM to LABEL_MAX_EM.
    """
    lines = _balanced(text, min(LABEL_MAX_EM, max(LABEL_EM, room / LABEL_FONT)), LABEL_LINES)
    below = source.bottom + 4 + ASCENT * LABEL_FONT
    above = start.y - 4 - DESCENT * LABEL_FONT - (len(lines) - 1) * LABEL_LINE
    x, anchor, first = {
        "bottom": (start.x + 4, "start", below) if on_right else (start.x - 4, "end", below),
        "left": (source.x - 4, "end", start.y + 4 + ASCENT * LABEL_FONT),
        "right": (source.right + 4, "start", above),
    }[side]
    return Text(lines, x, tuple(first + i * LABEL_LINE for i in range(len(lines))), anchor, LABEL_FONT)


_SIDES: dict[EdgeKind, tuple[Side, Side]] = {
    "forward": ("bottom", "top"),
    "skip": ("right", "right"),
    "back": ("left", "left"),
}


def layout(proc: Procedure, roles: Mapping[str, Role]) -> FlowLayout:
    """Geometry of ``proc``'s flow chart; ``proc`` must already have passed validation."""
    out_edges = successors(proc)
    ends = end_steps(out_edges)

    # Nodes in row order: (name, shape, role, title).
    nodes: list[tuple[str, Shape, str, str]] = [(START, "start", proc.steps[0].role, MARKER_TEXT["start"])]
    raw: list[tuple[str, str, str | None]] = [(START, proc.steps[0].id, None)]
    for step in proc.steps:
        nodes.append((step.id, step.kind, step.role, step.title))
        raw += [(step.id, target, label) for target, label in out_edges[step.id]]
        if step.id in ends:
            nodes.append((END_PREFIX + step.id, "end", step.role, MARKER_TEXT["end"]))
            raw.append((step.id, END_PREFIX + step.id, None))
    row = {name: i for i, (name, *_) in enumerate(nodes)}
    lane_index = {role: i for i, role in enumerate(proc.roles)}
    lanes_w = len(proc.roles) * LANE_W

    sized = {name: _box_spec(shape, title) for name, shape, _, title in nodes}
    spec = {name: s for name, (s, _) in sized.items()}

    kinds: list[EdgeKind] = []
    for source, target, _ in raw:
        step = row[target] - row[source]
        kinds.append("forward" if step == 1 else "skip" if step > 1 else "back")

    # Spread the edges meeting one side of a box so none share a point; order them
    # by where their other end lies, which keeps the channel tracks from crossing.
    sharing: dict[tuple[str, Side], list[tuple[int, int, int, bool]]] = defaultdict(list)
    for i, ((source, target, _), kind) in enumerate(zip(raw, kinds)):
        out_side, in_side = _SIDES[kind]
        sharing[source, out_side].append((-row[target], 1, i, True))
        sharing[target, in_side].append((-row[source], 0, i, False))
    # Spreading over 40% of each side keeps a diamond's bottom and side ports apart.
    offset: dict[tuple[int, bool], float] = {}
    for (name, side), uses in sharing.items():
        along = spec[name].w if side in ("top", "bottom") else spec[name].h
        for (_, _, i, is_out), off in zip(sorted(uses), _spread(len(uses), 0.4 * along)):
            offset[i, is_out] = off

    # Forward edges between the same two rows get their own bend in the gap.
    in_gap: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, ((source, target, _), kind) in enumerate(zip(raw, kinds)):
        if kind == "forward":
            in_gap[source, target].append(i)

    def place(name: str, x0: float, y: float) -> Box:
        """The box of node ``name`` with the lanes starting at ``x0`` and its top at ``y``."""
        _, shape, role, _ = nodes[row[name]]
        s, lines = sized[name]
        x = x0 + lane_index[role] * LANE_W + (LANE_W - s.w) / 2
        return Box(
            name, shape, role, x, y, s.w, s.h, _centred_text(lines, x + s.w / 2, y + s.h / 2, s.font, s.line)
        )

    def labels(boxes: Mapping[str, Box], x0: float) -> dict[int, Text]:
        """Exit labels with the lanes starting at ``x0``; they may use the room up to
        the edge of the lanes beside a side exit, or of the source's lane below it."""
        result = {}
        for i, ((source, target, label), kind) in enumerate(zip(raw, kinds)):
            if label:
                src, dst = boxes[source], boxes[target]
                side = _SIDES[kind][0]
                start = _port(src, side, offset[i, True])
                on_right = _port(dst, _SIDES[kind][1], offset[i, False]).x <= start.x + 0.5
                lane_x = x0 + lane_index[src.role] * LANE_W
                room = {
                    "left": src.x - 4 - x0,
                    "right": x0 + lanes_w - src.right - 4,
                    "bottom": lane_x + LANE_W - start.x - 4 if on_right else start.x - 4 - lane_x,
                }[side]
                result[i] = _label(label, start, side, on_right, src, room)
        return result

    # Labels move with their box, so measure them once on boxes placed with the
    # lanes starting at x = 0 and every box's top at y = 0.
    probe = {name: place(name, 0, 0) for name in row}
    measured = labels(probe, 0)

    # Vertical geometry first: rows from top to bottom, each gap tall enough for
    # the labels hanging into it.
    header_lines = {role: wrap(roles[role].name, (LANE_W - 12) / FONT, 2) for role in proc.roles}
    header_h = 2 * HEADER_PAD + _text_height(max(map(len, header_lines.values())))
    above = {name: 0.0 for name in row}
    below = {name: 0.0 for name in row}
    for i, text in measured.items():
        box = probe[raw[i][0]]
        _, top, _, bottom = text.bounds
        above[box.node] = max(above[box.node], box.y - top)
        below[box.node] = max(below[box.node], bottom - box.bottom)
    top_of: dict[str, float] = {}
    y = header_h + max(LEAD, above[nodes[0][0]] + 4)
    for k, (name, *_) in enumerate(nodes):
        if k:
            y += max(GAP, below[nodes[k - 1][0]] + above[name] + 6)
        top_of[name] = y
        y += spec[name].h
    height = y + max(LEAD, below[nodes[-1][0]] + 4) + MARGIN

    def centre_y(i: int, is_out: bool) -> float:
        name = raw[i][0 if is_out else 1]
        return top_of[name] + spec[name].h / 2 + offset[i, is_out]

    channel: dict[EdgeKind, dict[int, tuple[float, float]]] = {"back": {}, "skip": {}}
    for i, kind in enumerate(kinds):
        if kind != "forward":
            a, b = centre_y(i, True), centre_y(i, False)
            channel[kind][i] = (min(a, b), max(a, b))
    track = {**_tracks(channel["back"]), **_tracks(channel["skip"])}
    n_left = 1 + max((track[i] for i in channel["back"]), default=-1)
    n_right = 1 + max((track[i] for i in channel["skip"]), default=-1)

    # Horizontal geometry: the channels outside the lanes must hold the tracks and
    # any label reaching past the lanes.
    reach_left = max([0.0] + [-t.bounds[0] for t in measured.values()])
    reach_right = max([0.0] + [t.bounds[2] - lanes_w for t in measured.values()])
    lanes_left = MARGIN + max(TRACK * n_left, math.ceil(reach_left + 2))
    lanes_right = lanes_left + lanes_w
    width = lanes_right + max(TRACK * n_right, math.ceil(reach_right + 2)) + MARGIN

    lanes = []
    for role in proc.roles:
        x = lanes_left + lane_index[role] * LANE_W
        lanes.append(Lane(role, _centred_text(header_lines[role], x + LANE_W / 2, header_h / 2), x, LANE_W))

    boxes = {name: place(name, lanes_left, top_of[name]) for name in row}
    texts = labels(boxes, lanes_left)
    edges: list[Edge] = []
    for i, ((source, target, label), kind) in enumerate(zip(raw, kinds)):
        src, dst = boxes[source], boxes[target]
        out_side, in_side = _SIDES[kind]
        start, end = _port(src, out_side, offset[i, True]), _port(dst, in_side, offset[i, False])
        if kind == "forward":
            # Parallel bends are ordered so that they do not cross each other's lines.
            group = in_gap[source, target]
            rank = group.index(i) if end.x < start.x else len(group) - 1 - group.index(i)
            gap_y = (src.bottom + dst.y) / 2 + (rank - (len(group) - 1) / 2) * JOG
            bend = [] if math.isclose(start.x, end.x) else [Point(start.x, gap_y), Point(end.x, gap_y)]
        else:
            x = (
                lanes_left - TRACK * (track[i] + 1)
                if kind == "back"
                else lanes_right + TRACK * (track[i] + 1)
            )
            bend = [Point(x, start.y), Point(x, end.y)]
        edges.append(Edge(source, target, kind, (start, *bend, end), label, texts.get(i)))

    return FlowLayout(width, height, header_h, tuple(lanes), tuple(boxes.values()), tuple(edges))


def render_flow(proc: Procedure, roles: Mapping[str, Role]) -> Markup:
    """The procedure's flow chart as one inline ``<svg>`` element."""
    flow = layout(proc, roles)
    decisions = sum(step.kind == "decision" for step in proc.steps)
    desc = (
        f"泳道从左到右依次为：{'、'.join(roles[r].name for r in proc.roles)}；"
        f"共 {len(proc.steps)} 个步骤，从上到下进行"
        + (f"，其中 {decisions} 个判断" if decisions else "")
        + "。各步骤的完整说明见步骤表。"
    )
    prefix = f"{proc.id}-flow"
    ids = {"title": f"{prefix}-title", "desc": f"{prefix}-desc", "arrow": f"{prefix}-arrow"}
    return render("flow.svg.j2", flow=flow, proc_id=proc.id, title=f"{proc.title}流程图", desc=desc, ids=ids)
