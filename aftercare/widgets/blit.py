"""Blitting: draw a matplotlib figure once, then redraw only the artists that change.

Measured on this project's 2-core machines (``benchmarks/widget_latency.py`` prints the
figures): a full Agg draw of a slide chart costs about 44 ms and PNG encoding by ``savefig``
another 40-80 ms, while restoring a cached background and drawing only the changed artists
costs about 2 ms. :class:`BlitRenderer` packages that recipe for any
:class:`~matplotlib.figure.Figure`: the artists that change are marked ``animated=True`` so a
full draw leaves them out; that draw is cached as the background and re-made only after
:meth:`BlitRenderer.invalidate` (axes, ticks or limits changed). :meth:`BlitRenderer.draw`
returns the RGBA buffer, :meth:`BlitRenderer.render` PNG bytes.

This module knows nothing of widgets: the apps' base class (:mod:`aftercare.widgets.app`) and
the chart views (:mod:`aftercare.widgets.chartview`) build on it.

References
----------
matplotlib developers. Faster rendering by using blitting. Matplotlib User's Guide,
https://matplotlib.org/stable/users/explain/animations/blitting.html
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .png import encode_png

__all__ = ["BlitRenderer"]


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
