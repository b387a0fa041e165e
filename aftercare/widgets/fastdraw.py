"""Fast drawing for the apps: build a figure once, then blit only what changed.

Measured on this project's machines (``/work/shared/latency.md``): a full Agg draw of a slide
chart costs about 44 ms and PNG encoding by ``savefig`` another 40-80 ms, while restoring a
cached background and drawing only the changed artists costs about 2 ms. This module packages
that recipe:

:class:`BlitRenderer`
    Owns an Agg canvas for one :class:`~matplotlib.figure.Figure`. The artists that change are
    marked ``animated=True`` so a full draw leaves them out; that draw is cached as the
    background and re-made only after :meth:`BlitRenderer.invalidate` (axes, ticks or limits
    changed). :meth:`BlitRenderer.draw` returns the RGBA buffer, :meth:`BlitRenderer.render`
    PNG bytes.

:class:`ChartApp`
    An :class:`ipywidgets.VBox` base class for the apps: controls, a chart view
    (:mod:`aftercare.widgets.chartview`: a canvas that receives only the changed pixels), and
    text. A change of any control is coalesced: bursts of
    events (a held arrow key) lead to one redraw of the latest state, never a queue of stale
    ones. With no front end attached (nbval, ``nbconvert --execute``, slides) the app still
    displays a static PNG of its current state plus a text summary (:meth:`_repr_mimebundle_`).
"""

from __future__ import annotations

import asyncio
import base64
import html
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from ..errors import AftercareError
from ..present import Parts
from .chartview import _running_loop, make_chart_view
from .png import encode_png, encode_png_pil

__all__ = ["BlitRenderer", "ChartApp", "encode_png", "encode_png_pil", "smallest_text_px"]

#: Styles of the apps: factor labels wrap instead of ending in "...", controls wrap onto a
#: second row in a narrow notebook column, and the text reads at 14 px or more.
APP_CSS = """
.aftercare-app .aftercare-factors .widget-checkbox { height: auto; min-height: 28px;
  align-items: flex-start; }
.aftercare-app .aftercare-factors .widget-checkbox label,
.aftercare-app .aftercare-factors .widget-checkbox .widget-label-basic {
  white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.25; }
.aftercare-app .aftercare-factors .widget-checkbox input { margin-top: 4px; flex-shrink: 0; }
.aftercare-app .aftercare-row { flex-flow: row wrap; }
.aftercare-app .aftercare-text, .aftercare-app .aftercare-verdict { font-size: 14px; }
"""


def smallest_text_px(figure: Figure) -> float:
    """The smallest font in ``figure``'s texts, in pixels at the figure's own size."""
    sizes = [t.get_fontsize() for t in figure.findobj(Text) if t.get_text().strip()]
    return round(min(sizes, default=0) * figure.dpi / 72, 2)


def _text_key(text: Text) -> tuple:
    patch = text.get_bbox_patch()
    patch_key = None
    if patch is not None:
        patch_key = (tuple(patch.get_facecolor()), tuple(patch.get_edgecolor()), patch.get_hatch())
    return (
        text.get_text(),
        tuple(text.get_unitless_position()),
        str(text.get_color()),
        text.get_fontsize(),
        str(text.get_fontweight()),
        text.get_rotation(),
        text.get_horizontalalignment(),
        text.get_visible(),
        patch_key,
    )


class BlitRenderer:
    """Render a figure to PNG, redrawing only its animated artists after the first draw.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure, built once. An Agg canvas is attached to it.
    dynamic : sequence of Artist
        The artists whose data change between updates. They are set ``animated=True`` and drawn
        on top of the cached background, in z-order.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1)); ax = fig.add_subplot(); (line,) = ax.plot([0, 1], [0, 1])
    >>> r = BlitRenderer(fig, [line]); png = r.render(); png[:4] == b"\\x89PNG"
    True
    """

    #: Rendered figure-level texts kept per artist (Agg text costs about 0.2 ms a glyph).
    text_cache_size = 200

    def __init__(
        self, figure: Figure, dynamic: Sequence[Artist] = (), encoder: Any = encode_png
    ) -> None:
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.encoder = encoder
        self._background: Any = None
        self._text_regions: dict[int, OrderedDict] = {}
        self.dynamic: list[Artist] = []
        self.set_dynamic(dynamic)
        self.full_draws = 0

    def set_dynamic(self, artists: Iterable[Artist]) -> None:
        """Replace the list of animated artists (the background is re-made on next render)."""
        for artist in self.dynamic:
            artist.set_animated(False)
        self.dynamic = sorted(artists, key=lambda a: a.get_zorder())
        for artist in self.dynamic:
            artist.set_animated(True)
        self.invalidate()

    def invalidate(self) -> None:
        """Forget the cached background: call after axes, ticks, limits or static text change."""
        self._background = None
        self._text_regions = {}

    def _is_cached_text(self, artist: Artist) -> bool:
        # Agg draws text glyph by glyph (about 0.2 ms a glyph in matplotlib 3.11), so a text's
        # pixels over the background are cached per content and position and pasted back.
        # Texts are pasted before the other animated artists, so a line that crosses a label is
        # drawn over it (the only visible difference from a full draw).
        return isinstance(artist, Text) and not getattr(artist, "_aftercare_no_cache", False)

    def _draw_text_cached(self, text: Text) -> None:
        cache = self._text_regions.setdefault(id(text), OrderedDict())
        key = _text_key(text)
        region = cache.get(key)
        if region is not None:
            cache.move_to_end(key)
            self.canvas.restore_region(region)
            return
        renderer = self.canvas.get_renderer()
        self.figure.draw_artist(text)
        extent = text.get_window_extent(renderer)
        patch = text.get_bbox_patch()
        if patch is not None:
            extent = Bbox.union([extent, patch.get_window_extent(renderer)])
        extent = extent.padded(3)
        cache[key] = self.canvas.copy_from_bbox(extent)
        while len(cache) > self.text_cache_size:
            cache.popitem(last=False)

    def draw(self) -> tuple[memoryview, int, int]:
        """Bring the canvas up to date; return its RGBA buffer, width and height (no encoding).

        The buffer is the canvas's own memory: it changes with the next draw.
        """
        canvas = self.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._text_regions = {}
            self.full_draws += 1
        else:
            canvas.restore_region(self._background)
        later = []
        for artist in self.dynamic:
            if not artist.get_visible():
                continue
            if self._is_cached_text(artist):
                self._draw_text_cached(artist)  # first: other artists may draw over it
            else:
                later.append(artist)
        for artist in later:
            self.figure.draw_artist(artist)
        width, height = canvas.get_width_height(physical=True)
        return canvas.buffer_rgba(), width, height

    def render(self) -> bytes:
        """Return the figure's current state as PNG bytes."""
        return self.encoder(*self.draw())

    def render_static(self) -> bytes:
        """Full PNG via a fresh draw of everything (slow path; the reference for tests)."""
        for artist in self.dynamic:
            artist.set_animated(False)
        try:
            self.canvas.draw()
            width, height = self.canvas.get_width_height(physical=True)
            return self.encoder(self.canvas.buffer_rgba(), width, height)
        finally:
            for artist in self.dynamic:
                artist.set_animated(True)
            self.invalidate()


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
        self._renderer: BlitRenderer | None = None
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
        slide); apps whose chart sets its own height return ``(width, None)``."""
        return (min(max(width_px, self.min_width_px), self.max_width_px), None)

    def resize(self, width_px: int, room_px: int | None = None) -> None:
        """Redraw the chart for a view ``width_px`` wide (text keeps its size; below the
        chart's wide layout it switches to its narrow one). Called by the browser's canvas."""
        size = self._chart_size(int(width_px), room_px)
        if size == self.size_px:
            return
        self.size_px = size
        if self._state is None:
            return
        self._chart = self._make_chart(self._state)
        self._renderer = BlitRenderer(self._chart.figure, self._chart.dynamic_artists)
        self.chart_view.show(*self._renderer.draw())
        self.chart_view.text_px = smallest_text_px(self._chart.figure)
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
        loop = _running_loop()
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
            self._chart = self._make_chart(state)
            self._renderer = BlitRenderer(self._chart.figure, self._chart.dynamic_artists)
            self.chart_view.text_px = smallest_text_px(self._chart.figure)
        elif self._refresh_chart(state):
            self._renderer.invalidate()
        self.chart_view.show(*self._renderer.draw())
        self._text_state = state
        loop = _running_loop() if defer_text else None
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
            metadata["image/png"] = {"alt": getattr(self._chart.figure, "alt_text", "")}
        if self._state is not None:
            data["text/plain"] = self._summary_text(self._state)
            data["text/html"] = self.static_html()._repr_html_()
        return data, metadata
