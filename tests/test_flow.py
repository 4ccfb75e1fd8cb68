"""Swimlane flow charts: vertical lanes, geometry that never draws an edge through a box, and safe SVG."""

from __future__ import annotations

import math
import re
import sys
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from macros.flow import (
    END_PREFIX,
    LABEL_EM,
    LABEL_FONT,
    MARGIN,
    START,
    TRACK,
    Box,
    FlowLayout,
    Text,
    layout,
    render_flow,
    text_width,
    wrap,
)
from macros.handbook import load_handbook
from macros.model import Procedure, Role
from macros.validate import end_steps, successors

SVG = "{http://www.w3.org/2000/svg}"
EPS = 0.01

ROLES = {
    rid: Role.model_validate({"id": rid, "name": name, "summary": "测试角色", "sources": ["000"]})
    for rid, name in [
        ("staff", "办公室工作人员"),
        ("director", "办公室主任"),
        ("leader", "机关领导"),
        ("department", "承办科室"),
        ("section", "科室负责人"),
        ("supervisor", "分管领导"),
    ]
}


def procedure(pid: str, steps: list[dict], roles: list[str], title: str = "测试程序") -> Procedure:
    return Procedure.model_validate(
        {
            "id": pid,
            "title": title,
            "purpose": "测试",
            "trigger": "测试",
            "roles": roles,
            "steps": steps,
            "sources": ["000#duties"],
            "owner": "director",
            "last_reviewed": "2024-01-01",
            "review_due": "2025-01-01",
        }
    )


def task(sid: str, role: str, title: str | None = None, **extra: object) -> dict:
    return {"id": sid, "title": title or f"办理{sid}", "role": role, "action": "办理", **extra}


def decision(sid: str, role: str, *exits: tuple[str, str], title: str = "是否合格？") -> dict:
    return {
        "id": sid,
        "title": title,
        "role": role,
        "kind": "decision",
        "exits": [{"label": label, "to": to} for label, to in exits],
    }


# A decision in the director's lane sends the draft back to the staff lane.
LOOP = procedure(
    "loop",
    [
        task("draft", "staff", "起草文稿"),
        decision("check", "director", ("合格", "sign"), ("退回修改", "draft")),
        task("sign", "leader", "签发"),
    ],
    ["staff", "director", "leader"],
)

# "不需要" skips two rows; "co" ends the procedure in the middle of the list.
SKIP = procedure(
    "skip",
    [
        task("register", "staff", "登记"),
        decision("need", "director", ("需要", "co"), ("不需要", "file"), title="需要会签吗？"),
        task("co", "leader", "会签", end=True),
        task("file", "staff", "归档"),
    ],
    ["staff", "director", "leader"],
)

# Several back-edges and skips at once, a self-loop, and a jump back from the last step.
TANGLE = procedure(
    "tangle",
    [
        task("a", "staff"),
        decision("b", "director", ("通过", "c"), ("退回", "a"), ("再议", "b"), ("转办", "e")),
        task("c", "leader", next="e"),
        decision("d", "staff", ("重做", "a"), ("完成", "f"), ("补充", "c")),
        task("e", "director", next="d"),
        task("f", "leader"),
    ],
    ["staff", "director", "leader"],
)

# Two exits to the same next step share the diamond's lower corner.
TWIN = procedure(
    "twin",
    [
        decision("ask", "leader", ("同意", "do"), ("原则同意", "do"), ("不同意", "ask")),
        task("do", "staff", "执行"),
    ],
    ["staff", "leader"],
)

# Side exits from the outermost lanes, whose labels need room beside the lanes,
# long labels, and a decision title that needs the tallest diamond.
OUTER = procedure(
    "outer",
    [
        task("a", "staff", "起草"),
        decision("b", "staff", ("未办结，继续催办", "a"), ("已办结", "c"), title="催办：按期办结了吗？"),
        decision(
            "c",
            "leader",
            ("不需要，直接归档", "e"),
            ("需要", "d"),
            title="属于突发性事件、重大情况或重要工作动态？",
        ),
        task("d", "director", "处理"),
        task("e", "staff", "归档"),
    ],
    ["staff", "director", "leader"],
)

SIX = ["staff", "director", "leader", "department", "section", "supervisor"]


def chain(pid: str, roles: list[str], n: int) -> Procedure:
    """``n`` steps going round the lanes in turn, with a check sending work back to the start."""
    steps = [task(f"s{i}", roles[i % len(roles)]) for i in range(n - 1)]
    steps.append(decision(f"s{n - 1}", roles[(n - 1) % len(roles)], ("通过", "s0"), ("退回重办", "s1")))
    steps[0]["title"] = "对照发文稿纸逐项核对文号密级紧急程度"
    return procedure(pid, steps, roles)


ALL = [LOOP, SKIP, TANGLE, TWIN, OUTER, chain("wide", SIX, 12)]


def rows_apart(a: Box, b: Box) -> bool:
    return a.bottom <= b.y or b.bottom <= a.y


def text_rect(t: Text) -> tuple[float, float, float, float]:
    """Generous estimate of the glyphs' extent: 0.9 em above the baseline, 0.2 em below."""
    w = max(text_width(line) for line in t.lines) * t.size
    left = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
    return left, t.ys[0] - 0.9 * t.size, left + w, t.ys[-1] + 0.2 * t.size


def rects_meet(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] - EPS and b[0] < a[2] - EPS and a[1] < b[3] - EPS and b[1] < a[3] - EPS


def distance(rect: tuple[float, float, float, float], a, b) -> float:
    """From a rectangle to the axis-parallel segment a-b."""
    dx = max(rect[0] - max(a.x, b.x), min(a.x, b.x) - rect[2], 0)
    dy = max(rect[1] - max(a.y, b.y), min(a.y, b.y) - rect[3], 0)
    return math.hypot(dx, dy)


def channels(flow: FlowLayout) -> tuple[set[float], set[float]]:
    """x of the vertical runs of back edges (left channel) and of skip edges (right channel)."""
    left = {e.points[1].x for e in flow.edges if e.kind == "back"}
    right = {e.points[1].x for e in flow.edges if e.kind == "skip"}
    return left, right


def on_boundary(box: Box, x: float, y: float) -> bool:
    dx, dy = x - box.cx, y - box.cy
    if box.shape == "task":
        inside_x = box.x - EPS <= x <= box.right + EPS
        inside_y = box.y - EPS <= y <= box.bottom + EPS
        return (inside_y and min(abs(x - box.x), abs(x - box.right)) < EPS) or (
            inside_x and min(abs(y - box.y), abs(y - box.bottom)) < EPS
        )
    if box.shape == "decision":
        return abs(abs(dx) / (box.w / 2) + abs(dy) / (box.h / 2) - 1) < EPS
    return abs(math.hypot(dx, dy) - box.w / 2) < EPS


def crosses_interior(box: Box, a, b, exact: bool) -> bool:
    """Does segment a-b enter the box? ``exact`` uses its shape, otherwise its bounding rectangle."""
    (ax, ay), (bx, by) = (a.x, a.y), (b.x, b.y)
    if not exact or box.shape == "task":
        # Liang–Barsky clip against the rectangle shrunk by EPS.
        t0, t1 = 0.0, 1.0
        for p, q in (
            (-(bx - ax), ax - (box.x + EPS)),
            (bx - ax, (box.right - EPS) - ax),
            (-(by - ay), ay - (box.y + EPS)),
            (by - ay, (box.bottom - EPS) - ay),
        ):
            if p == 0:
                if q < 0:
                    return False
            elif p < 0:
                t0 = max(t0, q / p)
            else:
                t1 = min(t1, q / p)
        return t0 < t1
    if box.shape == "decision":
        # |dx|/a + |dy|/b is convex and piecewise linear: its minimum on the segment
        # is at an end or where the segment crosses the box's centre lines.
        ts = [0.0, 1.0]
        if bx != ax:
            ts.append((box.cx - ax) / (bx - ax))
        if by != ay:
            ts.append((box.cy - ay) / (by - ay))
        return any(
            abs(ax + t * (bx - ax) - box.cx) / (box.w / 2) + abs(ay + t * (by - ay) - box.cy) / (box.h / 2)
            < 1 - EPS
            for t in ts
            if 0 <= t <= 1
        )
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    t = (
        0.0
        if length2 == 0
        else max(0.0, min(1.0, ((box.cx - ax) * (bx - ax) + (box.cy - ay) * (by - ay)) / length2))
    )
    return math.hypot(ax + t * (bx - ax) - box.cx, ay + t * (by - ay) - box.cy) < box.w / 2 - EPS


# --- geometry -----------------------------------------------------------------


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_one_box_per_step_and_markers(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    assert [b.step for b in flow.boxes if b.step] == [s.id for s in proc.steps]
    ends = end_steps(successors(proc))
    markers = {b.node: b.shape for b in flow.boxes if not b.step}
    assert markers == {START: "start", **{END_PREFIX + s: "end" for s in ends}}
    assert flow.box(START).role == proc.steps[0].role
    for s in ends:
        assert flow.box(END_PREFIX + s).role == flow.box(s).role


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_lanes_are_columns_in_role_order_and_boxes_sit_in_their_lane(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    assert [lane.role for lane in flow.lanes] == proc.roles
    for left, right in zip(flow.lanes, flow.lanes[1:]):
        assert left.x + left.width == pytest.approx(right.x)
    assert 0 < flow.lanes[0].x and flow.lanes[-1].x + flow.lanes[-1].width < flow.width
    for lane in flow.lanes:
        # The role's name sits in the header cell at the top of its lane.
        x0, y0, x1, y1 = text_rect(lane.name)
        assert lane.x < x0 and x1 < lane.x + lane.width and 0 < y0 and y1 < flow.header_height, lane.role
        assert "".join(lane.name.lines) == ROLES[lane.role].name
    for box in flow.boxes:
        lane = flow.lane(box.role)
        assert lane.x < box.x and box.right < lane.x + lane.width, box.node
        assert flow.header_height < box.y and box.bottom < flow.height, box.node
        if box.step:
            assert box.w > box.h, box.node  # text runs across, so steps are wider than tall
    for step in proc.steps:
        assert flow.box(step.id).role == step.role


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_steps_run_top_to_bottom_one_row_each(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    ys = [flow.box(s.id).y for s in proc.steps]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    # Every row holds exactly one box: no two boxes share any height, which is
    # what lets an edge run sideways out of a box without meeting another.
    for a, b in combinations(flow.boxes, 2):
        assert rows_apart(a, b), (a.node, b.node)
    order = sorted(flow.boxes, key=lambda b: b.y)
    assert order[0].node == START and order[1].node == proc.steps[0].id
    for s in end_steps(successors(proc)):
        i = order.index(flow.box(s))
        assert order[i + 1].node == END_PREFIX + s  # right below its step, in its lane


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_boxes_do_not_overlap(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    for a, b in combinations(flow.boxes, 2):
        apart = a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y
        assert apart, (a.node, b.node)


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_every_edge_is_drawn_once(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    expected = [(START, proc.steps[0].id, None)]
    for step_id, out in successors(proc).items():
        expected += [(step_id, target, label) for target, label in out]
        if not out:
            expected.append((step_id, END_PREFIX + step_id, None))
    drawn = [(e.source, e.target, e.label) for e in flow.edges]
    assert sorted(drawn, key=str) == sorted(expected, key=str)


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_text_fits_its_box(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    for box in flow.boxes:
        t = box.text
        assert t.lines and len(t.ys) == len(t.lines)
        tw = max(text_width(line) for line in t.lines) * t.size
        th = t.ys[-1] - t.ys[0] + 1.2 * t.size
        if box.shape == "decision":
            assert tw / box.w + th / box.h <= 1, box.node
        else:
            assert tw <= box.w - 8 and th <= box.h, box.node


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_edges_start_and_end_on_their_boxes(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    for edge in flow.edges:
        first, last = edge.points[0], edge.points[-1]
        assert on_boundary(flow.box(edge.source), first.x, first.y), (edge.source, edge.target, first)
        assert on_boundary(flow.box(edge.target), last.x, last.y), (edge.source, edge.target, last)


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_edges_are_orthogonal_and_miss_every_box(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    for edge in flow.edges:
        ends = {edge.source, edge.target}
        for a, b in zip(edge.points, edge.points[1:]):
            assert a.x == b.x or a.y == b.y, (edge.source, edge.target, a, b)
            for box in flow.boxes:
                # An edge may touch its own boxes' outlines but never enter any box.
                assert not crosses_interior(box, a, b, exact=box.node in ends), (
                    edge.source,
                    edge.target,
                    box.node,
                )


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_edges_use_their_sides_and_channels(proc: Procedure) -> None:
    """Down to the next row through the gap; back up on the left, skipping down on the right."""
    flow = layout(proc, ROLES)
    lanes_left, lanes_right = flow.lanes[0].x, flow.lanes[-1].x + flow.lanes[-1].width
    for edge in flow.edges:
        src, dst = flow.box(edge.source), flow.box(edge.target)
        first, last = edge.points[0], edge.points[-1]
        if edge.kind == "forward":
            assert [b.node for b in sorted(flow.boxes, key=lambda b: b.y) if src.y < b.y < dst.y] == []
            assert first.y > src.cy and last.y < dst.cy  # out of the bottom, into the top
            assert len(edge.points) in (2, 4)
            for p in edge.points[1:-1]:
                assert src.bottom < p.y < dst.y  # any bend lies in the gap between the rows
        else:
            assert len(edge.points) == 4
            a, b = edge.points[1], edge.points[2]
            assert a.y == first.y and b.y == last.y and a.x == b.x
            if edge.kind == "back":
                assert dst.y <= src.y and first.x < src.cx and last.x < dst.cx
                assert a.x < lanes_left - EPS
            else:
                assert dst.y > src.bottom and first.x > src.cx and last.x > dst.cx
                assert a.x > lanes_right + EPS
            assert 0 < a.x < flow.width


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_edges_do_not_share_endpoints(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    starts = [(e.points[0].x, e.points[0].y) for e in flow.edges]
    arrows = [(e.points[-1].x, e.points[-1].y) for e in flow.edges]
    assert len(set(starts + arrows)) == len(starts + arrows)


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_edges_never_run_along_each_other(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    runs = []
    for n, edge in enumerate(flow.edges):
        for a, b in zip(edge.points, edge.points[1:]):
            if a.y == b.y:
                runs.append((n, "h", a.y, min(a.x, b.x), max(a.x, b.x)))
            else:
                runs.append((n, "v", a.x, min(a.y, b.y), max(a.y, b.y)))
    for (n1, d1, c1, lo1, hi1), (n2, d2, c2, lo2, hi2) in combinations(runs, 2):
        if n1 != n2 and d1 == d2 and abs(c1 - c2) < EPS:
            assert min(hi1, hi2) - max(lo1, lo2) < EPS, (flow.edges[n1].target, flow.edges[n2].target)


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_exit_labels_sit_beside_their_first_segment_clear_of_boxes(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    for edge in flow.edges:
        assert (edge.text is None) == (edge.label is None)
        if edge.text is None:
            continue
        drawn = "".join(edge.text.lines)
        assert "".join(drawn.split()) == "".join(edge.label.split()) or drawn.endswith("…")
        rect = text_rect(edge.text)
        assert 0 < distance(rect, edge.points[0], edge.points[1]) <= 8, (edge.source, edge.target)
        assert (
            0 <= rect[0]
            and rect[2] <= flow.width
            and flow.header_height <= rect[1]
            and rect[3] <= flow.height
        )
        for box in flow.boxes:
            assert not rects_meet(rect, (box.x, box.y, box.right, box.bottom)), (
                edge.source,
                edge.target,
                box.node,
            )


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_width_grows_with_roles_not_steps(proc: Procedure) -> None:
    """Outside the lanes there are only the channel tracks, or the end of one short exit label."""
    flow = layout(proc, ROLES)
    left, right = channels(flow)
    lanes_left, lanes_right = flow.lanes[0].x, flow.lanes[-1].x + flow.lanes[-1].width
    label_room = LABEL_EM * LABEL_FONT + 8
    assert lanes_left <= MARGIN + max(TRACK * len(left), label_room)
    assert flow.width - lanes_right <= MARGIN + max(TRACK * len(right), label_room)
    assert all(lane.width <= 180 for lane in flow.lanes)


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    """Any shape the model allows: loops, self-loops, jumps, several ends, long texts, up to six lanes."""
    roles = draw(st.lists(st.sampled_from(sorted(ROLES)), min_size=1, max_size=6, unique=True))
    ids = [f"s{i}" for i in range(draw(st.integers(2, 10)))]
    words = st.text(alphabet="审核办理文稿是否合格，OK 1", min_size=1, max_size=30).filter(str.strip)
    steps = []
    for sid in ids:
        role = draw(st.sampled_from(roles))
        if draw(st.booleans()):
            exits = draw(st.lists(st.tuples(words, st.sampled_from(ids)), min_size=2, max_size=4))
            steps.append(decision(sid, role, *exits, title=draw(words)))
        else:
            extra = draw(st.sampled_from([{}, {"end": True}] + [{"next": t} for t in ids]))
            steps.append(task(sid, role, draw(words), **extra))
    return procedure("any", steps, roles)


RULES = [
    test_one_box_per_step_and_markers,
    test_lanes_are_columns_in_role_order_and_boxes_sit_in_their_lane,
    test_steps_run_top_to_bottom_one_row_each,
    test_boxes_do_not_overlap,
    test_text_fits_its_box,
    test_every_edge_is_drawn_once,
    test_edges_start_and_end_on_their_boxes,
    test_edges_are_orthogonal_and_miss_every_box,
    test_edges_use_their_sides_and_channels,
    test_edges_do_not_share_endpoints,
    test_edges_never_run_along_each_other,
    test_exit_labels_sit_beside_their_first_segment_clear_of_boxes,
    test_width_grows_with_roles_not_steps,
]


@settings(max_examples=200, deadline=None)
@given(procedures())
def test_any_procedure_keeps_the_layout_rules(proc: Procedure) -> None:
    for rule in RULES:
        rule(proc)
    ET.fromstring(render_flow(proc, ROLES))


def test_back_edge_goes_round_through_the_channel_on_the_left() -> None:
    flow = layout(LOOP, ROLES)
    back = next(e for e in flow.edges if e.target == "draft" and e.source == "check")
    assert back.kind == "back"
    assert min(p.x for p in back.points) < flow.lanes[0].x
    assert back.points[-1].y < back.points[0].y
    assert back.label == "退回修改" and back.text is not None and "".join(back.text.lines) == "退回修改"


def test_skip_edge_goes_round_through_the_channel_on_the_right() -> None:
    flow = layout(SKIP, ROLES)
    skip = next(e for e in flow.edges if e.source == "need" and e.target == "file")
    assert skip.kind == "skip"
    assert max(p.x for p in skip.points) > flow.lanes[-1].x + flow.lanes[-1].width
    assert skip.points[-1].y > flow.box(END_PREFIX + "co").bottom


def test_parallel_channel_edges_use_separate_tracks() -> None:
    flow = layout(TANGLE, ROLES)
    for kind in ("back", "skip"):
        runs = [(e.points[1].x, sorted((e.points[1].y, e.points[2].y))) for e in flow.edges if e.kind == kind]
        assert len(runs) >= 2
        for (x1, (a1, b1)), (x2, (a2, b2)) in combinations(runs, 2):
            assert x1 != x2 or b1 < a2 or b2 < a1


def test_every_exit_label_is_drawn_in_full_when_it_is_short() -> None:
    flow = layout(TANGLE, ROLES)
    labelled = [e for e in flow.edges if e.text]
    assert len(labelled) == 7
    assert all("".join(e.text.lines) == e.label for e in labelled)


def test_labels_of_the_outer_lanes_get_room_beside_the_lanes() -> None:
    flow = layout(OUTER, ROLES)
    back = next(e for e in flow.edges if e.source == "b" and e.target == "a")
    skip = next(e for e in flow.edges if e.source == "c" and e.target == "e")
    assert (back.kind, skip.kind) == ("back", "skip")
    assert text_rect(back.text)[2] <= flow.lanes[0].x  # wholly left of the lanes
    assert text_rect(skip.text)[0] >= flow.lanes[-1].x + flow.lanes[-1].width
    # The long decision title gets a taller diamond instead of being cut short.
    c = flow.box("c")
    assert "".join(c.text.lines) == "属于突发性事件、重大情况或重要工作动态？" and c.h > flow.box("b").h


def test_six_roles_stay_narrow_however_many_steps() -> None:
    short, long = layout(chain("short", SIX, 6), ROLES), layout(chain("long", SIX, 40), ROLES)
    assert short.width == long.width <= 1100
    assert long.height > 3 * short.height
    four = layout(chain("four", SIX[:4], 12), ROLES)
    assert four.width <= 760


# --- the real handbook ----------------------------------------------------------


@pytest.fixture(scope="module")
def handbook():
    return load_handbook(ROOT / "data")


# A4 portrait leaves about 680 × 888 CSS px (235 mm, the print height limit in
# flow.css) for a chart; 1 CSS px = 0.75 pt.
PAGE_W, PAGE_H = 680, 888


def test_real_flows_keep_the_layout_rules(handbook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROLES", {**ROLES, **handbook.roles})
    for proc in handbook.procedures.values():
        for rule in RULES:
            rule(proc)


def test_real_flows_fit_a_page_and_keep_their_text_legible(handbook) -> None:
    assert len(handbook.procedures) >= 14
    for pid, proc in handbook.procedures.items():
        flow = layout(proc, handbook.roles)
        left, right = channels(flow)
        assert flow.width <= 180 * len(proc.roles) + TRACK * (len(left) + len(right)) + 2 * MARGIN, pid
        if len(proc.roles) <= 4:
            assert flow.width <= 760, pid
        scale = min(1, PAGE_W / flow.width, PAGE_H / flow.height)
        assert 14 * scale * 0.75 >= 8, (pid, flow.width, flow.height)  # step text in pt, printed
        for box in flow.boxes:
            assert not box.text.lines[-1].endswith("…"), (pid, box.node)  # no title cut short


# --- text ---------------------------------------------------------------------


def test_width_estimate() -> None:
    assert text_width("公文") == 2
    assert text_width("，") == 1
    assert text_width("OA") == pytest.approx(1.1)


def test_long_chinese_title_wraps_within_the_box() -> None:
    title = "对照发文稿纸逐项核对文号密级紧急程度主送抄送单位以及附件名称"
    proc = procedure("wrap", [task("long", "staff", title), task("next", "director")], ["staff", "director"])
    flow = layout(proc, ROLES)
    box = flow.box("long")
    lines = box.text.lines
    assert len(lines) >= 2
    for line in lines:
        assert text_width(line) * box.text.size <= box.w - 8
    assert "".join(lines).rstrip("…") in title
    svg = ET.fromstring(render_flow(proc, ROLES))
    group = next(g for g in svg.iter(SVG + "g") if g.get("data-step") == "long")
    tspans = [t.text for t in group.iter(SVG + "tspan")]
    assert tspans == list(lines)


def test_titles_wrap_into_even_lines() -> None:
    proc = procedure(
        "even", [task("a", "staff", "先行调研、提供依据"), task("b", "staff", "到交班时间了吗")], ["staff"]
    )
    flow = layout(proc, ROLES)
    assert flow.box("a").text.lines == ("先行调研、", "提供依据")
    assert flow.box("b").text.lines == ("到交班时间了吗",)
    ask = decision("q", "staff", ("是", "q"), ("否", "z"), title="到交班时间了吗？")
    question = procedure("q", [ask, task("z", "staff")], ["staff"])
    assert layout(question, ROLES).box("q").text.lines == ("到交班时", "间了吗？")


def test_diamonds_grow_for_long_titles_and_stay_wider_than_tall() -> None:
    titles = [
        "可以结案？",
        "办公室核稿：格式和内容合格？",
        "初审：应由本单位办理且合乎规范？",
        "属于突发性事件、重大情况或重要工作动态？",
    ]
    steps = [decision(f"d{i}", "staff", ("是", f"d{i}"), ("否", "z"), title=t) for i, t in enumerate(titles)]
    flow = layout(procedure("d", [*steps, task("z", "staff")], ["staff"]), ROLES)
    heights = [flow.box(f"d{i}").h for i in range(len(titles))]
    assert heights == sorted(heights) and heights[0] < heights[-1]
    for i, title in enumerate(titles):
        box = flow.box(f"d{i}")
        assert "".join(box.text.lines) == title and box.w > box.h
    ask = decision("t", "staff", ("是", "t"), ("否", "z"), title="审核" * 30)
    too_long = procedure("t", [ask, task("z", "staff")], ["staff"])
    box = layout(too_long, ROLES).box("t")
    assert box.h == heights[-1] and box.text.lines[-1].endswith("…")


def test_wrap_cuts_with_an_ellipsis_and_keeps_punctuation_off_line_starts() -> None:
    lines = wrap("一二三四五六，七八九十" * 3, 6, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(text_width(line) <= 6 for line in lines)
    assert not any(line.startswith("，") for line in lines)
    assert wrap("审核 OA system 记录", 4, 5) == ("审核 OA", "system", "记录")
    assert wrap("短", 6, 3) == ("短",)


# --- SVG ----------------------------------------------------------------------


def test_svg_is_accessible_xml_with_data_attributes() -> None:
    text = render_flow(LOOP, ROLES)
    svg = ET.fromstring(text)
    assert svg.tag == SVG + "svg"
    assert svg.get("role") == "img"
    title, desc = svg.find(SVG + "title"), svg.find(SVG + "desc")
    assert title.text == "测试程序流程图"
    assert "从左到右依次为：办公室工作人员、办公室主任、机关领导" in desc.text and "3 个步骤" in desc.text
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    # Drawn size in the attributes, the same as the viewBox, so CSS can shrink the
    # chart to the column or page and keep its proportions.
    flow = layout(LOOP, ROLES)
    assert svg.get("viewBox").split() == ["0", "0", svg.get("width"), svg.get("height")]
    assert float(svg.get("width")) == pytest.approx(flow.width, abs=0.05)
    assert float(svg.get("height")) == pytest.approx(flow.height, abs=0.05)
    assert svg.get("preserveAspectRatio", "").endswith("meet")

    ids = [el.get("id") for el in svg.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("loop-") for i in ids)
    for ref in re.findall(r"url\(([^)]*)\)", text):
        assert ref.startswith("#") and ref[1:] in ids

    groups = list(svg.iter(SVG + "g"))
    assert [g.get("data-lane") for g in groups if g.get("data-lane")] == LOOP.roles
    steps = {g.get("data-step"): g.get("data-role") for g in groups if g.get("data-step")}
    assert steps == {s.id: s.role for s in LOOP.steps}
    edges = {(g.get("data-from"), g.get("data-to")) for g in groups if g.get("data-from")}
    assert (
        ("check", "draft") in edges and (START, "draft") in edges and ("sign", END_PREFIX + "sign") in edges
    )
    assert all(g.find(SVG + "polyline") is not None for g in groups if g.get("data-from"))


def test_svg_has_no_script_or_external_reference() -> None:
    text = render_flow(TANGLE, ROLES)
    svg = ET.fromstring(text)
    assert not [el for el in svg.iter() if el.tag.split("}")[-1] in ("script", "foreignObject", "image", "a")]
    for el in svg.iter():
        assert not any(name.startswith("on") or name.endswith("href") for name in el.attrib)
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_markup_in_titles_and_labels_stays_text() -> None:
    nasty = "<script>alert(1)</script>{{ 7*7 }}"
    proc = procedure(
        "nasty",
        [task("x", "staff", nasty), decision("y", "director", (nasty, "x"), ("好", "z")), task("z", "staff")],
        ["staff", "director"],
        title=nasty,
    )
    text = render_flow(proc, ROLES)
    assert "<script" not in text and "&lt;script&gt;" in text
    svg = ET.fromstring(text)
    assert not [el for el in svg.iter() if el.tag.split("}")[-1] == "script"]
    assert svg.find(SVG + "title").text == nasty + "流程图"
    assert len(svg.findall(f".//{SVG}title")) == 1
    group = next(g for g in svg.iter(SVG + "g") if g.get("data-step") == "x")
    drawn = "".join(t.text for t in group.iter(SVG + "tspan"))
    assert drawn.startswith("<script>") and "{{" in drawn
    label = next(g for g in svg.iter(SVG + "g") if g.get("data-from") == "y" and g.get("data-to") == "x")
    assert "".join(t.text for t in label.iter(SVG + "tspan")).startswith("<scr")


def test_two_flows_on_one_page_have_distinct_ids() -> None:
    ids = [
        el.get("id")
        for proc in (LOOP, SKIP)
        for el in ET.fromstring(render_flow(proc, ROLES)).iter()
        if el.get("id")
    ]
    assert len(ids) == len(set(ids))


# --- stylesheet ---------------------------------------------------------------


def test_stylesheet_fits_the_chart_to_the_column_and_the_printed_page() -> None:
    css = (ROOT / "docs" / "stylesheets" / "flow.css").read_text(encoding="utf-8")
    screen, _, printed = css.partition("@media print")
    chart = "".join(re.findall(r"\n\.hb-flow-chart \{([^}]*)\}", screen))
    assert "max-width: 100%" in chart and "height: auto" in chart
    assert "overflow" not in screen and "min-width" not in screen  # no scrolling any more
    assert "break-inside: avoid" in printed and re.search(r"max-height: \d+(\.\d+)?(cm|mm)", printed)
    for scheme in ("--md-default-fg-color", "--md-default-bg-color"):
        assert scheme in screen  # colours follow the light and dark palettes
