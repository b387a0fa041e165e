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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import style

__all__ = ["cooling_curve", "CoolingChart", "Threshold", "check_simulation", "read_thresholds"]

SIM_COLUMNS = ("time_min", "skin_c", "muscle_1cm_c", "muscle_3cm_c")
MADE_BY = "aftercare.thermal.simulate_cooling"
TRACES = (
    ("skin_c", "skin", "-", "skin"),
    ("muscle_1cm_c", "muscle_1cm", "--", "muscle 1 cm deep"),
    ("muscle_3cm_c", "muscle_3cm", "-.", "muscle 3 cm deep"),
)
Y_RANGE_C = (0.0, 40.0)


@dataclass(frozen=True)
class Threshold:
    """A temperature threshold as drawn: value [°C], label, confirmed or not, sources."""

    id: str
    label: str
    value_c: float
    confirmed: bool
    source_ids: tuple[str, ...]


def _get(item: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(item, Mapping) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return default


def read_thresholds(thresholds: Any = None) -> list[Threshold]:
    """Normalise the thresholds of :func:`aftercare.thermal.load_thresholds` for drawing.

    Accepts its result (a mapping, a sequence of records or a DataFrame); ``None`` loads them.
    A threshold is unconfirmed when its ``confidence`` (or ``status``) says so.
    """
    if thresholds is None:
        from ..thermal import load_thresholds

        thresholds = load_thresholds()
    if isinstance(thresholds, pd.DataFrame):
        items: Iterable[Any] = thresholds.to_dict("records")
    elif isinstance(thresholds, Mapping):
        items = [
            {"id": key, **(value if isinstance(value, Mapping) else vars(value))}
            if not hasattr(value, "model_dump")
            else {"id": key, **value.model_dump()}
            for key, value in thresholds.items()
        ]
    else:
        items = thresholds
    out = []
    for item in items:
        value = _get(item, "value_c", "temperature_c", "value", "threshold_c")
        ident = str(_get(item, "id", "name", default="threshold"))
        label = str(_get(item, "label", "name", "id", default=ident))
        confidence = str(_get(item, "confidence", "status", default="confirmed")).lower()
        sources = _get(item, "source_ids", "sources", default=()) or ()
        if isinstance(sources, str):
            sources = tuple(s.strip() for s in sources.replace(",", ";").split(";") if s.strip())
        if value is None:
            continue
        out.append(
            Threshold(ident, label, float(value), "unconfirmed" not in confidence, tuple(sources))
        )
    return out


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
    """

    def __init__(
        self,
        simulation: Any,
        thresholds: Any = None,
        title: str | None = None,
        x_max_min: float | None = None,
    ) -> None:
        check_simulation(simulation)
        self.thresholds = read_thresholds(thresholds)
        self.fixed_x = x_max_min
        with style.house_rc():
            self._build(simulation)
        self.update(simulation, title)

    def _build(self, simulation: pd.DataFrame) -> None:
        fig = style.new_figure()
        self.figure = fig
        ax = fig.add_axes((0.085, 0.13, 0.64, 0.72))
        self.ax = ax
        ax.set_ylim(*Y_RANGE_C)
        ax.set_ylabel("Temperature (°C)")
        ax.set_xlabel("Minutes from the start of cooling (min)")
        self.x_max = self.fixed_x or float(simulation["time_min"].max())
        ax.set_xlim(0, self.x_max)
        self.apply_span = ax.axvspan(
            0, 1, facecolor=style.COLORS["ice"], alpha=0.12, edgecolor="none"
        )
        self.apply_label = ax.text(
            0.5,
            0.985,
            "pack on",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=12,
            color="#003D66",
        )
        self.lines = {}
        self.end_labels = {}
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
            self.end_labels[column] = ax.annotate(
                label,
                (0, 0),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=12,
                color=style.COLORS[role],
                annotation_clip=False,
            )
        for thr in self.thresholds:
            confirmed = thr.confirmed
            ax.axhline(
                thr.value_c,
                color=style.COLORS["threshold"],
                linewidth=1.6,
                linestyle="-" if confirmed else (0, (5, 3)),
                zorder=3,
            )
            if not confirmed:
                ax.axhspan(
                    thr.value_c - 0.35,
                    thr.value_c + 0.35,
                    facecolor="none",
                    edgecolor="#777777",
                    hatch="///",
                    linewidth=0,
                    zorder=2,
                )
            tag = "" if confirmed else " (unconfirmed)"
            ax.annotate(
                f"{thr.label}: {thr.value_c:g} °C{tag}",
                (1, thr.value_c),
                xycoords=ax.get_yaxis_transform(),
                xytext=(-4, 4),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=12,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1),
            )
        ax.legend(loc="lower left", bbox_to_anchor=(1.01, 0.0), frameon=False, title="Line style")
        self.title = fig.text(0.015, 0.975, "", ha="left", va="top", fontsize=15, fontweight="bold")
        self.subtitle = fig.text(0.015, 0.915, "", ha="left", va="top", fontsize=12)
        self.dynamic_artists = [
            self.apply_span,
            self.apply_label,
            *self.lines.values(),
            *self.end_labels.values(),
            self.title,
            self.subtitle,
        ]

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
        self.apply_label.set_x(application / 2)
        for column, _role, _dash, _label in TRACES:
            values = simulation[column].to_numpy(float)
            self.lines[column].set_data(time, values)
            self.end_labels[column].xy = (time[-1], values[-1])
        if title is None:
            parts = [str(meta[k]) for k in ("modality", "barrier") if meta.get(k)]
            title = ", ".join(parts + [f"{application:g} min"]) if parts else None
        self.title.set_text(
            f"Tissue temperature under cold: {title}" if title else "Tissue temperature under cold"
        )
        skin = simulation["skin_c"].to_numpy(float)
        lowest = int(np.argmin(skin))
        self.subtitle.set_text(
            f"Lowest skin temperature {skin[lowest]:.1f} °C at {time[lowest]:.0f} min; "
            f"muscle 1 cm {simulation['muscle_1cm_c'].iloc[-1]:.1f} °C at the end"
        )
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
            thr_words.append(
                f"{thr.label} {thr.value_c:g} °C ({', '.join(thr.source_ids) or 'no source'}"
                f"{status}): {reached}"
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
