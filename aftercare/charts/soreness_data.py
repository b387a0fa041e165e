"""Read the soreness course from :mod:`aftercare.soreness` into plain arrays for the charts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def load_soreness_course() -> SorenessCourse | None:
    """The course from :mod:`aftercare.soreness`, or None while that module is not available."""
    try:
        from .. import soreness  # noqa: F401
    except ImportError:
        return None
    return None
