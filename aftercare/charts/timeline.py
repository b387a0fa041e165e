"""Chart: the icing plan on a 0-72 h timeline after needling.

One figure shows, against hours since needling (clock times on the top axis):

* a schedule strip with three labelled lanes: *asleep* (``plan.sleep_windows``), *wait, no ice*
  (0 to ``plan.wait_until_h``) and *ice* (each row of ``plan.sessions``);
* below it what is known of the course of post-needling soreness (:mod:`aftercare.soreness`):
  the published means as points and the hours in which soreness fell fastest as a shaded band,
  with no curve between the points (two time points cannot show the shape between them);
* a vertical "now" line at the patient's hours since needling;
* a text panel with the verdict and every flag with its reason and source ids.

:class:`TimelineChart` builds the figure once and can update it in place for a new plan
(the apps use this); :func:`icing_timeline` is the pure function.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator
from matplotlib.transforms import blended_transform_factory

from . import style
from .soreness_data import SorenessCourse, load_soreness_course
from .timeaxis import MIN_AXIS_H, check_plan, clock_twin, minutes_of_day, session_spans, spans

__all__ = ["icing_timeline", "TimelineChart", "check_plan"]

LANES = {"ice": 2, "wait": 1, "asleep": 0}
PANEL_CHARS = 31
MAX_FLAG_LINES = 15
#: Default size [px] at 100 dpi: a 16:9 slide chart.
SIZE_PX = (1000, 560)
#: Narrower than this, the flags panel is left out (the apps list the flags below the chart).
WIDE_MIN_PX = 820
#: Smallest size the layout is made for [px].
MIN_SIZE_PX = (540, 420)
# Fixed parts of the layout [px]: left margin (tick labels and y label), space above the lanes
# (title, subtitle, clock axis with its two-line day and time labels), lane strip, gap for the "now" label, space below the main panel.
_LEFT, _TOP, _LANE, _GAP, _BOTTOM = 85, 144, 106, 20, 67
#: Room below a narrow chart for its legend (four lines) [px].
_NARROW_LEGEND = 98


def _verdict_style(verdict: str) -> dict[str, str]:
    return style.LEVEL_STYLE.get(verdict, style.LEVEL_STYLE["caution"])


def _session_words(plan: Any) -> str:
    frame = plan.sessions
    if len(frame) == 0:
        return "No ice sessions are planned."
    minutes = sorted({f"{m:g}" for m in frame["minutes"]})
    barrier = ""
    if "barrier_label" in frame.columns:
        barrier = f" with {frame['barrier_label'].iloc[0]}"
    days = frame["day"] if "day" in frame.columns else [1] * len(frame)
    by_day: dict[int, list[str]] = {}
    for day, clock, start in zip(days, frame["clock_time"], frame["start_h"], strict=False):
        by_day.setdefault(int(day), []).append(f"{clock} ({float(start):g} h)")
    times = "; ".join(f"day {d}: {', '.join(t)}" for d, t in by_day.items())
    return (
        f"{len(frame)} ice session{'s' if len(frame) != 1 else ''} of {'/'.join(minutes)} min"
        f"{barrier}, starting at {times}."
    )


def _time_points(n: int) -> str:
    """``2`` -> ``"2 time points"``: the points are group means at time points, not patients."""
    return f"{n} time point{'s' if n != 1 else ''}"


def _soreness_words(course: SorenessCourse) -> str:
    """The soreness panel in words, for the alt text: the points, the band, and no curve."""
    points = ", ".join(
        f"{v:g} at {h:g} h" for h, v in zip(course.points_h, course.points_value, strict=True)
    )
    words = (
        f"{course.y_label}: published means at {_time_points(course.n_points)} ({points}; "
        f"{', '.join(course.source_ids)}), with no line drawn between them."
    )
    if course.band_h is not None:
        low, high = course.band_h
        words += (
            f" Shaded band from {low:g} to {high:g} h: soreness fell fastest then "
            f"({', '.join(course.band_source_ids)})."
        )
    return words


def _soreness_caption(course: SorenessCourse) -> str:
    """The end of the caption: what the soreness panel shows (and that no curve is drawn)."""
    band = (
        " and the hours in which soreness fell fastest (shaded)"
        if course.band_h is not None
        else ""
    )
    return f"; beside the published soreness means{band}; no curve is drawn between the points."


def _wait_words(plan: Any, needled: float) -> tuple[str, str]:
    """What the plan says about waiting, for the subtitle and for the alt text: there is no ice
    plan (avoid), no wait, or a wait in hours (with its clock time)."""
    if str(plan.verdict) == "avoid":
        return (
            "no ice plan: ice is ruled out (AVOID)",
            "No ice plan: ice is ruled out, so there is no wait and no session.",
        )
    wait = float(plan.wait_until_h)
    if wait == 0:
        return "no wait before the first ice", "No wait: ice may start straight after needling."
    return (
        f"no ice for the first {wait:g} h",
        f"Wait (no ice) until {wait:g} h ({style.clock_label(needled, wait)}).",
    )


def _first_sentence(text: str) -> str:
    head, dot, _rest = text.partition(". ")
    return head + "." if dot else text


def _flag_lines(plan: Any, chars: int = PANEL_CHARS, max_lines: int = MAX_FLAG_LINES) -> list[str]:
    lines: list[str] = []
    for flag in plan.flags:
        level = style.LEVEL_STYLE.get(flag.level, style.LEVEL_STYLE["caution"])["label"].upper()
        ids = ", ".join(flag.source_ids)
        text = f"{level}: {flag.label}. {_first_sentence(flag.reason)} [{ids}]"
        lines.extend(textwrap.wrap(text, chars, subsequent_indent="  "))
    if not lines:
        lines = ["No patient factor", "changes the plan."]
    if len(lines) > max_lines:
        more = textwrap.wrap("... more in the text below the chart.", chars)
        lines = lines[: max_lines - len(more)] + more
    return lines


class TimelineChart:
    """The icing timeline, built once and updatable in place.

    Parameters
    ----------
    plan : aftercare.planner.IcingPlan
        A result of :func:`aftercare.plan_icing`.
    soreness : SorenessCourse, optional
        The soreness course to draw; by default the one from :mod:`aftercare.soreness`.
    size_px : (int, int), optional
        Width and height in pixels at 100 dpi (default 1000 x 560). Text keeps its size; below
        820 px the flags panel is left out and the title is shortened.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The figure, with ``caption`` and ``alt_text``.
    dynamic_artists : list of Artist
        Artists whose data follow the plan (the rest is a fixed background).
    clock_axis : matplotlib.axes.Axes
        The clock-time axis on top (:func:`aftercare.charts.timeaxis.clock_twin`).
    """

    def __init__(
        self,
        plan: Any,
        soreness: SorenessCourse | None = None,
        size_px: tuple[int, int] | None = None,
    ) -> None:
        check_plan(plan)
        width, height = size_px or SIZE_PX
        width = max(int(width), MIN_SIZE_PX[0])
        self.wide = width >= WIDE_MIN_PX
        # The soreness panel keeps room for its axis label (the legend goes below when narrow).
        least = _TOP + _LANE + _GAP + _BOTTOM + (90 if self.wide else _NARROW_LEGEND + 190)
        self.size_px = (width, max(int(height), MIN_SIZE_PX[1], least))
        self._undescribed: tuple[Any, float] | None = None
        self.soreness = soreness if soreness is not None else load_soreness_course()
        with style.house_rc():
            self._build(plan)
        self.update(plan)

    # ------------------------------------------------------------------ build (once)
    def _build(self, plan: Any) -> None:
        width_px, height_px = self.size_px
        fig = style.new_figure((width_px / style.DPI, height_px / style.DPI))
        self.figure = fig
        self.x_max = max(MIN_AXIS_H, float(plan.horizon_h))
        # Positions in pixels, so text keeps its size and its room at every figure size.
        panel_px = max(280, round(0.285 * width_px)) if self.wide else 0
        plot_px = width_px - _LEFT - (panel_px + 30 if self.wide else 35)
        # Narrow: the legend goes below the chart, where it hides no data.
        bottom_px = _BOTTOM if self.wide else _BOTTOM + _NARROW_LEGEND
        main_px = height_px - _TOP - _LANE - _GAP - bottom_px
        tick_h = 12 if plot_px >= 520 else 24
        # Legend labels on two lines where the plot is narrow: a one-line legend there spans
        # the plot and covers the y label and the 0 h mean (seen at 850 px wide).
        self.compact_legend = not self.wide or plot_px < 760 or main_px < 200
        self._main_px = main_px
        self.panel_chars = max(20, int((panel_px - 3) / 9.1)) if self.wide else PANEL_CHARS
        # Lines of 12 pt at 1.25 spacing (about 21 px) that fit below the panel's heading.
        self.panel_lines = max(4, min(MAX_FLAG_LINES, int((height_px - _TOP - 36 - 24) / 21) - 1))
        left, width = _LEFT / width_px, plot_px / width_px
        lane_bottom = (height_px - _TOP - _LANE) / height_px
        lane = fig.add_axes((left, lane_bottom, width, _LANE / height_px))
        main = fig.add_axes((left, bottom_px / height_px, width, main_px / height_px), sharex=lane)
        self.ax_lane, self.ax_main = lane, main

        lane.set_xlim(0, self.x_max)
        lane.set_ylim(-0.5, 2.5)
        lane.set_yticks(
            [LANES["asleep"], LANES["wait"], LANES["ice"]], ["asleep", "wait,\nno ice", "ice"]
        )
        lane.grid(False, axis="y")
        lane.tick_params(axis="x", labelbottom=False)
        lane.spines["left"].set_visible(False)
        lane.xaxis.set_major_locator(MultipleLocator(tick_h))
        lane.xaxis.set_minor_locator(MultipleLocator(6))
        # A twin axis with fixed limits (a secondary_xaxis only syncs its limits during a
        # draw, so a single draw, as blitting does, would show stale clock ticks).
        self.clock_axis = clock_twin(lane, self.x_max, tick_h)
        self._needled_minutes: float | None = None

        # The lanes are named on the axis, so no hatch is needed there (hatching is slow to draw).
        sleep_style = dict(facecolor=style.COLORS["sleep"], edgecolor="#555555")
        wait_style = dict(facecolor=style.COLORS["wait"], edgecolor="#7A4F00")
        self.lane_sleep = PolyCollection([], **sleep_style, linewidth=0.8)
        self.lane_wait = PolyCollection([], **wait_style, linewidth=0.8)
        self.lane_ice = PolyCollection(
            [], facecolor=style.COLORS["ice"], edgecolor=style.COLORS["ice"], linewidth=1.5
        )
        for coll in (self.lane_sleep, self.lane_wait, self.lane_ice):
            lane.add_collection(coll, autolim=False)

        # Main panel: soreness course over light shading of sleep and wait.
        xform = main.get_xaxis_transform()
        self.shade_sleep = PolyCollection(
            [], facecolor=style.COLORS["sleep"], alpha=0.35, transform=xform, linewidth=0
        )
        self.shade_wait = PolyCollection(
            [],
            facecolor="none",
            edgecolor=style.COLORS["wait"],
            hatch="//",
            alpha=0.5,
            transform=xform,
            linewidth=0,
        )
        for coll in (self.shade_sleep, self.shade_wait):
            main.add_collection(coll, autolim=False)
        main.set_xlim(0, self.x_max)
        main.set_xlabel("Hours since needling (h)")
        main.xaxis.set_major_locator(MultipleLocator(tick_h))
        main.xaxis.set_minor_locator(MultipleLocator(6))
        self._draw_soreness(main, self.soreness)
        self.now_line = main.axvline(
            0, color=style.COLORS["now"], linewidth=2, linestyle="-.", zorder=6
        )
        self.now_lane = lane.axvline(
            0, color=style.COLORS["now"], linewidth=2, linestyle="-.", zorder=6
        )
        # In the gap between the two panels, so it never hides data (and renders fast).
        self.now_label = fig.text(
            0,
            (height_px - _TOP - _LANE - _GAP / 2) / height_px,
            "now",
            ha="left",
            va="center",
            fontsize=12,
            transform=blended_transform_factory(main.transData, fig.transFigure),
            zorder=7,
        )
        handles, labels = main.get_legend_handles_labels()
        if handles and self.wide:
            # A short panel (a live slide's chart) takes the entries side by side, in one row
            # above the later points, not a column down over them.
            ncols = 2 if main_px < 200 and plot_px >= 560 else 1
            main.legend(
                handles, labels, loc="upper right", frameon=True, framealpha=0.9, ncols=ncols
            )
        elif handles:
            main.legend(
                handles,
                labels,
                loc="upper left",
                bbox_to_anchor=(-_LEFT / plot_px, -(_BOTTOM - 12) / main_px),
                frameon=False,
                borderaxespad=0,
                handlelength=1.6,
            )

        def from_top(px: float) -> float:
            return 1 - px / height_px

        self.title = fig.text(
            15 / width_px, from_top(14), "", ha="left", va="top", fontsize=15, fontweight="bold"
        )
        self.subtitle = fig.text(15 / width_px, from_top(47), "", ha="left", va="top", fontsize=12)
        panel_x = (_LEFT + plot_px + 30) / width_px
        self.panel_head = fig.text(
            panel_x, from_top(_TOP), "", ha="left", va="top", fontsize=14, fontweight="bold"
        )
        self.panel = fig.text(
            panel_x, from_top(_TOP + 36), "", ha="left", va="top", fontsize=12, linespacing=1.25
        )
        if not self.wide:  # the verdict is in the title; the flags are listed below the chart
            self.panel_head.set_visible(False)
            self.panel.set_visible(False)
        # Sleep and wait change only with the needling time or the protocol: they stay in the
        # background (update() then asks for a redraw); the rest follows every change.
        self._spans_shown: tuple | None = None
        self.dynamic_artists = [
            self.lane_ice,
            self.now_line,
            self.now_lane,
            self.now_label,
            self.title,
            self.subtitle,
            self.panel_head,
            self.panel,
        ]

    def _draw_soreness(self, main: Any, course: SorenessCourse) -> None:
        """The published means as points and the steepest-fall window as a band; no curve.

        Two time points cannot show the shape between them, so nothing joins the points.
        """
        sources = ", ".join(course.source_ids)
        if course.band_h is not None:
            low, high = course.band_h
            band_ids = ", ".join(course.band_source_ids)
            main.axvspan(
                low,
                high,
                facecolor=style.COLORS["soreness"],
                edgecolor=style.COLORS["soreness"],
                alpha=0.22,
                hatch="\\\\",
                linewidth=1.0,
                zorder=2,
                label=(
                    f"soreness fell fastest, {low:g}-{high:g} h ({band_ids})"
                    if not self.compact_legend
                    else f"fell fastest, {low:g}-{high:g} h\n[{band_ids}]"
                ),
            )
        main.plot(
            course.points_h,
            course.points_value,
            linestyle="none",
            marker="o",
            markersize=8,
            markerfacecolor="white",
            markeredgewidth=2,
            color=style.COLORS["soreness"],
            clip_on=False,  # the first mean sits on the 0 h axis: show the whole marker
            label=(
                f"published means ({_time_points(course.n_points)}; {sources})"
                if not self.compact_legend
                else f"published means, {_time_points(course.n_points)}\n[{sources}]"
            ),
            zorder=4,
        )
        # A short panel (a live slide) takes the label on two lines, within its own height.
        short = self._main_px < 170
        main.set_ylabel(course.y_label.replace(" (", "\n(", 1) if short else course.y_label)
        top = float(np.nanmax(course.points_value)) if len(course.points_value) else 0.0
        main.set_ylim(0, top * 1.25 if top > 0 else 1)

    def _set_clock(self, needled_minutes: float) -> None:
        self._needled_minutes = needled_minutes
        self.clock_axis.xaxis.set_major_formatter(
            FuncFormatter(lambda h, _pos: style.day_clock_label(needled_minutes, h))
        )

    # ------------------------------------------------------------------ update (each change)
    def update(self, plan: Any, *, describe: bool = True) -> bool:
        """Show ``plan``. Returns True when the fixed background changed (clock axis).

        With ``describe=False`` the figure's caption and alt text are written later, by
        :meth:`describe` (an app sends the chart first and its words a moment later).
        """
        check_plan(plan)
        background_changed = False
        needled = minutes_of_day(plan.patient.needled_at)
        if needled != self._needled_minutes:
            self._set_clock(needled)
            background_changed = True
        x_max = self.x_max
        sleep = [(max(0.0, a), min(x_max, b)) for a, b in plan.sleep_windows]
        # An avoid plan has no ice at all, so it has no wait before the ice either.
        wait = [] if str(plan.verdict) == "avoid" else [(0.0, min(x_max, float(plan.wait_until_h)))]
        ice = [(a, max(b, a + 0.25)) for a, b in session_spans(plan)]  # >= 15 min wide to be seen
        lanes = LANES
        if (tuple(sleep), tuple(wait)) != self._spans_shown:
            self._spans_shown = (tuple(sleep), tuple(wait))
            self.lane_sleep.set_verts(spans(sleep, lanes["asleep"] - 0.35, lanes["asleep"] + 0.35))
            self.lane_wait.set_verts(spans(wait, lanes["wait"] - 0.35, lanes["wait"] + 0.35))
            self.shade_sleep.set_verts(spans(sleep, 0, 1))
            self.shade_wait.set_verts(spans(wait, 0, 1))
            background_changed = True
        self.lane_ice.set_verts(spans(ice, lanes["ice"] - 0.35, lanes["ice"] + 0.35))
        now_h = float(getattr(plan.patient, "hours_since_needling", 0.0))
        shown_now = min(now_h, x_max)
        self.now_line.set_xdata([shown_now, shown_now])
        self.now_lane.set_xdata([shown_now, shown_now])
        # Right of the line, or left of it near the end of the axis (it must stay in the plot).
        near_end = shown_now > 0.75 * x_max
        self.now_label.set_horizontalalignment("right" if near_end else "left")
        self.now_label.set_x(shown_now - 0.6 if near_end else shown_now + 0.6)
        self.now_label.set_text(f"now: {now_h:g} h")

        verdict = str(plan.verdict)
        vstyle = _verdict_style(verdict)
        protocol = plan.protocol
        name = getattr(protocol, "name", "protocol")
        verdict_word = vstyle["label"].upper()
        self.title.set_text(
            f"Icing plan after dry needling: {verdict_word} ({name} protocol)"
            if self.wide
            else f"Icing plan: {verdict_word} ({name})"
        )
        runs = "" if verdict == "avoid" else f"; plan runs to {float(plan.horizon_h):g} h"
        if not self.wide:
            runs = "" if verdict == "avoid" else f"; plan to {float(plan.horizon_h):g} h"
        needled_words = "Needled at" if self.wide else "Needled"
        self.subtitle.set_text(
            f"{needled_words} {style.clock_label(needled, 0)}; {_wait_words(plan, needled)[0]}{runs}"
        )
        self.panel_head.set_text(f"Verdict: {vstyle['label'].upper()}")
        self.panel_head.set_color(style.COLORS["text"])
        self.panel_head.set_bbox(
            dict(
                facecolor=vstyle["color"],
                alpha=0.25,
                edgecolor=vstyle["color"],
                hatch=vstyle["hatch"],
                boxstyle="round,pad=0.3",
            )
        )
        self.panel.set_text(
            "\n".join(
                ["Flags and reasons:"] + _flag_lines(plan, self.panel_chars, self.panel_lines)
            )
        )
        self._plan = plan
        self._undescribed = (plan, needled)
        if describe:
            self.describe()
        return background_changed

    def describe(self) -> None:
        """Write the caption and alt text for the plan on show (no-op when they are current)."""
        if self._undescribed is not None:
            plan, needled = self._undescribed
            self._undescribed = None
            self._describe(plan, needled)

    def _describe(self, plan: Any, needled: float) -> None:
        verdict = str(plan.verdict)
        sleep = "; ".join(
            f"{a:g}-{b:g} h ({style.clock_label(needled, a)}-{style.clock_label(needled, b)})"
            for a, b in plan.sleep_windows
        )
        flags = (
            " ".join(
                f"{f.label} ({f.level}): {f.reason} [sources: {', '.join(f.source_ids)}]."
                for f in plan.flags
            )
            or "No patient factor changes the plan."
        )
        now_h = float(getattr(plan.patient, "hours_since_needling", 0.0))
        sore = " " + _soreness_words(self.soreness)
        protocol = plan.protocol
        alt = (
            f"Icing timeline, 0 to {self.x_max:g} hours after needling at "
            f"{style.clock_label(needled, 0)}, protocol '{getattr(protocol, 'name', '?')}'. "
            f"Verdict: {verdict}. Now: {now_h:g} h after needling. {_wait_words(plan, needled)[1]} "
            f"{_session_words(plan)} Asleep: {sleep or 'none within the plan'}.{sore} "
            f"Flags: {flags}"
        )
        count = len(plan.sessions)
        if verdict == "avoid":
            plan_words = "no ice plan, because ice is ruled out"
        else:
            wait = float(plan.wait_until_h)
            plan_words = f"{count} ice session{'s' if count != 1 else ''} " + (
                "with no wait after needling" if wait == 0 else f"after a {wait:g} h wait"
            )
        caption = (
            f"Icing plan for this patient ({getattr(protocol, 'name', '?')} protocol): "
            f"verdict {verdict}; {plan_words}{_soreness_caption(self.soreness)}"
        )
        style.set_text_alternative(self.figure, caption, alt)


def icing_timeline(plan: Any) -> Figure:
    """Chart an icing plan over the first 72 h after needling.

    Parameters
    ----------
    plan : aftercare.planner.IcingPlan
        The result of :func:`aftercare.plan_icing`.

    Returns
    -------
    matplotlib.figure.Figure
        With ``caption`` and ``alt_text`` attributes (the alt text lists every session time,
        the wait, sleep, the soreness course and each flag with its reason and sources).

    Raises
    ------
    aftercare.errors.InputError
        If ``plan`` lacks a field of a plan (named in the message) or its sessions table lacks
        a column.

    Examples
    --------
    >>> from aftercare import Patient, plan_icing
    >>> fig = icing_timeline(plan_icing(Patient(hours_since_needling=1, diabetes=True)))
    >>> "Verdict: caution" in fig.alt_text
    True
    """
    return TimelineChart(plan).figure
