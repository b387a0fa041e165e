"""Chart: skin and muscle temperature under a cold pack, with the thresholds that matter.

Draws the three temperature traces of :func:`aftercare.thermal.simulate_cooling` (skin, muscle
at 1 cm and at 3 cm below the fat) against minutes from the start of the application, shades the
application period, and draws each threshold from :func:`aftercare.thermal.load_thresholds`
(the analgesia threshold, the nerve-conduction threshold, ...) as a labelled horizontal line.
Confirmed thresholds are solid; unconfirmed ones are dashed, hatched and labelled
"unconfirmed", so the difference never rests on colour alone. The three traces differ by line
style and by an end-of-line label as well as by colour.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import style

__all__ = ["cooling_curve", "CoolingChart", "Threshold", "check_simulation", "read_thresholds"]

SIM_COLUMNS = ("time_min", "skin_c", "muscle_1cm_c", "muscle_3cm_c")
MADE_BY = "aftercare.thermal.simulate_cooling"
TRACES = (
    ("skin_c", "skin", "-", "skin"),
    ("muscle_1cm_c", "muscle_1cm", "--", "muscle 1 cm deep"),
    ("muscle_3cm_c", "muscle_3cm", "-.", "muscle 3 cm deep"),
)
Y_RANGE_C = (-3.0, 40.0)
#: Narrower than this [px], the legend goes below the chart and the labels wrap narrower.
WIDE_MIN_PX = 820
#: Smallest width the narrow layout is made for [px].
MIN_WIDTH_PX = 540


@dataclass(frozen=True)
class Threshold:
    """A threshold as drawn: a line (``low_c == high_c``) or a band, with its evidence."""

    id: str
    label: str
    kind: str
    low_c: float
    high_c: float
    confirmed: bool
    confidence: str
    source_ids: tuple[str, ...]

    @property
    def value_c(self) -> float:
        """The line's temperature (the top of a band) [°C]."""
        return self.high_c


def read_thresholds(thresholds: Any = None, side: str = "cold") -> list[Threshold]:
    """The ``side`` ("cold") rows of :func:`aftercare.thermal.load_thresholds` for drawing.

    ``thresholds`` is that DataFrame (``None`` loads it). A row is unconfirmed when its
    ``confidence`` is ``"unconfirmed"``; it is then drawn dashed and labelled so.
    """
    if thresholds is None:
        from ..thermal import load_thresholds

        thresholds = load_thresholds()
    style.require_columns(
        thresholds,
        ("id", "label", "kind", "low_c", "high_c", "confidence", "source_ids"),
        "thresholds",
        "aftercare.thermal.load_thresholds",
        allow_empty=True,
    )
    out = []
    for row in thresholds.to_dict("records"):
        if "side" in row and row["side"] != side:
            continue
        sources = row["source_ids"]
        if isinstance(sources, str):
            sources = tuple(x.strip() for x in sources.replace(",", ";").split(";") if x.strip())
        low = float(row["low_c"]) if pd.notna(row["low_c"]) else Y_RANGE_C[0]
        confidence = str(row["confidence"])
        out.append(
            Threshold(
                str(row["id"]),
                str(row["label"]),
                str(row["kind"]),
                low,
                float(row["high_c"]),
                confidence != "unconfirmed",
                confidence,
                tuple(sources),
            )
        )
    return out


def _unconfirmed_tag(threshold: Threshold) -> str:
    if threshold.confirmed or "unconfirmed" in threshold.label.lower():
        return ""
    return " (unconfirmed)"


def check_simulation(simulation: object, what: str = "simulation") -> None:
    """Raise InputError unless ``simulation`` is a simulate_cooling DataFrame."""
    style.require_columns(simulation, SIM_COLUMNS, what, MADE_BY)


def _meta(simulation: pd.DataFrame) -> dict[str, Any]:
    attrs = dict(getattr(simulation, "attrs", {}) or {})
    if "phase" in simulation.columns and "application_min" not in attrs:
        on = simulation.loc[
            simulation["phase"].astype(str).str.contains("appl|cool|on"), "time_min"
        ]
        if len(on):
            attrs["application_min"] = float(on.max())
    return attrs


def _crossing(time: np.ndarray, temp: np.ndarray, level: float) -> float | None:
    below = np.nonzero(temp < level)[0]
    return float(time[below[0]]) if len(below) else None


class CoolingChart:
    """Temperature traces with thresholds, built once and updatable with a new simulation.

    Parameters
    ----------
    simulation : pandas.DataFrame
        From :func:`aftercare.thermal.simulate_cooling`.
    thresholds : optional
        As returned by :func:`aftercare.thermal.load_thresholds` (default: loaded).
    title : str, optional
        What was simulated, e.g. "Crushed ice, dry towel, 20 min"; default from
        ``simulation.attrs`` when present.
    x_max_min : float, optional
        Fix the time axis to 0..x_max_min minutes (apps use it so the axis never jumps).
    width_px : int, optional
        Width in pixels at 100 dpi (default 1000); text keeps its size at every width.
    """

    def __init__(
        self,
        simulation: Any,
        thresholds: Any = None,
        title: str | None = None,
        x_max_min: float | None = None,
        width_px: int | None = None,
    ) -> None:
        check_simulation(simulation)
        self.thresholds = read_thresholds(thresholds)
        self.fixed_x = x_max_min
        self.width_px = max(int(width_px or style.SLIDE_SIZE_IN[0] * style.DPI), MIN_WIDTH_PX)
        self.wide = self.width_px >= WIDE_MIN_PX
        # Characters per line of a threshold label in the right margin.
        self.label_chars = 38 if self.wide else 23
        with style.house_rc():
            self._build(simulation)
        self.update(simulation, title)

    def _build(self, simulation: pd.DataFrame) -> None:
        if self.wide:
            width_in = self.width_px / style.DPI
            fig = style.new_figure((width_in, style.SLIDE_SIZE_IN[1]))
            box = (
                0.075,
                0.13,
                0.56 * 1000 / self.width_px + 0.075 * (1 - 1000 / self.width_px),
                0.72,
            )
        else:
            # Narrow: 75 px left, the threshold labels in 235 px on the right, two lines of
            # subtitle above and the legend below (positions in pixels, text at its size).
            width, height = self.width_px, 660
            fig = style.new_figure((width / style.DPI, height / style.DPI))
            box = (75 / width, 175 / height, (width - 75 - 235) / width, 380 / height)
        self.figure = fig
        ax = fig.add_axes(box)
        self.ax = ax
        ax.set_ylim(*Y_RANGE_C)
        ax.set_ylabel("Temperature (°C)")
        ax.set_xlabel(
            "Minutes from the start of cooling (min)" if self.wide else "Minutes from start (min)"
        )
        self.x_max = self.fixed_x or float(simulation["time_min"].max())
        ax.set_xlim(0, self.x_max)
        self.apply_span = ax.axvspan(
            0, 1, facecolor=style.COLORS["ice"], alpha=0.12, edgecolor="none"
        )
        self.apply_label = ax.text(
            0.01,
            0.985,
            "shaded: pack on",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=12,
            color="#003D66",
        )
        self.lines = {}
        for column, role, dash, label in TRACES:
            (line,) = ax.plot(
                [],
                [],
                color=style.COLORS[role],
                linestyle=dash,
                linewidth=2.6,
                label=label,
                zorder=4,
            )
            self.lines[column] = line
        self._draw_thresholds(ax)
        # A fixed legend (colour + line style + name) keeps the traces apart without colour.
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0) if self.wide else (-75 / ax.bbox.width, -0.24),
            frameon=False,
            title="Tissue (line style)",
            alignment="left",
            ncol=1 if self.wide else 2,
        )
        height_px = fig.bbox.height
        self.title = fig.text(
            15 / self.width_px,
            1 - 14 / height_px,
            "",
            ha="left",
            va="top",
            fontsize=15,
            fontweight="bold",
        )
        note = (
            "Model output (calibrated 1-D bioheat model), not a measurement. "
            "Dashed threshold: unconfirmed."
        )
        fig.text(
            15 / self.width_px,
            1 - 47.6 / height_px,
            note if self.wide else textwrap.fill(note, int((self.width_px - 30) / 8.3)),
            ha="left",
            va="top",
            fontsize=12,
        )
        self.dynamic_artists = [
            self.apply_span,
            *self.lines.values(),
            self.title,
        ]

    def _draw_thresholds(self, ax: Any) -> None:
        """Bands as faint hatched shading labelled inside; lines labelled in the right margin."""
        bands = [t for t in self.thresholds if t.kind == "band"]
        lines = [t for t in self.thresholds if t.kind != "band"]
        line_values = {t.value_c for t in lines}
        for i, band in enumerate(bands):
            low = max(band.low_c, Y_RANGE_C[0])
            # Plain light shading (named by its label): hatching would double the PNG time.
            shade = "#EDEDED" if i % 2 == 0 else "#F6F6F6"
            ax.axhspan(low, band.high_c, facecolor=shade, edgecolor="none", zorder=1)
            inner = any(low < v < band.high_c for v in line_values)
            # A band crossed by threshold lines is labelled just above its lower edge.
            y, va = (low, "bottom") if inner else ((low + band.high_c) / 2, "center")
            band_text = f"{band.label}{_unconfirmed_tag(band)}"
            if not self.wide:  # a band label stays inside the narrower plot
                band_text = textwrap.shorten(
                    band_text, int((ax.bbox.width - 12) / 8.6), placeholder="..."
                )
            ax.annotate(
                band_text,
                (0, y),
                xycoords=ax.get_yaxis_transform(),
                xytext=(4, 2 if inner else 0),
                textcoords="offset points",
                ha="left",
                va=va,
                fontsize=12,
                color="#333333",
                zorder=2,
            )
        by_value: dict[float, list[Threshold]] = {}
        for line in lines:
            by_value.setdefault(line.value_c, []).append(line)
        labels = []
        for value in sorted(by_value, reverse=True):
            group = by_value[value]
            confirmed = all(t.confirmed for t in group)
            ax.axhline(
                value,
                color=style.COLORS["threshold"],
                linewidth=1.8,
                linestyle="-" if confirmed else (0, (5, 3)),
                zorder=3,
            )
            text = "\n".join(
                textwrap.fill(f"{t.label}{_unconfirmed_tag(t)}", self.label_chars) for t in group
            )
            labels.append((value, text, confirmed))
        # Right margin, pushed apart so that close lines (12.5 and 13.6 °C) stay readable: each
        # label is measured as drawn and the next one starts below it.
        renderer = FigureCanvasAgg(self.figure).get_renderer()
        # Clear of the last tick label of the time axis, which reaches past the axis end.
        label_x = 1.02 if self.wide else 1 + 20 / ax.bbox.width
        to_data = ax.transData.inverted()
        bottom_prev = None
        for value, text, confirmed in labels:
            note = ax.annotate(
                text,
                xy=(1, value),
                xycoords=ax.get_yaxis_transform(),
                xytext=(label_x, value),
                textcoords=("axes fraction", "data"),
                ha="left",
                va="center",
                fontsize=12,
                annotation_clip=False,
                fontstyle="normal" if confirmed else "italic",
                arrowprops=dict(
                    arrowstyle="-",
                    color="#777777",
                    linewidth=0.8,
                    linestyle="-" if confirmed else "--",
                    shrinkA=0,
                    shrinkB=0,
                ),
            )
            note.update_positions(renderer)  # an annotation places its text at draw time
            box = Text.get_window_extent(note, renderer)
            top_c = to_data.transform((0, box.y1))[1]
            if bottom_prev is not None and top_c > bottom_prev - 0.3:
                shift = top_c - (bottom_prev - 0.3)
                note.set_position((label_x, value - shift))
                note.update_positions(renderer)
                box = Text.get_window_extent(note, renderer)
            bottom_prev = to_data.transform((0, box.y0))[1]

    def update(self, simulation: Any, title: str | None = None) -> bool:
        """Show ``simulation``. Returns True when the time axis had to change."""
        check_simulation(simulation)
        time = simulation["time_min"].to_numpy(float)
        changed = False
        if self.fixed_x is None:
            new_max = float(time.max())
            if new_max != self.x_max:
                self.x_max = new_max
                self.ax.set_xlim(0, new_max)
                changed = True
        meta = _meta(simulation)
        application = float(meta.get("application_min", time.max()))
        self.apply_span.set_x(0)
        self.apply_span.set_width(application)
        for column, _role, _dash, _label in TRACES:
            self.lines[column].set_data(time, simulation[column].to_numpy(float))
        if title is None:
            parts = [str(meta[k]).replace("_", " ") for k in ("modality", "barrier") if meta.get(k)]
            title = ", ".join(parts + [f"{application:g} min"]) if parts else None
        text = f"Tissue temperature: {title}" if title else "Tissue temperature under cold"
        if not self.wide:  # one line of bold 15 pt text across the narrow figure
            text = f"Cold: {title}" if title else text
            text = textwrap.shorten(text, int((self.width_px - 30) / 12), placeholder="...")
        self.title.set_text(text)
        self._describe(simulation, application, title)
        return changed

    def _describe(self, simulation: pd.DataFrame, application: float, title: str | None) -> None:
        time = simulation["time_min"].to_numpy(float)
        at_end = np.searchsorted(time, application, side="right") - 1
        at_end = max(0, min(at_end, len(time) - 1))
        traces = []
        for column, _role, _dash, label in TRACES:
            values = simulation[column].to_numpy(float)
            traces.append(
                f"{label} starts at {values[0]:.1f} °C, is {values[at_end]:.1f} °C when the "
                f"pack comes off at {time[at_end]:g} min and reaches its lowest, "
                f"{values.min():.1f} °C, at {time[int(np.argmin(values))]:g} min"
            )
        skin = simulation["skin_c"].to_numpy(float)
        thr_words = []
        for thr in self.thresholds:
            when = _crossing(time, skin, thr.value_c)
            status = "" if thr.confirmed else ", unconfirmed"
            reached = (
                f"the skin falls below it at {when:g} min"
                if when is not None
                else "the skin never falls below it"
            )
            if thr.kind == "band":
                reached = reached.replace("below it", f"below {thr.high_c:g} °C")
            where = (
                f"{thr.low_c:g} to {thr.high_c:g} °C"
                if thr.kind == "band"
                else f"{thr.value_c:g} °C"
            )
            thr_words.append(
                f"{thr.label} ({where}; {', '.join(thr.source_ids) or 'no source'}; confidence "
                f"{thr.confidence}{status.replace(', unconfirmed', '')}): {reached}"
            )
        alt = (
            f"Line chart of temperature (°C) against time (min) over {time.max():g} min"
            f"{' for ' + title if title else ''}; the pack is on for the first "
            f"{application:g} min. "
            + "; ".join(traces)
            + ". Thresholds: "
            + ("; ".join(thr_words) if thr_words else "none available")
            + "."
        )
        reached = [t.label for t in self.thresholds if _crossing(time, skin, t.value_c) is not None]
        caption = (
            f"Simulated skin and muscle temperature{' for ' + title if title else ''}: the skin "
            f"reaches {skin.min():.1f} °C"
            + (
                f" and crosses {', '.join(reached)}."
                if reached
                else " and crosses none of the thresholds shown."
            )
            + " Model output, not a measurement."
        )
        style.set_text_alternative(self.figure, caption, alt)


def cooling_curve(simulation: Any, thresholds: Any = None, title: str | None = None) -> Figure:
    """Chart skin and muscle temperature over time with the analgesia and nerve thresholds.

    Parameters
    ----------
    simulation : pandas.DataFrame
        From :func:`aftercare.thermal.simulate_cooling`: columns time_min [min], skin_c,
        muscle_1cm_c and muscle_3cm_c [°C].
    thresholds : optional
        Default :func:`aftercare.thermal.load_thresholds`.
    title : str, optional
        What was simulated (default from ``simulation.attrs``).

    Returns
    -------
    matplotlib.figure.Figure
        With ``caption`` and ``alt_text`` (temperatures at the start, when the pack comes off
        and at the lowest point, and when the skin crosses each threshold).

    Raises
    ------
    aftercare.errors.InputError
        If ``simulation`` is not a DataFrame or lacks a column (named in the message).
    """
    return CoolingChart(simulation, thresholds, title).figure
