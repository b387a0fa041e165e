"""Skin-temperature thresholds for cold and heat, as data (``data/thresholds.csv``)."""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from ..data import IdList, cached_loader, data_path, read_csv_models
from ..errors import DataError
from ..sources import check_source_ids

__all__ = ["Threshold", "load_thresholds", "threshold_rows", "burn_threshold"]

Confidence = Literal["high", "medium", "low-medium", "low", "unconfirmed"]


class Threshold(BaseModel):
    """One threshold line or band (a row of ``data/thresholds.csv``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str
    kind: Literal["line", "band"]
    side: Literal["cold", "heat"]
    low_c: float | None = None
    high_c: float
    confidence: Confidence
    source_ids: IdList
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Threshold:
        if self.kind == "line" and self.low_c != self.high_c:
            raise ValueError("a line needs low_c equal to high_c")
        if self.kind == "band" and self.low_c is not None and self.low_c >= self.high_c:
            raise ValueError("a band needs low_c below high_c (or an empty low_c)")
        if self.confidence == "unconfirmed" and "UNCONFIRMED" not in self.label.upper():
            raise ValueError("an unconfirmed threshold must say UNCONFIRMED in its label")
        return self


@cached_loader
def threshold_rows() -> tuple[Threshold, ...]:
    """The validated rows of ``data/thresholds.csv`` (cached)."""
    path = data_path("thresholds.csv")
    rows = read_csv_models(path, Threshold)
    for number, row in enumerate(rows, start=2):
        check_source_ids(row.source_ids, file="data/thresholds.csv", row=number)
    return tuple(rows)


def load_thresholds() -> pd.DataFrame:
    """Thresholds as a table: one row per line or band.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``label``, ``kind`` (``line`` or ``band``), ``side`` (``cold`` or
        ``heat``), ``low_c`` and ``high_c`` [degC] (``low_c`` NaN for a band open below),
        ``confidence`` (``high``, ``medium``, ``low-medium``, ``low`` or ``unconfirmed``),
        ``source_ids`` (tuple) and ``note``.

    Notes
    -----
    Figures the evidence brief could not confirm keep ``confidence == "unconfirmed"`` and say
    so in their label. There is deliberately no single frostbite line: the cold-injury risk is
    shown as two bands (freezing at or below 0 degC; numb, pre-freeze 3-10 degC).

    References
    ----------
    Bugaj R (1975), Phys Ther 55(1):11-19, doi:10.1093/ptj/55.1.11. Algafly AA, George KP
    (2007), Br J Sports Med 41(6):365-369, doi:10.1136/bjsm.2006.031237. Moritz AR, Henriques
    FC (1947), Am J Pathol. Full list: ``source_ids`` and ``data/sources.csv``.

    Examples
    --------
    >>> t = load_thresholds()
    >>> float(t.set_index("id").loc["analgesia", "high_c"])
    13.6
    >>> t.set_index("id").loc["ncv_tenth_slower_unconfirmed", "confidence"]
    'unconfirmed'
    """
    rows = [row.model_dump() for row in threshold_rows()]
    frame = pd.DataFrame(rows, columns=list(Threshold.model_fields))
    frame["low_c"] = frame["low_c"].astype(float)
    frame["high_c"] = frame["high_c"].astype(float)
    return frame


def burn_threshold() -> Threshold:
    """The heat-side burn threshold row (id ``burn``)."""
    for row in threshold_rows():
        if row.id == "burn":
            return row
    raise DataError("data/thresholds.csv", "the row with id 'burn' is missing", column="id")
