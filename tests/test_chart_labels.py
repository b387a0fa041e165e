"""No two pieces of text overlap in any chart: the bounding boxes of every visible text.

Every chart the suite draws (the pure chart functions and the apps' charts, at the sizes they
are shown at) is drawn with Agg and the window extent of each visible, non-empty text (titles,
labels, tick labels, legend entries, annotations, panels) is compared with every other. Two
boxes that share more than one pixel in both directions are an overlap. Also checks the
wording that goes with the wait: an AVOID plan has no wait block and says there is no ice plan,
a zero wait is worded as such, and the soreness points are counted as time points.
"""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from aftercare import Patient, compare_alternatives, load_protocol, plan_icing
from aftercare.charts import (
    AlternativesChart,
    CoolingChart,
    TimelineChart,
    alternatives_chart,
    cooling_curve,
    icing_timeline,
    protocol_comparison,
)
from aftercare.thermal import simulate_cooling

#: Pixels two boxes may share (antialiasing at the edge of a glyph box).
SLACK_PX = 1.0


def text_boxes(fig) -> list[tuple[str, object]]:
    """(text, window extent) of every non-empty text that a full draw of ``fig`` paints.

    Only texts whose ``draw`` runs count: an axis draws the tick labels inside its view limits
    and skips the rest, which stay "visible" artists but are never painted.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    drawn: list[Text] = []
    original = Text.draw

    def recording_draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    Text.draw = recording_draw
    try:
        canvas.draw()
    finally:
        Text.draw = original
    renderer = canvas.get_renderer()
    boxes = []
    for text in dict.fromkeys(drawn):
        extent = Text.get_window_extent(text, renderer)  # the text only, not an arrow
        if extent.width > 0 and extent.height > 0:
            boxes.append((text.get_text(), extent))
    return boxes


def outside(fig) -> list[str]:
    """Texts that reach past the figure's edges (cut off in the image)."""
    box = fig.bbox
    return [
        t[:40]
        for t, e in text_boxes(fig)
        if e.x0 < box.x0 - SLACK_PX
        or e.x1 > box.x1 + SLACK_PX
        or e.y0 < box.y0 - SLACK_PX
        or e.y1 > box.y1 + SLACK_PX
    ]


def overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes share more than :data:`SLACK_PX` in both directions."""
    found = []
    for (a, box_a), (b, box_b) in itertools.combinations(text_boxes(fig), 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > SLACK_PX and dy > SLACK_PX:
            found.append((a[:40], b[:40]))
    return found


def _plans():
    seed, early = load_protocol("seed-article"), load_protocol("early-cold")
    return {
        "ok": plan_icing(Patient(needled_at="09:00"), seed),
        "caution": plan_icing(Patient(needled_at="09:00", diabetes=True), seed),
        "many-flags": plan_icing(
            Patient(
                needled_at="21:30",
                hours_since_needling=70,
                diabetes=True,
                neuropathy=True,
                superficial_nerve=True,
                age_extremes=True,
            ),
            seed,
        ),
        "avoid": plan_icing(Patient(needled_at="09:00", raynauds=True), seed),
        "zero-wait": plan_icing(Patient(needled_at="09:00"), early),
        "evening": plan_icing(
            Patient(needled_at="19:00", awake_from="06:30", asleep_from="23:00"), seed
        ),
    }


PLANS = _plans()


@pytest.mark.parametrize("name", sorted(PLANS))
def test_timeline_labels_do_not_overlap(name):
    fig = icing_timeline(PLANS[name])
    assert overlaps(fig) == []
    assert outside(fig) == []


#: The apps' chart sizes in a narrow or wide notebook column, and 1000 x 560, the size an app
#: opens with (and that a deck shows it at, 1:1, since it is at most 560 px high).
APP_SIZES_PX = [(540, 420), (592, 480), (760, 520), (860, 500), (1000, 560), (1200, 620)]


@pytest.mark.parametrize("size_px", APP_SIZES_PX)
def test_timeline_labels_do_not_overlap_at_app_sizes(size_px):
    chart = TimelineChart(PLANS["many-flags"], size_px=size_px)
    assert overlaps(chart.figure) == [] and outside(chart.figure) == []
    chart.update(PLANS["avoid"])
    assert overlaps(chart.figure) == [] and outside(chart.figure) == []


@pytest.mark.parametrize(
    ("modality", "barrier", "minutes", "skinfold"),
    [
        ("crushed_ice", "damp_towel", 20, 10),
        ("gel_pack", "double_dry_towel", 10, 30),
        ("wetted_ice", "dry_towel", 40, 4),
    ],
)
def test_cooling_labels_do_not_overlap(modality, barrier, minutes, skinfold):
    simulation = simulate_cooling(modality, barrier, minutes, skinfold_mm=skinfold, rewarm_min=30)
    fig = cooling_curve(simulation)
    assert overlaps(fig) == [] and outside(fig) == []
    for width_px in (540, 592, 760, 1200):  # as the apps draw it in narrower or wider rooms
        chart = CoolingChart(
            simulation, width_px=width_px, title="Crushed ice; one damp towel layer"
        )
        assert overlaps(chart.figure) == [] and outside(chart.figure) == [], width_px
    # In the room a live slide leaves it (1024 x 768 and 1280 x 720, and the shortest allowed).
    for width_px, height_px in ((1006, 470), (1262, 470), (900, 300), (1400, 430)):
        chart = CoolingChart(simulation, width_px=width_px, height_px=height_px)
        assert chart.short and chart.figure.bbox.height >= 430
        assert overlaps(chart.figure) == [] and outside(chart.figure) == [], (width_px, height_px)


@pytest.mark.parametrize("factor", [None, "raynauds", "neuropathy", "bleeding_risk"])
def test_alternatives_labels_do_not_overlap(factor):
    patient = Patient(**({factor: True} if factor else {}))
    comparison = compare_alternatives(patient, load_protocol("seed-article"))
    fig = alternatives_chart(comparison)
    assert overlaps(fig) == [] and outside(fig) == []
    # The app's widths in a notebook column, around the switch to two columns at 940 px
    # (names ran into their badge at 680 and from 900 to 1070 px), on a live slide (about
    # 1000 px), and wide.
    for width_px in (540, 592, 680, 760, 900, 939, 940, 1000, 1060, 1300):
        chart = AlternativesChart(comparison, width_px=width_px)
        assert overlaps(chart.figure) == [] and outside(chart.figure) == [], width_px
    # In the room a live slide leaves it (1024 x 768 and 1280 x 720), down to the shortest.
    for width_px, height_px in ((1006, 520), (1262, 505), (1006, 300), (1400, 490)):
        chart = AlternativesChart(comparison, width_px=width_px, height_px=height_px)
        assert chart.short and chart.figure.bbox.height >= min(height_px, 481)
        assert overlaps(chart.figure) == [] and outside(chart.figure) == [], (width_px, height_px)


def test_comparison_labels_do_not_overlap():
    patient = Patient(needled_at="09:00")
    fig = protocol_comparison(
        plan_icing(patient, "seed-article"), plan_icing(patient, "early-cold")
    )
    assert overlaps(fig) == []


def test_overlap_check_finds_overlapping_text():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 2))
    fig.text(0.1, 0.5, "first label")
    fig.text(0.15, 0.5, "second label")
    assert overlaps(fig) == [("first label", "second label")]


# -- the wording of the wait ----------------------------------------------------------------------


def test_avoid_plan_draws_no_wait_and_says_there_is_no_ice_plan():
    chart = TimelineChart(PLANS["avoid"])
    assert len(chart.lane_wait.get_paths()) == 0
    assert len(chart.shade_wait.get_paths()) == 0
    assert len(chart.lane_ice.get_paths()) == 0
    subtitle = chart.subtitle.get_text()
    assert "no ice plan" in subtitle and "no ice for the first" not in subtitle
    assert "no ice plan" in chart.figure.caption and "wait" not in chart.figure.caption
    assert "No ice plan" in chart.figure.alt_text


def test_zero_wait_is_worded_as_no_wait():
    chart = TimelineChart(PLANS["zero-wait"])
    assert chart.subtitle.get_text().count("no wait before the first ice") == 1
    assert "first 0 h" not in chart.subtitle.get_text()
    assert "0 h wait" not in chart.figure.caption and "with no wait" in chart.figure.caption
    assert "No wait" in chart.figure.alt_text


def test_wait_block_follows_the_wait_when_ice_is_allowed():
    chart = TimelineChart(PLANS["ok"])
    (path,) = chart.lane_wait.get_paths()
    assert path.vertices[:, 0].max() == pytest.approx(PLANS["ok"].wait_until_h)
    assert "no ice for the first 3 h" in chart.subtitle.get_text()


def test_soreness_points_are_counted_as_time_points():
    fig = icing_timeline(PLANS["ok"])
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert any("2 time points" in t for t in texts)
    assert not any("n = " in t for t in texts)


def legend_covers(fig) -> list[str]:
    """What a legend of ``fig`` covers: an axis label, a tick label, or a plotted marker."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    covered = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for other in fig.axes:
            texts = [other.xaxis.label, other.yaxis.label]
            texts += [t for t in other.get_xticklabels() + other.get_yticklabels() if t.get_text()]
            for text in texts:
                if text.get_visible() and text.get_text().strip():
                    extent = text.get_window_extent(renderer)
                    if box.overlaps(extent.expanded(0.99, 0.99)):
                        covered.append(f"label {text.get_text()!r}")
            for line in other.get_lines():
                if line.get_marker() in (None, "", "None") or not line.get_visible():
                    continue
                for x, y in other.transData.transform(line.get_xydata()):
                    if box.x0 - 5 <= x <= box.x1 + 5 and box.y0 - 5 <= y <= box.y1 + 5:
                        covered.append(f"point of {line.get_label()!r} at ({x:.0f}, {y:.0f})")
    return covered


#: Chart widths from 600 to 1,400 px, and the sizes a live slide gives the planner's chart
#: (1024 x 768 and 1280 x 720 projectors: the width of the slide, the height left).
WIDTHS_PX = [(w, 560) for w in range(600, 1401, 50)] + [(990, 449), (1240, 427)]


@pytest.mark.parametrize("size_px", WIDTHS_PX, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_legend_covers_an_axis_label_or_a_data_point(size_px):
    for plan in PLANS.values():
        chart = TimelineChart(plan, size_px=size_px)
        assert legend_covers(chart.figure) == [], (size_px, plan.verdict)


def test_the_legend_check_finds_a_covered_point():
    chart = TimelineChart(plan_icing(Patient(needled_at="09:00")), size_px=(850, 560))
    ax = next(ax for ax in chart.figure.axes if ax.get_legend() is not None)
    legend = ax.get_legend()
    # Over the first published mean (the 0 h point the old placement covered).
    points = next(line for line in ax.get_lines() if line.get_marker() not in (None, "", "None"))
    legend.set_loc("center")
    legend.set_bbox_to_anchor(tuple(points.get_xydata()[0]), transform=ax.transData)
    assert any(c.startswith("point of") for c in legend_covers(chart.figure))


def test_the_clock_axis_names_the_day():
    chart = TimelineChart(plan_icing(Patient(needled_at="09:00")), size_px=(1000, 560))
    chart.figure.canvas.draw()
    low, high = chart.clock_axis.get_xlim()
    labels = [
        t.get_text()
        for t in chart.clock_axis.get_xticklabels()
        if t.get_text() and low <= t.get_position()[0] <= high  # ticks on show
    ]
    assert labels[:3] == ["09:00\nday 1", "21:00\nday 1", "09:00\nday 2"], labels
    assert len(set(labels)) == len(labels)  # no two ticks read alike
