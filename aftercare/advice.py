"""What the patient sheet advises about each patient factor, one row per factor and option.

``data/factor_advice.csv`` holds, for each factor, the sentences that apply while a given
option (a therapy id of ``data/therapies.yaml``, or ``any``) is still allowed for the patient,
for the patient or for the person who cares for them. Keying advice by option is what lets a
sheet drop a condition's sentence about an option that another condition rules out, instead
of printing every condition's advice as written (:func:`applicable_advice`). What an option
must not be used for is not advice: it lives in ``data/factor_levels.csv``.

Examples
--------
>>> [a.option for a in load_advice() if a.factor == "open_skin"]
['ice', 'heat', 'massage']
>>> [a.option for a in applicable_advice(("open_skin",), ruled_out={"heat"})]
['ice', 'massage']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .data import IdList, cached_loader, data_path, read_csv_models
from .factors import load_factors
from .sources import check_source_ids
from .therapies import load_therapies

__all__ = ["Advice", "ANY", "AUDIENCES", "load_advice", "applicable_advice", "advice_text"]

_FILE = "data/factor_advice.csv"
#: The option of advice printed whatever is ruled out.
ANY = "any"
AUDIENCES = ("patient", "carer")


class Advice(BaseModel):
    """One row of ``data/factor_advice.csv``: what a factor means for one option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: str
    option: str
    audience: Literal["patient", "carer"]
    text: str = Field(min_length=1)
    source_ids: IdList = ()

    @property
    def key(self) -> str:
        return f"{self.factor}/{self.option}/{self.audience}"

    @model_validator(mode="after")
    def _known(self) -> Advice:
        factors = load_factors()
        if self.factor not in factors:
            raise ValueError(f"unknown factor {self.factor!r}; factors: {', '.join(factors)}")
        options = (*load_therapies(), ANY)
        if self.option not in options:
            raise ValueError(f"unknown option {self.option!r}; options: {', '.join(options)}")
        return self

    def sources(self) -> tuple[str, ...]:
        """This row's sources, or its factor's where the row names none."""
        return self.source_ids or load_factors()[self.factor].source_ids


@cached_loader
def load_advice() -> tuple[Advice, ...]:
    """Every row of ``data/factor_advice.csv``, in file order; every source id is checked."""
    rows = read_csv_models(data_path("factor_advice.csv"), Advice, key="key")
    for row in rows:
        if row.source_ids:
            check_source_ids(row.source_ids, file=_FILE, column=f"source_ids ({row.key})")
    return tuple(rows)


def applicable_advice(
    factor_ids: Iterable[str], *, ruled_out: Collection[str], audience: str | None = None
) -> tuple[Advice, ...]:
    """The advice rows of ``factor_ids`` whose option is not in ``ruled_out`` (therapy ids).

    Rows keyed ``any`` always apply. Order: factors as given, then file order.
    """
    wanted = tuple(factor_ids)
    rows = [
        a
        for a in load_advice()
        if a.factor in wanted
        and (a.option == ANY or a.option not in ruled_out)
        and (audience is None or a.audience == audience)
    ]
    return tuple(sorted(rows, key=lambda a: wanted.index(a.factor)))


def advice_text(factor_id: str, *, ruled_out: Collection[str], values: dict[str, str]) -> str:
    """The patient's advice for one factor as one line, placeholders filled ("" when none
    applies); advice about a ruled-out option is left out (:func:`applicable_advice`)."""
    rows = applicable_advice((factor_id,), ruled_out=ruled_out, audience="patient")
    return " ".join(" ".join(a.text.format_map(values).split()) for a in rows)
