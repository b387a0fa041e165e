"""The course of post-needling soreness (PNS): published points, what is known of its shape, trials.

What is known is thin, and this module says so. The evidence brief has **no** study that reports
soreness at 0, 6, 12, 24, 48 and 72 h as a table. The only per-time-point means are two time
points of one trial (Martín-Pintado-Zugasti et al. 2015): just after treatment and at 48 h, for
a control arm, a sham arm and an ischaemic-compression arm. Everything else is a statement about
shape (fastest fall between 6 and 12 h; mean duration under 72 h).

So:

- :func:`published_points` returns those six values with their sources;
- :func:`steepest_fall` returns the 6-12 h window in which soreness fell fastest, with its
  source, for charts to shade beside the points;
- :func:`course_notes` returns all the shape statements;
- :func:`intervention_effects` returns what trials report about clinician-applied interventions,
  with numbers where the brief has them and ``"not retrieved"`` otherwise.

There is deliberately **no fitted curve**. The brief says not to draw a smooth soreness curve
without the missing time points, and a curve through two points would invent the shape between
them (an exponential decay would even fall fastest at 0 h, which the 6-12 h finding
contradicts). Charts show the points and the window, nothing in between.

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
>>> soreness.published_points("control")["vas_0_100"].tolist()
[34.8, 3.8]
>>> band = soreness.steepest_fall()
>>> (band.hours_low, band.hours_high)
(6.0, 12.0)
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .data import IdList, cached_loader, data_path, read_csv_models
from .errors import DataError, check_choice
from .sources import check_source_ids

__all__ = [
    "ARMS",
    "SorenessPoint",
    "CourseNote",
    "published_points",
    "steepest_fall",
    "course_notes",
    "intervention_effects",
]

#: Arms with published points (ids used in ``data/soreness_points.csv``).
ARMS = ("control", "sham_compression", "ischaemic_compression")

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


def steepest_fall() -> CourseNote:
    """The window in which soreness was seen to fall fastest, with its source.

    The charts shade this window beside the published points instead of drawing a curve
    between them: with two time points per arm, any line would invent the shape in between
    (an exponential would even fall fastest at 0 h, against this finding).

    Returns
    -------
    CourseNote
        The ``steepest_fall`` row of ``data/soreness_course_notes.csv``: ``hours_low`` and
        ``hours_high`` [h after needling], ``statement``, ``confidence`` and ``source_ids``.

    Raises
    ------
    aftercare.errors.DataError
        If the row is missing or lacks its hours.

    Examples
    --------
    >>> band = steepest_fall()
    >>> band.hours_low, band.hours_high, band.source_ids
    (6.0, 12.0, ('diciolla2021',))
    """
    file = "data/soreness_course_notes.csv"
    for note in _notes():
        if note.id == "steepest_fall":
            if (
                note.hours_low is None
                or note.hours_high is None
                or (note.hours_low >= note.hours_high)
            ):
                raise DataError(
                    file,
                    "the steepest_fall row needs hours_low below hours_high",
                    column="hours_low",
                )
            return note
    raise DataError(file, "no row with id steepest_fall", column="id")


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
