"""The hours-after-needling axis shared by the plan charts.

The icing timeline (:mod:`aftercare.charts.timeline`) and the protocol comparison
(:mod:`aftercare.charts.comparison`) draw plans against hours since needling, with the clock
time on a twin axis on top. This module holds what they share: the check that an object is a
plan, the clock time of needling in minutes of the day, the twin clock axis, the spans of
sleep, wait and ice as polygons, and the (start, end) hours of each ice session. Clock labels
themselves come from :func:`aftercare.charts.style.clock_label`.

Examples
--------
>>> import datetime as dt
>>> minutes_of_day(dt.time(9, 30))
570.0
>>> [v.tolist() for v in spans([(1.0, 2.0)], 0, 1)]
[[[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0]]]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from matplotlib.ticker import MultipleLocator

from ..clock import CLOCK_WORDS, parse_clock
from ..errors import InputError
from ..planner import IcingPlan
from . import style

__all__ = [
    "MIN_AXIS_H",
    "PLAN_FIELDS",
    "SESSION_COLUMNS",
    "check_plan",
    "minutes_of_day",
    "clock_twin",
    "spans",
    "session_spans",
]

#: The shortest hours axis a plan chart draws [h] (a shorter plan still shows three days).
MIN_AXIS_H = 72.0
#: What a plan must carry to be charted (the fields of :class:`aftercare.planner.IcingPlan`).
PLAN_FIELDS = (
    "verdict",
    "sessions",
    "flags",
    "wait_until_h",
    "horizon_h",
    "sleep_windows",
    "patient",
    "protocol",
)
#: Columns a plan's ``sessions`` table must have to be charted.
SESSION_COLUMNS = ("start_h", "end_h", "minutes", "clock_time")
MADE_BY = "aftercare.plan_icing"


def check_plan(plan: object, what: str = "plan") -> None:
    """Raise :class:`~aftercare.errors.InputError` unless ``plan`` is a plan_icing result.

    The message names ``what`` (``"plan_a"``...) and every field or column that is missing.
    """
    style.require_attributes(plan, PLAN_FIELDS, what, MADE_BY)
    if isinstance(plan, IcingPlan):
        return  # its sessions table has the columns by construction (and costs ~1 ms to build)
    sessions = plan.sessions  # type: ignore[attr-defined]
    style.require_columns(sessions, SESSION_COLUMNS, f"{what}.sessions", MADE_BY, allow_empty=True)


def minutes_of_day(value: object, field: str = "plan.patient.needled_at") -> float:
    """Minutes since midnight of a clock time (a ``datetime.time`` or ``"HH:MM"`` text) [min].

    Raises
    ------
    InputError
        Naming ``field`` when ``value`` is not a clock time (missing, a number, ``"9"``...):
        a chart never guesses the time of needling.

    Examples
    --------
    >>> minutes_of_day("14:30")
    870.0
    >>> minutes_of_day(None)
    Traceback (most recent call last):
    ...
    aftercare.errors.InputError: plan.patient.needled_at = None is not allowed; allowed: ...
    """
    if not isinstance(value, dt.time | str):
        raise InputError(field, value, f"{CLOCK_WORDS} (a datetime.time or text)")
    time = parse_clock(value, field)
    return float(time.hour * 60 + time.minute)


def clock_twin(ax: Any, x_max: float, tick_h: float = 12) -> Any:
    """A twin x axis on top of ``ax`` for clock times, with fixed limits 0 to ``x_max`` [h].

    The caller sets its tick formatter (a clock label per hour since needling). Its limits are
    fixed rather than synced, because a secondary axis only syncs during a draw and a single
    blitted draw would then show stale clock ticks.
    """
    twin = ax.twiny()
    twin.set_xlim(0, x_max)
    twin.xaxis.set_major_locator(MultipleLocator(tick_h))
    twin.set_xlabel("Clock time (HH:MM) and day (day 1: needling)", labelpad=6)
    twin.grid(False)
    twin.tick_params(axis="y", left=False, labelleft=False)
    for side in ("left", "right", "bottom"):
        twin.spines[side].set_visible(False)
    twin.spines["top"].set_visible(True)
    return twin


def spans(pairs: list[tuple[float, float]], y0: float, y1: float) -> list[np.ndarray]:
    """Rectangles from ``y0`` to ``y1`` over each (start, end) pair, as polygon vertices for a
    :class:`~matplotlib.collections.PolyCollection`; empty or reversed pairs are left out."""
    return [np.array([[a, y0], [b, y0], [b, y1], [a, y1]], dtype=float) for a, b in pairs if b > a]


def session_spans(plan: Any) -> list[tuple[float, float]]:
    """(start_h, end_h) of each ice session of ``plan`` [h after needling].

    Read straight from an :class:`~aftercare.planner.IcingPlan` without building its sessions
    DataFrame; from the ``sessions`` table for any other plan-like object.
    """
    if isinstance(plan, IcingPlan):
        minutes = plan.session_minutes
        return [(s / 60, (s + minutes) / 60) for s in plan.session_starts_min]
    frame = plan.sessions
    if len(frame) == 0 or "start_h" not in frame:
        return []
    return [(float(a), float(b)) for a, b in zip(frame["start_h"], frame["end_h"], strict=False)]
