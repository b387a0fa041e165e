"""plan_icing: an icing timeline for one patient under one protocol.

The planner turns a protocol's rules (wait, session length, spacing, sessions per day, plan
length, barrier) and a patient's factors and waking hours into a schedule of the earliest times
ice may be used, a verdict, flags with their reasons and sources, the self-care options the
patient must not use, and ordered plain-language instructions. Ice is always optional: the times
are the earliest a sore patient may use it, never a duty.

This module schedules and assembles. The words and the clinical numbers live in ``data/``:
step texts and their reasons in ``data/instructions.yaml`` (:mod:`aftercare.instructions`),
factor instructions and levels in ``data/factors.csv`` and ``data/factor_levels.csv``, numbers
in the protocol.

Safety invariants (tested as properties over all valid patients and protocols):

* no session is longer than the protocol's ``max_session_minutes``, or than the shorter cap a
  present factor has (``factor_max_session_minutes``);
* no session starts before the wait window ends, or before "now";
* no session overlaps the patient's sleeping hours, and every day has a night (see
  :mod:`aftercare.clock`);
* no calendar day has more than ``max_sessions_per_day`` sessions;
* every session has a barrier, never bare skin;
* no session at all when a present factor's cold level is ``avoid``, or when a factor needs
  someone to stay with the patient and nobody is recorded (``Patient.has_helper``);
* every present factor's instruction is among the steps; no step offers an option the patient
  must avoid, and every such option is named in ``do_not_use`` with its reason;
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

from .advice import advice_text, applicable_advice
from .alternatives import Alternative, Limit, assess_therapies
from .factors import load_factors, worst_level
from .instructions import load_steps, threshold_values, wording
from .patient import Patient
from .protocol import Protocol, load_protocol

__all__ = [
    "Flag",
    "Instruction",
    "IcingPlan",
    "FactorAssessment",
    "plan_icing",
    "SESSION_COLUMNS",
]

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


class Instruction(str):
    """A plain-language step. It is a ``str`` and also carries ``.reason`` and ``.source_ids``.

    ``.step`` names where the text comes from: a step id of ``data/instructions.yaml``, or
    ``"factor"`` for a factor's own instruction; ``.about`` is the factor or therapy id the step
    is about (``""`` when none).
    """

    reason: str
    source_ids: tuple[str, ...]
    step: str
    about: str

    def __new__(
        cls,
        text: str,
        reason: str,
        source_ids: tuple[str, ...] | list[str],
        step: str = "",
        about: str = "",
    ) -> Instruction:
        obj = super().__new__(cls, text)
        obj.reason = reason
        obj.source_ids = tuple(source_ids)
        obj.step = step
        obj.about = about
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
    supervision: bool = False  # "avoid" only because nobody stays with the patient

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
    do_not_use: tuple[Alternative, ...] = ()
    cap_factors: tuple[str, ...] = ()

    @cached_property
    def sessions(self) -> pd.DataFrame:
        """The ice sessions, one row each (built on first access, then cached).

        Columns: session, day, start_h, end_h (hours after needling), minutes, barrier,
        barrier_label, modality, clock_time and end_clock_time ("HH:MM"); with
        ``with_skin_temperature=True`` also ``end_skin_c``, the thermal model's estimate of the
        skin temperature when the pack comes off [°C], and ``end_skin_c_low`` and
        ``end_skin_c_high``, the between-study band around that model estimate [°C].
        """
        frame = _sessions_frame(
            self.session_starts_min,
            self.session_minutes,
            _minutes(self.patient.needled_at),
            self.protocol,
        )
        if self.with_skin_temperature:
            frame["end_skin_c"] = self.predicted_end_skin_c if len(frame) else []
            low, high = self.predicted_end_skin_band_c
            frame["end_skin_c_low"] = low if len(frame) else []
            frame["end_skin_c_high"] = high if len(frame) else []
        return frame

    @property
    def predicted_end_skin_band_c(self) -> tuple[float, float]:
        """The between-study band around :attr:`predicted_end_skin_c`: (low, high) [°C]."""
        from .thermal import session_end_skin_band_c

        return session_end_skin_band_c(
            self.protocol.modality,
            self.protocol.barrier,
            self.session_minutes,
            self.patient.skinfold_mm,
        )

    @property
    def predicted_end_skin_c(self) -> float:
        """Model estimate of the skin temperature at the end of one session [°C] (thermal
        model; :attr:`predicted_end_skin_band_c` is the band around it).

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
        for item in (*self.flags, *self.instructions, *self.alternatives, *self.do_not_use):
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
                f"Ice is optional: {len(self.sessions)} earliest times of up to "
                f"{self.session_minutes} min, first on day {first.day} at {first.clock_time}."
            )
        for flag in self.flags:
            lines.append(f"[{flag.level}] {flag.label}: {flag.reason} {list(flag.source_ids)}")
        if self.do_not_use:
            lines.append(
                "Do not use: " + "; ".join(a.plain_name.lower() for a in self.do_not_use) + "."
            )
        for number, step in enumerate(self.instructions, start=1):
            lines.append(f"{number}. {step} {list(step.source_ids)}")
        if self.alternatives:
            lines.append(
                "Options instead of or besides ice: "
                + "; ".join(f"{a.plain_name} ({a.suitability})" for a in self.alternatives)
            )
        return "\n".join(lines)


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
    start_m: int,
    duration_m: int,
    interval_m: int,
    horizon_m: int,
    windows: list[tuple[int, int]],
    *,
    needled_min: int,
    per_day: int,
) -> list[int]:
    """Session starts [min after needling]: awake, spaced, at most ``per_day`` a calendar day."""
    starts: list[int] = []
    per_day_count: dict[int, int] = {}
    t = start_m
    while t + duration_m <= horizon_m:
        clash = next((w for w in windows if t < w[1] and t + duration_m > w[0]), None)
        if clash is not None:
            t = max(t, clash[1])
            continue
        day = (needled_min + t) // 1440
        if per_day_count.get(day, 0) >= per_day:
            t = (day + 1) * 1440 - needled_min  # the next calendar day's midnight
            continue
        starts.append(t)
        per_day_count[day] = per_day_count.get(day, 0) + 1
        t += interval_m
    return starts


def _sessions_frame(
    starts: tuple[int, ...], duration_m: int, needled_min: int, protocol: Protocol
) -> pd.DataFrame:
    n = len(starts)
    start_m = np.asarray(starts, dtype=np.int64)
    barrier = protocol.barrier
    label = protocol.barrier_label
    return pd.DataFrame(
        {
            "session": np.arange(1, n + 1),
            "day": (needled_min + start_m) // 1440 + 1,
            "start_h": start_m / 60,
            "end_h": (start_m + duration_m) / 60,
            "minutes": np.full(n, float(duration_m)),
            "barrier": np.full(n, barrier, dtype=object),
            "barrier_label": np.full(n, label, dtype=object),
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
    """Plan the earliest ice times after dry needling for one patient under one protocol.

    Parameters
    ----------
    patient : Patient
        Timing (hours since needling, needling clock time, waking hours), skinfold, factors and
        whether someone stays with the patient (``has_helper``).
    protocol : Protocol, str or None
        A Protocol, a preset name or a path to a clinic's YAML file; ``None`` for the default
        (``seed-article``).
    with_skin_temperature : bool, default False
        Add ``end_skin_c`` to ``sessions``: the thermal model's estimate of the skin temperature
        at the end of each session for this skinfold, modality and barrier [°C], with the
        between-study band around it (``end_skin_c_low``, ``end_skin_c_high``).

    Returns
    -------
    IcingPlan
        ``verdict`` ("ok", "caution" or "avoid"), ``sessions`` (DataFrame with ``start_h``,
        ``end_h`` in hours after needling, ``minutes``, ``barrier``, ``clock_time``...: the
        earliest times ice may be used, not a duty), ``flags``, ``do_not_use`` (self-care options
        this patient must not use, each with its reasons), ``instructions`` (each with
        ``.reason`` and ``.source_ids``) and, when cold is avoided or cautioned,
        ``alternatives``.

    Notes
    -----
    Sessions start at the later of the wait window's end and now (``hours_since_needling``),
    then every ``interval_hours``; a session that would overlap sleep moves to waking time, and
    a calendar day that has had ``max_sessions_per_day`` sessions has no more. A present factor
    with a shorter cap (``factor_max_session_minutes``) shortens every session. All times are
    rounded to whole minutes, towards the safe side.

    Examples
    --------
    >>> plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"))
    >>> plan.verdict, plan.sessions.clock_time.iloc[0], int(plan.sessions.minutes.max())
    ('ok', '12:00', 20)
    >>> plan.instructions[0].step
    'optional'
    """
    if not isinstance(patient, Patient):
        raise TypeError(f"patient must be an aftercare.Patient, not {type(patient).__name__}")
    protocol = load_protocol(protocol)
    # What depends only on the protocol, the present factors and the helper is computed once.
    assessment = protocol.memo(
        ("factor_assessment", patient.present_factors, patient.has_helper),
        lambda: FactorAssessment.of(patient, protocol),
    )
    verdict = assessment.verdict

    wake = patient.awake_from or protocol.day_starts
    sleep = patient.asleep_from or protocol.night_starts
    needled_min = _minutes(patient.needled_at)
    # Whole minutes, always rounded towards the safe side.
    horizon_m = int(math.floor(protocol.plan_hours * 60 + 1e-9))
    wait_m = math.ceil(protocol.wait_hours * 60 - 1e-9)
    now_m = math.ceil(patient.hours_since_needling * 60 - 1e-9)
    duration_m = assessment.session_minutes
    interval_m = max(math.ceil(protocol.interval_hours * 60 - 1e-9), duration_m)
    windows = _sleep_windows(needled_min, _minutes(wake), _minutes(sleep), horizon_m)

    starts = (
        []
        if verdict == "avoid"
        else _schedule(
            max(wait_m, now_m),
            duration_m,
            interval_m,
            horizon_m,
            windows,
            needled_min=needled_min,
            per_day=protocol.max_sessions_per_day,
        )
    )
    if verdict == "avoid":
        instructions = assessment.steps
    else:
        first = _first_step(protocol, assessment, starts, needled_min, now_m)
        instructions = (assessment.steps[0], first, *assessment.steps[1:])

    return IcingPlan(
        patient=patient,
        protocol=protocol,
        verdict=verdict,
        verdict_reason=assessment.verdict_reason,
        session_starts_min=tuple(starts),
        session_minutes=duration_m,
        with_skin_temperature=bool(with_skin_temperature),
        flags=assessment.flags,
        instructions=instructions,
        alternatives=assessment.alternatives,
        wait_until_h=wait_m / 60,
        first_start_h=starts[0] / 60 if starts else None,
        horizon_h=horizon_m / 60,
        sleep_windows=tuple((max(a, 0) / 60, min(b, horizon_m) / 60) for a, b in windows),
        assessments=assessment.assessments,
        do_not_use=assessment.do_not_use,
        cap_factors=assessment.cap_factors,
    )


@dataclass(frozen=True)
class FactorAssessment:
    """What a set of present factors (and the helper) means for a plan, before any clock time.

    Computed once per protocol, factor set and ``has_helper`` (see :func:`plan_icing`).
    """

    verdict: str
    verdict_reason: str
    flags: tuple[Flag, ...]
    alternatives: tuple[Alternative, ...]
    assessments: tuple[Alternative, ...]
    do_not_use: tuple[Alternative, ...]
    session_minutes: int
    cap_factors: tuple[str, ...]
    steps: tuple[Instruction, ...]
    #: Placeholder values for this protocol and cap (see _values), kept for the timed step.
    values: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, patient: Patient, protocol: Protocol) -> FactorAssessment:
        """Assess ``patient``'s factors under ``protocol``."""
        factors = load_factors()
        assessments = assess_therapies(patient, protocol)
        by_id = {a.therapy: a for a in assessments}
        caps = {
            f: protocol.factor_max_session_minutes(f)
            for f in patient.present_factors
            if protocol.factor_max_session_minutes(f) is not None
        }
        cap = min([protocol.max_session_minutes, *caps.values()])
        session_minutes = int(math.floor(cap + 1e-9))
        cap_factors = tuple(f for f, m in caps.items() if m < protocol.max_session_minutes)
        values = _values(protocol, session_minutes)
        ruled_out = {a.therapy for a in assessments if a.suitability == "avoid"}
        flags = tuple(_flag(limit, values, ruled_out) for limit in by_id["ice"].limits)
        verdict = worst_level([f.level for f in flags])
        alternatives = (
            ()
            if verdict == "ok"
            else tuple(a for a in assessments if a.therapy != "ice" and a.suitability != "avoid")
        )
        do_not_use = tuple(
            a for a in assessments if a.delivered_by == "patient" and a.suitability == "avoid"
        )
        if verdict == "ok":
            verdict_reason = wording("verdicts", "ok")
        else:
            named = [f for f in flags if f.level == verdict]
            helper = verdict == "avoid" and any(f.supervision for f in named)
            verdict_reason = wording(
                "verdicts",
                "avoid_without_helper" if helper else verdict,
                labels=", ".join(f.label for f in named),
            )
        without_steps = cls(
            verdict,
            verdict_reason,
            flags,
            alternatives,
            assessments,
            do_not_use,
            session_minutes,
            cap_factors,
            (),
            values,
        )
        steps = _steps(patient, protocol, without_steps, factors)
        return cls(**{**without_steps.__dict__, "steps": steps})


def _flag(limit: Limit, values: dict[str, str], ruled_out: set[str]) -> Flag:
    factor = load_factors()[limit.factor]
    what = wording("flags", "avoid_without_helper" if limit.supervision else limit.level)
    reason = wording(
        "flags",
        "reason",
        label=factor.plain_label,
        what=what,
        article=factor.article_reading,
        evidence=factor.evidence_reading,
    )
    return Flag(
        limit.level,
        limit.factor,
        factor.clinician_label,
        reason,
        tuple(dict.fromkeys((*limit.source_ids, *factor.source_ids))),
        advice_text(limit.factor, ruled_out=ruled_out, values=values),
        limit.supervision,
    )


def _values(protocol: Protocol, session_minutes: int) -> dict[str, str]:
    """Placeholder values for step and factor texts: the protocol's, and this patient's cap."""
    return {
        **protocol.placeholders(),
        "plan_hours": f"{protocol.plan_hours:g}",
        "session_minutes": f"{session_minutes:d}",
    }


def _first_step(
    protocol: Protocol,
    assessment: FactorAssessment,
    starts: list[int],
    needled_min: int,
    now_m: int,
) -> Instruction:
    """The time-dependent step: the earliest time ice may be used, or none left.

    A later time is given as "from"; when the first time is now (``now_m``, minutes after
    needling), the step says ice may be used now, and why there is nothing to wait for.
    """
    if starts:
        first = needled_min + starts[0]
        values = {
            **assessment.values,
            "first_clock": _clock(first),
            "first_day": str(first // 1440 + 1),
        }
        if starts[0] > now_m:
            step_id = "earliest"
        else:
            step_id = "earliest_now" if protocol.wait_hours > 0 else "earliest_now_no_wait"
        return _data_step(protocol, step_id, values)
    return _data_step(protocol, "none_left", assessment.values)


def _data_step(
    protocol: Protocol, step_id: str, values: dict[str, str], about: str = ""
) -> Instruction:
    """A step of data/instructions.yaml with its reason: the protocol rule's basis, or its own."""
    step = load_steps()[step_id]
    if step.rule is not None:
        rule = protocol.rule(step.rule)
        return Instruction(
            step.fill(values), " ".join(rule.basis.split()), rule.source_ids, step_id, about
        )
    return Instruction(
        step.fill(values), step.fill_reason(threshold_values()), step.source_ids, step_id, about
    )


def _steps(
    patient: Patient, protocol: Protocol, assessment: FactorAssessment, factors: dict
) -> tuple[Instruction, ...]:
    """The ordered steps except the time-dependent one (inserted second by plan_icing)."""
    steps = load_steps()
    values = assessment.values
    out: list[Instruction] = []
    flags = {f.factor: f for f in assessment.flags}
    ruled_out = {a.therapy for a in assessment.assessments if a.suitability == "avoid"}

    def own(step_id: str, reason: str, sources, about: str = "", **extra: str) -> None:
        text = steps[step_id].fill({**values, **extra})
        out.append(Instruction(text, " ".join(reason.split()), tuple(sources), step_id, about))

    def factor_steps() -> None:
        said: set[str] = set()  # advice two factors share is said once
        for factor_id in patient.present_factors:
            factor = factors[factor_id]
            flag = flags.get(factor_id)
            reason = flag.reason if flag else f"{factor.plain_label}: {factor.evidence_reading}."
            sources = flag.source_ids if flag else factor.source_ids
            # Only advice about options still open: a ban is said once, in its own step.
            rows = applicable_advice((factor_id,), ruled_out=ruled_out, audience="patient")
            texts = [" ".join(a.text.format_map(values).split()) for a in rows]
            text = " ".join(t for t in texts if t not in said)
            said.update(texts)
            if text:
                out.append(Instruction(text, reason, sources, "factor", factor_id))

    def do_not_use_steps() -> None:
        said: set[str] = set()  # a reason shared by two options is said once
        for alt in assessment.do_not_use:
            avoid = [lim for lim in alt.limits if lim.level == "avoid"]
            # A level that is the protocol's choice has no source of its own: cite the factor's.
            sources = [s for lim in avoid for s in lim.source_ids] or [
                s for lim in avoid for s in factors[lim.factor].source_ids
            ]
            own(
                "do_not_use",
                alt.reasons,
                tuple(dict.fromkeys(sources)),
                alt.therapy,
                option=alt.name.lower(),
                reasons=" ".join(
                    r for r in dict.fromkeys(lim.plain_reason for lim in avoid) if r not in said
                ),
            )
            said.update(lim.plain_reason for lim in avoid)

    def option_steps() -> None:
        offered = [a for a in assessment.alternatives if a.delivered_by == "patient"]
        for alt in offered:
            if assessment.verdict == "avoid":
                step_id = "instead" if alt.suitability == "recommended" else "instead_with_care"
            elif alt.suitability == "recommended":
                step_id = "also"
            else:
                continue
            own(step_id, alt.reasons, alt.source_ids, alt.therapy, option=alt.plain_name.lower())
        if any(a.therapy == "heat" for a in offered):
            out.append(_data_step(protocol, "heat_safety", values, "heat"))

    if assessment.verdict == "avoid":
        do_not_use_steps()
        helpers = [f for f in assessment.flags if f.supervision]
        if helpers:
            labels = ", ".join(factors[f.factor].plain_label for f in helpers)
            out.append(_data_step(protocol, "supervision", {**values, "factor_labels": labels}))
        factor_steps()
        option_steps()
        return tuple(out)

    out.append(_data_step(protocol, "optional", values))
    out.append(_data_step(protocol, "barrier", values))
    if assessment.cap_factors:
        labels = ", ".join(factors[f].plain_label for f in assessment.cap_factors)
        out.append(_data_step(protocol, "factor_cap", {**values, "factor_labels": labels}))
    else:
        out.append(_data_step(protocol, "session_cap", values))
    for step_id in ("spacing", "per_day", "asleep", "skin_signs"):
        out.append(_data_step(protocol, step_id, values))
    factor_steps()
    checks_said = any(
        "{skin_check_minutes}" in a.text
        for a in applicable_advice(flags, ruled_out=ruled_out, audience="patient")
    )
    if assessment.verdict == "caution" and not checks_said:
        out.append(_data_step(protocol, "skin_checks", values))
    out.append(_data_step(protocol, "stop_plan", values))
    do_not_use_steps()
    option_steps()
    return tuple(out)
