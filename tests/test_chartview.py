"""The live chart canvas: patches and keyframes rebuild exactly the kernel's chart.

``FrontEnd`` below follows ``aftercare/widgets/chart_canvas.js`` step by step (frame numbers,
resync, raw and PNG patches) on a numpy canvas, so the kernel side of the protocol is checked
over generated sequences of control changes; the browser tests check the JavaScript itself.
"""

from __future__ import annotations

import asyncio
import io

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from aftercare.errors import InputError
from aftercare.widgets import PlannerApp
from aftercare.widgets.chartview import ChartCanvas, ChartImage, chart_view_kind, make_chart_view
from aftercare.widgets.controls import QuickIntSlider


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


class FrontEnd:
    """A view of a ChartCanvas, as chart_canvas.js draws it, on a numpy canvas."""

    def __init__(self, view: ChartCanvas) -> None:
        self.view = view
        self.canvas: np.ndarray | None = None
        self.latest = -1
        self.synced = False
        self.resyncs = 0
        view.observe(lambda _: self.on_keyframe(), names="png")
        self.on_keyframe()

    def on_keyframe(self) -> None:
        self.whole_frame(bytes(self.view.png), self.view.frame)

    def whole_frame(self, png: bytes, frame: int) -> None:
        if not png or (self.synced and frame <= self.latest):
            return
        self.latest, self.synced = frame, True
        self.canvas = decode(png).copy()

    def receive(self, content: dict, buffers: list) -> None:
        if content["type"] == "full":
            if not self.synced or content["frame"] > self.latest:
                self.synced = False
                self.whole_frame(bytes(buffers[0]), content["frame"])
            return
        if not self.synced or content["frame"] != self.latest + 1:
            if self.synced:
                self.synced = False
                self.resyncs += 1
                self.view._on_front_end_message(self.view, {"type": "resync"}, [])
            return
        self.latest = content["frame"]
        x, y, w, h = content["x"], content["y"], content["w"], content["h"]
        if content["encoding"] == "rgba":
            patch = np.frombuffer(bytes(buffers[0]), np.uint8).reshape(h, w, 4)
        else:
            patch = decode(bytes(buffers[0]))
            assert patch.shape == (h, w, 4)
        self.canvas[y : y + h, x : x + w] = patch


def connect(view: ChartCanvas, *front_ends: FrontEnd) -> list[tuple[dict, list]]:
    """Route the view's custom messages to the front ends; returns the message log."""
    log: list[tuple[dict, list]] = []

    def send(content, buffers=None):
        log.append((content, buffers))
        for front in front_ends:
            front.receive(content, buffers)

    view.send = send
    return log


def kernel_pixels(app: PlannerApp) -> np.ndarray:
    rgba, width, height = app.renderer.draw()
    return np.asarray(rgba).reshape(height, width, 4)


actions = st.lists(
    st.one_of(
        st.tuples(st.just("hours_since_needling"), st.integers(0, 72)),
        st.tuples(st.just("raynauds"), st.booleans()),
        st.tuples(st.just("diabetes"), st.booleans()),
        st.tuples(st.just("skinfold_mm"), st.integers(0, 80).map(float)),
        st.tuples(st.just("protocol"), st.sampled_from(["seed-article", "early-cold"])),
        st.tuples(st.just("needled_at"), st.sampled_from(["07:30", "18:00"])),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def app() -> PlannerApp:
    app = PlannerApp(diabetes=True, hours_since_needling=1)
    assert isinstance(app.chart_view, ChartCanvas)
    return app


@settings(max_examples=25)  # each example draws, compares and decodes whole charts
@given(steps=actions, raw_limit=st.sampled_from([512 * 1024, 0]))
def test_patches_rebuild_the_kernels_chart_exactly(app, steps, raw_limit):
    view = app.chart_view
    view.raw_patch_limit = raw_limit  # 0: every patch goes as PNG
    front = FrontEnd(view)
    connect(view, front)
    for name, value in steps:
        app.controls[name].value = value
        assert front.synced and front.latest == view.current_frame
        assert np.array_equal(front.canvas, kernel_pixels(app))
    assert np.array_equal(decode(app.png), kernel_pixels(app))  # the keyframe agrees
    assert front.resyncs == 0
    view.raw_patch_limit = ChartCanvas.raw_patch_limit


def test_an_hours_step_sends_only_the_changed_rectangle_as_raw_pixels(app):
    connect(app.chart_view)
    app.controls["hours_since_needling"].value = 10
    app.controls["hours_since_needling"].value = 11
    patch = app.chart_view.last_patch
    width, height = app.chart_view.width, app.chart_view.height
    assert patch["encoding"] == "rgba"
    assert patch["w"] * patch["h"] < 0.15 * width * height  # far less than the whole chart


def press(app: PlannerApp, hours: int) -> None:
    """A key press on the hours slider while the app is idle (drawn at once, not coalesced)."""
    app._last_draw_end = 0.0
    app.controls["hours_since_needling"].value = hours


def test_a_view_that_opens_late_or_misses_a_patch_gets_the_whole_frame():
    async def scenario():
        app = PlannerApp(hours_since_needling=2)
        view = app.chart_view
        early = FrontEnd(view)
        log = connect(view, early)
        press(app, 3)  # in an event loop: the keyframe waits
        assert view.frame < view.current_frame  # the saved state is one frame behind
        late = FrontEnd(view)  # draws the stale keyframe, then says "ready"
        view._on_front_end_message(view, {"type": "ready", "frame": late.latest}, [])
        full = [c for c, _ in log if c["type"] == "full"]
        assert full and full[-1]["frame"] == view.current_frame
        late.receive(*log[-1])
        assert np.array_equal(late.canvas, kernel_pixels(app))
        # a view that lost a patch asks once, then is repaired by the whole frame
        lost = FrontEnd(view)
        press(app, 4)
        press(app, 5)
        lost.receive(*log[-1])  # sees only the second patch
        assert lost.resyncs == 1 and log[-1][0]["type"] == "full"
        lost.receive(*log[-1])
        assert np.array_equal(lost.canvas, kernel_pixels(app))
        assert np.array_equal(early.canvas, kernel_pixels(app))
        await asyncio.sleep(view.keyframe_delay_s + 0.1)
        assert view.frame == view.current_frame  # written once the controls were still

    asyncio.run(scenario())


def test_the_text_panel_follows_the_chart_when_the_change_comes_from_a_browser():
    async def scenario():
        app = PlannerApp(hours_since_needling=2)
        text = app.text.value
        app._last_draw_end = 0.0
        app.controls["raynauds"].value = True
        assert app._state.verdict == "avoid"  # the plan and the chart are current at once
        assert app.text.value == text  # the words follow text_delay_s later
        assert "Verdict: ok" in app._chart.figure.alt_text  # described with the words
        await asyncio.sleep(app.text_delay_s + 0.05)
        assert app.text.value != text and "AVOID" in app.verdict.value
        assert "Verdict: avoid" in app._chart.figure.alt_text
        assert "avoid" in app.chart_view.alt
        press(app, 30)
        assert "Now: 30 h" in app.figure.alt_text  # reading the figure brings it up to date

    asyncio.run(scenario())
    app = PlannerApp(hours_since_needling=2)  # without an event loop everything is at once
    app.controls["raynauds"].value = True
    assert "AVOID" in app.verdict.value


def test_the_canvas_has_an_accessible_name_from_the_caption(app):
    assert app.chart_view.alt == app.figure.caption and app.chart_view.alt


def test_chart_view_kind_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("AFTERCARE_CHART_VIEW", raising=False)
    assert chart_view_kind() == "canvas" and isinstance(make_chart_view(), ChartCanvas)
    monkeypatch.setenv("AFTERCARE_CHART_VIEW", "image")
    assert isinstance(make_chart_view(), ChartImage)
    assert isinstance(PlannerApp().chart_view, ChartImage)
    monkeypatch.setenv("AFTERCARE_CHART_VIEW", "svg")
    with pytest.raises(InputError, match="AFTERCARE_CHART_VIEW.*'svg'.*canvas or image"):
        make_chart_view()


def test_a_frame_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="not width x height = 5 x 5"):
        ChartCanvas().show(np.zeros((4, 4, 4), np.uint8).data, 5, 5)


@pytest.mark.parametrize(("cls", "echoes"), [(widgets.IntSlider, True), (QuickIntSlider, False)])
def test_quick_slider_takes_browser_values_without_an_echo(cls, echoes):
    slider = cls(value=1, min=0, max=72)
    sent = []
    slider._send = lambda msg, buffers=None: sent.append(msg)
    message = {"content": {"data": {"method": "update", "state": {"value": 5}}}}
    slider._handle_msg(message)
    assert slider.value == 5
    assert any(m.get("method") == "echo_update" for m in sent) is echoes
    slider.value = 90  # a kernel-side change is still validated and sent
    assert slider.value == 72 and sent[-1]["state"] == {"value": 72}
