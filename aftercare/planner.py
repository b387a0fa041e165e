"""plan_icing: an icing timeline for one patient under one protocol.

The planner turns a protocol's rules (wait, session length, spacing, plan length, barrier) and a
patient's factors and waking hours into a schedule of ice sessions, a verdict, flags with their
reasons and sources, and ordered plain-language instructions.

Safety invariants (tested as properties over all valid patients and protocols):

* no session is longer than the protocol's ``max_session_minutes``;
* no session starts before the wait window ends, or before "now";
* no session overlaps the patient's sleeping hours;
* every session has a barrier, never bare skin;
* no session at all when a present factor's cold level is ``avoid``;
* every flag and instruction names at least one existing source id.

References
----------
Pai MYB. Is it okay to put ice on the area after dry needling? (source article, ``pai-seed``).
Bleakley CM, McDonough SM, MacAuley DC (2006). Br J Sports Med 40:700-705.
doi:10.1136/bjsm.2006.025932
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .alternatives import Alternative, assess_therapies
from .factors import load_factors, worst_level
from .patient import Patient
from .protocol import BARRIER_LABELS, Protocol, load_protocol

__all__ = ["Flag", "Instruction", "IcingPlan", "plan_icing", "SESSION_COLUMNS"]

SESSION_COLUMNS = [
    "session",
    "day",
    "start_h",
    "end_h",
    "minutes",
    "barrier",
    "barrier_label",
    "modality",
    "clock_time",
    "end_clock_time",
]

# Sources for the general skin-safety steps (not protocol numbers).
_SKIN_SIGNS_SOURCES = ("pai-seed", "bugaj1975", "kunesch1987")
_ASLEEP_SOURCES = ("cryotherapy-chapter", "pmc4395553")


class Instruction(str):
    """A plain-language step. It is a ``str`` and also carries ``.reason`` and ``.source_ids``."""

    reason: str
    source_ids: tuple[str, ...]

    def __new__(
        cls, text: str, reason: str, source_ids: tuple[str, ...] | list[str]
    ) -> Instruction:
        obj = super().__new__(cls, text)
        obj.reason = reason
        obj.source_ids = tuple(source_ids)
        return obj

    @property
    def text(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Flag:
    """A patient factor that changes the icing plan."""

    level: str  # "caution" or "avoid"
    factor: str  # factor id
    label: str  # clinician label
    reason: str  # plain language
    source_ids: tuple[str, ...]
    instruction: str

    def __getitem__(self, key: str) -> object:
        return getattr(self, key)


@dataclass(frozen=True)
class IcingPlan:
    """The result of :func:`plan_icing`. Times are hours after needling unless named otherwise."""

    patient: Patient
    protocol: Protocol
    verdict: str
    verdict_reason: str
    session_starts_min: tuple[int, ...]
    session_minutes: int
    with_skin_temperature: bool
    flags: tuple[Flag, ...]
    instructions: tuple[Instruction, ...]
    alternatives: tuple[Alternative, ...]
    wait_until_h: float
    first_start_h: float | None
    horizon_h: float
    sleep_windows: tuple[tuple[float, float], ...]
    assessments: tuple[Alternative, ...] = field(repr=False, default=())

    @cached_property
    def sessions(self) -> pd.DataFrame:
        """The ice sessions, one row each (built on first access, then cached).

        Columns: session, day, start_h, end_h (hours after needling), minutes, barrier,
        barrier_label, modality, clock_time and end_clock_time ("HH:MM"); with
        ``with_skin_temperature=True`` also ``end_skin_c``, the thermal model's predicted skin
        temperature when the pack comes off [°C].
        """
        frame = _sessions_frame(
            self.session_starts_min,
            self.session_minutes,
            _minutes(self.patient.needled_at),
            self.protocol,
        )
        if self.with_skin_temperature:
            frame["end_skin_c"] = self.predicted_end_skin_c if len(frame) else []
        return frame

    @property
    def predicted_end_skin_c(self) -> float:
        """Predicted skin temperature at the end of one session [°C] (thermal model).

        Every session is simulated from a rewarmed baseline with the patient's skinfold and the
        protocol's modality and barrier; with 1-2 h between sessions the skin has largely
        rewarmed (Bugaj 1975: it rewarms more slowly than it cools, so this is an estimate).
        """
        from .thermal import session_end_skin_c

        return session_end_skin_c(
            self.protocol.modality,
            self.protocol.barrier,
            self.session_minutes,
            self.patient.skinfold_mm,
        )

    @property
    def source_ids(self) -> tuple[str, ...]:
        """Every source id the plan cites."""
        ids: list[str] = []
        for item in (*self.flags, *self.instructions, *self.alternatives):
            ids.extend(i for i in item.source_ids if i not in ids)
        return tuple(ids)

    def schedule_text(self) -> str:
        """The sessions as a plain text table (day, start, end, minutes, barrier)."""
        if self.sessions.empty:
            return "No ice sessions in this plan."
        lines = [f"{'Day':>3}  {'Start':>5}  {'End':>5}  {'Min':>3}  Barrier"]
        for row in self.sessions.itertuples():
            lines.append(
                f"{row.day:>3}  {row.clock_time:>5}  {row.end_clock_time:>5}  "
                f"{row.minutes:>3g}  {row.barrier_label}"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        """A plain-language summary: verdict, sessions, flags and steps with their sources."""
        lines = [
            f"Protocol: {self.protocol.title} (version {self.protocol.version})",
            f"Verdict: {self.verdict.upper()} - {self.verdict_reason}",
        ]
        if not self.sessions.empty:
            first = self.sessions.iloc[0]
            lines.append(
                f"{len(self.sessions)} ice sessions of up to "
                f"{self.protocol.max_session_minutes:g} min, first on day {first.day} "
                f"at {first.clock_time}."
            )
        for flag in self.flags:
            lines.append(f"[{flag.level}] {flag.label}: {flag.reason} {list(flag.source_ids)}")
        for number, step in enumerate(self.instructions, start=1):
            lines.append(f"{number}. {step} {list(step.source_ids)}")
        if self.alternatives:
            lines.append(
                "Options instead of or besides ice: "
                + "; ".join(f"{a.plain_name} ({a.suitability})" for a in self.alternatives)
            )
        return "\n".join(lines)

    def alternatives_table(self) -> pd.DataFrame:
        """The suitable alternatives as a DataFrame (empty when the verdict is ok)."""
        from .alternatives import COLUMNS

        return pd.DataFrame([a.__dict__ for a in self.alternatives], columns=COLUMNS)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


_CLOCK_LABELS = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(1440))


def _clock(total_minutes: float) -> str:
    return _CLOCK_LABELS[int(round(total_minutes)) % 1440]


def _sleep_windows(
    needled_min: int, wake_min: int, sleep_min: int, horizon_m: int
) -> list[tuple[int, int]]:
    """Asleep intervals in minutes after needling, overlapping [0, horizon]."""
    windows = []
    length = (wake_min - sleep_min) % 1440
    for day in range(-1, horizon_m // 1440 + 2):
        start = day * 1440 + sleep_min - needled_min
        end = start + length
        if end > 0 and start < horizon_m:
            windows.append((start, end))
    return windows


def _schedule(
    start_m: int, duration_m: int, interval_m: int, horizon_m: int, windows: list[tuple[int, int]]
) -> list[int]:
    starts = []
    t = start_m
    while t + duration_m <= horizon_m:
        clash = next((w for w in windows if t < w[1] and t + duration_m > w[0]), None)
        if clash is not None:
            t = max(t, clash[1])
            continue
        starts.append(t)
        t += interval_m
    return starts


def _sessions_frame(
    starts: tuple[int, ...], duration_m: int, needled_min: int, protocol: Protocol
) -> pd.DataFrame:
    n = len(starts)
    start_m = np.asarray(starts, dtype=np.int64)
    barrier = protocol.barrier
    return pd.DataFrame(
        {
            "session": np.arange(1, n + 1),
            "day": (needled_min + start_m) // 1440 + 1,
            "start_h": start_m / 60,
            "end_h": (start_m + duration_m) / 60,
            "minutes": np.full(n, float(duration_m)),
            "barrier": np.full(n, barrier, dtype=object),
            "barrier_label": np.full(n, BARRIER_LABELS[barrier], dtype=object),
            "modality": np.full(n, protocol.modality, dtype=object),
            "clock_time": np.array([_clock(needled_min + s) for s in starts], dtype=object),
            "end_clock_time": np.array(
                [_clock(needled_min + s + duration_m) for s in starts], dtype=object
            ),
        },
        columns=SESSION_COLUMNS,
    )


def plan_icing(
    patient: Patient,
    protocol: Protocol | str | None = None,
    *,
    with_skin_temperature: bool = False,
) -> IcingPlan:
    """Plan ice sessions after dry needling for one patient under one protocol.

    Parameters
    ----------
    patient : Patient
        Timing (hours since needling, needling clock time, waking hours), skinfold and factors.
    protocol : Protocol, str or None
        A Protocol, a preset name or a path to a clinic's YAML file; ``None`` for the default
        (``seed-article``).
    with_skin_temperature : bool, default False
        Add ``end_skin_c`` to ``sessions``: the thermal model's predicted skin temperature at the
        end of each session for this skinfold, modality and barrier [°C].

    Returns
    -------
    IcingPlan
        ``verdict`` ("ok", "caution" or "avoid"), ``sessions`` (DataFrame with ``start_h``,
        ``end_h`` in hours after needling, ``minutes``, ``barrier``, ``clock_time``...),
        ``flags``, ``instructions`` (each with ``.reason`` and ``.source_ids``) and, when cold
        is avoided or cautioned, ``alternatives``.

    Notes
    -----
    Sessions start at the later of the wait window's end and now (``hours_since_needling``),
    then every ``interval_hours``; a session that would overlap sleep moves to waking time.
    All times are rounded to whole minutes.

    Examples
    --------
    >>> plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"))
    >>> plan.verdict, plan.sessions.clock_time.iloc[0], int(plan.sessions.minutes.max())
    ('ok', '12:00', 20)
    """
    if not isinstance(patient, Patient):
        raise TypeError(f"patient must be an aftercare.Patient, not {type(patient).__name__}")
    protocol = load_protocol(protocol)
    # What depends only on the protocol and the present factors is computed once per protocol.
    factor_part = protocol.memo(
        ("factor_part", patient.present_factors),
        lambda: _factor_part(patient, protocol),
    )
    verdict = factor_part.verdict

    wake = patient.awake_from or protocol.day_starts
    sleep = patient.asleep_from or protocol.night_starts
    needled_min = _minutes(patient.needled_at)
    # Whole minutes, always rounded towards the safe side.
    horizon_m = int(math.floor(protocol.plan_hours * 60 + 1e-9))
    wait_m = math.ceil(protocol.wait_hours * 60 - 1e-9)
    now_m = math.ceil(patient.hours_since_needling * 60 - 1e-9)
    duration_m = int(math.floor(protocol.max_session_minutes + 1e-9))
    interval_m = max(math.ceil(protocol.interval_hours * 60 - 1e-9), duration_m)
    windows = _sleep_windows(needled_min, _minutes(wake), _minutes(sleep), horizon_m)

    starts = (
        []
        if verdict == "avoid"
        else _schedule(max(wait_m, now_m), duration_m, interval_m, horizon_m, windows)
    )
    if verdict == "avoid":
        instructions = factor_part.steps
    else:
        instructions = (_first_step(protocol, starts, needled_min, now_m), *factor_part.steps)

    return IcingPlan(
        patient=patient,
        protocol=protocol,
        verdict=verdict,
        verdict_reason=factor_part.verdict_reason,
        session_starts_min=tuple(starts),
        session_minutes=duration_m,
        with_skin_temperature=bool(with_skin_temperature),
        flags=factor_part.flags,
        instructions=instructions,
        alternatives=factor_part.alternatives,
        wait_until_h=wait_m / 60,
        first_start_h=starts[0] / 60 if starts else None,
        horizon_h=horizon_m / 60,
        sleep_windows=tuple((max(a, 0) / 60, min(b, horizon_m) / 60) for a, b in windows),
        assessments=factor_part.assessments,
    )


@dataclass(frozen=True)
class _FactorPart:
    verdict: str
    verdict_reason: str
    flags: tuple[Flag, ...]
    alternatives: tuple[Alternative, ...]
    assessments: tuple[Alternative, ...]
    steps: tuple[Instruction, ...]


def _factor_part(patient: Patient, protocol: Protocol) -> _FactorPart:
    """Verdict, flags, alternatives and the time-independent steps for a set of factors."""
    factors = load_factors()
    placeholders = protocol.placeholders()
    flags = []
    for factor_id in patient.present_factors:
        level = protocol.factor_level(factor_id)
        if level == "ok":
            continue
        factor = factors[factor_id]
        what = "ice is ruled out" if level == "avoid" else "ice only with extra care"
        reason = (
            f"{factor.plain_label}: {what}. The source article says: "
            f"{factor.article_reading}; the evidence says: {factor.evidence_reading}."
        )
        flags.append(
            Flag(
                level,
                factor_id,
                factor.clinician_label,
                reason,
                factor.source_ids,
                factor.instruction.format_map(placeholders),
            )
        )
    verdict = worst_level([f.level for f in flags])
    assessments = assess_therapies(patient, protocol)
    alternatives = (
        ()
        if verdict == "ok"
        else tuple(a for a in assessments if a.therapy != "ice" and a.suitability != "avoid")
    )
    if verdict == "avoid":
        names = ", ".join(f.label for f in flags if f.level == "avoid")
        verdict_reason = f"No ice: the protocol rules out cold with {names}."
    elif verdict == "caution":
        names = ", ".join(f.label for f in flags)
        verdict_reason = f"Ice is possible with extra care because of {names}."
    else:
        verdict_reason = "No recorded factor limits ice; follow the protocol's timing and barrier."
    steps = _instructions(protocol, verdict, flags, alternatives)
    return _FactorPart(verdict, verdict_reason, tuple(flags), alternatives, assessments, steps)


def _first_step(
    protocol: Protocol, starts: list[int], needled_min: int, now_m: int = 0
) -> Instruction:
    """The time-dependent first step: when the first ice may start.

    "Wait until" only when there is something to wait for: when the first session starts now
    (the wait is over, or the protocol has none) the step says so.
    """
    if starts:
        wait = protocol.rule("wait_hours")
        first = needled_min + starts[0]
        when = f"{_clock(first)} on day {first // 1440 + 1}"
        if starts[0] > now_m:
            text = (
                f"Wait until {when} before the first ice "
                f"({protocol.wait_hours:g} hours after needling at the earliest)."
            )
        elif protocol.wait_hours > 0:
            text = (
                f"The first ice can start now, at {when}: the wait of "
                f"{protocol.wait_hours:g} hours after needling is over."
            )
        else:
            text = f"The first ice can start now, at {when}: this protocol has no wait."
        return Instruction(text, " ".join(wait.basis.split()), wait.source_ids)
    length = protocol.rule("plan_hours")
    return Instruction(
        "There are no ice sessions left in this plan's time window.",
        " ".join(length.basis.split()),
        length.source_ids,
    )


def _instructions(
    protocol: Protocol, verdict: str, flags: list[Flag], alternatives: tuple[Alternative, ...]
) -> tuple[Instruction, ...]:
    """The ordered steps after the first (which depends on timing; see _first_step)."""
    rule = protocol.rule
    duration_m = int(math.floor(protocol.max_session_minutes + 1e-9))
    steps: list[Instruction] = []

    def add(text: str, reason: str, sources: tuple[str, ...] | list[str]) -> None:
        steps.append(Instruction(text, " ".join(reason.split()), tuple(sources)))

    if verdict == "avoid":
        for flag in flags:
            if flag.level == "avoid":
                add(flag.instruction, flag.reason, flag.source_ids)
        for alt in alternatives:
            if alt.delivered_by == "patient":
                add(
                    f"Instead you can try: {alt.plain_name.lower()}"
                    + (" (with care - see the notes)." if alt.suitability == "caution" else "."),
                    alt.reasons,
                    alt.source_ids,
                )
        return tuple(steps)

    barrier = rule("barrier")
    add(
        f"Always put {protocol.barrier_label} between the ice and your skin. Never put ice "
        "straight on bare skin.",
        barrier.basis,
        barrier.source_ids,
    )
    cap = rule("max_session_minutes")
    add(
        f"Keep the ice on for {duration_m} minutes at most, then take it off and let the skin "
        "warm up.",
        cap.basis,
        cap.source_ids,
    )
    spacing = rule("interval_hours")
    add(
        f"Leave at least {protocol.interval_hours:g} hours from the start of one session to the "
        "start of the next.",
        spacing.basis,
        spacing.source_ids,
    )
    add(
        "Never use ice while asleep or very drowsy: set a timer and stay awake.",
        "A person asleep cannot feel numbness or pain from the cold; continuous icing has caused "
        "frostbite and skin blood flow stays low after cooling.",
        _ASLEEP_SOURCES,
    )
    add(
        "Take the ice off at once if the skin goes white, grey, blotchy or blistered, or "
        "becomes numb; some redness that fades is usual.",
        "Numbness means the skin is cold enough to dull pain; below about 10 °C the skin's "
        "warning receptors stop working, so keep going only until it feels numb.",
        _SKIN_SIGNS_SOURCES,
    )
    for flag in flags:
        add(flag.instruction, flag.reason, flag.source_ids)
    factors = load_factors()
    checks_said = any("{skin_check_minutes}" in factors[f.factor].instruction for f in flags)
    if verdict == "caution" and not checks_said:
        check = rule("skin_check_minutes")
        add(
            f"Look at the skin every {protocol.skin_check_minutes:g} minutes while the ice is on.",
            check.basis,
            check.source_ids,
        )
    length = rule("plan_hours")
    add(
        f"Stop the ice plan {protocol.plan_hours:g} hours after needling.",
        length.basis,
        length.source_ids,
    )
    for alt in alternatives:
        if alt.delivered_by == "patient" and alt.suitability == "recommended":
            add(f"You can also use {alt.plain_name.lower()}.", alt.reasons, alt.source_ids)
    return tuple(steps)
