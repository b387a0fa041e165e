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
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
)

from .data import YamlDocument, data_path, load_yaml, validate_model
from .errors import DataError, quote
from .factors import load_factors
from .sources import check_source_ids

__all__ = [
    "Protocol",
    "Rule",
    "load_protocol",
    "list_protocols",
    "protocol_from_mapping",
    "DEFAULT_PROTOCOL",
    "BARRIERS_WITH_ICE",
    "MODALITIES",
]

DEFAULT_PROTOCOL = "seed-article"
# Barriers a protocol may prescribe: never "none" (bare ice on skin).
BARRIERS_WITH_ICE = ("damp_towel", "dry_towel", "double_dry_towel")
BARRIER_LABELS = {
    "damp_towel": "a thin damp towel",
    "dry_towel": "a dry towel or cloth",
    "double_dry_towel": "two layers of dry towel",
}
MODALITIES = ("crushed_ice", "cubed_ice", "wetted_ice", "gel_pack", "frozen_peas")

T = TypeVar("T")


# Frozen, no unknown keys, and a model instance handed in is validated again (so a copy made
# with pydantic's unvalidated ``model_copy(update=...)`` cannot smuggle in a bad value).
_IMMUTABLE = ConfigDict(frozen=True, extra="forbid", revalidate_instances="always")


class Rule(BaseModel, Generic[T]):
    """A protocol number with its evidence: value, source ids and a plain-language basis."""

    model_config = _IMMUTABLE

    value: T
    source_ids: tuple[str, ...] = Field(min_length=1)
    basis: str = Field(min_length=1)


def _clock(value: object) -> dt.time:
    # Only text: an unquoted 07:00 is read by YAML 1.1 as 420 (minutes), 0700 as 448 (octal)
    # and 7 as 7; none of them is guessed at.
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("must be a clock time written HH:MM, from 00:00 to 23:59")


# A rule value that is a clock time; checked on the value itself, so an error names the line
# and the value as written.
_Clock = Annotated[dt.time, BeforeValidator(_clock)]


class _Rules(BaseModel):
    model_config = _IMMUTABLE

    wait_hours: Rule[float]
    max_session_minutes: Rule[float]
    interval_hours: Rule[float]
    plan_hours: Rule[float]
    barrier: Rule[Literal["damp_towel", "dry_towel", "double_dry_towel"]]
    modality: Rule[Literal["crushed_ice", "cubed_ice", "wetted_ice", "gel_pack", "frozen_peas"]]
    skin_check_minutes: Rule[float]
    day_starts: Rule[_Clock]
    night_starts: Rule[_Clock]


#: Factor id -> cold level, read-only (a ``types.MappingProxyType``); dumped as a plain dict.
FactorLevels = Annotated[
    Mapping[str, Literal["ok", "caution", "avoid"]],
    AfterValidator(lambda levels: MappingProxyType(dict(levels))),
    PlainSerializer(dict, return_type=dict),
]

_RANGES: dict[str, tuple[float, float, str]] = {
    "wait_hours": (0, 72, "hours"),
    "max_session_minutes": (1, 60, "minutes"),
    "interval_hours": (0.5, 24, "hours"),
    "plan_hours": (1, 168, "hours"),
    "skin_check_minutes": (1, 20, "minutes"),
}


class Protocol(BaseModel):
    """A validated protocol preset. Rule values are exposed as attributes (``wait_hours``...).

    A protocol is immutable: its fields are frozen and ``factor_levels`` is a read-only mapping.
    Derived values cached on it (``memo``) therefore stay true for its lifetime.
    :meth:`model_copy` validates its ``update`` like a file and starts a fresh cache, and a
    protocol built any other way than :func:`load_protocol` or :func:`protocol_from_mapping`
    (for example ``Protocol.model_construct``) is checked again before it plans anything.

    Examples
    --------
    >>> p = load_protocol()
    >>> p.name, p.max_session_minutes, p.barrier
    ('seed-article', 20.0, 'dry_towel')
    """

    model_config = _IMMUTABLE

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str
    version: str
    effective_date: dt.date
    description: str
    rules: _Rules
    factor_levels: FactorLevels = Field(default_factory=lambda: MappingProxyType({}))
    source_file: str = ""
    # Per-protocol memo of derived values (factor assessments); never part of the data.
    _memo: dict[Any, Any] = PrivateAttr(default_factory=dict)
    # Set by _validate once every check (ranges, source ids, factor ids) has passed.
    _checked: bool = PrivateAttr(default=False)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False):
        """A copy with ``update`` applied, validated like a protocol file, with a fresh cache.

        (pydantic's own ``model_copy`` neither validates ``update`` nor copies the cache.)

        Examples
        --------
        >>> p = load_protocol().model_copy(update={"factor_levels": {"diabetes": "avoid"}})
        >>> p.factor_level("diabetes")
        'avoid'
        """
        data = {**self.model_dump(exclude={"source_file"}), **(update or {})}
        data.pop("source_file", None)
        return _validate(data, self.source_file or "<protocol copy>")

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Protocol:
        return self  # immutable: a deep copy is the object itself

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
    """Validate a protocol given as a mapping (as parsed from YAML); errors name ``name``.

    Validation is strict (see :func:`aftercare.data.validate_model`): ``"20"`` is not a number
    and ``1.10`` is not the version text ``"1.10"``.
    """
    return _validate(raw, name)


def _validate(raw: Any, name: str, document: YamlDocument | None = None) -> Protocol:
    protocol = validate_model(raw, Protocol, name, document=document, source_file=name)

    def line(*loc: str) -> int | None:  # the line of a key in the protocol's file, if known
        return document.locate(loc).start_mark.line + 1 if document is not None else None

    for rule_name, (low, high, unit) in _RANGES.items():
        value = getattr(protocol.rules, rule_name).value
        if not (low <= value <= high):
            raise DataError(
                name,
                f"{value:g} {unit} is out of range",
                line=line("rules", rule_name, "value"),
                column=f"rules.{rule_name}.value",
                allowed=f"{low:g} to {high:g} {unit}",
            )
    for rule_name in _Rules.model_fields:
        try:
            check_source_ids(
                getattr(protocol.rules, rule_name).source_ids,
                file=name,
                column=f"rules.{rule_name}.source_ids",
            )
        except DataError as exc:
            raise DataError(
                name,
                exc.problem,
                line=line("rules", rule_name, "source_ids"),
                column=exc.column,
                allowed=exc.allowed,
            ) from None
    factors = load_factors()
    for factor_id in protocol.factor_levels:
        if factor_id not in factors:
            raise DataError(
                name,
                f"unknown factor {quote(factor_id)}",
                line=line("factor_levels", factor_id),
                column="factor_levels",
                allowed=", ".join(factors),
            )
    if protocol.day_starts == protocol.night_starts:
        raise DataError(
            name,
            "day_starts and night_starts are the same time",
            line=line("rules", "night_starts", "value"),
            column="rules.night_starts.value",
            allowed="two different clock times",
        )
    protocol._checked = True
    return protocol


def load_protocol(name_or_path: str | Path | Protocol | None = None) -> Protocol:
    """Load a protocol: the default preset, a named preset, or a clinic's own YAML file.

    Parameters
    ----------
    name_or_path : str, pathlib.Path, Protocol or None
        ``None`` for the default (``seed-article``); a preset name from ``data/protocols``
        (``"early-cold"``); or a path to a YAML file. A Protocol that was loaded or validated
        is returned as it is; one built another way is validated first.

    Returns
    -------
    Protocol

    Raises
    ------
    DataError
        The preset does not exist (the message lists the presets), or the file is malformed or a
        value is out of range (the message names the file, the key and the allowed range).

    Examples
    --------
    >>> load_protocol("early-cold").wait_hours
    0.0
    """
    if isinstance(name_or_path, Protocol):
        if name_or_path._checked:
            return name_or_path
        return _validate(
            name_or_path.model_dump(exclude={"source_file"}),
            name_or_path.source_file or "<protocol>",
        )
    if name_or_path is None:
        name_or_path = DEFAULT_PROTOCOL
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
    document = load_yaml(path)
    return _validate(document.data, document.name, document)
