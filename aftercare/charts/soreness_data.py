"""Read the soreness course from :mod:`aftercare.soreness` into plain arrays for the charts.

The charts show what was measured and nothing in between: the published means as points, and
the window in which soreness was seen to fall fastest as a shaded band. No curve is fitted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..soreness import published_points, steepest_fall

__all__ = ["SorenessCourse", "load_soreness_course"]


@dataclass(frozen=True)
class SorenessCourse:
    """Published soreness points and the window of steepest fall, as arrays.

    Attributes
    ----------
    points_h, points_value : numpy.ndarray
        Published data points: hours since needling [h] and soreness on ``y_label``'s scale.
    n_points : int
        Number of published points (each a group mean at one time point).
    y_label : str
        Axis label with the scale and unit.
    source_ids : tuple of str
        Sources of the points.
    band_h : (float, float) or None
        Start and end [h] of the window in which soreness fell fastest; None if not known.
    band_source_ids : tuple of str
        Sources of that window.
    """

    points_h: np.ndarray
    points_value: np.ndarray
    n_points: int
    y_label: str
    source_ids: tuple[str, ...]
    band_h: tuple[float, float] | None = None
    band_source_ids: tuple[str, ...] = ()


def load_soreness_course(arm: str = "control") -> SorenessCourse:
    """The published means of one arm (needling only, by default) and the steepest-fall window.

    Examples
    --------
    >>> course = load_soreness_course()
    >>> course.points_value.tolist(), course.band_h, course.band_source_ids
    ([34.8, 3.8], (6.0, 12.0), ('diciolla2021',))
    """
    points = published_points(arm)
    band = steepest_fall()
    return SorenessCourse(
        points_h=points["hours"].to_numpy(float),
        points_value=points["vas_0_100"].to_numpy(float),
        n_points=len(points),
        y_label="Soreness (VAS 0-100)",
        source_ids=tuple(dict.fromkeys(points["source_id"])),
        band_h=(float(band.hours_low), float(band.hours_high)),  # type: ignore[arg-type]
        band_source_ids=tuple(band.source_ids),
    )
