"""Charts: return a Figure with caption and alt text, house style, clear errors on bad input."""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
import pytest
from chart_fixtures import (
    fake_comparison,
    fake_effects,
    fake_plan,
    fake_simulation,
    fake_soreness,
    fake_thresholds,
)
from clinic_preset import preset_ids
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Text

from aftercare import Patient, compare_alternatives, load_protocol, plan_icing
from aftercare.charts import (
    AlternativesChart,
    CoolingChart,
    TimelineChart,
    alt_text,
    alternatives_chart,
    cooling_curve,
    icing_timeline,
    protocol_comparison,
)
from aftercare.charts.style import MIN_FONT_PT, OKABE_ITO
from aftercare.errors import InputError


def all_texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def shown_text(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in all_texts(fig))


@pytest.fixture(scope="module")
def caution_plan():
    return plan_icing(Patient(hours_since_needling=1, diabetes=True))


@pytest.fixture(scope="module")
def figures(caution_plan):
    p = Patient(hours_since_needling=2)
    return {
        "timeline": icing_timeline(caution_plan),
        "cooling": cooling_curve(fake_simulation(), fake_thresholds()),
        "alternatives": alternatives_chart(
            compare_alternatives(Patient(raynauds=True), load_protocol())
        ),
        "comparison": protocol_comparison(
            plan_icing(p, "seed-article"), plan_icing(p, "early-cold")
        ),
    }


CHARTS = ["timeline", "cooling", "alternatives", "comparison"]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_a_plain_figure_with_caption_and_alt_text(figures, name):
    fig = figures[name]
    assert isinstance(fig, Figure)
    assert fig.canvas.manager is None  # not registered with pyplot
    assert alt_text(fig) == fig.alt_text
    assert len(fig.alt_text) > 80 and fig.alt_text.lower() != "image"
    assert any(ch.isdigit() for ch in fig.alt_text)  # it gives the numbers
    assert 20 < len(fig.caption) < 400


@pytest.mark.parametrize("name", CHARTS)
def test_fonts_are_at_least_12_pt_and_axes_carry_units(figures, name):
    fig = figures[name]
    fig.canvas.draw()  # tick labels exist only after a draw
    small = [
        (t.get_text(), t.get_fontsize()) for t in all_texts(fig) if t.get_fontsize() < MIN_FONT_PT
    ]
    assert not small
    for ax in fig.axes:
        label = ax.get_xlabel()
        if label and ax.get_visible() and ax.axison:
            assert "(" in label and ")" in label, label


def test_charts_leave_no_global_state(caution_plan):
    before = dict(mpl.rcParams)
    icing_timeline(caution_plan)
    cooling_curve(fake_simulation(), fake_thresholds())
    assert dict(mpl.rcParams) == before


def test_alt_text_of_a_foreign_figure_is_a_clear_error():
    with pytest.raises(InputError, match="fig"):
        alt_text(Figure())


def test_timeline_shows_wait_sessions_sleep_flags_and_now(caution_plan):
    chart = TimelineChart(caution_plan, soreness=fake_soreness())
    fig = chart.figure
    n = len(caution_plan.sessions)
    assert len(chart.lane_ice.get_paths()) == n
    assert len(chart.lane_sleep.get_paths()) == len(caution_plan.sleep_windows)
    assert chart.now_line.get_xdata()[0] == pytest.approx(1.0)
    assert "CAUTION" in chart.title.get_text()
    text = shown_text(fig)
    assert "Diabetes mellitus" in text and "pai-seed" in text
    # One line on a wide chart, two on a narrow or short one: the same words either way.
    assert "published means" in text and "5 time points" in text and "src-a" in text
    alt = fig.alt_text
    assert "Verdict: caution" in alt and "12:00" in alt and f"{n} ice sessions" in alt
    assert "23:00-07:00" in alt and "published means at 5 time points" in alt


@pytest.mark.parametrize("size_px", [None, (600, 560)])
def test_timeline_shows_soreness_points_and_band_and_no_curve(size_px):
    """The published means as unjoined points and the 6-12 h band of steepest fall (with its
    source), in the wide and the narrow layout; no line is drawn through or beyond the points."""
    plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), "seed-article")
    chart = TimelineChart(plan, size_px=size_px)
    main = chart.ax_main
    now = {id(chart.now_line)}
    drawn = [line for line in main.get_lines() if id(line) not in now]
    assert len(drawn) == 1, "only the points: no fitted or joining line"
    (points,) = drawn
    assert points.get_linestyle() == "None" and points.get_marker() == "o"
    assert list(points.get_xdata()) == [0, 48] and list(points.get_ydata()) == [34.8, 3.8]
    bands = [p for p in main.patches if "fell fastest" in p.get_label()]
    assert len(bands) == 1
    box = bands[0].get_extents().transformed(main.transData.inverted())
    assert box.x0 == pytest.approx(6) and box.x1 == pytest.approx(12)
    assert "diciolla2021" in bands[0].get_label()
    fig = chart.figure
    assert "no curve is drawn" in fig.caption and "fell fastest" in fig.caption
    assert "no line drawn between them" in fig.alt_text
    assert "from 6 to 12 h" in fig.alt_text and "diciolla2021" in fig.alt_text
    assert "fitted" not in fig.alt_text + fig.caption + shown_text(fig)


def test_timeline_clock_axis_follows_needling_time():
    chart = TimelineChart(fake_plan(needled_at="14:30"), soreness=fake_soreness())
    fig = chart.figure
    fig.canvas.draw()
    ticks = chart.clock_axis.get_xticks()
    clock = dict(
        zip(ticks, (t.get_text() for t in chart.clock_axis.get_xticklabels()), strict=True)
    )
    assert clock[0] == "14:30\nday 1" and clock[12] == "02:30\nday 2"
    assert clock[60] == "02:30\nday 4"
    assert chart.update(fake_plan(needled_at="08:00")) is True  # background must be redrawn
    assert chart.update(fake_plan(needled_at="08:00", hours=5)) is False


def test_timeline_update_changes_artists_in_place():
    chart = TimelineChart(fake_plan(), soreness=fake_soreness())
    title = chart.title
    chart.update(fake_plan(verdict="avoid", hours=10))
    assert chart.title is title and "AVOID" in title.get_text()
    assert chart.now_line.get_xdata()[0] == 10
    assert "Verdict: avoid" in chart.figure.alt_text


def test_cooling_curve_draws_thresholds_and_marks_the_unconfirmed():
    chart = CoolingChart(fake_simulation(), fake_thresholds())
    fig = chart.figure
    ax = chart.ax
    lines = {
        round(line.get_ydata()[0], 2): line
        for line in ax.get_lines()
        if len(set(line.get_ydata())) == 1 and len(line.get_ydata()) == 2
    }
    assert lines[13.6].get_linestyle() == "-"
    assert lines[12.5].get_linestyle() == "--"  # unconfirmed: dashed, not colour alone
    text = shown_text(fig)
    assert "A claim said to hold (unconfirmed)" in text
    assert "Analgesia line" in text
    sim = fake_simulation()
    assert chart.lines["skin_c"].get_ydata() == pytest.approx(sim["skin_c"].to_numpy())
    assert "unconfirmed" in fig.alt_text and "13.6 °C" in fig.alt_text
    assert "the skin falls below it at" in fig.alt_text


def test_cooling_curve_with_the_real_thresholds():
    from aftercare.thermal import load_thresholds, simulate_cooling

    fig = cooling_curve(simulate_cooling("crushed_ice", "damp_towel", 20, rewarm_min=10))
    text = shown_text(fig)
    table = load_thresholds()
    assert "13.6" in text
    for label in table.loc[table["side"] == "cold", "label"]:
        assert label in fig.alt_text


def test_alternatives_chart_shows_suitability_by_text_and_marker():
    chart = AlternativesChart(fake_comparison(ice="avoid"), fake_effects())
    labels = [t.get_text() for t in chart.row_labels]
    assert labels == ["AVOID", "CAUTION", "RECOMMENDED"]
    markers = [m.get_marker() for m in chart.row_markers]
    assert markers == ["X", "^", "o"]
    assert chart.row_markers[0].get_color() == OKABE_ITO["vermillion"]
    assert "no CI reported" in shown_text(chart.figure)
    assert "95% CI -0.9 to -0.1" in chart.figure.alt_text
    assert len(chart.forest_axes) == 2  # one panel per scale, never one axis for both
    chart.update(fake_comparison(ice="recommended"))
    assert chart.row_labels[0].get_text() == "RECOMMENDED"
    assert chart.row_markers[0].get_marker() == "o"


def test_real_alternatives_chart_names_every_therapy():
    comparison = compare_alternatives(Patient(raynauds=True), load_protocol())
    fig = alternatives_chart(comparison)
    for name in comparison["name"]:
        assert name in fig.alt_text
    assert "Ice pack (cold): avoid" in fig.alt_text


def test_protocol_comparison_lists_both_protocols():
    fig = protocol_comparison(fake_plan(protocol="a", wait_h=3), fake_plan(protocol="b", wait_h=0))
    assert "'a'" in fig.alt_text and "'b'" in fig.alt_text
    assert "wait: 3 vs 0 h" in fig.alt_text


@pytest.mark.parametrize(
    "call, names",
    [
        (lambda: icing_timeline("not a plan"), ["plan", "verdict", "sessions"]),
        (
            lambda: icing_timeline(
                fake_plan().__class__(**{**vars(fake_plan()), "sessions": pd.DataFrame({"x": [1]})})
            ),
            ["plan.sessions", "start_h"],
        ),
        (
            lambda: cooling_curve(pd.DataFrame({"time_min": [0, 1], "skin_c": [30, 29]})),
            ["simulation", "muscle_1cm_c", "muscle_3cm_c"],
        ),
        (lambda: cooling_curve([1, 2, 3]), ["simulation", "DataFrame"]),
        (
            lambda: alternatives_chart(pd.DataFrame({"therapy": ["ice"]})),
            ["comparison", "suitability"],
        ),
        (lambda: protocol_comparison(fake_plan(), 42), ["plan_b", "verdict"]),
    ],
)
def test_bad_input_raises_input_error_naming_what_is_missing(call, names):
    with pytest.raises(InputError) as info:
        call()
    for name in names:
        assert name in str(info.value)


def test_comparison_of_two_patients_is_refused():
    a = plan_icing(Patient(hours_since_needling=0))
    b = plan_icing(Patient(hours_since_needling=5))
    with pytest.raises(InputError, match="same patient"):
        protocol_comparison(a, b)


@settings(max_examples=25, deadline=None)  # each example builds a whole figure (~0.1 s)
@given(
    hours=st.integers(0, 72),
    factors=st.sets(st.sampled_from(["diabetes", "raynauds", "neuropathy", "bleeding_risk"])),
    needled=st.sampled_from(["00:00", "09:00", "13:30", "23:59"]),
    protocol=st.sampled_from(preset_ids()),
)
def test_timeline_alt_text_matches_any_plan(hours, factors, needled, protocol, presets):
    plan = plan_icing(
        Patient(hours_since_needling=hours, needled_at=needled, **{f: True for f in factors}),
        presets[protocol],
    )
    chart = TimelineChart(plan, soreness=fake_soreness())
    assert f"Verdict: {plan.verdict}" in chart.figure.alt_text
    assert len(chart.lane_ice.get_paths()) == len(plan.sessions)
    for flag in plan.flags:
        assert flag.label in chart.figure.alt_text
