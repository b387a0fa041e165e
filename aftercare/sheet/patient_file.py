"""The patient file read by ``python -m aftercare handout`` (JSON, schema in ``schemas/``).

No patient name or identifier is required; none is written on the sheet unless given. The
committed JSON Schema ``schemas/patient.schema.json`` is generated from :class:`PatientFile`
(``python -m aftercare schema``); a test checks the two agree.

The file is read strictly, as the schema says: it must be a regular UTF-8 file of at most
1 MB; a key given twice, ``NaN``/``Infinity``, integers of more than 30 digits and nesting
deeper than 32 levels are errors; and no value is coerced (``true`` is not 1 hour, ``"12"``
is not 12 mm). Messages quote at most about 80 characters of a value.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..clock import CLOCK_PATTERN, MIN_NIGHT_HOURS
from ..data import MAX_INT_DIGITS, MAX_NESTING, as_tuples, read_text
from ..errors import AftercareError, DataError, InputError, clip, quote
from ..patient import DEFAULT_SKINFOLD_MM
from ..patient import HOURS_SINCE_NEEDLING_RANGE_H as _HOURS
from ..patient import SKINFOLD_RANGE_MM as _SKINFOLD

__all__ = [
    "PatientFileError",
    "PatientFile",
    "load_patient_file",
    "patient_record",
    "patient_schema",
    "EXAMPLE",
]

_CLOCK = CLOCK_PATTERN
_TEXT = {"max_length": 200}
# The sheet prints the dates of the plan's days (at most two weeks after needling), so the last
# allowed date leaves room before the calendar's end (9999-12-31).
_FIRST_DATE, _LAST_DATE = dt.date(1900, 1, 1), dt.date(9999, 12, 1)


class PatientFileError(AftercareError):
    """The patient file is missing, not JSON, or has a bad field (the message names both)."""

    def __init__(self, file: str | Path, problem: str, field: str | None = None) -> None:
        self.file, self.field, self.problem = str(file), field, problem
        where = f"{file}: field '{clip(field)}'" if field else str(file)
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
        default=None,
        ge=_FIRST_DATE,
        le=_LAST_DATE,
        description=(
            f"Date of needling, YYYY-MM-DD ({_FIRST_DATE} to {_LAST_DATE}); when given, dates "
            "are printed."
        ),
    )
    awake_from: str | None = Field(
        default=None,
        pattern=_CLOCK,
        description=(
            "Patient usually awake from, HH:MM. Give it with asleep_from (or neither, for the "
            f"protocol's default day); the night must last at least {MIN_NIGHT_HOURS} hours."
        ),
    )
    asleep_from: str | None = Field(
        default=None,
        pattern=_CLOCK,
        description="Patient usually asleep from, HH:MM (given together with awake_from).",
    )
    skinfold_mm: float = Field(
        default=DEFAULT_SKINFOLD_MM,
        ge=_SKINFOLD[0],
        le=_SKINFOLD[1],
        allow_inf_nan=False,
        description=f"Skinfold over the needled site ({_SKINFOLD[0]}-{_SKINFOLD[1]}) [mm].",
    )
    has_helper: bool = Field(
        default=False,
        strict=True,
        description=(
            "True when someone stays with the patient while cold or heat is on. Without it, a "
            "factor that needs such a person (for example neuropathy) rules out self-applied "
            "cold and heat."
        ),
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
            "has_helper": self.has_helper,
            **{f: True for f in self.factors},
        }


class _FactorError(ValueError):
    def __init__(self, index: int, factor: str, known: tuple[str, ...] | list[str]) -> None:
        self.index, self.factor, self.known = index, factor, tuple(known)
        super().__init__(f"unknown factor id {quote(factor)}")


def _some(ids: tuple[str, ...], chars: int = 240) -> str:
    """``ids`` joined, cut to about ``chars`` characters with how many more (and where)."""
    shown: list[str] = []
    for i in ids:
        if len(", ".join([*shown, i])) > chars:
            return ", ".join(shown) + f" and {len(ids) - len(shown)} more (data/factors.csv)"
        shown.append(i)
    return ", ".join(shown)


def _as_json(value: object) -> str:
    """A value as the file wrote it (``true``, not ``True``), cut to about 80 characters."""
    try:
        return clip(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        return quote(value)


def _explain(exc: ValidationError, file: str | Path) -> PatientFileError:
    first = exc.errors()[0]
    original = (first.get("ctx") or {}).get("error")
    if isinstance(original, _FactorError):
        return PatientFileError(
            file,
            f"unknown factor id {quote(original.factor)}; allowed: " + _some(original.known),
            f"factors[{original.index}]",
        )
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    field = field.lstrip(".") or None
    value = first.get("input")
    kind = first["type"]
    if kind == "missing":
        problem = "this field is required"
    elif kind == "extra_forbidden":
        allowed = ", ".join(n.alias or k for k, n in PatientFile.model_fields.items())
        problem = f"unknown field; allowed fields: {allowed}"
    elif kind == "string_pattern_mismatch":
        problem = f"{_as_json(value)} is not a clock time; write it as HH:MM (00:00 to 23:59)"
    elif kind == "json_invalid":
        problem = f"not valid JSON: {clip((first.get('ctx') or {}).get('error', ''), 120)}"
    else:
        problem = f"{_as_json(value)}: {first['msg'].removeprefix('Value error, ')}"
        if kind == "date_type":
            problem += ' (write it as "YYYY-MM-DD")'

    more = len(exc.errors()) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return PatientFileError(file, problem, field)


class _JsonProblem(ValueError):
    """A JSON construct the schema rules out, found while parsing (not a syntax error)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = next(key for key in keys if keys.count(key) > 1)
        raise _JsonProblem(f"the key {quote(twice)} is given twice in one object")
    return dict(pairs)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonProblem(
            f"a number with {len(text.lstrip('-'))} digits; the most allowed is {MAX_INT_DIGITS}"
        )
    return int(text)


def _no_constant(name: str) -> float:
    raise _JsonProblem(f"{name} is not a number JSON allows")


def _check_json(text: str, path: Path) -> Any:
    """Parse once with the standard library to refuse what pydantic's parser would accept."""
    try:
        raw = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_int=_bounded_int,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise PatientFileError(
            path, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except _JsonProblem as exc:
        raise PatientFileError(path, str(exc)) from None
    except RecursionError:
        raise PatientFileError(path, f"nested more than {MAX_NESTING} levels deep") from None
    try:
        as_tuples(raw, name=str(path))  # refuses nesting deeper than MAX_NESTING
    except DataError as exc:
        raise PatientFileError(path, exc.problem) from None
    return raw


def patient_record(data: dict[str, Any], source: str | Path) -> PatientFile:
    """A patient record given as a mapping (for example a form's fields), checked as a patient
    file is: a bad field is a :class:`PatientFileError` naming ``source`` and the field."""
    try:
        return PatientFile.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, source) from None


def load_patient_file(path: str | Path) -> PatientFile:
    """Read and validate a patient file; every problem names the file and the field.

    Examples
    --------
    >>> load_patient_file("tests/fixtures/patient_en.json").needled_at  # doctest: +SKIP
    '09:30'
    """
    path = Path(path)
    try:
        text = read_text(path)
    except DataError as exc:
        raise PatientFileError(path, exc.problem) from None
    raw = _check_json(text, path)
    if not isinstance(raw, dict):
        raise PatientFileError(path, "expected a JSON object {...} at the top level")
    try:
        # pydantic's JSON mode in strict mode: JSON types exactly as the schema says, and a date
        # only as "YYYY-MM-DD" text.
        record = PatientFile.model_validate_json(text, strict=True)
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
