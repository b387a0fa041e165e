"""Patient factors and what each means for cold, heat, massage and stretching.

The table ``data/factors.csv`` is the single place where a factor's default level lives. Each
row records what the source article says and what the evidence says; the default level follows
the stricter reading. A protocol can override the cold level per factor (``factor_levels``).

References
----------
Houghton PE, Nussbaum EL, Hoens AM (2010). Electrophysical agents: contraindications and
precautions. Physiother Can 62(5):1-80. doi:10.3138/ptc.62.5
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .data import IdList, cached_loader, data_path, read_csv_models
from .sources import check_source_ids

__all__ = ["Factor", "LEVELS", "Level", "load_factors", "factor_ids", "worst_level"]

Level = Literal["ok", "caution", "avoid"]
LEVELS: tuple[str, ...] = ("ok", "caution", "avoid")
EFFECT_COLUMNS = ("cold", "heat", "massage", "stretching")


class Factor(BaseModel):
    """One patient factor (a row of ``data/factors.csv``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    clinician_label: str
    plain_label: str
    cold: Level
    heat: Level
    massage: Level
    stretching: Level
    instruction: str
    article_reading: str
    evidence_reading: str
    source_ids: IdList

    @model_validator(mode="after")
    def _has_sources(self) -> Factor:
        if not self.source_ids:
            raise ValueError("source_ids must name at least one source")
        return self

    def level_for(self, column: str) -> str:
        """The factor's level for one effect column (cold, heat, massage or stretching)."""
        return getattr(self, column)


@cached_loader
def load_factors() -> dict[str, Factor]:
    """All factors keyed by id, in file order; source ids are checked against sources.csv."""
    path = data_path("factors.csv")
    rows = read_csv_models(path, Factor)
    for factor in rows:
        check_source_ids(
            factor.source_ids, file="data/factors.csv", column=f"source_ids (factor {factor.id})"
        )
    return {f.id: f for f in rows}


def factor_ids() -> tuple[str, ...]:
    """The factor ids, in table order (these are the boolean fields of Patient)."""
    return tuple(load_factors())


def worst_level(levels: list[str] | tuple[str, ...]) -> str:
    """The most restrictive of ``levels`` (``avoid`` > ``caution`` > ``ok``); ``ok`` if empty."""
    return max(levels, key=LEVELS.index, default="ok")
