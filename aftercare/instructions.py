"""The plain-language steps a plan is assembled from (``data/instructions.yaml``).

The file also holds the clinician-facing wording of verdicts and flags (:func:`wording`).

Each step has a text and either a protocol ``rule`` (its reason and sources are that rule's
basis and source ids), its own ``reason`` and ``source_ids``, or ``from_assessment`` (the
planner takes the reason and sources from the patient's assessment). Placeholders are checked on
load, so a typo in a clinic's edit is a clear error, not a sheet with ``{braces}`` in it.

Examples
--------
>>> step = load_steps()["asleep"]
>>> step.source_ids
('cryotherapy-chapter', 'pmc4395553')
"""

from __future__ import annotations

import string

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .data import cached_loader, data_path, read_yaml_model
from .errors import DataError
from .sources import check_source_ids

__all__ = ["Step", "load_steps", "wording", "STEP_IDS", "PROTOCOL_VALUES", "threshold_values"]

_FILE = "data/instructions.yaml"

#: The steps the planner assembles (a missing or unknown id in the file is an error).
STEP_IDS = (
    "optional",
    "earliest",
    "earliest_now",
    "earliest_now_no_wait",
    "none_left",
    "barrier",
    "session_cap",
    "factor_cap",
    "spacing",
    "per_day",
    "asleep",
    "skin_signs",
    "skin_checks",
    "stop_plan",
    "supervision",
    "no_helper",
    "do_not_use",
    "heat_safety",
    "also",
    "instead",
    "instead_with_care",
)
#: Placeholders every step may use: the protocol's values and this patient's session cap.
PROTOCOL_VALUES = (
    "barrier",
    "wait_hours",
    "interval_hours",
    "max_sessions_per_day",
    "max_session_minutes",
    "skin_check_minutes",
    "heat_max_minutes",
    "plan_hours",
    "session_minutes",
)


class Step(BaseModel):
    """One step: text, and where its reason and sources come from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    values: tuple[str, ...] = ()
    rule: str | None = None
    reason: str | None = None
    source_ids: tuple[str, ...] = ()
    from_assessment: bool = False

    @model_validator(mode="after")
    def _one_origin(self) -> Step:
        own = self.reason is not None or bool(self.source_ids)
        origins = [self.rule is not None, own, self.from_assessment]
        if sum(origins) != 1:
            raise ValueError(
                "give exactly one of: rule, reason with source_ids, or from_assessment: true"
            )
        if own and not (self.reason and self.source_ids):
            raise ValueError("a step with its own reason needs both reason and source_ids")
        return self

    def fill(self, values: dict[str, str]) -> str:
        """The text with its placeholders filled, spaces normalised."""
        return " ".join(self.text.format_map(values).split())

    def fill_reason(self, values: dict[str, str]) -> str:
        """The step's own reason with placeholders filled (thresholds), spaces normalised."""
        return " ".join((self.reason or "").format_map(values).split())


#: Wording keys of the verdicts and flags, and the placeholders each may use.
VERDICT_WORDS = {
    "ok": set(),
    "caution": {"labels"},
    "avoid": {"labels"},
    "avoid_without_helper": {"labels"},
}
FLAG_WORDS = {
    "caution": set(),
    "avoid": set(),
    "avoid_without_helper": set(),
    "reason": {"label", "what", "article", "evidence"},
}


class _Steps(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    verdicts: dict[str, str]
    flags: dict[str, str]
    steps: dict[str, Step]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def threshold_values() -> dict[str, str]:
    """Skin-temperature thresholds of ``data/thresholds.csv`` for reason texts [°C].

    A line gives ``{<id>_c}``; a band with both ends gives ``{<id>_low_c}`` and
    ``{<id>_high_c}``.
    """
    from .thermal.thresholds import threshold_rows

    values = {}
    for t in threshold_rows():
        if t.kind == "line":
            values[f"{t.id}_c"] = f"{t.high_c:g}"
        elif t.low_c is not None:
            values[f"{t.id}_low_c"] = f"{t.low_c:g}"
            values[f"{t.id}_high_c"] = f"{t.high_c:g}"
    return values


def load_steps() -> dict[str, Step]:
    """Every step keyed by id; ids, rules, placeholders and source ids are checked."""
    return _load().steps


def wording(section: str, key: str, **values: str) -> str:
    """A verdict or flag wording (``section`` "verdicts" or "flags") with its values filled."""
    return " ".join(getattr(_load(), section)[key].format(**values).split())


def _check_placeholders(text: str, allowed, *, column: str) -> None:
    """Refuse a ``{placeholder}`` in ``text`` that is not in ``allowed``, naming the column."""
    bad = sorted(_placeholders(text) - set(allowed))
    if bad:
        raise DataError(
            _FILE,
            f"unknown placeholder {{{bad[0]}}}",
            column=column,
            allowed=", ".join("{" + a + "}" for a in sorted(allowed)) or "none",
        )


def _check_keys(have, expected, *, column: str, what: str, unknown_what: str) -> None:
    """Refuse a missing or an unknown key of a section, naming it and the keys allowed."""
    missing = [k for k in expected if k not in have]
    unknown = [k for k in have if k not in expected]
    if missing or unknown:
        problem = (
            f"{what}{missing[0]!r} is missing" if missing else f"{unknown_what} {unknown[0]!r}"
        )
        raise DataError(_FILE, problem, column=column, allowed=", ".join(expected))


def _check_wording(doc: _Steps) -> None:
    for section, keys in (("verdicts", VERDICT_WORDS), ("flags", FLAG_WORDS)):
        texts = getattr(doc, section)
        _check_keys(texts, keys, column=section, what="", unknown_what="unknown key")
        for key, allowed in keys.items():
            _check_placeholders(texts[key], allowed, column=f"{section}.{key}")


@cached_loader
def _load() -> _Steps:
    from .protocol import rule_names

    doc = read_yaml_model(data_path("instructions.yaml"), _Steps)
    _check_wording(doc)
    _check_keys(doc.steps, STEP_IDS, column="steps", what="step ", unknown_what="unknown step")
    rules = rule_names()
    thresholds = threshold_values()
    for step_id, step in doc.steps.items():
        where = f"steps.{step_id}"
        if step.rule is not None and step.rule not in rules:
            raise DataError(
                _FILE,
                f"unknown rule {step.rule!r}",
                column=f"{where}.rule",
                allowed=", ".join(rules),
            )
        if step.source_ids:
            check_source_ids(step.source_ids, file=_FILE, column=f"{where}.source_ids")
        allowed_text = set(PROTOCOL_VALUES) | set(step.values)
        for field, allowed in (("text", allowed_text), ("reason", set(thresholds))):
            _check_placeholders(getattr(step, field) or "", allowed, column=f"{where}.{field}")
    return doc.model_copy(update={"steps": {s: doc.steps[s] for s in STEP_IDS}})


load_steps.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
