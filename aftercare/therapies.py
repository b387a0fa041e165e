"""Therapies after dry needling: mechanism, dose, evidence and effect sizes.

Loaded from ``data/therapies.yaml``. Effect sizes are only those read in the evidence brief,
each with its scale and the population it came from (most are from exercise soreness, an
analogue of post-needling soreness, not the same thing).

References
----------
Wang Y et al. (2021). Effects of cold and heat therapy on delayed onset muscle soreness.
Phys Ther Sport 48:177-187. doi:10.1016/j.ptsp.2021.01.004
Martín-Pintado-Zugasti A et al. (2015). Ischemic compression after dry needling.
PM&R. doi:10.1016/j.pmrj.2015.03.021
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .data import cached_loader, data_path, read_yaml_model
from .errors import DataError
from .factors import Option
from .sources import check_source_ids

__all__ = ["Therapy", "EffectSize", "load_therapies", "effect_sizes"]


class EffectSize(BaseModel):
    """One reported effect: estimate and confidence interval on a stated scale."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: str
    measure: Literal["SMD", "MD", "WMD"]
    estimate: float
    ci_low: float | None = None
    ci_high: float | None = None
    scale: str
    population: str
    source_id: str

    @model_validator(mode="after")
    def _ci_brackets_estimate(self) -> EffectSize:
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both ci_low and ci_high, or neither")
        if self.ci_low is not None and not (self.ci_low <= self.estimate <= self.ci_high):
            raise ValueError("estimate must lie between ci_low and ci_high")
        return self


class Therapy(BaseModel):
    """One option for easing soreness after needling."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    plain_name: str
    delivered_by: Literal["patient", "clinician"]
    factor_columns: tuple[Option, ...]
    mechanism: str
    typical_dose: str
    evidence_summary: str
    evidence_level: Literal["PNS trials", "indirect", "opinion only"]
    source_ids: tuple[str, ...] = Field(min_length=1)
    effect_sizes: tuple[EffectSize, ...] = ()


class _TherapyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    therapies: tuple[Therapy, ...] = Field(min_length=1)


@cached_loader
def load_therapies() -> dict[str, Therapy]:
    """All therapies keyed by id, in file order; every source id is checked."""
    path = data_path("therapies.yaml")
    parsed = read_yaml_model(path, _TherapyFile)
    out: dict[str, Therapy] = {}
    for index, therapy in enumerate(parsed.therapies):
        where = f"therapies[{index}] ({therapy.id})"
        if therapy.id in out:
            raise DataError(
                "data/therapies.yaml", f"duplicate therapy id {therapy.id!r}", column=where
            )
        check_source_ids(therapy.source_ids, file="data/therapies.yaml", column=where)
        for effect in therapy.effect_sizes:
            check_source_ids(
                [effect.source_id], file="data/therapies.yaml", column=f"{where}.effect_sizes"
            )
        out[therapy.id] = therapy
    if "ice" not in out:
        raise DataError("data/therapies.yaml", "the therapy 'ice' is required", column="therapies")
    return out


def effect_sizes() -> pd.DataFrame:
    """Every reported effect size, one row each, for forest plots.

    Columns: therapy, therapy_name, outcome, measure, estimate, ci_low, ci_high, scale,
    population, source_id. ``ci_low``/``ci_high`` are NaN where no interval was reported.
    """
    rows = [
        {"therapy": t.id, "therapy_name": t.name, **e.model_dump()}
        for t in load_therapies().values()
        for e in t.effect_sizes
    ]
    columns = [
        "therapy",
        "therapy_name",
        "outcome",
        "measure",
        "estimate",
        "ci_low",
        "ci_high",
        "scale",
        "population",
        "source_id",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"ci_low": float, "ci_high": float})
