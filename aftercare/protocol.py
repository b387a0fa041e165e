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
barrier                data/barriers.yaml   a barrier with ``prescribable: true``: never
                                            ``none``, ice always has a barrier
modality               data/modalities.yaml the cold source
max_sessions_per_day   1 to 24              most ice sessions in one calendar day
factor_max_session_    factor id -> 1 to    a shorter cap for named factors (for example
minutes                max_session_minutes  a superficial nerve with little fat), minutes
heat_max_minutes       1 to 60              longest heat application, if heat is used
skin_check_minutes     1 to 20              skin checks (caution factors; heat)
day_starts             "HH:MM"              default waking time (quoted in YAML)
night_starts           "HH:MM"              default bedtime; the night must last at least
                                            aftercare.clock.MIN_NIGHT_HOURS hours
=====================  ===================  ==========================================

Rules that contradict each other are refused, naming both: a spacing (``interval_hours``)
shorter than a session (``max_session_minutes``); a wait (``wait_hours``) at or beyond the
end of the plan (``plan_hours``); more sessions a day (``max_sessions_per_day``) than the
default waking day (``day_starts`` to ``night_starts``) holds at that spacing.

A rule whose value the cited sources inform but do not settle says so with
``protocol_choice: true``; the clinician copy of the handout labels it "protocol's choice".
``title`` is a plain string or one title per language (``title: {en: ..., pt-BR: ...}``; ``en``
is required), so a translated sheet carries no English.

References
----------
Bleakley CM, McDonough SM, MacAuley DC (2006). Cryotherapy for acute ankle sprains.
Br J Sports Med 40:700-705. doi:10.1136/bjsm.2006.025932
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    model_validator,
)

from .clock import CLOCK_WORDS, MIN_NIGHT_HOURS, night_minutes, night_problem, parse_clock
from .data import YamlDocument, data_path, load_yaml, validate_model
from .errors import DataError, InputError, quote
from .factors import Level, load_factors
from .packs import load_barriers, modality_ids, prescribable_barriers
from .sources import check_source_ids

__all__ = [
    "Protocol",
    "Rule",
    "load_protocol",
    "list_protocols",
    "protocol_path",
    "protocol_from_mapping",
    "rule_names",
    "DEFAULT_PROTOCOL",
    "PROTOCOL_ENV",
    "suite_protocol_name",
    "sessions_a_waking_day_holds",
]

DEFAULT_PROTOCOL = "seed-article"
#: Environment variable naming the suite's protocol (a preset name or a path to a YAML file).
#: Notebooks, the apps' opening state, handouts and exports all follow it.
PROTOCOL_ENV = "AFTERCARE_PROTOCOL"
_LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")

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
    #: True when the cited sources inform the value but do not settle it.
    protocol_choice: bool = False


def _clock(value: object) -> dt.time:
    # Only text: an unquoted 07:00 is read by YAML 1.1 as 420 (minutes), 0700 as 448 (octal)
    # and 7 as 7; none of them is guessed at. A parsed time (a validated copy) passes through.
    if isinstance(value, dt.time):
        return parse_clock(value)
    if not isinstance(value, str):
        raise ValueError(f'must be {CLOCK_WORDS} in quotes, for example "07:00"')
    try:
        return parse_clock(value)
    except InputError:
        raise ValueError(f"must be {CLOCK_WORDS}") from None


# A rule value that is a clock time; checked on the value itself, so an error names the line
# and the value as written.
_Clock = Annotated[dt.time, BeforeValidator(_clock)]


def _read_only(value_type: Any) -> Any:
    """A str-keyed mapping field, read-only once validated (``MappingProxyType``), dumped as a dict."""
    return Annotated[
        Mapping[str, value_type],
        AfterValidator(lambda mapping: MappingProxyType(dict(mapping))),
        PlainSerializer(dict, return_type=dict),
    ]


class _Rules(BaseModel):
    model_config = _IMMUTABLE

    wait_hours: Rule[float]
    max_session_minutes: Rule[float]
    interval_hours: Rule[float]
    plan_hours: Rule[float]
    barrier: Rule[str]  # an id of data/barriers.yaml (checked in _validate)
    modality: Rule[str]  # an id of data/modalities.yaml (checked in _validate)
    max_sessions_per_day: Rule[int]
    factor_max_session_minutes: Rule[_read_only(float)]
    heat_max_minutes: Rule[float]
    skin_check_minutes: Rule[float]
    day_starts: Rule[_Clock]
    night_starts: Rule[_Clock]


#: Factor id -> cold level, read-only (a ``types.MappingProxyType``); dumped as a plain dict.
FactorLevels = _read_only(Level)

_RANGES: dict[str, tuple[float, float, str]] = {
    "wait_hours": (0, 72, "hours"),
    "max_session_minutes": (1, 60, "minutes"),
    "interval_hours": (0.5, 24, "hours"),
    "plan_hours": (1, 168, "hours"),
    "max_sessions_per_day": (1, 24, "sessions"),
    "heat_max_minutes": (1, 60, "minutes"),
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
    ('seed-article', 20.0, 'damp_towel')
    """

    model_config = _IMMUTABLE

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    #: The English title (or the only one); per-language titles in ``title_translations``.
    title: str
    #: Titles by language tag (``{"en": ..., "pt-BR": ...}``), from ``title: {lang: text}``.
    title_translations: _read_only(str) = Field(default_factory=lambda: MappingProxyType({}))
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
        # A model handed in (``rules=protocol.rules.model_copy(...)``) is validated as the data
        # it holds, like a file, so every value gets the same checks.
        changes = {
            key: value.model_dump() if isinstance(value, BaseModel) else value
            for key, value in (update or {}).items()
        }
        data = {**self.model_dump(exclude={"source_file"}), **changes}
        data.pop("source_file", None)
        return _validate(data, self.source_file or "<protocol copy>")

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Protocol:
        return self  # immutable: a deep copy is the object itself

    @model_validator(mode="before")
    @classmethod
    def _titles(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        title = raw.get("title")
        if isinstance(title, dict):
            bad = [k for k in title if not isinstance(k, str) or not _LANG_TAG.match(k)]
            if bad:
                raise ValueError(f"title: {bad[0]!r} is not a language tag such as en or pt-BR")
            if "en" not in title:
                raise ValueError("title: give at least the English title (key en)")
            return {**raw, "title": title["en"], "title_translations": dict(title)}
        return raw

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
        """How a plan names the barrier ("a thin damp towel"; ``plan_label`` in
        ``data/barriers.yaml``)."""
        return load_barriers()[self.barrier].plan_label

    @property
    def modality(self) -> str:
        return self.rules.modality.value

    @property
    def max_sessions_per_day(self) -> int:
        return self.rules.max_sessions_per_day.value

    @property
    def heat_max_minutes(self) -> float:
        return self.rules.heat_max_minutes.value

    @property
    def skin_check_minutes(self) -> float:
        return self.rules.skin_check_minutes.value

    def factor_max_session_minutes(self, factor_id: str) -> float | None:
        """The shorter session cap the protocol sets for a factor, or None [min]."""
        return self.rules.factor_max_session_minutes.value.get(factor_id)

    def title_in(self, lang: str) -> str:
        """The title in language ``lang`` (``"pt-BR"``), else the English or only title."""
        return self.title_translations.get(lang, self.title)

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
            "max_sessions_per_day": f"{self.max_sessions_per_day:d}",
            "heat_max_minutes": f"{self.heat_max_minutes:g}",
            "barrier": self.barrier_label,
        }
        return self._memo["placeholders"]

    def with_values(self, name: str, **values: Any) -> Protocol:
        """A copy named ``name`` with some rule values changed, validated like a file.

        Each changed rule keeps its source ids; its basis says what changed and from what, so
        a table of the copy never gives the original reason for a value it no longer has.

        Parameters
        ----------
        name : str
            The copy's name (letters, digits, ``-``, ``_``, ``.``), e.g. ``"every-3-hours"``.
        **values
            Rule name = new value, e.g. ``interval_hours=3``.

        Raises
        ------
        InputError
            A name that is not a rule (naming the rules there are).
        DataError
            A value the protocol file would refuse (out of range, wrong type).

        Examples
        --------
        >>> p = load_protocol("seed-article").with_values("every-3-hours", interval_hours=3)
        >>> p.name, p.interval_hours, p.max_session_minutes
        ('every-3-hours', 3.0, 20.0)
        """
        unknown = sorted(set(values) - set(_Rules.model_fields))
        if unknown:
            raise InputError(
                "rule", unknown[0], "a protocol rule: " + ", ".join(_Rules.model_fields)
            )
        rules = self.rules.model_dump()
        for rule, value in values.items():
            old = rules[rule]["value"]
            rules[rule]["value"] = value
            rules[rule]["basis"] = (
                f"Changed from {old} to {value} in this copy of {self.name}. The basis of "
                f"the original value: {rules[rule]['basis']}"
            )
        return self.model_copy(update={"name": name, "rules": rules})

    def memo(self, key: Any, compute: Any) -> Any:
        """Return ``compute()`` cached under ``key`` for this protocol object."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value


def rule_names() -> tuple[str, ...]:
    """The names of a protocol's rules, in file order."""
    return tuple(_Rules.model_fields)


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
    for rule_name, allowed_ids, what in (
        ("barrier", prescribable_barriers(), "a barrier a protocol may prescribe"),
        ("modality", modality_ids(), "a cold modality"),
    ):
        value = getattr(protocol.rules, rule_name).value
        if value not in allowed_ids:
            raise DataError(
                name,
                f"{quote(value)} is not {what}",
                line=line("rules", rule_name, "value"),
                column=f"rules.{rule_name}.value",
                allowed=", ".join(allowed_ids) + f" (data/{rule_name}s.yaml)",
            )
    for rule_name in _Rules.model_fields:
        check_source_ids(
            getattr(protocol.rules, rule_name).source_ids,
            file=name,
            column=f"rules.{rule_name}.source_ids",
            line=line("rules", rule_name, "source_ids"),
        )
    factors = load_factors()
    caps = protocol.rules.factor_max_session_minutes.value
    for loc, ids in (
        (("rules", "factor_max_session_minutes", "value"), caps),
        (("factor_levels",), protocol.factor_levels),
    ):
        for factor_id in ids:
            if factor_id not in factors:
                raise DataError(
                    name,
                    f"unknown factor {quote(factor_id)}",
                    line=line(*loc, factor_id),
                    column=".".join(loc),
                    allowed=", ".join(factors),
                )
    for factor_id, minutes in caps.items():
        where = f"rules.factor_max_session_minutes.value.{factor_id}"
        if not (1 <= minutes <= protocol.max_session_minutes):
            raise DataError(
                name,
                f"{minutes:g} minutes is not a shorter cap",
                column=where,
                allowed=f"1 to max_session_minutes ({protocol.max_session_minutes:g}) minutes",
            )
    problem = night_problem(protocol.day_starts, protocol.night_starts)
    if problem:
        raise DataError(
            name,
            f"the default day is {problem}",
            line=line("rules", "night_starts", "value"),
            column="rules.night_starts.value",
            allowed=f"a night_starts at least {MIN_NIGHT_HOURS} hours before day_starts",
        )
    _check_consistency(protocol, name, line)
    protocol._checked = True
    return protocol


def sessions_a_waking_day_holds(
    day_starts: dt.time, night_starts: dt.time, session_minutes: float, interval_hours: float
) -> int:
    """How many sessions fit in one waking day, whole, at the protocol's spacing.

    Minutes are rounded as the planner rounds them (a session up, the spacing up and never
    shorter than a session), so a protocol that passes this check can be scheduled.

    Examples
    --------
    >>> sessions_a_waking_day_holds(dt.time(7), dt.time(23), 20, 2)  # 16 h awake
    8
    >>> sessions_a_waking_day_holds(dt.time(7), dt.time(22), 60, 0.5)  # back to back: 15 h
    15
    """
    awake_m = 1440 - night_minutes(day_starts, night_starts)
    session_m = math.ceil(session_minutes - 1e-9)
    spacing_m = max(math.ceil(interval_hours * 60 - 1e-9), session_m)
    return 0 if awake_m < session_m else (awake_m - session_m) // spacing_m + 1


def _check_consistency(protocol: Protocol, name: str, line: Any) -> None:
    """Refuse rules that contradict each other, naming both (after each was checked alone)."""
    session_m, interval_h = protocol.max_session_minutes, protocol.interval_hours
    wait_h, plan_h = protocol.wait_hours, protocol.plan_hours

    def refuse(rule: str, problem: str, allowed: str) -> DataError:
        return DataError(
            name,
            problem,
            line=line("rules", rule, "value"),
            column=f"rules.{rule}.value",
            allowed=allowed,
        )

    if interval_h * 60 < session_m:
        raise refuse(
            "interval_hours",
            f"interval_hours ({interval_h:g} h) is shorter than max_session_minutes "
            f"({session_m:g} min): a session would start before the last one ended",
            f"an interval_hours of at least {session_m / 60:.3g} h (one session)",
        )
    if wait_h >= plan_h:
        raise refuse(
            "wait_hours",
            f"wait_hours ({wait_h:g} h) is at or beyond plan_hours ({plan_h:g} h): the plan "
            "would end before the first ice may start",
            f"a wait_hours shorter than plan_hours ({plan_h:g} h)",
        )
    day, night = protocol.day_starts, protocol.night_starts
    holds = sessions_a_waking_day_holds(day, night, session_m, interval_h)
    if protocol.max_sessions_per_day > holds:
        raise refuse(
            "max_sessions_per_day",
            f"max_sessions_per_day ({protocol.max_sessions_per_day}) is more than the waking "
            f"day holds: from day_starts {day:%H:%M} to night_starts {night:%H:%M}, "
            f"{holds} session(s) of max_session_minutes ({session_m:g} min) fit at "
            f"interval_hours ({interval_h:g} h)",
            f"1 to {holds} sessions" if holds else "a waking day longer than one session",
        )


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
        ``data/protocols`` (``"early-cold"``); or a path to a YAML file. A Protocol that was
        loaded or validated is returned as it is; one built another way is validated first.

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
        if name_or_path._checked:
            return name_or_path
        return _validate(
            name_or_path.model_dump(exclude={"source_file"}),
            name_or_path.source_file or "<protocol>",
        )
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


def protocol_path(name_or_path: str | Path) -> Path | None:
    """The YAML file a protocol setting names, or None when it names a preset.

    A :class:`~pathlib.Path`, a name ending in ``.yaml``/``.yml`` or one holding a folder
    separator is a file (``~`` expanded); anything else is a preset in ``data/protocols/``.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")):
        return Path(text).expanduser()
    if "/" in text or "\\" in text:
        return Path(text).expanduser()
    return None


def _load(name_or_path: str | Path) -> Protocol:
    text = str(name_or_path)
    path = protocol_path(name_or_path)
    if path is None:
        path = data_path("protocols", f"{text}.yaml")
        if not path.is_file():
            raise DataError(
                "data/protocols",
                f"no protocol preset named {text!r}",
                allowed=", ".join(list_protocols()) + ", or a path to a .yaml file",
            )
    document = load_yaml(path)
    return _validate(document.data, document.name, document)
