"""Protocol presets: the clinic-editable numbers behind every plan.

A protocol is a YAML file in ``data/protocols/``. Each rule has a ``value``, the ``source_ids``
it rests on and a plain-language ``basis``, so every plan can show why a number is what it is.
``seed-article`` (the default) encodes the source article; ``early-cold`` encodes the common
practice of cold from the first hours. A clinic copies a preset and edits it; every plan, chart,
notebook and handout then follows.

Allowed ranges (checked on load; an out-of-range value raises a DataError naming the file, the
rule and the range):

=====================  ===================  ==========================================
rule                   allowed              meaning
=====================  ===================  ==========================================
wait_hours             0 to 72              hours after needling before the first ice
max_session_minutes    1 to 60              longest ice session, minutes
interval_hours         0.5 to 24            start-to-start spacing of sessions, hours
plan_hours             1 to 168             how long the plan runs after needling, hours
barrier                see data/barriers    never ``none``: ice always has a barrier
modality               see data/modalities  the cold source
skin_check_minutes     1 to 20              skin checks when a caution factor is present
day_starts             HH:MM                default waking time
night_starts           HH:MM                default bedtime
=====================  ===================  ==========================================

References
----------
Bleakley CM, McDonough SM, MacAuley DC (2006). Cryotherapy for acute ankle sprains.
Br J Sports Med 40:700-705. doi:10.1136/bjsm.2006.025932
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from .data import data_path, display_name, read_yaml, validation_to_data_error
from .errors import DataError
from .factors import load_factors
from .sources import check_source_ids

__all__ = [
    "Protocol",
    "Rule",
    "load_protocol",
    "list_protocols",
    "protocol_from_mapping",
    "DEFAULT_PROTOCOL",
    "PROTOCOL_ENV",
    "suite_protocol_name",
    "BARRIERS_WITH_ICE",
    "MODALITIES",
]

DEFAULT_PROTOCOL = "seed-article"
#: Environment variable naming the suite's protocol (a preset name or a path to a YAML file).
#: Notebooks, the apps' opening state, handouts and exports all follow it.
PROTOCOL_ENV = "AFTERCARE_PROTOCOL"
# Barriers a protocol may prescribe: never "none" (bare ice on skin).
BARRIERS_WITH_ICE = ("damp_towel", "dry_towel", "double_dry_towel")
BARRIER_LABELS = {
    "damp_towel": "a thin damp towel",
    "dry_towel": "a dry towel or cloth",
    "double_dry_towel": "two layers of dry towel",
}
MODALITIES = ("crushed_ice", "cubed_ice", "wetted_ice", "gel_pack", "frozen_peas")

T = TypeVar("T")


class Rule(BaseModel, Generic[T]):
    """A protocol number with its evidence: value, source ids and a plain-language basis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: T
    source_ids: tuple[str, ...] = Field(min_length=1)
    basis: str = Field(min_length=1)


def _clock(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 07:00 as sexagesimal minutes (420).
        return dt.time(value // 60, value % 60)
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("must be a clock time written HH:MM, from 00:00 to 23:59")


class _Rules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    wait_hours: Rule[float]
    max_session_minutes: Rule[float]
    interval_hours: Rule[float]
    plan_hours: Rule[float]
    barrier: Rule[Literal["damp_towel", "dry_towel", "double_dry_towel"]]
    modality: Rule[Literal["crushed_ice", "cubed_ice", "wetted_ice", "gel_pack", "frozen_peas"]]
    skin_check_minutes: Rule[float]
    day_starts: Rule[dt.time]
    night_starts: Rule[dt.time]

    @field_validator("day_starts", "night_starts", mode="before")
    @classmethod
    def _clock_rule(cls, rule: Any) -> Any:
        if isinstance(rule, dict) and "value" in rule:
            rule = {**rule, "value": _clock(rule["value"])}
        return rule


_RANGES: dict[str, tuple[float, float, str]] = {
    "wait_hours": (0, 72, "hours"),
    "max_session_minutes": (1, 60, "minutes"),
    "interval_hours": (0.5, 24, "hours"),
    "plan_hours": (1, 168, "hours"),
    "skin_check_minutes": (1, 20, "minutes"),
}


class Protocol(BaseModel):
    """A validated protocol preset. Rule values are exposed as attributes (``wait_hours``...).

    Examples
    --------
    >>> p = load_protocol()
    >>> p.name, p.max_session_minutes, p.barrier
    ('seed-article', 20.0, 'dry_towel')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str
    version: str
    effective_date: dt.date
    description: str
    rules: _Rules
    factor_levels: dict[str, Literal["ok", "caution", "avoid"]] = Field(default_factory=dict)
    source_file: str = ""
    # Per-protocol memo of derived values (factor assessments); never part of the data.
    _memo: dict[Any, Any] = PrivateAttr(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    # Rule values as plain attributes.
    @property
    def wait_hours(self) -> float:
        return self.rules.wait_hours.value

    @property
    def max_session_minutes(self) -> float:
        return self.rules.max_session_minutes.value

    @property
    def interval_hours(self) -> float:
        return self.rules.interval_hours.value

    @property
    def plan_hours(self) -> float:
        return self.rules.plan_hours.value

    @property
    def barrier(self) -> str:
        return self.rules.barrier.value

    @property
    def barrier_label(self) -> str:
        return BARRIER_LABELS[self.barrier]

    @property
    def modality(self) -> str:
        return self.rules.modality.value

    @property
    def skin_check_minutes(self) -> float:
        return self.rules.skin_check_minutes.value

    @property
    def day_starts(self) -> dt.time:
        return self.rules.day_starts.value

    @property
    def night_starts(self) -> dt.time:
        return self.rules.night_starts.value

    def source_path(self):
        """Path of the YAML file this protocol came from (a preset's file for a preset)."""
        path = Path(self.source_file)
        if self.source_file.startswith("data/"):
            return data_path(*Path(self.source_file).parts[1:])
        return path

    def rule(self, name: str) -> Rule[Any]:
        """The rule ``name`` with its value, source ids and basis."""
        if name not in _Rules.model_fields:
            raise KeyError(f"unknown rule {name!r}; rules: {', '.join(_Rules.model_fields)}")
        return getattr(self.rules, name)

    def rule_table(self) -> list[dict[str, Any]]:
        """Every rule as a row (rule, value, basis, source_ids) for display."""
        return [
            {
                "rule": name,
                "value": getattr(self.rules, name).value,
                "basis": " ".join(getattr(self.rules, name).basis.split()),
                "source_ids": getattr(self.rules, name).source_ids,
            }
            for name in _Rules.model_fields
        ]

    def factor_level(self, factor_id: str) -> str:
        """The cold level for a factor: the protocol's override, else the factor table's default."""
        if factor_id in self.factor_levels:
            return self.factor_levels[factor_id]
        return load_factors()[factor_id].cold

    def placeholders(self) -> dict[str, str]:
        """Values for ``{placeholders}`` in data texts (instructions, reasons)."""
        if "placeholders" in self._memo:
            return self._memo["placeholders"]
        self._memo["placeholders"] = {
            "skin_check_minutes": f"{self.skin_check_minutes:g}",
            "max_session_minutes": f"{self.max_session_minutes:g}",
            "wait_hours": f"{self.wait_hours:g}",
            "interval_hours": f"{self.interval_hours:g}",
            "barrier": self.barrier_label,
        }
        return self._memo["placeholders"]

    def memo(self, key: Any, compute: Any) -> Any:
        """Return ``compute()`` cached under ``key`` for this protocol object."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value


def list_protocols() -> tuple[str, ...]:
    """Names of the presets in ``data/protocols/``."""
    return tuple(sorted(p.stem for p in data_path("protocols").glob("*.yaml")))


def protocol_from_mapping(raw: Any, name: str = "<protocol mapping>") -> Protocol:
    """Validate a protocol given as a mapping (as parsed from YAML); errors name ``name``."""
    return _validate(raw, name)


def _validate(raw: Any, name: str) -> Protocol:
    if not isinstance(raw, dict):
        raise DataError(name, "expected a mapping of keys to values at the top level")
    try:
        protocol = Protocol.model_validate({**raw, "source_file": name})
    except ValidationError as exc:
        raise validation_to_data_error(exc, name) from None
    for rule_name, (low, high, unit) in _RANGES.items():
        value = getattr(protocol.rules, rule_name).value
        if not (low <= value <= high):
            raise DataError(
                name,
                f"{value:g} {unit} is out of range",
                column=f"rules.{rule_name}.value",
                allowed=f"{low:g} to {high:g} {unit}",
            )
    for rule_name in _Rules.model_fields:
        check_source_ids(
            getattr(protocol.rules, rule_name).source_ids,
            file=name,
            column=f"rules.{rule_name}.source_ids",
        )
    factors = load_factors()
    for factor_id in protocol.factor_levels:
        if factor_id not in factors:
            raise DataError(
                name,
                f"unknown factor {factor_id!r}",
                column="factor_levels",
                allowed=", ".join(factors),
            )
    if protocol.day_starts == protocol.night_starts:
        raise DataError(
            name,
            "day_starts and night_starts are the same time",
            column="rules.night_starts.value",
            allowed="two different clock times",
        )
    return protocol


def suite_protocol_name() -> str:
    """The protocol the suite uses when none is named: ``$AFTERCARE_PROTOCOL`` or ``seed-article``.

    The variable holds a preset name (``my-clinic``) or a path to a YAML file; a blank value
    counts as unset.

    Examples
    --------
    >>> import os
    >>> os.environ["AFTERCARE_PROTOCOL"] = "early-cold"
    >>> suite_protocol_name(), load_protocol().name
    ('early-cold', 'early-cold')
    >>> del os.environ["AFTERCARE_PROTOCOL"]
    >>> suite_protocol_name()
    'seed-article'
    """
    value = os.environ.get(PROTOCOL_ENV, "").strip()
    return value or DEFAULT_PROTOCOL


def load_protocol(name_or_path: str | Path | Protocol | None = None) -> Protocol:
    """Load a protocol: the suite's protocol, a named preset, or a clinic's own YAML file.

    Parameters
    ----------
    name_or_path : str, pathlib.Path, Protocol or None
        ``None`` for the suite's protocol: the preset or file named by the environment variable
        ``AFTERCARE_PROTOCOL``, else the default preset (``seed-article``); a preset name from
        ``data/protocols`` (``"early-cold"``); or a path to a YAML file. A Protocol is returned
        as it is.

    Returns
    -------
    Protocol

    Raises
    ------
    DataError
        The preset does not exist (the message lists the presets, and names
        ``AFTERCARE_PROTOCOL`` when the name came from it), or the file is malformed or a value
        is out of range (the message names the file, the key and the allowed range).

    Examples
    --------
    >>> load_protocol("early-cold").wait_hours
    0.0
    """
    if isinstance(name_or_path, Protocol):
        return name_or_path
    from_env = name_or_path is None and suite_protocol_name() != DEFAULT_PROTOCOL
    if name_or_path is None:
        name_or_path = suite_protocol_name()
    if from_env:
        try:
            return _load(name_or_path)
        except DataError as exc:
            raise DataError(
                f"environment variable {PROTOCOL_ENV}={name_or_path!r}",
                exc.problem if exc.file == "data/protocols" else str(exc),
                allowed=exc.allowed if exc.file == "data/protocols" else None,
            ) from None
    return _load(name_or_path)


def _load(name_or_path: str | Path) -> Protocol:
    text = str(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, Path)
        or text.endswith((".yaml", ".yml"))
        or ("/" in text or "\\" in text)
    )
    if looks_like_path:
        path = Path(text).expanduser()
    else:
        path = data_path("protocols", f"{text}.yaml")
        if not path.is_file():
            raise DataError(
                "data/protocols",
                f"no protocol preset named {text!r}",
                allowed=", ".join(list_protocols()) + ", or a path to a .yaml file",
            )
    name = display_name(path)
    return _validate(read_yaml(path), name)
