"""Chart: skin and muscle temperature under a cold pack, with the thresholds that matter.

Draws the three temperature traces of :func:`aftercare.thermal.simulate_cooling` (skin, muscle
at 1 cm and at 3 cm below the fat) against minutes from the start of the application, shades the
application period, and draws each threshold from :func:`aftercare.thermal.load_thresholds`
(the analgesia threshold, the nerve-conduction threshold, ...) as a labelled horizontal line.
Confirmed thresholds are solid; unconfirmed ones are dashed and labelled "unconfirmed" in
italics, so the difference never rests on colour alone. The three traces differ by line style
and by marker shape as well as by colour.

Around each trace a light band shows how far studies of the same condition differ
(:func:`aftercare.thermal.cooling_band`), and the published study means measured under the
simulated condition (:func:`aftercare.thermal.calibration.matching_points`) are drawn on it as
markers: a circle on the skin, a square at 1 cm, a triangle at 3 cm.

Threshold labels sit in the right margin in temperature order and are packed by their drawn
height so that no two labels, and no label and the legend, ever overlap.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon

from ..data import data_cache
from ..packs import load_barriers, load_modalities
from . import style

__all__ = ["cooling_curve", "CoolingChart", "Threshold", "check_simulation", "read_thresholds"]

SIM_COLUMNS = ("time_min", "skin_c", "muscle_1cm_c", "muscle_3cm_c")
MADE_BY = "aftercare.thermal.simulate_cooling"
#: column, colour role, line style, label, marker of the published points on that trace
TRACES = (
    ("skin_c", "skin", "-", "skin", "o"),
    ("muscle_1cm_c", "muscle_1cm", "--", "muscle 1 cm deep", "s"),
    ("muscle_3cm_c", "muscle_3cm", "-.", "muscle 3 cm deep", "^"),
)
Y_RANGE_C = (-3.0, 40.0)
#: Inputs a simulation must carry in ``attrs`` for the band and the published points.
SPREAD_ATTRS = ("modality", "barrier", "application_min", "rewarm_min", "skinfold_mm")
BAND_ALPHA = 0.2
LABEL_GAP_PX = 6.0
#: Characters per line of a threshold label.
MARGIN_WRAP = 34
#: Narrower than this [px], the legend goes below the chart and the labels wrap narrower.
WIDE_MIN_PX = 820
#: Smallest width the narrow layout is made for [px].
MIN_WIDTH_PX = 540
#: Characters per line of a threshold label in the narrow layout.
NARROW_MARGIN_WRAP = 22
#: Height of the wide layout [px] (10 x 5.6 in at 100 dpi, the slide size).
WIDE_HEIGHT_PX = 560
#: Shortest height of the wide layout [px]: below ``WIDE_HEIGHT_PX`` (the room left on a live
#: slide) the legend goes in one row under the chart and the right margin holds only the
#: threshold labels.
SHORT_MIN_PX = 430
#: Narrower than this [px], a short chart's legend takes two rows under it, not one.
SHORT_ONE_ROW_PX = 1150


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


def _default_title(meta: dict[str, Any], application_min: float) -> str | None:
    """ "crushed ice, no barrier, 20 min": the short labels of the simulation's pack and barrier
    (``data/modalities.yaml``, ``data/barriers.yaml``), or None when it names neither."""
    parts = []
    for key, labels in (("modality", load_modalities()), ("barrier", load_barriers())):
        if meta.get(key):
            entry = labels.get(str(meta[key]))
            parts.append(entry.short_label if entry is not None else str(meta[key]))
    return ", ".join(parts + [f"{application_min:g} min"]) if parts else None


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


@dataclass(frozen=True)
class Band:
    """The between-study band: ``low`` and ``high`` [°C], one column per ``BAND_COLUMNS``."""

    time: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def at(self, column: str, index: int) -> tuple[float, float]:
        """(low, high) of one trace at one time index."""
        j = BAND_COLUMNS.index(column)
        return float(self.low[index, j]), float(self.high[index, j])


#: Column order of :func:`aftercare.thermal.model.band_arrays`.
BAND_COLUMNS = ("skin_c", "muscle_1cm_c", "muscle_3cm_c", "fat_c")


@dataclass(frozen=True)
class Point:
    """A published study mean placed on the chart (``y_low``/``y_high``: its range or NaN)."""

    id: str
    label: str
    column: str
    x: float
    y: float
    y_low: float
    y_high: float


@data_cache(maxsize=256)
def _matching(modality: str, barrier: str, application_min: float, skinfold_mm: float) -> tuple:
    from ..thermal.calibration import matching_points

    rows = matching_points(modality, barrier, application_min, skinfold_mm)
    return tuple(rows.to_dict("records"))


def spread_and_points(simulation: pd.DataFrame) -> tuple[Band | None, list[Point]]:
    """The between-study band and the matching published points for a simulation.

    Both come from :mod:`aftercare.thermal` (:func:`~aftercare.thermal.cooling_band` and
    :func:`~aftercare.thermal.calibration.matching_points`) and need the inputs that
    :func:`~aftercare.thermal.simulate_cooling` stores in ``attrs``; for any other table the
    band is None and there are no points.
    """
    from ..thermal.model import band_arrays

    attrs = getattr(simulation, "attrs", {}) or {}
    if not all(k in attrs for k in SPREAD_ATTRS):
        return None, []
    band = band_arrays(
        attrs["modality"],
        attrs["barrier"],
        attrs["application_min"],
        attrs["rewarm_min"],
        attrs["skinfold_mm"],
        attrs.get("baseline_given_c"),
    )
    rows = _matching(
        attrs["modality"],
        attrs["barrier"],
        float(attrs["application_min"]),
        float(attrs["skinfold_mm"]),
    )
    points = []
    for row in rows:
        start = float(simulation[row["column"]].iat[0])
        if row["placement"] == "value":
            y, low, high = row["measured"], row["measured_low"], row["measured_high"]
        elif row["placement"] == "fall":
            y = start - row["measured"]
            low, high = start - row["measured_high"], start - row["measured_low"]
        else:  # the time at which the muscle had fallen 7 degC
            y, low, high = start - 7.0, np.nan, np.nan
        points.append(Point(row["id"], row["label"], row["column"], row["time_min"], y, low, high))
    return Band(*band), points


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
    spread : bool, default True
        Draw the between-study band and the published points (needs a simulation made by
        :func:`aftercare.thermal.simulate_cooling`; other tables get neither).
    width_px : int, optional
        Width in pixels at 100 dpi (default 1000); text keeps its size at every width. Below
        ``WIDE_MIN_PX`` the legend goes under the chart and the labels wrap narrower.
    height_px : int, optional
        Height in pixels of a wide chart (default and at most ``WIDE_HEIGHT_PX``, at least
        ``SHORT_MIN_PX``): the room left on a live slide. Below ``WIDE_HEIGHT_PX`` the legend
        goes in one row under the chart; text keeps its size.
    """

    def __init__(
        self,
        simulation: Any,
        thresholds: Any = None,
        title: str | None = None,
        x_max_min: float | None = None,
        spread: bool = True,
        width_px: int | None = None,
        height_px: int | None = None,
    ) -> None:
        check_simulation(simulation)
        self.thresholds = read_thresholds(thresholds)
        self.fixed_x = x_max_min
        self.spread = spread
        self.width_px = max(int(width_px or style.SLIDE_SIZE_IN[0] * style.DPI), MIN_WIDTH_PX)
        self.wide = self.width_px >= WIDE_MIN_PX
        self.height_px = (
            min(max(int(height_px or WIDE_HEIGHT_PX), SHORT_MIN_PX), WIDE_HEIGHT_PX)
            if self.wide
            else 700
        )
        #: A wide chart shorter than its usual height: the legend in one row under it.
        self.short = self.height_px < WIDE_HEIGHT_PX
        self.legend_rows = (1 if self.width_px >= SHORT_ONE_ROW_PX else 2) if self.short else 0
        self.margin_wrap = MARGIN_WRAP if self.wide else NARROW_MARGIN_WRAP
        with style.house_rc():
            self._build(simulation)
        self.update(simulation, title)

    def _build(self, simulation: pd.DataFrame) -> None:
        if self.wide:
            scale = 1000 / self.width_px
            height = self.height_px
            fig = style.new_figure((self.width_px / style.DPI, height / style.DPI))
            # 15 % of the usual height above the axes (title and note); below, 13 % (the axis
            # title) and in the short layout the legend's rows.
            bottom = 0.13 * WIDE_HEIGHT_PX + (24 * self.legend_rows + 8 if self.short else 0)
            box = (
                0.075 * scale,
                bottom / height,
                1 - 0.365 * 1000 / self.width_px - 0.075 * scale,
                (height - bottom - 0.15 * WIDE_HEIGHT_PX) / height,
            )
        else:
            # Narrow: 75 px left, the threshold labels in 235 px on the right, two lines of
            # subtitle above and the legend below (positions in pixels, text at its size).
            width, height = self.width_px, 700
            fig = style.new_figure((width / style.DPI, height / style.DPI))
            box = (75 / width, 215 / height, (width - 75 - 235) / width, 360 / height)
        FigureCanvasAgg(fig)  # a renderer to measure the labels with
        self.figure = fig
        ax = fig.add_axes(box)
        self.ax = ax
        # The labels start a fixed number of pixels right of the axes (34 px wide, 22 narrow).
        self.margin_x = 1 + (34 if self.wide else 22) / ax.bbox.width
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
            "shaded blue: pack on",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=12,
            color="#003D66",
        )
        self.lines: dict[str, Line2D] = {}
        self.bands: dict[str, Polygon] = {}
        self.markers: dict[str, Line2D] = {}
        self.ranges: dict[str, Line2D] = {}
        for column, role, dash, label, marker in TRACES:
            colour = style.COLORS[role]
            band = Polygon(
                np.zeros((1, 2)), closed=True, facecolor=colour, alpha=BAND_ALPHA, zorder=3
            )
            ax.add_patch(band)
            self.bands[column] = band
            (line,) = ax.plot(
                [], [], color=colour, linestyle=dash, linewidth=2.6, label=label, zorder=4
            )
            self.lines[column] = line
            (rng,) = ax.plot([], [], color="#000000", linewidth=1.6, zorder=5)
            self.ranges[column] = rng
            (points,) = ax.plot(
                [],
                [],
                linestyle="none",
                marker=marker,
                markersize=9,
                markerfacecolor=colour,
                markeredgecolor="#000000",
                markeredgewidth=1.4,
                zorder=6,
            )
            self.markers[column] = points
        self._draw_thresholds(ax)
        # A fixed legend (colour + line style + marker + name) keeps the traces apart without
        # colour; it also names the band and the published points.
        handles = [self.lines[c] for c, *_ in TRACES]
        labels = [label for _, _, _, label, _ in TRACES]
        attrs = getattr(simulation, "attrs", {}) or {}
        if self.spread and all(k in attrs for k in SPREAD_ATTRS):
            handles += self._spread_legend_handles()
            labels += ["spread between studies", "published study means"]
        if self.short:  # one row under the axis title, starting at the figure's left edge
            anchor = (-(ax.bbox.x0 - 8) / ax.bbox.width, -66 / ax.bbox.height)
        elif self.wide:
            anchor = (1.01, 1.0)
        else:
            anchor = (-70 / ax.bbox.width, -62 / ax.bbox.height)
        self.legend = ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=anchor,
            frameon=False,
            title=None if self.short else "Tissue (line style)",
            alignment="left",
            ncol=-(-len(handles) // self.legend_rows) if self.short else 1 if self.wide else 2,
            **({"columnspacing": 1.2, "handletextpad": 0.5} if self.short else {}),
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)},
        )
        height_px = fig.bbox.height
        left = 15 / self.width_px
        self.title = fig.text(
            left, 1 - 14 / height_px, "", ha="left", va="top", fontsize=15, fontweight="bold"
        )
        note = "Model estimate; skin and muscle calibrated apart. Dashed line: unconfirmed."
        fig.text(
            left,
            1 - 47.6 / height_px,
            note if self.wide else textwrap.fill(note, int((self.width_px - 30) / 8.3)),
            ha="left",
            va="top",
            fontsize=12,
        )
        self._pack_margin_labels()
        self.dynamic_artists = [
            self.apply_span,
            *self.bands.values(),
            *self.lines.values(),
            *self.ranges.values(),
            *self.markers.values(),
            self.title,
        ]

    @staticmethod
    def _spread_legend_handles() -> list[Any]:
        """Legend keys for the band (grey patch) and the published points (the three markers)."""
        markers = tuple(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=marker,
                markersize=8,
                markerfacecolor=style.COLORS[role],
                markeredgecolor="#000000",
            )
            for _, role, _, _, marker in TRACES
        )
        return [Patch(facecolor="#999999", alpha=0.45, edgecolor="none"), markers]

    def _draw_thresholds(self, ax: Any) -> None:
        """Lines, and bands crossed by lines, labelled in the right margin; other bands inside."""
        bands = [t for t in self.thresholds if t.kind == "band"]
        lines = [t for t in self.thresholds if t.kind != "band"]
        line_values = {t.value_c for t in lines}
        margin: list[tuple[float, str, bool]] = []  # (temperature, text, confirmed)
        for i, band in enumerate(bands):
            low = max(band.low_c, Y_RANGE_C[0])
            # Plain light shading (named by its label): hatching would double the PNG time.
            shade = "#EDEDED" if i % 2 == 0 else "#F6F6F6"
            ax.axhspan(low, band.high_c, facecolor=shade, edgecolor="none", zorder=1)
            text = f"{band.label}{_unconfirmed_tag(band)}"
            if any(low < v < band.high_c for v in line_values):
                # lines cross it: label it in the margin, at its top edge, like a line
                margin.append((band.high_c, textwrap.fill(text, self.margin_wrap), band.confirmed))
                continue
            if not self.wide:  # a band label stays inside the narrower plot
                text = textwrap.shorten(text, int((ax.bbox.width - 12) / 8.6), placeholder="...")
            ax.annotate(
                text,
                (0, (low + band.high_c) / 2),
                xycoords=ax.get_yaxis_transform(),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=12,
                color="#333333",
                zorder=2,
            )
        by_value: dict[float, list[Threshold]] = {}
        for line in lines:
            by_value.setdefault(line.value_c, []).append(line)
        for value, group in by_value.items():
            confirmed = all(t.confirmed for t in group)
            ax.axhline(
                value,
                color=style.COLORS["threshold"],
                linewidth=1.8,
                linestyle="-" if confirmed else (0, (5, 3)),
                zorder=3,
            )
            text = "\n".join(
                textwrap.fill(f"{t.label}{_unconfirmed_tag(t)}", self.margin_wrap) for t in group
            )
            margin.append((value, text, confirmed))
        self.margin_labels = []
        blend = ax.get_yaxis_transform()  # x in axes fraction, y in degC
        for value, text, confirmed in sorted(margin, key=lambda m: -m[0]):
            label = ax.text(
                self.margin_x,
                value,
                text,
                transform=blend,
                ha="left",
                va="top",
                fontsize=12,
                clip_on=False,
                fontstyle="normal" if confirmed else "italic",
            )
            (leader,) = ax.plot(
                [1.0, self.margin_x - 0.008],
                [value, value],
                transform=blend,
                color="#777777",
                linewidth=0.8,
                linestyle="-" if confirmed else "--",
                clip_on=False,
            )
            self.margin_labels.append((value, label, leader))

    def _pack_margin_labels(self) -> None:
        """Stack the margin labels by their drawn height so none overlaps another or the legend.

        Each label wants its first line level with its temperature; going down the list, a
        label that would overlap the one above moves down, and if the stack runs past the bottom
        of the axes it is pushed back up, never above the legend. A leader line joins each
        label to its temperature at the axis edge.
        """
        if not self.margin_labels:
            return
        renderer = self.figure.canvas.get_renderer()
        to_data = self.ax.transData.inverted()
        boxes = [lab.get_window_extent(renderer) for _, lab, _ in self.margin_labels]
        heights = [box.height for box in boxes]
        lines = [max(1, lab.get_text().count("\n") + 1) for _, lab, _ in self.margin_labels]
        wanted = [
            float(self.ax.transData.transform((0, value))[1]) for value, _, _ in self.margin_labels
        ]
        if self.wide and not self.short:  # the legend sits above the labels in the margin
            ceiling = self.legend.get_window_extent(renderer).y0 - LABEL_GAP_PX
        else:  # the legend is under the chart: the labels may reach the top of the axes
            ceiling = self.ax.get_window_extent(renderer).y1
        floor = self.ax.get_window_extent(renderer).y0
        tops = []
        for i, (centre, height) in enumerate(zip(wanted, heights, strict=True)):
            top = min(centre + height / lines[i] / 2, ceiling)
            if tops:
                top = min(top, tops[-1] - heights[i - 1] - LABEL_GAP_PX)
            tops.append(top)
        overflow = floor - (tops[-1] - heights[-1])
        if overflow > 0:
            tops = [t + overflow for t in tops]
            for i in range(1, len(tops)):  # keep the order when pushed back up
                tops[i] = min(tops[i], tops[i - 1] - heights[i - 1] - LABEL_GAP_PX)
        for (value, label, leader), top, height, n in zip(
            self.margin_labels, tops, heights, lines, strict=True
        ):
            label.set_y(float(to_data.transform((0, top))[1]))
            first_line_middle = float(to_data.transform((0, top - height / n / 2))[1])
            leader.set_data([1.0, self.margin_x - 0.008], [value, first_line_middle])

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
        for column, *_ in TRACES:
            self.lines[column].set_data(time, simulation[column].to_numpy(float))
        band, placed = spread_and_points(simulation) if self.spread else (None, [])
        self._show_spread(band, placed)
        if title is None:
            title = _default_title(meta, application)
        text = f"Tissue temperature: {title}" if title else "Tissue temperature under cold"
        if not self.wide:  # one line of bold 15 pt text across the narrow figure
            text = f"Cold: {title}" if title else text
            text = textwrap.shorten(text, int((self.width_px - 30) / 12), placeholder="...")
        self.title.set_text(text)
        self._describe(simulation, application, title, band, placed)
        return changed

    def _show_spread(self, band: Band | None, placed: list[Point]) -> None:
        for column, *_ in TRACES:
            if band is None:
                self.bands[column].set_xy(np.zeros((1, 2)))
            else:
                t = band.time
                j = BAND_COLUMNS.index(column)
                low, high = band.low[:, j], band.high[:, j]
                self.bands[column].set_xy(
                    np.column_stack(
                        [np.concatenate([t, t[::-1]]), np.concatenate([low, high[::-1]])]
                    )
                )
            rows = [p for p in placed if p.column == column]
            self.markers[column].set_data([p.x for p in rows], [p.y for p in rows])
            ranged = [p for p in rows if np.isfinite(p.y_low) and np.isfinite(p.y_high)]
            xs = [v for p in ranged for v in (p.x, p.x, np.nan)]
            ys = [v for p in ranged for v in (p.y_low, p.y_high, np.nan)]
            self.ranges[column].set_data(xs, ys)

    def _describe(
        self,
        simulation: pd.DataFrame,
        application: float,
        title: str | None,
        band: Band | None,
        placed: list[Point],
    ) -> None:
        time = simulation["time_min"].to_numpy(float)
        at_end = np.searchsorted(time, application, side="right") - 1
        at_end = max(0, min(at_end, len(time) - 1))
        traces = []
        for column, _role, _dash, label, _marker in TRACES:
            values = simulation[column].to_numpy(float)
            words = (
                f"{label} starts at {values[0]:.1f} °C, is {values[at_end]:.1f} °C when the "
                f"pack comes off at {time[at_end]:g} min"
            )
            if band is not None:
                low, high = band.at(column, at_end)
                words += f" (band {low:.1f} to {high:.1f} °C)"
            traces.append(
                f"{words} and reaches its lowest, {values.min():.1f} °C, at "
                f"{time[int(np.argmin(values))]:g} min"
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
        names = {column: label for column, _r, _d, label, _m in TRACES}
        point_words = [
            f"{p.label}: {names[p.column]} {p.y:.1f} °C at {p.x:g} min"
            + (f" (range {p.y_low:.1f} to {p.y_high:.1f} °C)" if np.isfinite(p.y_low) else "")
            for p in placed
        ]
        spread_alt = ""
        if band is not None:
            spread_alt = (
                " Light bands around each line show how far studies of the same condition "
                "differ (the model with the pack-skin contact two between-study SDs better and "
                "poorer). Published study means measured under this condition, drawn as "
                "markers (circle skin, square 1 cm, triangle 3 cm): "
                + ("; ".join(point_words) if point_words else "none")
                + "."
            )
        alt = (
            f"Line chart of model-estimated temperature (°C) against time (min) over "
            f"{time.max():g} min"
            f"{' for ' + title if title else ''}; the pack is on for the first "
            f"{application:g} min. "
            + "; ".join(traces)
            + ". Thresholds: "
            + ("; ".join(thr_words) if thr_words else "none available")
            + "."
            + spread_alt
            + " Skin and muscle are each drawn from their own calibration (skin studies and "
            "intramuscular studies), as no one model setting fits both."
            + (
                " After the pack comes off, muscle rewarming is fitted to and checked against "
                "published measurements; skin rewarming is a model estimate not validated "
                "against measurements."
                if time.max() > application + 1e-9
                else ""
            )
        )
        lowest = float(skin.min())
        crossed = sorted(
            {
                t.value_c
                for t in self.thresholds
                if t.kind != "band" and _crossing(time, skin, t.value_c) is not None
            },
            reverse=True,
        )
        inside = [
            t.label[0].lower() + t.label[1:]
            for t in self.thresholds
            if t.kind == "band" and t.low_c <= lowest <= t.high_c
        ]
        caption = (
            f"Simulated skin and muscle temperature{' for ' + title if title else ''}: the skin "
            f"falls to {lowest:.1f} °C"
            + (
                f", past the threshold lines at {', '.join(f'{v:g}' for v in crossed)} °C"
                if crossed
                else ", above every threshold line shown"
            )
            + (f", into the {inside[0]}" if inside else "")
            + "."
        )
        if band is not None:
            low, high = band.at("skin_c", at_end)
            caption += (
                f" Between studies it could end from {low:.1f} to {high:.1f} °C (light band)"
                + (
                    f"; markers: {len(point_words)} published study mean"
                    f"{'s' if len(point_words) != 1 else ''} for this condition."
                    if point_words
                    else "; no published study measured this condition."
                )
            )
        caption += " Model output, not a measurement."
        style.set_text_alternative(self.figure, caption, alt)


def cooling_curve(simulation: Any, thresholds: Any = None, title: str | None = None) -> Figure:
    """Chart skin and muscle temperature over time with the analgesia and nerve thresholds.

    Parameters
    ----------
    simulation : pandas.DataFrame
        From :func:`aftercare.thermal.simulate_cooling`: columns time_min [min], skin_c,
        muscle_1cm_c and muscle_3cm_c [°C]. When it carries the simulation's inputs in
        ``attrs`` (as ``simulate_cooling`` does), the chart adds the between-study band of
        :func:`aftercare.thermal.cooling_band` and the matching published study means.
    thresholds : optional
        Default :func:`aftercare.thermal.load_thresholds`.
    title : str, optional
        What was simulated (default from ``simulation.attrs``).

    Returns
    -------
    matplotlib.figure.Figure
        With ``caption`` and ``alt_text`` (temperatures at the start, when the pack comes off
        and at the lowest point, the band at removal, the published points, and when the skin
        crosses each threshold).

    Raises
    ------
    aftercare.errors.InputError
        If ``simulation`` is not a DataFrame or lacks a column (named in the message).

    References
    ----------
    Okabe M, Ito K (2008). Color Universal Design (palette). Calibration and study means:
    ``docs/calibration.md``.

    Examples
    --------
    >>> from aftercare.thermal import simulate_cooling
    >>> fig = cooling_curve(simulate_cooling("crushed_ice", "none", 20))
    >>> "light band" in fig.caption
    True
    """
    return CoolingChart(simulation, thresholds, title).figure
