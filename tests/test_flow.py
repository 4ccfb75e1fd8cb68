"""Swimlane flow charts: geometry that never draws an edge through a box, and safe SVG."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from macros.flow import END_PREFIX, START, Box, FlowLayout, layout, render_flow, text_width, wrap
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
    return {"id": sid, "title": title, "role": role, "kind": "decision", "exits": [{"label": l, "to": t} for l, t in exits]}


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

# "不需要" skips two columns; "co" ends the procedure in the middle of the list.
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

# Two exits to the same next step share the diamond's right-hand side.
TWIN = procedure(
    "twin",
    [
        decision("ask", "leader", ("同意", "do"), ("原则同意", "do"), ("不同意", "ask")),
        task("do", "staff", "执行"),
    ],
    ["staff", "leader"],
)

ALL = [LOOP, SKIP, TANGLE, TWIN]


def lane_of(flow: FlowLayout, role: str):
    return next(lane for lane in flow.lanes if lane.role == role)


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
            abs(ax + t * (bx - ax) - box.cx) / (box.w / 2) + abs(ay + t * (by - ay) - box.cy) / (box.h / 2) < 1 - EPS
            for t in ts
            if 0 <= t <= 1
        )
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((box.cx - ax) * (bx - ax) + (box.cy - ay) * (by - ay)) / length2))
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
def test_lanes_follow_roles_and_boxes_sit_in_their_lane(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    assert [lane.role for lane in flow.lanes] == proc.roles
    assert [lane.y for lane in flow.lanes] == sorted(lane.y for lane in flow.lanes)
    for upper, lower in zip(flow.lanes, flow.lanes[1:]):
        assert upper.y + upper.height <= lower.y + EPS
    for box in flow.boxes:
        lane = lane_of(flow, box.role)
        assert lane.y <= box.y and box.bottom <= lane.y + lane.height, box.node
        assert flow.header_width < box.x and box.right < flow.width, box.node
    for step in proc.steps:
        assert flow.box(step.id).role == step.role


@pytest.mark.parametrize("proc", ALL, ids=lambda p: p.id)
def test_steps_run_left_to_right(proc: Procedure) -> None:
    flow = layout(proc, ROLES)
    xs = [flow.box(s.id).x for s in proc.steps]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert flow.box(START).right < xs[0]


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
                assert not crosses_interior(box, a, b, exact=box.node in ends), (edge.source, edge.target, box.node)


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


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    """Any shape the model allows: loops, self-loops, jumps, several ends, long texts."""
    roles = draw(st.lists(st.sampled_from(sorted(ROLES)), min_size=1, max_size=3, unique=True))
    ids = [f"s{i}" for i in range(draw(st.integers(2, 8)))]
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


@settings(max_examples=150, deadline=None)
@given(procedures())
def test_any_procedure_keeps_the_layout_rules(proc: Procedure) -> None:
    test_one_box_per_step_and_markers(proc)
    test_lanes_follow_roles_and_boxes_sit_in_their_lane(proc)
    test_boxes_do_not_overlap(proc)
    test_text_fits_its_box(proc)
    test_every_edge_is_drawn_once(proc)
    test_edges_start_and_end_on_their_boxes(proc)
    test_edges_are_orthogonal_and_miss_every_box(proc)
    test_edges_do_not_share_endpoints(proc)
    test_edges_never_run_along_each_other(proc)
    ET.fromstring(render_flow(proc, ROLES))


def test_back_edge_goes_round_through_the_channel_above() -> None:
    flow = layout(LOOP, ROLES)
    back = next(e for e in flow.edges if e.target == "draft" and e.source == "check")
    assert back.kind == "back"
    top = min(lane.y for lane in flow.lanes)
    assert min(p.y for p in back.points) < top
    assert back.label == "退回修改" and back.text is not None and "".join(back.text.lines) == "退回修改"


def test_skip_edge_goes_round_through_the_channel_below() -> None:
    flow = layout(SKIP, ROLES)
    skip = next(e for e in flow.edges if e.source == "need" and e.target == "file")
    assert skip.kind == "skip"
    bottom = max(lane.y + lane.height for lane in flow.lanes)
    assert max(p.y for p in skip.points) > bottom


def test_parallel_channel_edges_use_separate_tracks() -> None:
    flow = layout(TANGLE, ROLES)
    for kind in ("back", "skip"):
        runs = [
            (e.points[1].y, sorted((e.points[1].x, e.points[2].x)))
            for e in flow.edges
            if e.kind == kind
        ]
        assert len(runs) >= 2
        for (y1, (a1, b1)), (y2, (a2, b2)) in combinations(runs, 2):
            assert y1 != y2 or b1 < a2 or b2 < a1


def test_exit_labels_sit_near_the_start_of_their_edge() -> None:
    flow = layout(TANGLE, ROLES)
    labelled = [e for e in flow.edges if e.text]
    assert len(labelled) == 7
    for edge in labelled:
        start = edge.points[0]
        assert abs(edge.text.x - start.x) <= 40
        assert all(abs(y - start.y) <= 40 for y in edge.text.ys)


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
    assert "办公室工作人员、办公室主任、机关领导" in desc.text and "3 个步骤" in desc.text
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert svg.get("viewBox").startswith("0 0 ") and svg.get("width") == "100%"
    assert svg.get("tabindex") == "0"  # so keyboard users can scroll a wide chart

    ids = [el.get("id") for el in svg.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("loop-") for i in ids)
    for ref in re.findall(r"url\(([^)]*)\)", text):
        assert ref.startswith("#") and ref[1:] in ids

    groups = list(svg.iter(SVG + "g"))
    assert [g.get("data-lane") for g in groups if g.get("data-lane")] == LOOP.roles
    steps = {g.get("data-step"): g.get("data-role") for g in groups if g.get("data-step")}
    assert steps == {s.id: s.role for s in LOOP.steps}
    edges = {(g.get("data-from"), g.get("data-to")) for g in groups if g.get("data-from")}
    assert ("check", "draft") in edges and (START, "draft") in edges and ("sign", END_PREFIX + "sign") in edges
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
        el.get("id") for proc in (LOOP, SKIP) for el in ET.fromstring(render_flow(proc, ROLES)).iter() if el.get("id")
    ]
    assert len(ids) == len(set(ids))
