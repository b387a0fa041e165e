"""Read the soreness course from :mod:`aftercare.soreness` into plain arrays for the charts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..soreness import fitted_course

__all__ = ["SorenessCourse", "load_soreness_course"]


@dataclass(frozen=True)
class SorenessCourse:
    """Published soreness points and the course fitted to them, as arrays.

    Attributes
    ----------
    points_h, points_value : numpy.ndarray
        Published data points: hours since needling [h] and soreness on ``y_label``'s scale.
    curve_h, curve_value : numpy.ndarray
        The fitted course on a fine grid.
    n_points : int
        Number of published points the curve was fitted to.
    y_label : str
        Axis label with the scale and unit.
    source_ids : tuple of str
        Sources of the points.
    """

    points_h: np.ndarray
    points_value: np.ndarray
    curve_h: np.ndarray
    curve_value: np.ndarray
    n_points: int
    y_label: str
    source_ids: tuple[str, ...]
    fit_label: str = "fitted"
    #: Last hour backed by the published points; the curve after it is extrapolated.
    extrapolated_from_h: float | None = None


def load_soreness_course(arm: str = "control") -> SorenessCourse:
    """The course of :func:`aftercare.soreness.fitted_course` (needling only, by default)."""
    course = fitted_course(arm)
    points = course.points
    extrapolated = np.asarray(course.extrapolated, dtype=bool)
    hours = np.asarray(course.hours, dtype=float)
    # The last hour backed by data; the curve after it is an extrapolation.
    last_data_h = float(hours[~extrapolated][-1]) if extrapolated.any() else None
    return SorenessCourse(
        points_h=points["hours"].to_numpy(float),
        points_value=points["vas_0_100"].to_numpy(float),
        curve_h=np.asarray(course.hours, dtype=float),
        curve_value=np.asarray(course.vas, dtype=float),
        n_points=int(course.n_points),
        y_label="Soreness (VAS 0-100)",
        source_ids=tuple(course.source_ids),
        fit_label=str(course.label),
        extrapolated_from_h=last_data_h,
    )
