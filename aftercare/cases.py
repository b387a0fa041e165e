"""Patient vignettes for teaching: load ``data/cases.yaml`` and turn each into a Patient.

Each case holds a short story, the patient's inputs to the planner, the decision the learner
makes, the answer a clinician should reach (``expected_verdict`` under the named protocol), a
discussion and its source ids (checked against ``data/sources.csv`` on load). Patient factor
flags must be factor ids from ``data/factors.csv``; other keys must be Patient fields.

The cases are invented for teaching. Education, not individual medical advice.

Examples
--------
>>> cases = load_cases()
>>> len(cases) >= 6
True
>>> cases[0].id
'desk-worker-trapezius'
"""

from __future__ import annotations

import html
import textwrap
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .data import cached_loader, data_path, display_name, read_yaml_model
from .errors import DataError, InputError
from .factors import Level, factor_ids
from .patient import Patient
from .planner import IcingPlan, plan_icing
from .protocol import load_protocol
from .sources import check_source_ids, cite

__all__ = ["Case", "CaseBook", "Reveal", "load_cases", "get_case", "PATIENT_FIELDS"]

#: Patient keyword arguments that are not factor flags (the Patient model's own fields).
PATIENT_FIELDS: tuple[str, ...] = tuple(Patient.model_fields)


class Case(BaseModel):
    """One teaching vignette."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    vignette: str
    site: str
    patient: dict[str, Any]
    protocol: str = "seed-article"
    expected_verdict: Level
    decision: str
    discussion: str
    teaching_points: tuple[str, ...] = Field(min_length=1)
    source_ids: tuple[str, ...] = Field(min_length=1)

    @field_validator("vignette", "decision", "discussion")
    @classmethod
    def _one_paragraph(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _patient_keys(self) -> Case:
        factors = factor_ids()
        for key, value in self.patient.items():
            if key in PATIENT_FIELDS:
                continue
            if key not in factors:
                raise ValueError(
                    f"patient key {key!r} is neither a Patient field ({', '.join(PATIENT_FIELDS)})"
                    " nor a factor id in data/factors.csv"
                )
            if not isinstance(value, bool):
                raise ValueError(f"patient factor {key!r} must be true or false, not {value!r}")
        return self

    @property
    def factors(self) -> tuple[str, ...]:
        """The factor ids set to true for this patient."""
        return tuple(k for k, v in self.patient.items() if k not in PATIENT_FIELDS and v)

    def make_patient(self):
        """Build the :class:`aftercare.Patient` for this case."""
        return Patient(**self.patient)

    def plan(self) -> IcingPlan:
        """The plan for this case's patient under the case's protocol (:func:`plan_icing`).

        Examples
        --------
        >>> get_case("desk-worker-trapezius").plan().verdict in ("ok", "caution", "avoid")
        True
        """
        return plan_icing(self.make_patient(), load_protocol(self.protocol))

    def story(self, width: int = 88) -> str:
        """The vignette and the decision as wrapped plain text (the answer is not included)."""
        wrap = textwrap.fill
        return (
            f"{self.title}\n\n{wrap(self.vignette, width)}\n\n"
            f"Decision: {wrap(self.decision, width - 10)}\n"
        )

    def answer(self, width: int = 88) -> str:
        """The teaching answer: discussion, points and sources, as wrapped plain text."""
        points = "\n".join(f"  - {p}" for p in self.teaching_points)
        return (
            f"Expected verdict under '{self.protocol}': {self.expected_verdict}\n\n"
            f"{textwrap.fill(self.discussion, width)}\n\nKey points:\n{points}\n"
            f"Sources: {cite(self.source_ids)}\n"
        )

    def reveal(self) -> Reveal:
        """The teaching answer folded in a ``<details>`` element (plain text outside HTML)."""
        points = "".join(f"<li>{html.escape(p)}</li>" for p in self.teaching_points)
        body = (
            f"<details><summary>Show the discussion of {html.escape(self.title)}</summary>"
            f"<p><strong>Expected verdict under '{html.escape(self.protocol)}':</strong> "
            f"{html.escape(self.expected_verdict)}</p><p>{html.escape(self.discussion)}</p>"
            f"<p>Key points:</p><ul>{points}</ul>"
            f"<p>Sources: {html.escape(cite(self.source_ids))}</p></details>"
        )
        return Reveal(text=self.answer(), html=body)


class Reveal:
    """Text to show folded: HTML ``<details>`` in a notebook, plain text elsewhere."""

    def __init__(self, text: str, html: str) -> None:
        self.text, self.html = text, html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


class CaseBook(BaseModel):
    """All cases in ``data/cases.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    cases: tuple[Case, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CaseBook:
        ids = [c.id for c in self.cases]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate case id {dupes[0]!r}")
        return self


def _load(path: Path) -> tuple[Case, ...]:
    book = read_yaml_model(path, CaseBook)
    name = display_name(path)
    for number, case in enumerate(book.cases, start=1):
        check_source_ids(
            case.source_ids, file=name, column=f"cases[{number}] ({case.id}).source_ids"
        )
    return book.cases


@cached_loader
def _default_cases() -> tuple[Case, ...]:
    return _load(data_path("cases.yaml"))


def load_cases(path: str | Path | None = None) -> tuple[Case, ...]:
    """Load and check the teaching cases.

    Parameters
    ----------
    path : str or Path, optional
        A cases YAML file; default ``data/cases.yaml`` (cached).

    Returns
    -------
    tuple of Case

    Raises
    ------
    DataError
        Naming the file and key when a case is malformed or cites an unknown source.
    """
    if path is None:
        return _default_cases()
    path = Path(path)
    if not path.is_file():
        raise DataError(str(path), "file not found")
    return _load(path)


def get_case(case_id: str) -> Case:
    """One case from ``data/cases.yaml`` by id; an unknown id lists the valid ones."""
    cases = load_cases()
    for case in cases:
        if case.id == case_id:
            return case
    raise InputError("case_id", case_id, ", ".join(c.id for c in cases))
