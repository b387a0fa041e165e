"""The Patient model: timing, skinfold and one boolean per patient factor.

The factor fields are read from ``data/factors.csv``: a clinic that adds a factor there gets a
new boolean field here. An unknown factor name is an error that lists the known ones.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from .clock import CLOCK_WORDS, MIN_NIGHT_HOURS, night_problem, parse_clock
from .errors import InputError
from .factors import factor_ids, load_factors

__all__ = [
    "Patient",
    "parse_clock",
    "HOURS_SINCE_NEEDLING_RANGE_H",
    "SKINFOLD_RANGE_MM",
    "WAKING_HOURS_WORDS",
]

#: Accepted hours since needling [h] and skinfold [mm], (low, high); the handout's patient file
#: (aftercare.sheet.patient_file) takes the same ranges.
HOURS_SINCE_NEEDLING_RANGE_H = (0, 168)
SKINFOLD_RANGE_MM = (0, 80)
#: Skinfold assumed when none is given [mm].
DEFAULT_SKINFOLD_MM = 10.0

_ALLOWED = {
    "hours_since_needling": (
        f"a number of hours >= {HOURS_SINCE_NEEDLING_RANGE_H[0]} "
        f"(and at most {HOURS_SINCE_NEEDLING_RANGE_H[1]})"
    ),
    "skinfold_mm": f"{SKINFOLD_RANGE_MM[0]} to {SKINFOLD_RANGE_MM[1]} mm",
    "needled_at": CLOCK_WORDS,
    "awake_from": CLOCK_WORDS + ", or None for the protocol's default",
    "asleep_from": CLOCK_WORDS + ", or None for the protocol's default",
    "has_helper": "True or False",
}
#: The waking-hours rule in words, for error messages (``{hours}``: the shortest night).
WAKING_HOURS_WORDS = (
    "give awake_from and asleep_from together (or neither, for the protocol's default day); "
    "they must leave a night of at least {hours} hours"
)
_WAKING_HOURS_ALLOWED = WAKING_HOURS_WORDS.format(hours=MIN_NIGHT_HOURS)


class Patient(BaseModel):
    """A patient after dry needling, as the planner sees them.

    Parameters
    ----------
    hours_since_needling : float
        Hours since the needling session ended, >= 0 [h]. The plan starts from now.
    needled_at : str or datetime.time
        Clock time of needling, default ``"09:00"``.
    awake_from, asleep_from : str, datetime.time or None
        The patient's waking hours, ``"HH:MM"``; give both or neither (``None`` uses the
        protocol's default day). They must leave a night of at least
        :data:`aftercare.clock.MIN_NIGHT_HOURS` hours, so no day is without sleep.
    skinfold_mm : float
        Skinfold over the needled site, 0-80 [mm].
    has_helper : bool
        True when someone stays with the patient while cold or heat is on. A factor whose
        instruction needs such a person (``needs_helper`` in ``data/factors.csv``) rules out
        self-applied cold and heat unless this is True.
    **factors : bool
        One boolean per factor id in ``data/factors.csv`` (``diabetes``, ``neuropathy``,
        ``raynauds``, ``cold_urticaria``, ...). Missing factors are False.

    Examples
    --------
    >>> p = Patient(hours_since_needling=1, raynauds=True)
    >>> p.present_factors
    ('raynauds',)
    """

    model_config = ConfigDict(frozen=True, extra="allow", validate_default=True)

    hours_since_needling: float = Field(
        default=0.0,
        ge=HOURS_SINCE_NEEDLING_RANGE_H[0],
        le=HOURS_SINCE_NEEDLING_RANGE_H[1],
        allow_inf_nan=False,
    )
    needled_at: dt.time = dt.time(9, 0)
    awake_from: dt.time | None = None
    asleep_from: dt.time | None = None
    skinfold_mm: float = Field(
        default=DEFAULT_SKINFOLD_MM,
        ge=SKINFOLD_RANGE_MM[0],
        le=SKINFOLD_RANGE_MM[1],
        allow_inf_nan=False,
    )
    has_helper: StrictBool = False

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            first = exc.errors()[0]
            original = (first.get("ctx") or {}).get("error")
            if isinstance(original, InputError):
                raise original from None
            field = ".".join(str(p) for p in first["loc"]) or "patient"
            allowed = _ALLOWED.get(field, "true or false (a patient factor)")
            message = first["msg"].removeprefix("Value error, ").rstrip(".") + "."
            raise InputError(field, first.get("input"), allowed, message) from None

    @field_validator("hours_since_needling", "skinfold_mm", mode="before")
    @classmethod
    def _no_bool(cls, value: object) -> object:
        if isinstance(value, bool) or isinstance(value, str):
            raise ValueError("must be a number")
        return value

    @field_validator("needled_at", "awake_from", "asleep_from", mode="before")
    @classmethod
    def _clock(cls, value: object, info: Any) -> object:
        if value is None and info.field_name != "needled_at":
            return None
        return parse_clock(value, info.field_name)

    @model_validator(mode="before")
    @classmethod
    def _factors(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = load_factors()
        out = dict(data)
        for key, value in data.items():
            if key in cls.model_fields:
                continue
            if key not in known:
                raise InputError(
                    key,
                    value,
                    "a field of Patient ("
                    + ", ".join(cls.model_fields)
                    + ") or a factor id: "
                    + ", ".join(known),
                    "Unknown patient factor.",
                )
            if not isinstance(value, bool):
                raise InputError(key, value, "True or False")
        for factor in known:
            out.setdefault(factor, False)
        return out

    @model_validator(mode="after")
    def _day_has_a_night(self) -> Patient:
        allowed = _WAKING_HOURS_ALLOWED
        if (self.awake_from is None) != (self.asleep_from is None):
            missing = "asleep_from" if self.asleep_from is None else "awake_from"
            given = "awake_from" if missing == "asleep_from" else "asleep_from"
            raise InputError(
                missing,
                None,
                allowed,
                f"Give {missing} too: {given} alone could leave no night with the protocol's "
                "default day.",
            )
        if self.awake_from is not None and self.asleep_from is not None:
            problem = night_problem(self.awake_from, self.asleep_from)
            if problem:
                raise InputError(
                    "asleep_from",
                    self.asleep_from.strftime("%H:%M"),
                    allowed,
                    f"The waking hours {problem}.",
                )
        return self

    @cached_property
    def present_factors(self) -> tuple[str, ...]:
        """Factor ids that are True, in table order."""
        return tuple(f for f in factor_ids() if getattr(self, f, False))

    @property
    def factors(self) -> dict[str, bool]:
        """Every factor id with its value."""
        return {f: bool(getattr(self, f, False)) for f in factor_ids()}

    def replace(self, **changes: Any) -> Patient:
        """A validated copy with some fields changed."""
        data = {**self.model_dump(), **changes}
        return Patient(**data)
