"""The published calibration points of the thermal model (``data/calibration/points.csv``).

A leaf module: :mod:`.model` reads the points' source ids for the band it draws and
:mod:`.calibration` compares the model with them, so both import it at the top level.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..data import cached_loader, data_path, read_csv_models
from ..sources import check_source_ids

__all__ = ["CalibrationPoint", "Quantity", "load_points"]

Quantity = Literal[
    "skin_end_c",
    "skin_drop_c",
    "muscle_1cm_drop_c",
    "muscle_3cm_drop_c",
    "minutes_to_7c_fall_1cm",
    "minutes_near_lowest_skin",
    "muscle_1cm_rewarm_c",
    "muscle_3cm_rewarm_c",
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
    skinfold_low_mm: float | None = Field(default=None, ge=0, le=80)
    skinfold_high_mm: float | None = Field(default=None, ge=0, le=80)
    baseline_skin_c: float | None = Field(default=None, ge=20, le=37)
    baseline_basis: str
    mass_kg: float | None = Field(default=None, gt=0)
    pack_initial_c: float | None = Field(default=None, ge=-40, le=10)
    pack_initial_basis: str | None = None
    rewarm_min: float = Field(default=0.0, ge=0, le=240)
    held_apart: bool = False
    quantity: Quantity
    measured: float
    measured_low: float | None = None
    measured_high: float | None = None
    spread: float | None = None
    tolerance: float = Field(gt=0)
    tolerance_kind: Literal["abs_c", "abs_min", "rel"]
    weight: float = Field(ge=0)
    note: str | None = None

    @model_validator(mode="after")
    def _pack_start_names_its_source(self) -> CalibrationPoint:
        if self.pack_initial_c is not None and not (self.pack_initial_basis or "").strip():
            raise ValueError("pack_initial_c needs pack_initial_basis: where the value was read")
        return self

    @property
    def after_removal(self) -> bool:
        """Measured after the pack came off (a rewarming point)."""
        return self.rewarm_min > 0


@cached_loader
def load_points() -> tuple[CalibrationPoint, ...]:
    """The calibration points (cached)."""
    rows = read_csv_models(data_path("calibration", "points.csv"), CalibrationPoint)
    for number, row in enumerate(rows, start=2):
        check_source_ids(
            [row.source_id], file="data/calibration/points.csv", row=number, column="source_id"
        )
    return tuple(rows)
