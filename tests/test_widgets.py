"""Apps driven programmatically: set a control, check the model, the text and the chart."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io

import numpy as np
import pytest
from PIL import Image

from aftercare.widgets import AlternativesApp, CoolingExplorer, PlannerApp
from aftercare.widgets.blit import BlitRenderer
from aftercare.widgets.png import encode_png, encode_png_pil


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.fixture
def planner():
    return PlannerApp(diabetes=True, hours_since_needling=1)


def test_planner_opens_drawn(planner):
    assert planner.plan.verdict == "caution"
    assert planner.png.startswith(b"\x89PNG")
    assert "CAUTION" in planner.verdict.value
    assert "Diabetes mellitus" in planner.text.value and "pai-seed" in planner.text.value
    assert planner.refresh_count == 1


def test_hours_control_moves_the_now_line_and_changes_the_png(planner):
    before = planner.png
    planner.controls["hours_since_needling"].value = 30
    assert planner.plan.patient.hours_since_needling == 30
    assert planner.chart.now_line.get_xdata()[0] == 30
    assert planner.chart.now_label.get_text() == "now: 30 h"
    assert planner.png != before
    assert "Now: 30 h after needling" in planner.figure.alt_text


def test_factor_checkbox_changes_verdict_text_and_title(planner):
    planner.controls["raynauds"].value = True
    assert planner.plan.verdict == "avoid"
    assert "AVOID" in planner.verdict.value
    assert "AVOID" in planner.chart.title.get_text()
    assert "Raynaud" in planner.chart.panel.get_text()
    planner.controls["raynauds"].value = False
    assert planner.plan.verdict == "caution"


def test_needling_time_redraws_the_clock_axis(planner):
    draws = planner.renderer.full_draws
    planner.controls["needled_at"].value = "14:00"
    assert planner.plan.patient.needled_at == dt.time(14, 0)
    assert planner.renderer.full_draws == draws + 1
    assert "needling at 14:00" in planner.figure.alt_text


def test_protocol_dropdown_changes_the_plan(planner):
    planner.controls["protocol"].value = "early-cold"
    assert planner.plan.protocol.name == "early-cold"
    assert planner.plan.wait_until_h == pytest.approx(planner.plan.protocol.wait_hours)
    assert "early-cold" in planner.chart.title.get_text()


def test_controls_cannot_take_impossible_values(planner):
    skin = planner.controls["skinfold_mm"]
    assert (skin.min, skin.max) == (0, 80)
    skin.value = 500
    assert skin.value == 80
    hours = planner.controls["hours_since_needling"]
    hours.value = -5
    longest = max(p.plan_hours for p in planner.protocols.values())
    assert hours.value == 0 and hours.max == longest
    assert "(h)" in hours.description and "(mm)" in skin.description


def test_a_cleared_time_shows_a_message_and_keeps_the_last_chart(planner):
    png = planner.png
    planner.controls["needled_at"].value = ""
    assert "needled_at" in planner.message.value
    assert planner.png == png
    planner.controls["needled_at"].value = "25:00"
    assert "needled_at" in planner.message.value
    planner.controls["needled_at"].value = "09:00"
    assert planner.message.value == ""


def test_blitted_frames_match_a_full_redraw(planner):
    planner.controls["hours_since_needling"].value = 7
    planner.controls["raynauds"].value = True
    fast = pixels(planner.png)
    full = pixels(planner.renderer.render_static())
    differ = np.abs(fast - full).max(axis=2) > 40
    assert differ.mean() < 0.002  # only z-order of a label over a line may differ


def test_static_fallback_bundle_has_png_and_text(planner):
    bundle, metadata = planner._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png == planner.png
    assert metadata["image/png"]["alt"] == planner.figure.alt_text
    assert "Verdict: CAUTION" in bundle["text/plain"]
    # The static form for exports: a note that the app is interactive, then the plan as text.
    html = bundle["text/html"]
    assert "is interactive</b> when this notebook runs in JupyterLab" in html
    assert "Verdict: CAUTION" in html and "Why:" in html and "<input" not in html


def test_events_in_a_burst_are_coalesced_into_one_redraw():
    app = PlannerApp()
    start = app.refresh_count

    async def burst():
        app._last_draw_end = 0.0  # idle: the first change is drawn at once
        app.controls["hours_since_needling"].value = 1
        assert app.refresh_count == start + 1
        for hours in range(2, 21):  # arrive right after that frame: a burst
            app.controls["hours_since_needling"].value = hours
        assert app.refresh_count == start + 1  # deferred, not queued
        await asyncio.sleep(0.2)

    asyncio.run(burst())
    assert app.refresh_count == start + 2  # the 19 stale states were dropped
    assert app.plan.patient.hours_since_needling == 20
    assert app.chart.now_line.get_xdata()[0] == 20


def test_cooling_explorer_updates_lines_and_keeps_the_axis():
    app = CoolingExplorer(application_min=10)
    before = app.chart.lines["skin_c"].get_ydata().copy()
    xlim = app.chart.ax.get_xlim()
    png = app.png
    app.controls["application_min"].value = 25
    sim = app.simulation
    assert sim.attrs["application_min"] == 25
    after = app.chart.lines["skin_c"].get_ydata()
    assert after == pytest.approx(sim["skin_c"].to_numpy())
    assert not np.allclose(before[: len(after)], after)
    assert app.chart.apply_span.get_width() == 25
    assert app.chart.ax.get_xlim() == xlim
    assert app.png != png
    app.controls["barrier"].value = "none"
    assert app.simulation.attrs["barrier"] == "none"
    assert "no barrier" in app.chart.title.get_text().lower()
    assert app.controls["skinfold_mm"].max == 80


def test_cooling_caption_says_model_estimate_once_and_how_it_is_calibrated():
    text = CoolingExplorer().text.value.split("<details>")[0]  # the caption, not the alt text
    assert text.lower().count("model estimate") == 1, text
    assert "own calibration" in text


def test_alternatives_app_marks_ice_avoid_with_raynauds():
    app = AlternativesApp()
    ice = app.chart.therapies.index("ice")
    assert app.chart.row_labels[ice].get_text() == "RECOMMENDED"
    png = app.png
    app.controls["raynauds"].value = True
    assert app.comparison.set_index("therapy").loc["ice", "suitability"] == "avoid"
    assert app.chart.row_labels[ice].get_text() == "AVOID"
    assert app.chart.row_markers[ice].get_marker() == "X"
    assert "Raynaud" in app.text.value
    assert app.png != png


def test_png_encoders_agree():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    renderer = BlitRenderer(fig)
    renderer.render()
    w, h = renderer.canvas.get_width_height(physical=True)
    ours = encode_png(renderer.canvas.buffer_rgba(), w, h)
    pil = encode_png_pil(renderer.canvas.buffer_rgba(), w, h)
    assert (pixels(ours) == pixels(pil)).all()


# -- projector mode: the chart follows its room; controls that read right on a projector ------


@pytest.mark.parametrize("width_px", [592, 760, 1000, 1300])
def test_planner_chart_is_drawn_at_the_width_of_its_view(planner, width_px):
    planner.resize(width_px)
    width, height = (int(v) for v in planner.figure.get_size_inches() * planner.figure.dpi)
    assert width == width_px
    assert pixels(planner.png).shape[:2] == (height, width_px)
    # Text at its own size: 12 pt at 100 dpi, about 16.7 px, at every width.
    assert planner.chart_view.text_px >= 14
    assert planner.chart.wide == (width_px >= 820)


def test_planner_chart_keeps_to_the_room_left_on_a_slide(planner):
    planner.resize(940, 470)
    assert planner.figure.get_size_inches()[1] * planner.figure.dpi <= 470
    planner.resize(940, None)
    assert planner.figure.get_size_inches()[1] * planner.figure.dpi == round(0.56 * 940)


def test_resize_keeps_the_state_and_redraws_the_text(planner):
    planner.controls["raynauds"].value = True
    planner.resize(600)
    assert planner.plan.verdict == "avoid"
    assert "AVOID" in planner.chart.title.get_text() and "Raynaud" in planner.text.value


def test_other_apps_follow_their_room_too():
    for app in (CoolingExplorer(), AlternativesApp()):
        app.resize(600)
        assert app.figure.get_size_inches()[0] * app.figure.dpi == 600
        assert app.chart_view.text_px >= 14


def test_cooling_and_alternatives_charts_keep_to_the_room_left_on_a_slide():
    cooling, alternatives = CoolingExplorer(), AlternativesApp()
    cooling.resize(1006, 470)  # a live slide at 1024 x 768: the room above the caption
    assert cooling.figure.bbox.height == 470 and cooling.chart.short
    assert cooling.chart_view.text_px >= 14
    cooling.resize(1006, None)  # a notebook: the usual height
    assert cooling.figure.bbox.height == 560 and not cooling.chart.short
    alternatives.resize(1006, 520)
    assert alternatives.figure.bbox.height == 520 and alternatives.chart.short
    alternatives.resize(1006, 200)  # never shorter than its rows need
    assert alternatives.figure.bbox.height >= 46 * len(alternatives.chart.therapies)
    assert alternatives.chart_view.text_px >= 14


def test_alternatives_tabs_and_the_cooling_caption_scroll_on_a_slide():
    alternatives = AlternativesApp()
    factors, reasons = alternatives.tabs.children
    assert alternatives.controls["protocol"] in factors.children
    assert alternatives.text in reasons.children
    assert all("aftercare-scroll" in tab._dom_classes for tab in alternatives.tabs.children)
    assert alternatives.children.index(alternatives.chart_view) > alternatives.children.index(
        alternatives.tabs
    )
    cooling = CoolingExplorer()
    caption = cooling.children[-1]  # under the chart
    assert cooling.text in caption.children and "aftercare-scroll" in caption._dom_classes
    assert cooling.children.index(cooling.chart_view) == len(cooling.children) - 2


def test_the_needling_time_is_a_24_hour_clock(planner):
    picker = planner.controls["needled_at"]
    assert picker.value == "09:00" and "24" in picker.description
    assert "21:30" in picker.options and not any("M" in o for o in picker.options)
    picker.value = "21:30"
    assert planner.plan.patient.needled_at == dt.time(21, 30)


def test_tabs_hold_the_factors_and_count_them(planner):
    assert planner.tabs.titles[1] == "Factors (1 ticked)"
    planner.controls["raynauds"].value = True
    assert planner.tabs.titles[1] == "Factors (2 ticked)"
    steps = planner.tabs.children[2]  # the steps and reasons in their own tab, which scrolls
    assert planner.text in steps.children and "aftercare-scroll" in steps._dom_classes
    assert all("aftercare-scroll" in tab._dom_classes for tab in planner.tabs.children)
    grid = planner.controls["raynauds"]
    assert grid.layout.width == "auto" and not grid.indent
