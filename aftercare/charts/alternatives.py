"""Chart: which options suit this patient, beside the strength of their evidence.

Left: one row per therapy with its suitability for this patient, shown three ways at once (a
text label RECOMMENDED / CAUTION / AVOID, a marker shape and a colour) plus the evidence level
("PNS trials", "indirect", "opinion only") and who gives it. Right: a forest plot of the
published effect sizes (:func:`aftercare.therapies.effect_sizes`), one panel per measurement
scale (effects on different scales are never put on one axis), with the confidence interval
where the source reported one and "no CI reported" where it did not.
"""

from __future__ import annotations

import functools
import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from . import style

__all__ = ["alternatives_chart", "AlternativesChart", "check_comparison"]

COMPARISON_COLUMNS = ("therapy", "name", "suitability", "evidence_level")
EFFECT_COLUMNS = (
    "therapy",
    "outcome",
    "measure",
    "estimate",
    "ci_low",
    "ci_high",
    "scale",
    "source_id",
)
MADE_BY = "aftercare.compare_alternatives"
SIZE_IN = (11.0, 6.2)
NAME_CHARS = 30
#: Narrower than this [px], the two halves are stacked: suitability on top, evidence below.
WIDE_MIN_PX = 940
#: Smallest height of the side-by-side layout [px].
WIDE_MIN_HEIGHT_PX = 564
#: Smallest width the stacked layout is made for [px].
MIN_WIDTH_PX = 540
# Stacked layout [px]: title band, one suitability row, forest rows, the evidence heading band.
_TITLE, _ROW, _FOREST_ROW, _EVIDENCE_HEAD = 86, 46, 40, 112
#: Short wide layout (the room left on a live slide) [px]: above the suitability rows (title
#: and "Suits this patient?"), below them, above the effect-size panels (heading and note),
#: below them (tick labels and axis title), between two panels.
_SHORT_TOP, _SHORT_BOTTOM, _SHORT_FOREST_TOP, _SHORT_FOREST_BOTTOM, _SHORT_GAP = 79, 34, 118, 51, 48
#: Height an effect-size row needs for a label of two lines [px]; below it, one line. A short
#: chart writes these labels at 11 pt (15 px on screen), the others at 12 pt.
_TWO_LINE_ROW_PX = 38
#: Space kept between a therapy's name and its suitability badge [px].
_NAME_GAP_PX = 12


def check_comparison(comparison: object, what: str = "comparison") -> None:
    """Raise InputError unless ``comparison`` is a compare_alternatives DataFrame."""
    style.require_columns(comparison, COMPARISON_COLUMNS, what, MADE_BY)


def _short_name(name: str) -> str:
    return textwrap.shorten(name, NAME_CHARS, placeholder="...")


@functools.lru_cache(maxsize=512)
def _text_width_px(text: str, size_pt: float, weight: str = "normal") -> float:
    """Width of ``text`` drawn at ``size_pt`` in the house font at the house dpi [px]."""
    with style.house_rc():
        prop = FontProperties(size=size_pt, weight=weight)
    return _measuring_renderer().get_text_width_height_descent(text, prop, ismath=False)[0]


@functools.lru_cache(maxsize=1)
def _measuring_renderer() -> RendererAgg:
    return RendererAgg(1, 1, style.DPI)


def _fit_text(text: str, room_px: float, size_pt: float = 12) -> str:
    """``text`` at ``size_pt``, shortened at a word with "..." until it is at most ``room_px``
    wide (as measured in the house font)."""
    chars = len(text)
    short = text
    while chars > 8 and _text_width_px(short, size_pt) > room_px:
        chars -= 1
        short = textwrap.shorten(text, chars, placeholder="...")
    return short


class AlternativesChart:
    """Suitability beside evidence, built once and updatable for another patient.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The result of :func:`aftercare.compare_alternatives`.
    effects : pandas.DataFrame, optional
        Effect sizes; default :func:`aftercare.therapies.effect_sizes`.
    width_px : int, optional
        Width in pixels at 100 dpi (default 1100). Below 940 px the suitability list and the
        effect sizes are stacked (the figure grows taller) and text keeps its size. A therapy's
        name is shortened at a word ("...") to the room left of its badge, as measured.
    height_px : int, optional
        Height of a wide chart in pixels (the room left on a live slide): at most its usual
        height (``width_px`` x 6.2 / 11, never under 564 px), at least what its rows need;
        text keeps its size.
    """

    def __init__(
        self,
        comparison: Any,
        effects: pd.DataFrame | None = None,
        width_px: int | None = None,
        height_px: int | None = None,
    ) -> None:
        check_comparison(comparison)
        self.width_px = max(int(width_px or SIZE_IN[0] * style.DPI), MIN_WIDTH_PX)
        self.wide = self.width_px >= WIDE_MIN_PX
        usual = max(round(SIZE_IN[1] * self.width_px / SIZE_IN[0]), WIDE_MIN_HEIGHT_PX)
        shortest = _SHORT_TOP + _SHORT_BOTTOM + _ROW * len(comparison)
        #: A wide chart kept shorter than usual (positions in pixels, text at its size).
        self.short = self.wide and height_px is not None and int(height_px) < usual
        self.height_px = max(int(height_px), shortest) if self.short else None
        if effects is None:
            from ..therapies import effect_sizes

            effects = effect_sizes()
        style.require_columns(
            effects, EFFECT_COLUMNS, "effects", "aftercare.therapies.effect_sizes", allow_empty=True
        )
        self.effects = effects.reset_index(drop=True)
        self.therapies = list(comparison["therapy"])
        with style.house_rc():
            self._build(comparison)
        self.update(comparison)

    def _groups(self) -> list[tuple[tuple[str, str], pd.DataFrame]]:
        return list(self.effects.groupby(["measure", "scale"], sort=False))

    def _build(self, comparison: pd.DataFrame) -> None:
        n = len(comparison)
        if self.short:
            height = self.height_px
            fig = style.new_figure((self.width_px / style.DPI, height / style.DPI))
            suit_box = (
                0.01,
                _SHORT_BOTTOM / height,
                0.40,
                (height - _SHORT_TOP - _SHORT_BOTTOM) / height,
            )
        elif self.wide:
            # Never shorter than WIDE_MIN_HEIGHT_PX: the effect sizes' two-line labels need it.
            height_px = max(SIZE_IN[1] / SIZE_IN[0] * self.width_px, WIDE_MIN_HEIGHT_PX)
            size_in = (self.width_px / style.DPI, height_px / style.DPI)
            fig = style.new_figure(size_in)
            suit_box = (0.01, 0.06, 0.40, 0.80)
        else:
            rows = sum(len(g) + 1.6 for _, g in self._groups())
            forest_px = rows * _FOREST_ROW + 70 * max(len(self._groups()) - 1, 0) + 60
            height = _TITLE + n * _ROW + _EVIDENCE_HEAD + forest_px
            fig = style.new_figure((self.width_px / style.DPI, height / style.DPI))
            self._forest_box = (forest_px - 60) / height, 60 / height
            suit_box = (
                10 / self.width_px,
                1 - (_TITLE + n * _ROW) / height,
                1 - 20 / self.width_px,
                n * _ROW / height,
            )
        self.figure = fig
        # A name runs from its start to the widest badge (bold 12 pt in a box padded 0.25 em,
        # right-aligned at 98 % of the list's width), with a gap; it is measured, not guessed.
        list_px = suit_box[2] * self.width_px
        name_x = 0.07 if self.wide else 34 / self.width_px
        badge_px = (
            max(
                _text_width_px(level["label"].upper(), 12, "bold")
                for level in style.LEVEL_STYLE.values()
            )
            + 0.5 * 12 * style.DPI / 72
        )
        room_px = (0.98 - name_x) * list_px - badge_px - _NAME_GAP_PX
        ax = fig.add_axes(suit_box)
        self.ax_suit = ax
        ax.set_xlim(0, 1)
        ax.set_ylim(n - 0.5, -0.5)
        ax.axis("off")
        ax.set_title("Suits this patient?", loc="left", fontsize=14, fontweight="bold", pad=14)
        self.row_markers = []
        self.row_labels = []
        for i, row in enumerate(comparison.itertuples(index=False)):
            name = _fit_text(str(row.name), room_px)
            ax.text(
                name_x,
                i - 0.13,
                name,
                va="center",
                ha="left",
                fontsize=12,
            )
            who = "clinician" if getattr(row, "delivered_by", "") == "clinician" else "self-care"
            ax.text(
                name_x,
                i + 0.25,
                f"{row.evidence_level}; {who}",
                va="center",
                ha="left",
                fontsize=12,
                color="#555555",
            )
            (marker,) = ax.plot(
                [0.03 if self.wide else 14 / self.width_px],
                [i],
                linestyle="none",
                markersize=13,
                zorder=3,
            )
            self.row_markers.append(marker)
            label = ax.text(0.98, i, "", va="center", ha="right", fontsize=12, fontweight="bold")
            self.row_labels.append(label)
            if i:
                ax.axhline(i - 0.5, color=style.COLORS["grid"], linewidth=0.8)

        # Forest plot: one panel per scale.
        effects = self.effects
        self.forest_axes = []
        self.forest_points: list[tuple[str, Any]] = []
        if len(effects) == 0:
            fig.text(0.72, 0.5, "No effect sizes in the data", ha="center")
        else:
            groups = self._groups()
            # Each panel's share of the height: its rows plus room for its axis; a short chart
            # gives the rows all it can (two-line labels need _TWO_LINE_ROW_PX each).
            extra = 0.2 if self.short else 1.6
            total = sum(len(g) + extra for _, g in groups)
            if self.short:
                height_px = self.figure.bbox.height
                top = 1 - _SHORT_FOREST_TOP / height_px
                bottom, gap = _SHORT_FOREST_BOTTOM / height_px, _SHORT_GAP / height_px
                forest_left, forest_width = 0.69, 0.29
            elif self.wide:
                top, bottom, gap = 0.79, 0.09, 0.085
                forest_left, forest_width = 0.69, 0.29
            else:
                span, bottom = self._forest_box
                gap = 70 / (self.figure.bbox.height)
                top = bottom + span
                forest_left = 290 / self.width_px
                forest_width = 1 - forest_left - 25 / self.width_px
            usable = top - bottom - gap * (len(groups) - 1)
            y = top
            for (measure, scale), group in groups:
                height = usable * (len(group) + extra) / total
                fax = fig.add_axes((forest_left, y - height, forest_width, height))
                y -= height + gap
                self._forest_panel(fax, str(measure), str(scale), group)
                self.forest_axes.append(fax)
        height_px = fig.bbox.height
        if self.short:
            head_x, head_y, note_chars = 0.45, 1 - 54 / height_px, 62
            note_y = 1 - 65 / height_px
        elif self.wide:
            head_x, head_y, note_y, note_chars = 0.45, 0.905, 0.885, 62
        else:
            head_x = 10 / self.width_px
            head_y = 1 - (_TITLE + n * _ROW + 34) / height_px
            note_y = 1 - (_TITLE + n * _ROW + 40) / height_px
            note_chars = max(30, int((self.width_px - 20) / 8.8))  # italic 12 pt
        fig.text(
            head_x,
            head_y,
            "Published effect sizes (95% CI where reported)",
            fontsize=14,
            fontweight="bold",
            ha="left",
        )
        note = _population_note(effects)
        if note:
            fig.text(
                head_x,
                note_y,
                textwrap.fill(note, note_chars),
                fontsize=12,
                fontstyle="italic",
                ha="left",
                va="top",
                color="#333333",
            )
        self.title = fig.text(
            0.01 if self.wide else 10 / self.width_px,
            1 - 14 / height_px if self.short or not self.wide else 0.975,
            "",
            fontsize=15,
            fontweight="bold",
            va="top",
        )
        self.dynamic_artists = [*self.row_markers, *self.row_labels, self.title]
        self.dynamic_artists += [line for _, line in self.forest_points]

    def _forest_panel(self, fax: Any, measure: str, scale: str, group: pd.DataFrame) -> None:
        names = {}
        if "therapy_name" in group.columns:
            names = dict(zip(group["therapy"], group["therapy_name"], strict=False))
        k = len(group)
        fax.set_ylim(k - 0.4, -0.6)
        lows = group["ci_low"].to_numpy(float)
        highs = group["ci_high"].to_numpy(float)
        est = group["estimate"].to_numpy(float)
        span = np.concatenate([est, lows[~np.isnan(lows)], highs[~np.isnan(highs)], [0.0]])
        pad = (span.max() - span.min()) * 0.12 or 1.0
        fax.set_xlim(span.min() - pad, span.max() + pad)
        fax.axvline(0, color=style.COLORS["threshold"], linewidth=1.2, linestyle="--")
        labels = []
        for j, row in enumerate(group.itertuples(index=False)):
            if not np.isnan(row.ci_low):
                fax.plot(
                    [row.ci_low, row.ci_high],
                    [j, j],
                    color="#333333",
                    linewidth=2,
                    solid_capstyle="butt",
                )
                fax.plot(
                    [row.ci_low, row.ci_high],
                    [j, j],
                    linestyle="none",
                    marker="|",
                    markersize=10,
                    color="#333333",
                )
            else:
                fax.annotate(
                    "no CI reported",
                    (row.estimate, j),
                    xytext=(8, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=12,
                    color="#555555",
                )
            (point,) = fax.plot([row.estimate], [j], linestyle="none", markersize=10, zorder=4)
            self.forest_points.append((str(row.therapy), point))
            therapy = str(names.get(row.therapy, row.therapy)).split(" (")[0]
            label = f"{therapy}: {row.outcome}"
            if fax.bbox.height / (k + 0.2) < _TWO_LINE_ROW_PX:  # a short panel: one line
                room_px = fax.bbox.x0 - 0.45 * self.width_px - 16  # right of the suitability
                labels.append(_fit_text(label, room_px, 11))
                continue
            lines = textwrap.wrap(label, 30)
            if len(lines) > 2:
                lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 30, placeholder="...")]
            labels.append("\n".join(lines))
        fax.set_yticks(range(k), labels, fontsize=11 if self.short else 12)
        xlabel = f"{measure} ({scale})"
        if not self.wide:  # wrapped to the narrower panel
            xlabel = textwrap.fill(xlabel, max(16, int(fax.bbox.width / 8.4)))
        fax.set_xlabel(xlabel, fontsize=12)
        fax.grid(False, axis="y")

    def update(self, comparison: Any) -> bool:
        """Show the suitability in ``comparison``; the evidence side is fixed. Returns False."""
        check_comparison(comparison)
        if list(comparison["therapy"]) != self.therapies:
            from ..errors import InputError

            raise InputError(
                "comparison",
                "a different list of therapies",
                ", ".join(self.therapies),
                "Build a new chart for it.",
            )
        suit = dict(zip(comparison["therapy"], comparison["suitability"], strict=True))
        shown = getattr(self, "_shown", {})
        for i, therapy in enumerate(self.therapies):
            if shown.get(therapy) == suit[therapy]:
                continue  # unchanged: keep the artists (and their cached pixels)
            level = style.LEVEL_STYLE.get(suit[therapy], style.LEVEL_STYLE["caution"])
            self.row_markers[i].set(
                marker=level["marker"],
                color=level["color"],
                markeredgecolor="black",
                markeredgewidth=1,
            )
            self.row_labels[i].set_text(level["label"].upper())
            self.row_labels[i].set_color("black")
            self.row_labels[i].set_bbox(
                dict(
                    facecolor=level["color"],
                    alpha=0.3,
                    edgecolor=level["color"],
                    hatch=level["hatch"],
                    boxstyle="round,pad=0.25",
                )
            )
        for therapy, point in self.forest_points:
            if shown.get(therapy) == suit.get(therapy):
                continue
            level = style.LEVEL_STYLE.get(suit.get(therapy, ""), None)
            if level is None:
                point.set(marker="s", color="#777777", markeredgecolor="black")
            else:
                point.set(marker=level["marker"], color=level["color"], markeredgecolor="black")
        self._shown = suit
        counts = {
            k: sum(1 for v in suit.values() if v == k) for k in ("recommended", "caution", "avoid")
        }
        self.title.set_text(
            f"Options after needling: {counts['recommended']} recommended, "
            f"{counts['caution']} caution, {counts['avoid']} avoid"
            if self.wide
            else f"Options: {counts['recommended']} recommended, {counts['caution']} caution, "
            f"{counts['avoid']} avoid"
        )
        self._describe(comparison)
        return False

    def _describe(self, comparison: pd.DataFrame) -> None:
        rows = []
        for row in comparison.itertuples(index=False):
            rows.append(f"{row.name}: {row.suitability} (evidence: {row.evidence_level})")
        effects = []
        for row in self.effects.itertuples(index=False):
            ci = (
                "no confidence interval reported"
                if np.isnan(row.ci_low)
                else f"95% CI {row.ci_low:g} to {row.ci_high:g}"
            )
            population = getattr(row, "population", "")
            effects.append(
                f"{row.therapy}, {row.outcome}: {row.measure} {row.estimate:g} ({ci}; "
                f"{row.scale}; {population + '; ' if population else ''}source {row.source_id})"
            )
        alt = (
            "Two-part chart. Left, suitability for this patient: " + "; ".join(rows) + ". "
            "Right, published effect sizes by scale, a dashed line marks zero (no difference): "
            + ("; ".join(effects) if effects else "none in the data")
            + "."
        )
        counts = comparison["suitability"].value_counts()
        caption = (
            f"Options for easing soreness after needling: {int(counts.get('recommended', 0))} "
            f"recommended, {int(counts.get('caution', 0))} caution, "
            f"{int(counts.get('avoid', 0))} avoid for this patient, beside the published effect "
            "sizes."
        )
        note = _population_note(self.effects)
        if note:
            caption += f" {note}."
        style.set_text_alternative(self.figure, caption, alt)


def _population_note(effects: pd.DataFrame) -> str:
    """How many effect sizes come from conditions other than soreness after needling."""
    if "population" not in effects.columns or not len(effects):
        return ""
    pops = [str(p) for p in effects["population"]]
    other = [p for p in pops if "not needling" in p or "needling" not in p]
    if not other:
        return ""
    kinds = sorted({p.replace(", not needling", "") for p in other})
    return f"{len(other)} of {len(pops)} are from other conditions, not needling: " + "; ".join(
        kinds
    )


def alternatives_chart(comparison: Any, effects: pd.DataFrame | None = None) -> Figure:
    """Chart which options suit this patient beside the strength of their evidence.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The result of :func:`aftercare.compare_alternatives` (columns therapy, name,
        suitability, evidence_level, ...).
    effects : pandas.DataFrame, optional
        Effect sizes for the forest plot; default :func:`aftercare.therapies.effect_sizes`.

    Returns
    -------
    matplotlib.figure.Figure
        With ``caption`` and ``alt_text``.

    Raises
    ------
    aftercare.errors.InputError
        If ``comparison`` is not a DataFrame or lacks a column (named in the message).

    Examples
    --------
    >>> from aftercare import Patient, compare_alternatives, load_protocol
    >>> fig = alternatives_chart(compare_alternatives(Patient(raynauds=True), load_protocol()))
    >>> "Ice pack (cold): avoid" in fig.alt_text
    True
    """
    return AlternativesChart(comparison, effects).figure
