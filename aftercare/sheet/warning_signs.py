"""The warning signs and where each one sends the patient (``data/red_flags.yaml``).

One list feeds the patient sheet (:func:`sheet_flags` picks the signs for one patient),
the clinician's table (:func:`warning_signs_table`) and notebook 07, which shows that table,
so a sign cannot be routed one way on the sheet and another way in the course.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..data import cached_loader, data_path, read_yaml_model
from ..errors import DataError
from ..sources import check_listed_items

if TYPE_CHECKING:
    from ..present import Table

__all__ = ["ACTIONS", "RedFlag", "load_red_flags", "sheet_flags", "warning_signs_table"]

_FILE = "data/red_flags.yaml"

#: Where a sign sends the patient, most urgent first; the sheet prints one list per action.
ACTIONS = ("emergency", "doctor_today", "clinic")


class RedFlag(BaseModel):
    """One warning sign: when the patient should get help, and the evidence for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    #: A short name for the clinician's table.
    name: str = Field(min_length=1)
    action: Literal["emergency", "doctor_today", "clinic"]
    #: What the patient does first (clinician wording; ``{minutes}`` is :attr:`minutes`).
    first_step: str | None = None
    #: Minutes of the first step (pressing, cooling), from a source the basis names [min].
    minutes: int | None = Field(default=None, ge=1, le=60)
    #: Printed only when one of these factors is present (empty: on every sheet).
    only_with_factors: tuple[str, ...] = ()
    #: Printed only when this self-care option is not ruled out for the patient.
    only_if_offered: Literal["ice", "heat"] | None = None
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
        if ("{minutes}" in (self.first_step or "") + self.label) != (self.minutes is not None):
            raise ValueError(
                "minutes and a {minutes} placeholder in first_step or label go together"
            )
        return self

    def first_step_text(self) -> str:
        """The first step in clinician wording with its minutes filled in ("" if none)."""
        return " ".join((self.first_step or "").format(**self.values()).split())

    def label_text(self) -> str:
        """The clinician wording of the sign with its minutes filled in."""
        return " ".join(self.label.format(**self.values()).split())

    def values(self) -> dict[str, str]:
        """Placeholder values for the wording of this sign (``{minutes}``)."""
        return {} if self.minutes is None else {"minutes": f"{self.minutes:d}"}

    def shown_for(self, present_factors: set[str] | frozenset[str], ruled_out: set[str]) -> bool:
        """Whether a sheet for a patient with these factors and ruled-out options prints it."""
        if self.only_with_factors and not set(self.only_with_factors) & set(present_factors):
            return False
        return self.only_if_offered is None or self.only_if_offered not in ruled_out


class _RedFlags(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[RedFlag, ...] = Field(min_length=1)


@cached_loader
def load_red_flags() -> tuple[RedFlag, ...]:
    """All warning signs, in file order, with their source ids checked against sources.csv.

    Examples
    --------
    >>> [f.id for f in load_red_flags()][:2]
    ['chest_breathing', 'clot_signs']
    """
    doc = read_yaml_model(data_path("red_flags.yaml"), _RedFlags)
    check_listed_items(doc.items, file=_FILE)
    for number, flag in enumerate(doc.items, start=1):
        if flag.only_with_factors:
            from ..factors import factor_ids

            known = factor_ids()
            for fid in flag.only_with_factors:
                if fid not in known:
                    raise DataError(
                        _FILE,
                        f"unknown factor {fid!r}",
                        column=f"items[{number}].only_with_factors",
                        allowed=", ".join(known),
                    )
    return doc.items


def sheet_flags(
    present_factors: set[str] | frozenset[str], ruled_out: set[str]
) -> tuple[RedFlag, ...]:
    """The warning signs one patient's sheet prints, in file order.

    A sign tied to factors (the clot signs) is printed only when one of them is present; a
    sign about ice or heat only when that option is not ruled out for the patient.

    Parameters
    ----------
    present_factors : set of str
        Factor ids present for the patient (``Patient.present_factors``).
    ruled_out : set of str
        Self-care options the patient must not use (``plan.do_not_use`` therapies).

    Examples
    --------
    >>> [f.id for f in sheet_flags({"dvt_at_site"}, {"heat"})][:3]
    ['chest_breathing', 'clot_signs', 'bleeding_wont_stop']
    >>> "heat_burn" in [f.id for f in sheet_flags(set(), set())]
    True
    """
    return tuple(f for f in load_red_flags() if f.shown_for(present_factors, ruled_out))


#: How each action reads in the clinician's table (the sheet words it in the patient's language).
ACTION_WORDS = {
    "emergency": "Get help now (emergency)",
    "doctor_today": "Seen by a doctor the same day",
    "clinic": "Call the clinic",
}


def _shown_when(flag: RedFlag) -> str:
    if flag.only_with_factors:
        from ..factors import load_factors

        factors = load_factors()
        labels = [factors[f].clinician_label for f in flag.only_with_factors]
        return "only with " + " or ".join(label[:1].lower() + label[1:] for label in labels)
    if flag.only_if_offered:
        return f"only where {flag.only_if_offered} is offered"
    return "every sheet"


def warning_signs_table() -> Table:
    """The warning signs and where each one sends the patient, as a table for the clinician:
    the sign, what the patient does first, where the sign goes, on which sheets it is
    printed, the sign in clinician wording, its sources and their confidence.

    It is the list a clinician safety-nets with when handing over the sheet, and the sheet's
    own routing: the sheet prints each sign under the heading of its action. A sign with no
    source reads "none found" and confidence "unconfirmed".

    Examples
    --------
    >>> table = warning_signs_table()
    >>> table.frame.iloc[0]["Then"]
    'Get help now (emergency)'
    >>> "press firmly" in repr(table).lower()
    True
    """
    import pandas as pd

    from ..present import Table

    rows = [
        {
            "name": flag.name,
            "first_step": flag.first_step_text() or "-",
            "action": ACTION_WORDS[flag.action],
            "shown": _shown_when(flag),
            "label": flag.label_text(),
            "sources": ", ".join(flag.source_ids) or "none found",
            "confidence": flag.confidence,
        }
        for flag in load_red_flags()
    ]
    return Table(
        pd.DataFrame(rows),
        {
            "name": "Warning sign",
            "first_step": "First",
            "action": "Then",
            "shown": "Printed on",
            "label": "In clinician wording",
            "sources": "Sources",
            "confidence": "Confidence",
        },
    )
