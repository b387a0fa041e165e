"""The apps' base class: controls, one fast-updating chart and a text panel (ipywidgets).

:class:`ChartApp` is an :class:`ipywidgets.VBox` holding the controls, a chart view
(:mod:`aftercare.widgets.chartview`: a canvas that receives only the changed pixels) and text.
The chart is redrawn by :class:`~aftercare.widgets.blit.BlitRenderer`. A change of any control
is coalesced: bursts of events (a held arrow key) lead to one redraw of the latest state, never
a queue of stale ones. With no front end attached (nbval, ``nbconvert --execute``, slides) the
app still displays a static PNG of its current state plus a text summary
(:meth:`ChartApp._repr_mimebundle_`).
"""

from __future__ import annotations

import asyncio
import base64
import html
import time
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from ..charts.style import smallest_text_px
from ..errors import AftercareError
from ..present import Parts
from .blit import BlitRenderer
from .chartview import make_chart_view
from .eventloop import running_loop

__all__ = ["ChartApp", "APP_CSS"]

#: Styles of the apps: factor labels wrap instead of ending in "...", controls wrap onto a
#: second row in a narrow notebook column, and the text reads at 14 px or more. The app's own
#: font size is set in px, so sizes given in em (the controls' widths) do not grow with a RISE
#: slide's large font. Tab titles take the width they need. On a live slide (``.reveal``) a
#: tab's content (and the cooling explorer's caption) keeps to a height that leaves the verdict
#: and the chart on screen (the alternatives app's chart needs the most), and a self-check quiz
#: to the slide below its heading; what does not fit scrolls with the wheel, and a line at its
#: foot says so while there is more below (a scroll-state container query).
APP_CSS = """
.aftercare-app { font-size: 14px; }
.aftercare-app .aftercare-factors .widget-checkbox { height: auto; min-height: 28px;
  align-items: flex-start; }
.aftercare-app .aftercare-factors .widget-checkbox label,
.aftercare-app .aftercare-factors .widget-checkbox .widget-label-basic {
  white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.25; }
.aftercare-app .aftercare-factors .widget-checkbox input { margin-top: 4px; flex-shrink: 0; }
.aftercare-app .aftercare-row { flex-flow: row wrap; }
.aftercare-app .aftercare-tabs.widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto;
  max-width: none; }
.aftercare-app .aftercare-text, .aftercare-app .aftercare-verdict { font-size: 14px; }
.aftercare-scroll-hint { display: none; }
.reveal .aftercare-scroll { max-height: max(130px, calc(100vh - 580px));
  overflow-y: auto; container-type: scroll-state; }
.reveal .aftercare-app .aftercare-tabs > .widget-tab-contents { padding: 6px 10px; }
.reveal .aftercare-alternatives .aftercare-scroll { max-height: max(110px, calc(100vh - 610px)); }
.reveal .aftercare-quiz.aftercare-scroll { max-height: calc(100vh - 160px); }
.reveal .aftercare-scroll > * { flex-shrink: 0; }
@container scroll-state(scrollable: bottom) {
  .reveal .aftercare-scroll-hint { display: block; position: sticky; bottom: 0;
    background: var(--jp-layout-color1, #fff); border-top: 1px solid #999;
    font-size: 14px; font-style: italic; }
}
"""


class ChartApp(widgets.VBox):
    """Base class of the apps: controls + one fast-updating chart + text.

    Subclasses implement

    * :meth:`_compute` -> the model result for the current control values (may raise
      :class:`~aftercare.errors.AftercareError`, shown as a message);
    * :meth:`_make_chart` (state) -> a chart builder with ``.figure``, ``.dynamic_artists`` and
      ``.update(state) -> bool`` (True when the background must be re-drawn);
    * :meth:`_text_html` (state) -> HTML for the text panel and :meth:`_summary_text` (state) ->
      plain text for the static fallback.

    and call :meth:`_setup` with their control widgets at the end of ``__init__``.

    The chart is shown by :attr:`chart_view` (:mod:`aftercare.widgets.chartview`: a canvas that
    receives only the changed pixels, or a plain image for exports).

    Updates are coalesced. A change that arrives when the app is idle (the last redraw ended
    more than :attr:`min_interval_s` ago) is drawn at once, so a single key press costs no
    scheduling delay. A change that arrives during a burst (a held arrow key: events queued
    while the last frame was drawn) only marks the app dirty and schedules one refresh on the
    kernel's event loop at the end of the interval; every later change before it runs is folded
    into it, so stale states are dropped, never queued.

    Chart first, words next: when a change comes from the browser (the kernel's event loop is
    running), the chart is sent at once and the text panel (verdict, flags, instructions: a few
    kilobytes of HTML to lay out) :attr:`text_delay_s` later, so the browser paints the chart
    before it lays out the text. In our JupyterLab runs this took 2-9 ms off the chart's median
    with the canvas view and 10-15 ms with a whole-PNG image; ``benchmarks/widget_latency.py``
    times both the chart and the text panel. Outside an event loop (plain Python, pytest) a
    change refreshes everything at once. Reading :attr:`state` (or calling :meth:`flush`)
    always brings everything up to date.
    """

    #: What the app is called in the note of its static form ("The planner app is ...").
    app_name = "This app"
    #: Smallest spacing between two redraws during a burst of events, in seconds.
    min_interval_s = 0.02
    #: Delay of the text panel after the chart when a change comes from the browser, in seconds.
    text_delay_s = 0.04

    #: Widths the chart is drawn at [px]: narrower rooms scale it down, wider ones get it at most
    #: this wide (the text stays at its size in between).
    min_width_px, max_width_px = 540, 1400

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("aftercare-app")
        self.chart_view = make_chart_view()
        #: The chart's size in pixels, as the browser reported the room; ``None`` until then
        #: (the chart's default size: what exports and static copies show).
        self.size_px: tuple[int, int | None] | None = None
        self.chart_view.on_resize(self.resize)
        self.text = widgets.HTML()
        self.text.add_class("aftercare-text")
        self.message = widgets.HTML()
        self.message.add_class("aftercare-message")
        self._state: Any = None
        self._chart: Any = None
        #: The :class:`~aftercare.widgets.blit.BlitRenderer` drawing the chart (its RGBA
        #: buffer is what the chart view shows; ``full_draws`` counts background redraws).
        self.renderer: BlitRenderer | None = None
        self._dirty = False
        self._scheduled = False
        self._text_state: Any = None
        self._text_handle: asyncio.TimerHandle | None = None
        self._last_draw_end = 0.0
        #: Counters and the last update's in-kernel time (ms), for tests and benchmarks.
        self.refresh_count = 0
        self.last_update_ms: float | None = None
        self.controls: dict[str, widgets.Widget] = {}

    # -- to implement -------------------------------------------------------------------
    def _compute(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _make_chart(self, state: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _refresh_chart(self, state: Any) -> bool:
        """Update the chart for ``state``; True when its background must be redrawn."""
        return bool(self._chart.update(state))

    def _text_html(self, state: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _summary_text(self, state: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _static_parts(self, state: Any) -> Parts:  # pragma: no cover - abstract
        """The app's text for its static form (exports), in parts: one slide each in a deck."""
        raise NotImplementedError

    # -- wiring ---------------------------------------------------------------------------
    def _setup(
        self,
        controls: dict[str, widgets.Widget],
        control_box: widgets.Widget,
        *,
        text_below: bool = True,
    ) -> None:
        """Register the controls, lay the app out and draw once (so it opens with a chart).

        With ``text_below=False`` the app places :attr:`text` itself (for example in a tab).
        """
        self.controls = controls
        for control in controls.values():
            control.observe(self._on_change, names="value")
        style = widgets.HTML(f"<style>{APP_CSS}</style>", layout=widgets.Layout(height="0px"))
        children = [style, control_box, self.message, self.chart_view]
        self.children = tuple(children + ([self.text] if text_below else []))
        self._refresh()

    # -- the chart follows the room it has ----------------------------------------------------
    def _chart_size(self, width_px: int, room_px: int | None) -> tuple[int, int | None]:
        """The chart's size for a view ``width_px`` wide with ``room_px`` of height left (on a
        slide, below the app's content above the chart and above what it shows under it): the
        chart keeps to that height, down to the shortest its layout allows."""
        return (min(max(width_px, self.min_width_px), self.max_width_px), room_px)

    def resize(self, width_px: int, room_px: int | None = None) -> None:
        """Redraw the chart for a view ``width_px`` wide (text keeps its size; below the
        chart's wide layout it switches to its narrow one). Called by the browser's canvas."""
        size = self._chart_size(int(width_px), room_px)
        if size == self.size_px:
            return
        self.size_px = size
        if self._state is None:
            return
        self._build_chart(self._state)
        self.chart_view.show(*self.renderer.draw())
        self._text_state = self._state
        self._write_text()

    @property
    def figure(self) -> Figure:
        """The app's matplotlib Figure (built once, updated in place)."""
        self.flush()
        return self._chart.figure

    @property
    def chart(self) -> Any:
        """The chart builder (its artists are updated in place)."""
        self.flush()
        return self._chart

    @property
    def state(self) -> Any:
        """The model result drawn now (a plan, a simulation, a comparison)."""
        self.flush()
        return self._state

    @property
    def png(self) -> bytes:
        """The chart on show, as PNG bytes."""
        self.flush()
        return self.chart_view.to_png()

    def _on_change(self, change: dict[str, Any] | None = None) -> None:
        loop = running_loop()
        self._dirty = True
        if self._scheduled:
            return  # a refresh is pending: it will draw the latest state
        if loop is None:
            self._refresh()
            return
        delay = self._last_draw_end + self.min_interval_s - time.perf_counter()
        if delay <= 0:
            self._refresh(defer_text=True)
            return
        self._scheduled = True
        loop.call_later(delay, self._refresh_scheduled)

    def _refresh_scheduled(self) -> None:
        self._scheduled = False
        if self._dirty:
            self._refresh(defer_text=True)

    def flush(self) -> None:
        """Bring state, chart and text up to date with the controls now (no-op when current)."""
        self._scheduled = False
        if self._dirty:
            self._refresh()
        self._write_text()

    def _build_chart(self, state: Any) -> None:
        """Make the chart for ``state`` at the app's size, its renderer, and the view's text size."""
        self._chart = self._make_chart(state)
        self.renderer = BlitRenderer(self._chart.figure, self._chart.dynamic_artists)
        self.chart_view.text_px = smallest_text_px(self._chart.figure)

    def _refresh(self, defer_text: bool = False) -> None:
        start = time.perf_counter()
        self._dirty = False
        try:
            state = self._compute()
        except AftercareError as exc:
            self.message.value = (
                f'<div class="aftercare-error" role="alert"><b>Not updated:</b> '
                f"{html.escape(str(exc))}</div>"
            )
            return
        self.message.value = ""
        self._state = state
        if self._chart is None:
            self._build_chart(state)
        elif self._refresh_chart(state):
            self.renderer.invalidate()
        self.chart_view.show(*self.renderer.draw())
        self._text_state = state
        loop = running_loop() if defer_text else None
        if loop is None:
            self._write_text()
        elif self._text_handle is None:
            self._text_handle = loop.call_later(self.text_delay_s, self._write_text)
        self._last_draw_end = time.perf_counter()
        self.refresh_count += 1
        self.last_update_ms = (self._last_draw_end - start) * 1000

    def _write_text(self) -> None:
        """Write the text panel (and the chart's accessible name) for the latest state."""
        if self._text_handle is not None:
            self._text_handle.cancel()
            self._text_handle = None
        state, self._text_state = self._text_state, None
        if state is None:
            return
        describe = getattr(self._chart, "describe", None)
        if callable(describe):  # charts that write their caption and alt text on request
            describe()
        self.chart_view.alt = getattr(self._chart.figure, "caption", "") or "Chart"
        self.text.value = self._text_html(state)

    # -- display without a front end --------------------------------------------------------
    def static_html(self) -> Parts:
        """The static form's HTML: a note that the app is interactive in JupyterLab, then its
        text (the chart goes beside it as ``image/png``)."""
        self.flush()
        note = (
            f'<p class="aftercare-note"><b>{html.escape(self.app_name)} is interactive</b> when '
            "this notebook runs in JupyterLab. Shown here: its chart and text for the settings "
            "it opens with.</p>"
        )
        parts = Parts([note], "")
        return parts + self._static_parts(self._state) if self._state is not None else parts

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> tuple[dict, dict]:
        """Widget view for a live front end, plus a static form for everything else: the chart
        as PNG (with its alt text), the text as HTML (``static_html``) and as plain text."""
        png = self.png
        bundle = super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs) or {}
        data = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        metadata: dict[str, Any] = {}
        if png:
            data["image/png"] = base64.b64encode(png).decode("ascii")
            metadata["image/png"] = {
                "alt": getattr(self._chart.figure, "alt_text", ""),
                "text_px": self.chart_view.text_px,
            }
        if self._state is not None:
            data["text/plain"] = self._summary_text(self._state)
            data["text/html"] = self.static_html()._repr_html_()
        return data, metadata
