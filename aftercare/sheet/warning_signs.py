"""The "when to call" warning signs printed on patient handouts (``data/red_flags.yaml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..data import cached_loader, data_path, read_yaml_model
from ..errors import DataError
from ..sources import check_source_ids

if TYPE_CHECKING:
    from ..present import Table

__all__ = ["RedFlag", "load_red_flags", "warning_signs_table"]

_FILE = "data/red_flags.yaml"


class RedFlag(BaseModel):
    """One warning sign: when the patient should get help, and the evidence for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    action: Literal["emergency", "clinic"]
    label: str = Field(min_length=1)
    basis: str = Field(min_length=1)
    source_ids: tuple[str, ...] = ()
    confidence: Literal["high", "medium", "low", "unconfirmed"]
    #: True where the sources name the sign but not the action or wording (the protocol's choice).
    protocol_choice: bool = False

    @model_validator(mode="after")
    def _sources_or_unconfirmed(self) -> RedFlag:
        if not self.source_ids and self.confidence != "unconfirmed":
            raise ValueError(
                "an item without source_ids must have confidence 'unconfirmed' "
                "and say in its basis that no source was found"
            )
        return self


class _RedFlags(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[RedFlag, ...] = Field(min_length=1)


@cached_loader
def load_red_flags() -> tuple[RedFlag, ...]:
    """All warning signs, in file order, with their source ids checked against sources.csv.

    Examples
    --------
    >>> [f.id for f in load_red_flags()][:2]
    ['chest_breathing', 'bleeding_wont_stop']
    """
    doc = read_yaml_model(data_path("red_flags.yaml"), _RedFlags)
    seen: set[str] = set()
    for number, flag in enumerate(doc.items, start=1):
        if flag.id in seen:
            raise DataError(_FILE, f"duplicate id {flag.id!r}", column=f"items[{number}].id")
        seen.add(flag.id)
        if flag.source_ids:
            check_source_ids(flag.source_ids, file=_FILE, column=f"items[{number}].source_ids")
    return doc.items


#: How each action reads in the clinician's table (the sheet words it in the patient's language).
ACTION_WORDS = {"emergency": "Get help now (emergency)", "clinic": "Call the clinic"}


def warning_signs_table() -> Table:
    """The warning signs every patient sheet prints, as a table for the clinician: what the
    patient should do, the sign in clinician wording, its sources and their confidence.

    It is the list a clinician safety-nets with when handing over the sheet; a sign with no
    source reads "none found" and confidence "unconfirmed".

    Examples
    --------
    >>> table = warning_signs_table()
    >>> table.frame.iloc[0]["What to do"]
    'Get help now (emergency)'
    >>> "none found" in repr(table)
    True
    """
    import pandas as pd

    from ..present import Table

    rows = [
        {
            "action": ACTION_WORDS[flag.action],
            "label": " ".join(flag.label.split()),
            "sources": ", ".join(flag.source_ids) or "none found",
            "confidence": flag.confidence,
        }
        for flag in load_red_flags()
    ]
    return Table(
        pd.DataFrame(rows),
        {
            "action": "What to do",
            "label": "Warning sign (clinician wording)",
            "sources": "Sources",
            "confidence": "Confidence",
        },
    )
