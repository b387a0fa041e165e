"""Fast drawing for the apps: build a figure once, then blit only what changed.

Measured on this project's machines (``/work/shared/latency.md``): a full Agg draw of a slide
chart costs about 44 ms and PNG encoding by ``savefig`` another 40-80 ms, while restoring a
cached background, drawing only the changed artists and encoding the RGBA buffer with PIL at
``compress_level=1`` costs about 13 ms. This module packages that recipe:

:class:`BlitRenderer`
    Owns an Agg canvas for one :class:`~matplotlib.figure.Figure`. The artists that change are
    marked ``animated=True`` so a full draw leaves them out; that draw is cached as the
    background and re-made only after :meth:`BlitRenderer.invalidate` (axes, ticks or limits
    changed). :meth:`BlitRenderer.render` returns PNG bytes.

:class:`ChartApp`
    An :class:`ipywidgets.VBox` base class for the apps: controls, a chart in an
    :class:`ipywidgets.Image`, and text. A change of any control is coalesced: bursts of
    events (a held arrow key) lead to one redraw of the latest state, never a queue of stale
    ones. With no front end attached (nbval, ``nbconvert --execute``, slides) the app still
    displays a static PNG of its current state plus a text summary (:meth:`_repr_mimebundle_`).
"""

from __future__ import annotations

import asyncio
import base64
import html
import io
import struct
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image as PILImage

from ..errors import AftercareError

__all__ = ["BlitRenderer", "ChartApp", "encode_png", "encode_png_pil"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + tag
        + data
        + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    )


def encode_png(rgba: memoryview, width: int, height: int, compress_level: int = 1) -> bytes:
    """Encode an RGBA buffer as PNG: no row filter, zlib ``compress_level`` (default 1).

    A valid 8-bit RGBA PNG. On this project's 2-core machines it takes about 11 ms for a
    1000 x 560 chart, against about 22 ms for PIL at ``compress_level=1`` (whose adaptive row
    filtering alone costs about 15 ms); the file is about 5 % larger
    (``benchmarks/widget_latency.py`` prints both).
    """
    pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(height, width * 4)
    raw = np.empty((height, width * 4 + 1), dtype=np.uint8)
    raw[:, 0] = 0  # filter type None for every row
    raw[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), compress_level))
        + _png_chunk(b"IEND", b"")
    )


def encode_png_pil(rgba: memoryview, width: int, height: int, compress_level: int = 1) -> bytes:
    """The same with PIL (adaptive row filters: smaller file, about twice the time)."""
    image = PILImage.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=compress_level)
    return out.getvalue()


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

    def render(self) -> bytes:
        """Return the figure's current state as PNG bytes."""
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
        return self.encoder(canvas.buffer_rgba(), width, height)

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


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


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

    Updates are coalesced. A change that arrives when the app is idle (the last redraw ended
    more than :attr:`min_interval_s` ago) is drawn at once, so a single key press costs no
    scheduling delay. A change that arrives during a burst (a held arrow key: events queued
    while the last frame was drawn) only marks the app dirty and schedules one refresh on the
    kernel's event loop at the end of the interval; every later change before it runs is folded
    into it, so stale states are dropped, never queued. Outside an event loop (plain Python,
    pytest) a change refreshes at once. Reading :attr:`state` (or calling :meth:`flush`)
    always brings everything up to date first.
    """

    #: Smallest spacing between two redraws during a burst of events, in seconds.
    min_interval_s = 0.02

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class("aftercare-chart")
        self.text = widgets.HTML()
        self.text.add_class("aftercare-text")
        self.message = widgets.HTML()
        self.message.add_class("aftercare-message")
        self._state: Any = None
        self._chart: Any = None
        self._renderer: BlitRenderer | None = None
        self._dirty = False
        self._scheduled = False
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

    # -- wiring ---------------------------------------------------------------------------
    def _setup(self, controls: dict[str, widgets.Widget], control_box: widgets.Widget) -> None:
        """Register the controls, lay the app out and draw once (so it opens with a chart)."""
        self.controls = controls
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.children = (control_box, self.message, self.image, self.text)
        self._refresh()

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
        """The PNG bytes on show."""
        self.flush()
        return bytes(self.image.value)

    def _on_change(self, change: dict[str, Any] | None = None) -> None:
        loop = _running_loop()
        self._dirty = True
        if self._scheduled:
            return  # a refresh is pending: it will draw the latest state
        delay = self._last_draw_end + self.min_interval_s - time.perf_counter()
        if loop is None or delay <= 0:
            self._refresh()
            return
        self._scheduled = True
        loop.call_later(delay, self.flush)

    def flush(self) -> None:
        """Bring state, text and chart up to date with the controls now (no-op when current)."""
        self._scheduled = False
        if self._dirty:
            self._refresh()

    def _refresh(self) -> None:
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
        elif self._refresh_chart(state):
            self._renderer.invalidate()
        png = self._renderer.render()
        if png != self.image.value:
            self.image.value = png
        self.text.value = self._text_html(state)
        self._last_draw_end = time.perf_counter()
        self.refresh_count += 1
        self.last_update_ms = (self._last_draw_end - start) * 1000

    # -- display without a front end --------------------------------------------------------
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        """Widget view for a live front end, plus a static PNG and text for everything else."""
        self.flush()
        bundle = super()._repr_mimebundle_(include=include, exclude=exclude, **kwargs) or {}
        data = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        if self.image.value:
            data["image/png"] = base64.b64encode(bytes(self.image.value)).decode("ascii")
        if self._state is not None:
            data["text/plain"] = self._summary_text(self._state)
        return data
