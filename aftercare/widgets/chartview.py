"""Where an app's chart is shown: a live canvas that takes patches, or a plain image.

:class:`ChartCanvas` (the default in JupyterLab and voila)
    An `anywidget <https://anywidget.dev>`_ widget: a ``<canvas>`` in the browser. Its model
    state holds a *keyframe* (the whole chart as PNG) that new views draw first and that a saved
    notebook keeps. While a control moves, the kernel sends only the rectangle of pixels that
    changed since the last frame as a custom message: raw RGBA when it is small (no PNG
    encoding in the kernel, no decoding in the browser) or PNG when it is large. The keyframe
    is brought up to date once the controls have been still for :attr:`ChartCanvas.keyframe_delay_s`.

    Why not an ``ipywidgets.Image`` holding the whole PNG? Measured here
    (``benchmarks/widget_latency.py``): moving the hours slider changes about 90 x 365 of the
    chart's 1000 x 560 pixels. Encoding, sending and decoding the whole PNG each time cost about
    12 ms of kernel time plus 20-40 ms of browser time on a 2-core machine; a raw patch of the
    changed rectangle costs under 2 ms in the kernel and under 1 ms to paint.

:class:`ChartImage`
    An ``ipywidgets.Image`` with the same interface. Used where the widget state is rendered
    without a kernel by the standard widget renderer, which can only load the standard widgets
    offline: the exported slides and pages set ``AFTERCARE_CHART_VIEW=image`` for the kernels
    that run the notebooks (:func:`chart_view_kind`).

Both take a frame with :meth:`show` (the Agg canvas's RGBA buffer) and give a PNG of what is
shown with :meth:`to_png`.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from ..errors import InputError
from .eventloop import running_loop
from .png import encode_png

__all__ = ["ChartCanvas", "ChartImage", "chart_view_kind", "make_chart_view", "CHART_VIEW_ENV"]

#: Environment variable that picks the chart view: ``canvas`` (default) or ``image``.
CHART_VIEW_ENV = "AFTERCARE_CHART_VIEW"
_KINDS = ("canvas", "image")


def chart_view_kind() -> str:
    """The chart view to build, from ``AFTERCARE_CHART_VIEW`` (``canvas`` when unset).

    Raises
    ------
    InputError
        When the variable holds anything but ``canvas`` or ``image``.
    """
    kind = os.environ.get(CHART_VIEW_ENV, "canvas").strip().lower() or "canvas"
    if kind not in _KINDS:
        raise InputError(
            f"environment variable {CHART_VIEW_ENV}",
            os.environ[CHART_VIEW_ENV],
            " or ".join(_KINDS),
        )
    return kind


def make_chart_view() -> ChartCanvas | ChartImage:
    """A new chart view of the kind :func:`chart_view_kind` names, with class ``aftercare-chart``."""
    view: ChartCanvas | ChartImage = (
        ChartCanvas() if chart_view_kind() == "canvas" else ChartImage()
    )
    view.add_class("aftercare-chart")
    return view


def _as_pixels(rgba: Any, width: int, height: int) -> np.ndarray:
    """A (height, width) uint32 view of an RGBA buffer (one number per pixel, for comparing)."""
    pixels = np.frombuffer(rgba, dtype=np.uint32)
    if pixels.size != width * height:
        raise ValueError(
            f"RGBA buffer holds {pixels.size} pixels, not width x height = {width} x {height}"
        )
    return pixels.reshape(height, width)


class ChartCanvas(anywidget.AnyWidget):
    """A canvas in the browser that the kernel updates with the changed pixels only.

    Examples
    --------
    >>> import numpy as np
    >>> view = ChartCanvas()
    >>> frame = np.full((4, 6, 4), 255, dtype=np.uint8)
    >>> view.show(frame.data, 6, 4); (view.width, view.height, view.frame)
    (6, 4, 0)
    >>> frame[1:3, 2:4] = (0, 0, 0, 255); view.show(frame.data, 6, 4); view.last_patch
    {'x': 2, 'y': 1, 'w': 2, 'h': 2, 'encoding': 'rgba', 'frame': 1}
    """

    # anywidget's documented form: the front end and its styles as files beside this module
    # (read once and sent as text with the widget's state; nothing is fetched).
    _esm = Path(__file__).with_name("chart_canvas.js")
    _css = Path(__file__).with_name("chart_canvas.css")

    #: The keyframe: the whole chart as PNG (drawn by new views and kept in saved notebooks).
    png = traitlets.Bytes(b"").tag(sync=True)
    #: Frame number of the keyframe.
    frame = traitlets.Int(-1).tag(sync=True)
    #: Chart size in pixels.
    width = traitlets.Int(0).tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    #: Accessible name of the canvas (``aria-label``).
    alt = traitlets.Unicode("").tag(sync=True)
    #: Smallest text in the chart [px at the chart's own size]; the canvas shows it as
    #: ``data-text-px`` so a browser test can check the text size on screen.
    text_px = traitlets.Float(0).tag(sync=True)

    #: Seconds of stillness before the keyframe is brought up to date (with an event loop).
    keyframe_delay_s = 0.4
    #: Largest patch sent as raw RGBA; larger ones are sent as PNG (bytes).
    raw_patch_limit = 512 * 1024

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pixels: np.ndarray | None = None  # what every up-to-date view shows
        self._current = -1  # number of the frame in self._pixels
        self._keyframe_handle: asyncio.TimerHandle | None = None
        #: The last patch sent (position, size, encoding, frame), for tests and benchmarks.
        self.last_patch: dict[str, Any] | None = None
        self._resize_callbacks: list[Any] = []
        self.on_msg(self._on_front_end_message)

    @property
    def current_frame(self) -> int:
        """Number of the frame on show in the kernel (the keyframe, ``frame``, may lag behind it
        while the controls move)."""
        return self._current

    def on_resize(self, callback: Any) -> None:
        """Call ``callback(width_px, room_px)`` when the browser reports the room it has."""
        self._resize_callbacks.append(callback)

    def show(self, rgba: Any, width: int, height: int) -> None:
        """Show a new frame: send what changed since the last one (nothing if nothing did)."""
        pixels = _as_pixels(rgba, width, height)
        if self._pixels is None or self._pixels.shape != pixels.shape:
            self._pixels = pixels.copy()
            self._current += 1
            self._write_keyframe()
            return
        changed = pixels != self._pixels
        rows = np.flatnonzero(changed.any(axis=1))
        if rows.size == 0:
            return
        y0, y1 = int(rows[0]), int(rows[-1]) + 1
        cols = np.flatnonzero(changed[y0:y1].any(axis=0))
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        region = np.ascontiguousarray(pixels[y0:y1, x0:x1])
        self._pixels[y0:y1, x0:x1] = region
        self._current += 1
        data = region.view(np.uint8)
        w, h = x1 - x0, y1 - y0
        if data.nbytes <= self.raw_patch_limit:
            encoding, payload = "rgba", memoryview(data).cast("B")
        else:
            encoding, payload = "png", encode_png(memoryview(data).cast("B"), w, h)
        self.last_patch = {"x": x0, "y": y0, "w": w, "h": h, "encoding": encoding}
        self.last_patch["frame"] = self._current
        self.send({"type": "patch", **self.last_patch}, [payload])
        self._keyframe_later()

    def flush(self) -> None:
        """Bring the keyframe (the ``png`` state) up to date now."""
        if self._keyframe_handle is not None:
            self._keyframe_handle.cancel()
            self._keyframe_handle = None
        if self._pixels is not None and self.frame != self._current:
            self._write_keyframe()

    def to_png(self) -> bytes:
        """PNG of the frame on show (the keyframe, brought up to date first)."""
        self.flush()
        return bytes(self.png)

    def _keyframe_later(self) -> None:
        loop = running_loop()
        if loop is None:
            self._write_keyframe()
            return
        if self._keyframe_handle is not None:
            self._keyframe_handle.cancel()
        self._keyframe_handle = loop.call_later(self.keyframe_delay_s, self.flush)

    def _write_keyframe(self) -> None:
        height, width = self._pixels.shape
        png = encode_png(memoryview(self._pixels.view(np.uint8)).cast("B"), width, height)
        with self.hold_sync():
            self.width, self.height = width, height
            self.png = png
            self.frame = self._current

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """A new view (``ready``) or one that missed a patch (``resync``) gets the whole frame;
        ``resize`` (the width the view has, and the height left on a slide) goes to the app."""
        if not isinstance(content, dict):
            return
        if content.get("type") == "resize":
            width, room = content.get("width"), content.get("height")
            if isinstance(width, int | float) and width > 0:
                for callback in self._resize_callbacks:
                    callback(int(width), int(room) if isinstance(room, int | float) else None)
            return
        if content.get("type") not in ("ready", "resync"):
            return
        if content.get("type") == "ready" and content.get("frame") == self._current:
            return  # it drew the keyframe, which is current
        if self._pixels is None:
            return
        self.flush()
        self.send({"type": "full", "frame": self._current}, [bytes(self.png)])


class ChartImage(widgets.Image):
    """The chart as a plain ``ipywidgets.Image`` holding the whole PNG (same interface).

    Examples
    --------
    >>> import numpy as np
    >>> view = ChartImage(); view.show(np.zeros((2, 3, 4), np.uint8).data, 3, 2)
    >>> view.to_png()[:4] == b"\\x89PNG"
    True
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "png")
        kwargs.setdefault("layout", widgets.Layout(max_width="100%"))
        super().__init__(**kwargs)
        #: Accessible name; exported pages give the ``<img>`` its alt text from the caption.
        self.alt = ""
        #: Smallest text in the chart [px] (the same as ChartCanvas.text_px; not synced).
        self.text_px = 0.0

    def on_resize(self, callback: Any) -> None:
        """An image never reports its room (it is drawn at the chart's default size)."""

    def show(self, rgba: Any, width: int, height: int) -> None:
        """Show a new frame (encoded as a whole PNG; nothing is sent if it did not change)."""
        _as_pixels(rgba, width, height)
        png = encode_png(rgba, width, height)
        if png != self.value:
            self.value = png

    def flush(self) -> None:
        """Nothing to do: the image is always current."""

    def to_png(self) -> bytes:
        """PNG of the frame on show."""
        return bytes(self.value)
