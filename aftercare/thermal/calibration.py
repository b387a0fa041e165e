"""Calibration points of the thermal model and the model's value beside each one.

``data/calibration/points.csv`` holds the published averages C1-C7 of the evidence brief, each
with its source id, the quantity it measures and the tolerance it is judged by.
:func:`compare` runs the model for every point (optionally with trial parameter values, as
``scripts/fit_thermal.py`` does) and returns a table with the error of each point.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..data import cached_loader, data_path, read_csv_models
from ..sources import check_source_ids
from .model import cooling_arrays
from .parameters import load_barriers, load_modalities, resolve

__all__ = ["CalibrationPoint", "load_points", "model_value", "compare", "FREE_PARAMETERS"]

#: The fitted parameters, their units and what they mean.
FREE_PARAMETERS = {
    "h_ice": ("W/(m2 K)", "contact conductance of a crushed-ice bag on skin"),
    "h_gel": ("W/(m2 K)", "contact conductance of a gel pack on skin"),
    "gel_mass_kg": ("kg", "effective mass of a gel pack (sets its cold capacity)"),
    "h_peas": ("W/(m2 K)", "contact conductance of a bag of frozen peas on skin"),
    "r_dry_towel_layer": ("m2 K/W", "thermal resistance of one dry towel layer"),
    "cold_perfusion_factor": ("1", "blood perfusion under a cold pack as a fraction of rest"),
    "cool_baseline_sink_c": (
        "degC",
        "temperature of the surroundings that hold a skin baseline "
        "below the still-air steady state",
    ),
}

Quantity = Literal[
    "skin_end_c",
    "skin_drop_c",
    "muscle_1cm_drop_c",
    "muscle_3cm_drop_c",
    "minutes_to_7c_fall_1cm",
    "minutes_near_lowest_skin",
]


class CalibrationPoint(BaseModel):
    """One row of ``data/calibration/points.csv``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    group: str
    source_id: str
    modality: str
    barrier: str
    application_min: float = Field(gt=0, le=240)
    skinfold_mm: float | None = Field(default=None, ge=0, le=80)
    skinfold_basis: str
    baseline_skin_c: float | None = Field(default=None, ge=20, le=37)
    baseline_basis: str
    mass_kg: float | None = Field(default=None, gt=0)
    quantity: Quantity
    measured: float
    measured_low: float | None = None
    measured_high: float | None = None
    spread: float | None = None
    tolerance: float = Field(gt=0)
    tolerance_kind: Literal["abs_c", "abs_min", "rel"]
    weight: float = Field(ge=0)
    note: str | None = None


@cached_loader
def load_points() -> tuple[CalibrationPoint, ...]:
    """The calibration points (cached)."""
    rows = read_csv_models(data_path("calibration", "points.csv"), CalibrationPoint)
    for number, row in enumerate(rows, start=2):
        check_source_ids(
            [row.source_id], file="data/calibration/points.csv", row=number, column="source_id"
        )
    return tuple(rows)


def model_value(point: CalibrationPoint, overrides: dict[str, float] | None = None) -> float:
    """The model's value of ``point.quantity`` under the point's conditions."""
    pack = load_modalities()[point.modality]
    if point.mass_kg is not None:
        pack = pack.model_copy(update={"mass_kg": point.mass_kg})
    barrier = load_barriers()[point.barrier]
    h = (
        resolve(
            pack.contact_conductance_w_m2k,
            file="data/modalities.yaml",
            field="contact",
            overrides=overrides,
        )
        * pack.contact_multiplier
    )
    r = (
        resolve(
            barrier.resistance_m2k_w,
            file="data/barriers.yaml",
            field="resistance",
            overrides=overrides,
        )
        * barrier.layers
    )
    skinfold = 10.0 if point.skinfold_mm is None else point.skinfold_mm
    factor = resolve(
        "fitted:cold_perfusion_factor",
        file="data/tissue.yaml",
        field="cold_perfusion_factor",
        overrides=overrides,
    )
    times, skin, muscle, _ = cooling_arrays(
        pack, h, r, point.application_min, 0.0, skinfold, point.baseline_skin_c, factor, overrides
    )
    q = point.quantity
    if q == "skin_end_c":
        return float(skin[-1])
    if q == "skin_drop_c":
        return float(skin[0] - skin[-1])
    if q == "muscle_1cm_drop_c":
        return float(muscle[0, 0] - muscle[-1, 0])
    if q == "muscle_3cm_drop_c":
        return float(muscle[0, 1] - muscle[-1, 1])
    if q == "minutes_to_7c_fall_1cm":
        fall = muscle[0, 0] - muscle[:, 0]
        above = np.nonzero(fall >= 7.0)[0]
        if above.size == 0:
            return float("inf")
        j = int(above[0])
        if j == 0:
            return 0.0
        # linear interpolation between the two minutes that bracket a 7 degC fall
        f0, f1 = fall[j - 1], fall[j]
        return float(times[j - 1] + (7.0 - f0) / (f1 - f0) * (times[j] - times[j - 1]))
    # minutes_near_lowest_skin
    lowest = skin[1:].min()
    return float(times[1:][np.nonzero(skin[1:] <= lowest + 0.5)[0][0]])


def compare(overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """Every calibration point beside the model, with its error.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``id``, ``group``, ``source_id``, ``quantity``, ``measured``,
        ``model``, ``error`` (model - measured, in the quantity's unit), ``rel_error``
        (error / measured), ``tolerance``, ``tolerance_kind``, ``within`` (bool), ``weight``,
        ``residual`` (scaled error used by the fit) and the condition columns.
    """
    rows = []
    for point in load_points():
        value = model_value(point, overrides)
        error = value - point.measured
        rel = error / point.measured
        scaled_error = rel if point.tolerance_kind == "rel" else error
        rows.append(
            {
                "id": point.id,
                "group": point.group,
                "source_id": point.source_id,
                "modality": point.modality,
                "barrier": point.barrier,
                "application_min": point.application_min,
                "skinfold_mm": point.skinfold_mm,
                "baseline_skin_c": point.baseline_skin_c,
                "quantity": point.quantity,
                "measured": point.measured,
                "measured_low": point.measured_low,
                "measured_high": point.measured_high,
                "model": value,
                "error": error,
                "rel_error": rel,
                "tolerance": point.tolerance,
                "tolerance_kind": point.tolerance_kind,
                "within": bool(abs(scaled_error) <= point.tolerance),
                "weight": point.weight,
                "residual": point.weight * scaled_error / point.tolerance,
            }
        )
    return pd.DataFrame(rows)
