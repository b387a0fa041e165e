"""Patient factors and what each means for cold, heat, massage and stretching.

Two tables, one home each:

* ``data/factors.csv``: one row per factor: labels, ``needs_helper`` (self-applied cold and heat
  need someone to stay with the patient),
  what the source article and the evidence say, and the factor's sources;
* ``data/factor_levels.csv``: one row per restriction, a factor and an option (``cold``,
  ``heat``, ``massage``, ``stretching``) at ``caution`` or ``avoid``, with the sources that say
  it (or ``protocol_choice`` where no source read settles it) and a plain reason for the patient.
  A factor and option with no row is ``ok``.

A protocol can override the cold level per factor (``factor_levels``). The default levels follow
the stricter of the article and the evidence.

References
----------
Houghton PE, Nussbaum EL, Hoens AM (2010). Electrophysical agents: contraindications and
precautions. Physiother Can 62(5):1-80. doi:10.3138/ptc.62.5 (front matter read only; the
levels cite the teaching lists that were read, ``cameron-lists``).

Examples
--------
>>> neuropathy = load_factors()["neuropathy"]
>>> neuropathy.cold, neuropathy.heat, neuropathy.needs_helper
('caution', 'avoid', True)
>>> neuropathy.limit("heat").source_ids
('cameron-lists',)
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from .data import IdList, cached_loader, data_path, read_csv_models
from .sources import check_source_ids

__all__ = [
    "Factor",
    "FactorLimit",
    "LEVELS",
    "Level",
    "OPTIONS",
    "load_factors",
    "factor_ids",
    "worst_level",
]

#: A level of restriction, from none to the strongest (a plan's verdict is the worst level).
Level = Literal["ok", "caution", "avoid"]
LEVELS: tuple[str, ...] = get_args(Level)
#: The options a factor can limit (the ``factor_columns`` a therapy names).
Option = Literal["cold", "heat", "massage", "stretching", "electrical"]
OPTIONS: tuple[str, ...] = get_args(Option)
EFFECT_COLUMNS = OPTIONS  # the older name

_LEVELS_FILE = "data/factor_levels.csv"


class FactorLimit(BaseModel):
    """One restriction (a row of ``data/factor_levels.csv``): a factor limits one option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: str
    option: Option
    level: Literal["caution", "avoid"]
    source_ids: IdList = ()
    protocol_choice: StrictBool = False
    plain_reason: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _csv_bool(cls, data: object) -> object:
        if isinstance(data, dict) and "protocol_choice" in data:
            value = data["protocol_choice"]
            if value is None:
                data = {k: v for k, v in data.items() if k != "protocol_choice"}
            elif isinstance(value, str) and value.strip().lower() in ("true", "false"):
                data = {**data, "protocol_choice": value.strip().lower() == "true"}
        return data

    @property
    def key(self) -> str:
        """``factor/option``: each pair has at most one row."""
        return f"{self.factor}/{self.option}"

    @model_validator(mode="after")
    def _known_factor(self) -> FactorLimit:
        known = tuple(_factor_rows())
        if self.factor not in known:
            raise ValueError(f"unknown factor {self.factor!r}; factors: {', '.join(known)}")
        return self

    @model_validator(mode="after")
    def _sourced_or_choice(self) -> FactorLimit:
        if not self.source_ids and not self.protocol_choice:
            raise ValueError(
                "give the source_ids that say this level, or set protocol_choice to true"
            )
        return self


class _FactorRow(BaseModel):
    """A row of ``data/factors.csv`` as written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    clinician_label: str
    plain_label: str
    needs_helper: bool
    article_reading: str
    evidence_reading: str
    source_ids: IdList

    @model_validator(mode="before")
    @classmethod
    def _csv_bool(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("needs_helper"), str):
            text = data["needs_helper"].strip().lower()
            if text not in ("true", "false"):
                raise ValueError(f"needs_helper must be true or false, not {text!r}")
            data = {**data, "needs_helper": text == "true"}
        return data

    @model_validator(mode="after")
    def _has_sources(self) -> _FactorRow:
        if not self.source_ids:
            raise ValueError("source_ids must name at least one source")
        return self


class Factor(_FactorRow):
    """One patient factor with its level for each option (``ok`` where no row limits it)."""

    cold: Level = "ok"
    heat: Level = "ok"
    massage: Level = "ok"
    stretching: Level = "ok"
    electrical: Level = "ok"
    limits: dict[str, FactorLimit] = Field(default_factory=dict, repr=False)

    def level_for(self, column: str) -> str:
        """The factor's level for one option (cold, heat, massage, stretching or electrical)."""
        return getattr(self, column)

    def limit(self, option: str) -> FactorLimit | None:
        """The restriction on ``option`` with its sources and plain reason, or None (ok)."""
        return self.limits.get(option)


@cached_loader
def _factor_rows() -> dict[str, _FactorRow]:
    rows = read_csv_models(data_path("factors.csv"), _FactorRow)
    for row in rows:
        check_source_ids(
            row.source_ids, file="data/factors.csv", column=f"source_ids (factor {row.id})"
        )
    return {row.id: row for row in rows}


def _load_limits(factors: dict[str, _FactorRow]) -> dict[str, dict[str, FactorLimit]]:
    rows = read_csv_models(data_path("factor_levels.csv"), FactorLimit, key="key")
    limits: dict[str, dict[str, FactorLimit]] = {f: {} for f in factors}
    for limit in rows:
        if limit.source_ids:
            check_source_ids(
                limit.source_ids, file=_LEVELS_FILE, column=f"source_ids ({limit.key})"
            )
        limits[limit.factor][limit.option] = limit
    return limits


@cached_loader
def _load_factors_cached() -> dict[str, Factor]:
    by_id = _factor_rows()
    limits = _load_limits(by_id)
    return {
        fid: Factor(
            **row.model_dump(),
            **{option: limit.level for option, limit in limits[fid].items()},
            limits=limits[fid],
        )
        for fid, row in by_id.items()
    }


def load_factors() -> dict[str, Factor]:
    """All factors keyed by id, in file order, with their levels; every source id is checked.

    Cached; ``load_factors.cache_clear()`` reloads both tables after an edit.
    """
    return _load_factors_cached()


def _clear_caches() -> None:
    _factor_rows.cache_clear()
    _load_factors_cached.cache_clear()


load_factors.cache_clear = _clear_caches  # type: ignore[attr-defined]


def factor_ids() -> tuple[str, ...]:
    """The factor ids, in table order (these are the boolean fields of Patient)."""
    return tuple(load_factors())


def worst_level(levels: list[str] | tuple[str, ...]) -> str:
    """The most restrictive of ``levels`` (``avoid`` > ``caution`` > ``ok``); ``ok`` if empty."""
    return max(levels, key=LEVELS.index, default="ok")
