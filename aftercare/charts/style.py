"""The house style shared by every chart: palette, fonts, sizes, markers and input checks.

Charts are read on a laptop and on a projector, often by people with a colour-vision
deficiency, and as text by screen-reader users. So:

* colours come from the Okabe-Ito palette (safe for the common colour-vision deficiencies);
* meaning is never carried by colour alone: every category also has a text label, a marker and
  a hatch pattern (:data:`LEVEL_STYLE`), and unconfirmed numbers are drawn dashed and labelled
  "unconfirmed";
* fonts are at least 12 pt at the default slide size (10 x 5.6 in at 100 dpi);
* every axis names its quantity and unit;
* every chart function sets ``fig.caption`` and ``fig.alt_text`` (read with
  :func:`aftercare.charts.alt_text`).

Figures are built with :class:`matplotlib.figure.Figure` directly, inside
:func:`house_rc`, so no pyplot state or global rcParams change leaks into the caller.

References
----------
Okabe M, Ito K (2008). Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..errors import InputError
from ..palette import LEVEL_STYLE, OKABE_ITO

__all__ = [
    "OKABE_ITO",
    "COLORS",
    "LEVEL_STYLE",
    "SLIDE_SIZE_IN",
    "DPI",
    "MIN_FONT_PT",
    "house_rc",
    "new_figure",
    "set_text_alternative",
    "alt_text",
    "require_attributes",
    "require_columns",
    "clock_label",
    "day_clock_label",
    "smallest_text_px",
]

#: Roles used across the charts -> colour. One meaning, one colour, in every chart.
COLORS: dict[str, str] = {
    "ice": OKABE_ITO["blue"],
    "wait": OKABE_ITO["orange"],
    "sleep": "#BBBBBB",
    "now": OKABE_ITO["black"],
    "soreness": OKABE_ITO["reddish_purple"],
    "skin": OKABE_ITO["vermillion"],
    "muscle_1cm": OKABE_ITO["blue"],
    "muscle_3cm": OKABE_ITO["bluish_green"],
    "threshold": OKABE_ITO["black"],
    "text": "#222222",
    "grid": "#DDDDDD",
}

#: Default figure size for a 16:9 slide, in inches, and the resolution used for PNGs.
SLIDE_SIZE_IN: tuple[float, float] = (10.0, 5.6)
DPI = 100
#: Smallest font size used anywhere, in points.
MIN_FONT_PT = 12

_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.title_fontsize": 12,
    "figure.titlesize": 15,
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO.values())[1:] + ["#000000"]),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": COLORS["grid"],
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "lines.linewidth": 2.2,
    "hatch.linewidth": 1.0,
    "savefig.dpi": DPI,
    "figure.dpi": DPI,
    "svg.fonttype": "none",
}


@contextlib.contextmanager
def house_rc() -> Iterator[None]:
    """Context manager applying the house rcParams only while a chart is being built."""
    with mpl.rc_context(_RC):
        yield


def new_figure(size_in: tuple[float, float] = SLIDE_SIZE_IN) -> Figure:
    """A new pyplot-free :class:`~matplotlib.figure.Figure` at the house size and dpi.

    Call it inside :func:`house_rc` so the artists pick up the house style.
    """
    return Figure(figsize=size_in, dpi=DPI, layout=None)


def smallest_text_px(fig: Figure) -> float:
    """The smallest font of ``fig``'s visible texts, in pixels of a PNG drawn at ``fig.dpi``
    (points x dpi / 72). Times the scale at which a page shows that PNG, it is the smallest
    text size on screen.

    Examples
    --------
    >>> with house_rc():
    ...     fig = new_figure()
    ...     _ = fig.add_subplot().set_xlabel("Hours after needling [h]", fontsize=12)
    >>> smallest_text_px(fig)  # 12 pt at 100 dpi; the tick labels are 12 pt too
    16.67
    """
    sizes = [
        t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
    ]
    return round(min(sizes, default=0) * fig.dpi / 72, 2)


def set_text_alternative(fig: Figure, caption: str, alt: str) -> Figure:
    """Attach the short caption and the long text alternative to ``fig`` and return it."""
    fig.caption = caption  # type: ignore[attr-defined]
    fig.alt_text = alt  # type: ignore[attr-defined]
    return fig


def alt_text(fig: Figure) -> str:
    """Return the text alternative of a chart made by :mod:`aftercare.charts`.

    Raises
    ------
    InputError
        If ``fig`` is not a chart from this package (it has no ``alt_text``).
    """
    text = getattr(fig, "alt_text", None)
    if not isinstance(text, str) or not text:
        raise InputError(
            "fig",
            type(fig).__name__,
            "a Figure returned by an aftercare.charts function (it carries .alt_text)",
        )
    return text


def require_attributes(obj: object, names: Iterable[str], what: str, made_by: str) -> None:
    """Raise :class:`InputError` naming every attribute of ``names`` that ``obj`` lacks."""
    missing = [n for n in names if not hasattr(obj, n)]
    if missing:
        raise InputError(
            what,
            f"{type(obj).__name__} without {', '.join(missing)}",
            f"an object returned by {made_by} (with {', '.join(names)})",
        )


def require_columns(
    frame: object, columns: Iterable[str], what: str, made_by: str, *, allow_empty: bool = False
) -> None:
    """Raise :class:`InputError` unless ``frame`` is a DataFrame with all of ``columns``."""
    columns = list(columns)
    allowed = f"a pandas DataFrame from {made_by} with columns {', '.join(columns)}"
    if not hasattr(frame, "columns") or not hasattr(frame, "__len__"):
        raise InputError(what, type(frame).__name__, allowed, "It must be a DataFrame.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(what, f"DataFrame without column(s) {', '.join(missing)}", allowed)
    if len(frame) == 0 and not allow_empty:  # type: ignore[arg-type]
        raise InputError(what, "an empty DataFrame", allowed, "It has no rows.")


def day_clock_label(start_minutes_of_day: float, hours_after: float) -> str:
    r"""Clock time and day reached ``hours_after`` hours after a start: ``"09:00\nday 2"`` (the
    day of the start is day 1), so a clock axis that spans days tells them apart.

    Examples
    --------
    >>> day_clock_label(9 * 60, 0), day_clock_label(9 * 60, 24), day_clock_label(9 * 60, 15)
    ('09:00\nday 1', '09:00\nday 2', '00:00\nday 2')
    """
    day = int((start_minutes_of_day + hours_after * 60 + 1e-6) // (24 * 60)) + 1
    return f"{clock_label(start_minutes_of_day, hours_after)}\nday {day}"


def clock_label(start_minutes_of_day: float, hours_after: float) -> str:
    """Clock time ``HH:MM`` reached ``hours_after`` hours after a start (minutes of the day)."""
    total = int(round(start_minutes_of_day + hours_after * 60)) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"
