"""The patient file read by ``python -m aftercare handout`` (JSON, schema in ``schemas/``).

No patient name or identifier is required; none is written on the sheet unless given. The
committed JSON Schema ``schemas/patient.schema.json`` is generated from :class:`PatientFile`
(``python -m aftercare schema``); a test checks the two agree.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import AftercareError, InputError
from ..patient import DEFAULT_SKINFOLD_MM
from ..patient import HOURS_SINCE_NEEDLING_RANGE_H as _HOURS
from ..patient import SKINFOLD_RANGE_MM as _SKINFOLD

__all__ = [
    "PatientFileError",
    "PatientFile",
    "load_patient_file",
    "patient_schema",
    "SCHEMA_PATH",
    "EXAMPLE",
]

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "patient.schema.json"
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_TEXT = {"max_length": 200}


class PatientFileError(AftercareError):
    """The patient file is missing, not JSON, or has a bad field (the message names both)."""

    def __init__(self, file: str | Path, problem: str, field: str | None = None) -> None:
        self.file, self.field, self.problem = str(file), field, problem
        where = f"{file}: field '{field}'" if field else str(file)
        super().__init__(f"{where}: {problem}")


class PatientFile(BaseModel):
    """What a clinician records for one patient's aftercare sheet."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="aftercare patient file",
        json_schema_extra={
            "description": (
                "Input for `python -m aftercare handout --patient FILE.json`. Times are local "
                "clock times HH:MM. No patient name or identifier is required."
            ),
        },
    )

    schema_ref: str | None = Field(
        default=None, alias="$schema", description="Optional path or URL of this schema."
    )
    hours_since_needling: float = Field(
        default=0.0,
        ge=_HOURS[0],
        le=_HOURS[1],
        allow_inf_nan=False,
        description=(
            f"Hours since the needling session ended ({_HOURS[0]}-{_HOURS[1]}) [h]; "
            "the plan starts now."
        ),
    )
    needled_at: str = Field(pattern=_CLOCK, description="Clock time of needling, HH:MM.")
    needled_on: dt.date | None = Field(
        default=None, description="Date of needling, YYYY-MM-DD; when given, dates are printed."
    )
    awake_from: str | None = Field(
        default=None, pattern=_CLOCK, description="Patient usually awake from, HH:MM."
    )
    asleep_from: str | None = Field(
        default=None, pattern=_CLOCK, description="Patient usually asleep from, HH:MM."
    )
    skinfold_mm: float = Field(
        default=DEFAULT_SKINFOLD_MM,
        ge=_SKINFOLD[0],
        le=_SKINFOLD[1],
        allow_inf_nan=False,
        description=f"Skinfold over the needled site ({_SKINFOLD[0]}-{_SKINFOLD[1]}) [mm].",
    )
    factors: list[str] = Field(
        default_factory=list,
        description="Patient factor ids present (ids from data/factors.csv, e.g. diabetes, "
        "raynauds).",
    )
    site: str | None = Field(
        default=None, description="Optional label of the needled site.", **_TEXT
    )
    name: str | None = Field(
        default=None, description="Optional patient name (printed only if given).", **_TEXT
    )
    clinic_name: str | None = Field(default=None, description="Clinic name for the sheet.", **_TEXT)
    clinic_phone: str | None = Field(
        default=None, description="Clinic phone number.", max_length=60
    )
    clinician: str | None = Field(default=None, description="Optional clinician name.", **_TEXT)
    note: str | None = Field(
        default=None,
        description="Optional short note from the clinician, printed as written.",
        max_length=600,
    )
    protocol: str | None = Field(
        default=None,
        description="Protocol preset name or YAML path; --protocol on the command line wins.",
        max_length=500,
    )

    @field_validator("factors")
    @classmethod
    def _known_factors(cls, value: list[str]) -> list[str]:
        from ..factors import factor_ids

        known = factor_ids()
        for index, factor in enumerate(value):
            if factor not in known:
                raise _FactorError(index, factor, known)
        if len(set(value)) != len(value):
            raise ValueError("a factor id is listed twice")
        return value

    def patient_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`aftercare.Patient`."""
        return {
            "hours_since_needling": self.hours_since_needling,
            "needled_at": self.needled_at,
            "awake_from": self.awake_from,
            "asleep_from": self.asleep_from,
            "skinfold_mm": self.skinfold_mm,
            **{f: True for f in self.factors},
        }


class _FactorError(ValueError):
    def __init__(self, index: int, factor: str, known: tuple[str, ...] | list[str]) -> None:
        self.index, self.factor, self.known = index, factor, tuple(known)
        super().__init__(f"unknown factor id {factor!r}")


def _explain(exc: ValidationError, file: Path) -> PatientFileError:
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"]]
    original = (first.get("ctx") or {}).get("error")
    if isinstance(original, _FactorError):
        return PatientFileError(
            file,
            f"unknown factor id {original.factor!r}; allowed: " + ", ".join(original.known),
            f"factors[{original.index}]",
        )
    field = ".".join(loc) if loc else None
    value = first.get("input")
    kind = first["type"]
    if kind == "missing":
        problem = "this field is required"
    elif kind == "extra_forbidden":
        allowed = ", ".join(n.alias or k for k, n in PatientFile.model_fields.items())
        problem = f"unknown field; allowed fields: {allowed}"
    elif kind == "string_pattern_mismatch":
        problem = f"{value!r} is not a clock time; write it as HH:MM (00:00 to 23:59)"
    else:
        problem = f"{value!r}: {first['msg'].removeprefix('Value error, ')}"
    more = len(exc.errors()) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return PatientFileError(file, problem, field)


def load_patient_file(path: str | Path) -> PatientFile:
    """Read and validate a patient file; every problem names the file and the field.

    Examples
    --------
    >>> load_patient_file("tests/fixtures/patient_en.json").needled_at  # doctest: +SKIP
    '09:30'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PatientFileError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientFileError(path, f"cannot read the file ({exc})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PatientFileError(
            path, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(raw, dict):
        raise PatientFileError(path, "expected a JSON object {...} at the top level")
    try:
        record = PatientFile.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, path) from None
    return record


def build_patient(record: PatientFile, file: str | Path):
    """The :class:`aftercare.Patient` for a record; a rejected value names the file and field."""
    from ..patient import Patient

    try:
        return Patient(**record.patient_kwargs())
    except InputError as exc:
        raise PatientFileError(file, str(exc), exc.field) from None


#: A complete patient file, shown in the schema (``python -m aftercare schema``).
EXAMPLE: dict[str, Any] = {
    "needled_on": "2026-11-27",
    "needled_at": "09:30",
    "hours_since_needling": 0.5,
    "awake_from": "07:00",
    "asleep_from": "22:30",
    "skinfold_mm": 12,
    "factors": ["diabetes"],
    "site": "Right upper trapezius",
    "clinic_name": "Riverside Physio",
    "clinic_phone": "555-0100",
}


def patient_schema() -> dict[str, Any]:
    """The JSON Schema of the patient file (as committed in ``schemas/patient.schema.json``),
    with a complete example and the factor ids from ``data/factors.csv``."""
    from ..factors import factor_ids

    schema = PatientFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    ids = list(factor_ids())
    factors = schema["properties"]["factors"]
    factors["items"]["enum"] = ids
    factors["description"] = (
        "Patient factor ids present, from data/factors.csv: " + ", ".join(ids) + "."
    )
    schema["examples"] = [EXAMPLE]
    return schema
