"""The course of post-needling soreness (PNS): published points, an illustrative fit, and trials.

What is known is thin, and this module says so. The evidence brief has **no** study that reports
soreness at 0, 6, 12, 24, 48 and 72 h as a table. The only per-time-point means are two time
points of one trial (Martín-Pintado-Zugasti et al. 2015): just after treatment and at 48 h, for
a control arm, a sham arm and an ischaemic-compression arm. Everything else is a statement about
shape (fastest fall between 6 and 12 h; mean duration under 72 h).

So:

- :func:`published_points` returns those six values with their sources;
- :func:`fitted_course` returns an exponential decay through the two points of one arm, labelled
  ``"fitted to 2 points; illustrative"``, with ``n_points``, the points themselves, and the
  caveats (an exponential falls fastest at 0 h, which the 6-12 h finding contradicts);
- :func:`course_notes` returns the shape statements;
- :func:`intervention_effects` returns what trials report about clinician-applied interventions,
  with numbers where the brief has them and ``"not retrieved"`` otherwise.

A chart must never show the fitted curve without the points beside it.

References
----------
Martín-Pintado-Zugasti A et al. (2015). Ischemic compression after dry needling of a latent
myofascial trigger point reduces postneedling soreness intensity and duration. PM&R.
doi:10.1016/j.pmrj.2015.03.021

Diciolla NS et al. (2021). Effect of different exercise modalities on postneedling soreness after
dry needling of a latent myofascial trigger point. J Clin Med 10(23):5527.
doi:10.3390/jcm10235527

Martín-Pintado-Zugasti A et al. (2014). Effects of spray and stretch on postneedling soreness and
sensitivity after dry needling of a latent myofascial trigger point. Arch Phys Med Rehabil
95(10):1925-1932.e1. doi:10.1016/j.apmr.2014.05.021

León-Hernández JV et al. (2016). Braz J Phys Ther 20(5):422-431. doi:10.1590/bjpt-rbf.2014.0176

Examples
--------
>>> from aftercare import soreness
>>> course = soreness.fitted_course("control")
>>> course.n_points, course.label
(2, 'Fitted to 2 points; illustrative')
>>> round(float(course.vas[0]), 1)
34.8
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .data import IdList, cached_loader, data_path, read_csv_models
from .errors import InputError, check_choice, check_number
from .sources import check_source_ids

__all__ = [
    "ARMS",
    "HOURS_RANGE",
    "SorenessPoint",
    "FittedCourse",
    "published_points",
    "fitted_course",
    "course_notes",
    "intervention_effects",
]

#: Arms with published points (ids used in ``data/soreness_points.csv``).
ARMS = ("control", "sham_compression", "ischaemic_compression")
#: Hours a course can be evaluated at [h]: 0 to 72 (the period the trials followed).
HOURS_RANGE = (0.0, 72.0)

Confidence = Literal["high", "medium", "low", "unconfirmed"]


class SorenessPoint(BaseModel):
    """One published mean (a row of ``data/soreness_points.csv``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    arm: Literal["control", "sham_compression", "ischaemic_compression"]
    arm_label: str
    timepoint: str
    hours: float = Field(ge=0, le=168)
    vas_0_100: float = Field(ge=0, le=100)
    spread: float | None = Field(default=None, ge=0)
    spread_kind: str
    source_id: str
    confidence: Confidence
    note: str | None = None


class CourseNote(BaseModel):
    """One statement about the shape of the course (``data/soreness_course_notes.csv``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    statement: str
    hours_low: float | None = None
    hours_high: float | None = None
    confidence: Confidence
    source_ids: IdList


class InterventionEffect(BaseModel):
    """One reported comparison (``data/soreness_interventions.csv``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    intervention: str
    intervention_label: str
    delivered_by: Literal["clinician", "patient"]
    comparator: str
    timepoint: str
    hours: float | None = None
    scale: str
    intervention_value: float | None = None
    comparator_value: float | None = None
    direction: Literal["lower", "no difference", "no better", "higher"]
    finding: str
    numbers_status: Literal["reported", "not retrieved"]
    confidence: Confidence
    source_ids: IdList


def _checked(rows: list, file: str, attr: str = "source_ids") -> tuple:
    for number, row in enumerate(rows, start=2):
        ids = getattr(row, attr)
        check_source_ids([ids] if isinstance(ids, str) else ids, file=file, row=number, column=attr)
    return tuple(rows)


@cached_loader
def _points() -> tuple[SorenessPoint, ...]:
    rows = read_csv_models(data_path("soreness_points.csv"), SorenessPoint)
    return _checked(rows, "data/soreness_points.csv", "source_id")


@cached_loader
def _notes() -> tuple[CourseNote, ...]:
    rows = read_csv_models(data_path("soreness_course_notes.csv"), CourseNote)
    return _checked(rows, "data/soreness_course_notes.csv")


@cached_loader
def _effects() -> tuple[InterventionEffect, ...]:
    rows = read_csv_models(data_path("soreness_interventions.csv"), InterventionEffect)
    return _checked(rows, "data/soreness_interventions.csv")


def published_points(arm: str | None = None) -> pd.DataFrame:
    """The published soreness means, with their spread and source.

    Parameters
    ----------
    arm : str or None
        ``"control"``, ``"sham_compression"`` or ``"ischaemic_compression"``; ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        Columns ``arm``, ``arm_label``, ``timepoint``, ``hours`` [h after treatment],
        ``vas_0_100`` [VAS 0-100 mm], ``spread``, ``spread_kind``, ``source_id``,
        ``confidence``, ``note``; sorted by arm and hours.

    Examples
    --------
    >>> published_points("control")[["hours", "vas_0_100"]].to_numpy().tolist()
    [[0.0, 34.8], [48.0, 3.8]]
    """
    if arm is not None:
        check_choice("arm", arm, ARMS)
    frame = pd.DataFrame([p.model_dump(exclude={"id"}) for p in _points()])
    if arm is not None:
        frame = frame[frame["arm"] == arm]
    return frame.sort_values(["arm", "hours"]).reset_index(drop=True)


@dataclass(frozen=True)
class FittedCourse:
    """A soreness curve fitted to published points; always shown with those points.

    Attributes
    ----------
    arm : str
        The trial arm.
    hours : numpy.ndarray
        Hours after treatment [h].
    vas : numpy.ndarray
        Fitted soreness [VAS 0-100] at ``hours``.
    extrapolated : numpy.ndarray of bool
        True where ``hours`` lies outside the span of the points (beyond the last point).
    label : str
        ``"Fitted to N points; illustrative"``.
    n_points : int
        Number of published points the curve rests on.
    points : pandas.DataFrame
        Those points (as :func:`published_points`).
    source_ids : tuple of str
        Sources of the points.
    method : str
        How the curve was made.
    parameters : dict
        ``initial_vas`` [VAS 0-100] and ``time_constant_h`` [h] of the exponential.
    caveats : tuple of str
        What the curve does not show.
    """

    arm: str
    hours: np.ndarray
    vas: np.ndarray
    extrapolated: np.ndarray
    label: str
    n_points: int
    points: pd.DataFrame
    source_ids: tuple[str, ...]
    method: str
    parameters: dict
    caveats: tuple[str, ...]

    def frame(self) -> pd.DataFrame:
        """The curve as a DataFrame (``hours``, ``vas``, ``extrapolated``); fields in ``attrs``."""
        frame = pd.DataFrame(
            {"hours": self.hours, "vas": self.vas, "extrapolated": self.extrapolated}
        )
        frame.attrs.update(
            {
                "arm": self.arm,
                "label": self.label,
                "n_points": self.n_points,
                "source_ids": self.source_ids,
                "method": self.method,
                "parameters": dict(self.parameters),
                "caveats": self.caveats,
            }
        )
        return frame


def _hours(hours: float | Iterable[float] | None) -> np.ndarray:
    low, high = HOURS_RANGE
    if hours is None:
        return np.linspace(low, high, 145)
    values = [hours] if np.isscalar(hours) else list(hours)  # type: ignore[arg-type]
    if not values:
        raise InputError("hours", hours, f"one or more numbers from {low:g} to {high:g} h")
    return np.array([check_number("hours", v, low=low, high=high, unit="h") for v in values])


def fitted_course(
    arm: str = "control", hours: float | Iterable[float] | None = None
) -> FittedCourse:
    """An exponential decay through an arm's published points, labelled as illustrative.

    .. math:: \\mathrm{VAS}(t) = V_0 \\, e^{-t/\\tau}, \\qquad
              \\tau = (t_1 - t_0) / \\ln(V_0 / V_1)

    through the two points :math:`(t_0, V_0)` (just after treatment) and :math:`(t_1, V_1)`
    (48 h). Two points fix two parameters exactly, so there is no error estimate.

    Parameters
    ----------
    arm : str, default "control"
        ``"control"``, ``"sham_compression"`` or ``"ischaemic_compression"``.
    hours : float, sequence of float or None
        Hours after treatment [h], 0 to 72; ``None``: every half hour from 0 to 72.

    Returns
    -------
    FittedCourse
        With ``hours``, ``vas``, ``label`` (``"Fitted to 2 points; illustrative"``),
        ``n_points``, ``points``, ``source_ids``, ``method``, ``caveats``; ``.frame()`` for a
        DataFrame. Hours after the last point are flagged ``extrapolated``.

    Raises
    ------
    aftercare.errors.InputError
        Unknown arm, or hours outside 0-72, NaN or not a number.

    Examples
    --------
    >>> c = fitted_course("ischaemic_compression", hours=[0, 48])
    >>> [round(float(v), 1) for v in c.vas]
    [20.1, 0.6]
    >>> c.method.startswith("exponential decay")
    True
    """
    check_choice("arm", arm, ARMS)
    grid = _hours(hours)
    points = published_points(arm)
    if len(points) < 2:
        raise InputError("arm", arm, "an arm with at least two published points")
    first, last = points.iloc[0], points.iloc[-1]
    t0, v0, t1, v1 = (
        float(first["hours"]),
        float(first["vas_0_100"]),
        float(last["hours"]),
        float(last["vas_0_100"]),
    )
    tau = (t1 - t0) / math.log(v0 / v1)
    vas = v0 * np.exp(-(grid - t0) / tau)
    n = len(points)
    notes = {n.id: n for n in _notes()}
    steep = notes["steepest_fall"]
    caveats = (
        f"Rests on {n} published means from one trial; the shape between them is assumed.",
        "An exponential falls fastest at 0 h, but soreness was seen to fall fastest between "
        f"{steep.hours_low:g} and {steep.hours_high:g} h ({', '.join(steep.source_ids)}); the "
        "curve does not show that.",
        f"The +- beside the means may be SE rather than SD ({first['source_id']}).",
        "Beyond the last point (48 h) the curve is an extrapolation.",
    )
    return FittedCourse(
        arm=arm,
        hours=grid,
        vas=vas,
        extrapolated=grid > t1,
        label=f"Fitted to {n} points; illustrative",
        n_points=n,
        points=points,
        source_ids=tuple(dict.fromkeys(points["source_id"])),
        method=f"exponential decay through the {n} published points (exact, no error estimate)",
        parameters={"initial_vas": v0, "time_constant_h": tau},
        caveats=caveats,
    )


def course_notes() -> pd.DataFrame:
    """Statements about the shape of the course without per-time-point means.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``statement``, ``hours_low``, ``hours_high`` [h], ``confidence``,
        ``source_ids``.

    Examples
    --------
    >>> course_notes().set_index("id").loc["steepest_fall", ["hours_low", "hours_high"]].tolist()
    [6.0, 12.0]
    """
    return pd.DataFrame([n.model_dump() for n in _notes()])


def intervention_effects() -> pd.DataFrame:
    """What trials report about interventions for post-needling soreness.

    Returns
    -------
    pandas.DataFrame
        One row per reported comparison: ``id``, ``intervention`` (e.g.
        ``ischaemic_compression``, ``spray_and_stretch``, ``electrical_stimulation``),
        ``intervention_label``, ``delivered_by``, ``comparator``, ``timepoint``, ``hours``,
        ``scale``, ``intervention_value`` and ``comparator_value`` (means; NaN when not
        retrieved), ``direction``, ``finding``, ``numbers_status`` (``"reported"`` or
        ``"not retrieved"``), ``confidence``, ``source_ids``.

    Examples
    --------
    >>> e = intervention_effects().set_index("id")
    >>> e.loc["ic-vs-control-0h", ["intervention_value", "comparator_value"]].tolist()
    [20.1, 34.8]
    >>> e.loc["sas-0h", "numbers_status"]
    'not retrieved'
    """
    return pd.DataFrame([e.model_dump() for e in _effects()])
