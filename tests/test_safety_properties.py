"""Safety invariants of plan_icing and the patient sheet, as properties over all valid inputs.

* no session longer than the protocol's maximum, or than a present factor's shorter cap;
* none before the wait window ends (or before "now"); none after the plan's end;
* none while the patient is asleep, for ordinary, one-sided, equal and nearly equal waking times
  (minutes, seconds, UTC offsets): either the input is refused with an error naming a waking
  field, or the plan leaves the night free;
* no calendar day with more than ``max_sessions_per_day`` sessions;
* every session has a barrier other than bare skin;
* no ice session at all when a present factor means avoid, or when a factor needs someone to stay
  with the patient and nobody does (the supervision rule);
* never an option the patient must avoid offered as advice, and every such option named in the
  plan's ``do_not_use`` and in the sheet's "Do not use" box;
* every present factor's instruction reaches the plan's steps and the sheet, in every handout language;
* every flag and every recommendation names at least one existing source id.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from aftercare import InputError, Patient, compare_alternatives, load_protocol, plan_icing
from aftercare.clock import MIN_NIGHT_HOURS
from aftercare.factors import factor_ids, load_factors
from aftercare.packs import modality_ids, prescribable_barriers
from aftercare.protocol import protocol_from_mapping, sessions_a_waking_day_holds
from aftercare.sheet.i18n import languages
from aftercare.sources import load_sources

FACTORS = factor_ids()
SOURCES = load_sources()
BASE = yaml.safe_load(load_protocol().source_path().read_text())
HELPER_FACTORS = tuple(f for f, row in load_factors().items() if row.needs_helper)
OFFERING_STEPS = {"also", "instead", "instead_with_care"}

minute = st.integers(0, 1439)
clock = st.builds(lambda m: dt.time(m // 60, m % 60), minute)


def _text(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


@st.composite
def waking_hours(draw):
    """(awake_from, asleep_from) as a patient might give them, good and bad."""
    wake = draw(minute)
    kind = draw(
        st.sampled_from(
            ["neither", "ordinary", "one-sided", "equal", "near-minutes", "seconds", "offset"]
        )
    )
    if kind == "neither":
        return None, None
    if kind == "ordinary":
        return _text(wake), _text(draw(minute))
    if kind == "one-sided":
        pair = (_text(wake), None)
        return pair if draw(st.booleans()) else pair[::-1]
    if kind == "equal":
        return _text(wake), _text(wake)
    if kind == "near-minutes":
        gap = draw(st.integers(1, MIN_NIGHT_HOURS * 60 + 30))
        return _text(wake), _text(wake - gap if draw(st.booleans()) else wake + gap)
    if kind == "seconds":
        seconds = draw(st.integers(1, 59))
        as_text = draw(st.booleans())
        odd = f"{_text(wake)}:{seconds:02d}" if as_text else dt.time(wake // 60, wake % 60, seconds)
        return (_text(wake), odd) if draw(st.booleans()) else (odd, _text(wake))
    hours = draw(st.integers(-12, 14).filter(bool))
    as_text = draw(st.booleans())
    zone = dt.timezone(dt.timedelta(hours=hours))
    odd = (
        f"{_text(wake)}{hours:+03d}:00" if as_text else dt.time(wake // 60, wake % 60, tzinfo=zone)
    )
    return (_text(wake), odd) if draw(st.booleans()) else (odd, _text(wake))


@st.composite
def patient_inputs(draw):
    awake, asleep = draw(waking_hours())
    present = draw(st.lists(st.sampled_from(FACTORS), unique=True, max_size=4))
    return {
        "hours_since_needling": draw(st.floats(0, 168, allow_nan=False)),
        "needled_at": draw(clock),
        "awake_from": awake,
        "asleep_from": asleep,
        "skinfold_mm": draw(st.floats(0, 80, allow_nan=False)),
        "has_helper": draw(st.booleans()),
        **{f: True for f in present},
    }


def _patient_or_refusal(fields):
    """A Patient, or None after checking the refusal names a waking-hours field."""
    try:
        return Patient(**fields)
    except InputError as exc:
        assert exc.field in ("awake_from", "asleep_from"), str(exc)
        assert str(exc).startswith(exc.field)
        if (fields["awake_from"] is None) != (fields["asleep_from"] is None):
            missing = "awake_from" if fields["awake_from"] is None else "asleep_from"
            assert exc.field == missing and f"Give {missing} too" in str(exc)
        return None


@st.composite
def patients(draw):
    fields = draw(patient_inputs())
    patient = _patient_or_refusal(fields)
    if patient is None:  # refused inputs are checked above; draw one that is accepted
        fields = {**fields, "awake_from": None, "asleep_from": None}
        patient = Patient(**fields)
    return patient


@st.composite
def protocols(draw):
    raw = copy.deepcopy(BASE)
    rules = raw["rules"]
    # Every allowed protocol: each rule over its range, drawn so that the rules do not
    # contradict each other (those are refused; tests/test_protocol.py checks the refusals).
    plan = draw(st.floats(1, 168, allow_nan=False))
    rules["plan_hours"]["value"] = plan
    rules["wait_hours"]["value"] = draw(st.floats(0, min(72, plan), exclude_max=True))
    longest = draw(st.floats(1, 60, allow_nan=False))
    rules["max_session_minutes"]["value"] = longest
    interval = draw(st.floats(max(0.5, longest / 60), 24, allow_nan=False))
    rules["interval_hours"]["value"] = interval
    rules["factor_max_session_minutes"]["value"] = draw(
        st.dictionaries(st.sampled_from(FACTORS), st.floats(1, longest), max_size=3)
    )
    rules["heat_max_minutes"]["value"] = draw(st.floats(1, 60, allow_nan=False))
    rules["barrier"]["value"] = draw(st.sampled_from(prescribable_barriers()))
    rules["modality"]["value"] = draw(st.sampled_from(modality_ids()))
    rules["skin_check_minutes"]["value"] = draw(st.floats(1, 20, allow_nan=False))
    day = draw(minute)
    night = day - draw(st.integers(MIN_NIGHT_HOURS * 60, 1440 - math.ceil(longest)))
    rules["day_starts"]["value"] = _text(day)
    rules["night_starts"]["value"] = _text(night % 1440)
    holds = sessions_a_waking_day_holds(
        dt.time(day // 60, day % 60), dt.time(night % 1440 // 60, night % 60), longest, interval
    )
    rules["max_sessions_per_day"]["value"] = draw(st.integers(1, min(24, holds)))
    raw["factor_levels"] = draw(
        st.dictionaries(
            st.sampled_from(FACTORS), st.sampled_from(["ok", "caution", "avoid"]), max_size=5
        )
    )
    return protocol_from_mapping(raw, "generated.yaml")


def _asleep(minute_of_day: int, wake: dt.time, sleep: dt.time) -> bool:
    w, s = wake.hour * 60 + wake.minute, sleep.hour * 60 + sleep.minute
    return (minute_of_day - s) % 1440 < (w - s) % 1440


def _ice_level(patient, protocol) -> str:
    """The ice verdict the rules imply, computed here from the data, not from the planner."""
    levels = {"ok"}
    for f in patient.present_factors:
        level = protocol.factor_level(f)
        if load_factors()[f].needs_helper and not patient.has_helper:
            level = "avoid"
        levels.add(level)
    return "avoid" if "avoid" in levels else "caution" if "caution" in levels else "ok"


@given(patient_inputs(), protocols())
def test_no_session_while_asleep_for_any_waking_hours(fields, protocol):
    patient = _patient_or_refusal(fields)
    if patient is None:
        return
    wake = patient.awake_from or protocol.day_starts
    sleep = patient.asleep_from or protocol.night_starts
    night = (wake.hour * 60 + wake.minute - sleep.hour * 60 - sleep.minute) % 1440
    assert night >= MIN_NIGHT_HOURS * 60  # every accepted day has a night
    plan = plan_icing(patient, protocol)
    needled = patient.needled_at.hour * 60 + patient.needled_at.minute
    for start_h, minutes in zip(plan.sessions.start_h, plan.sessions.minutes, strict=True):
        start = needled + round(start_h * 60)
        assert not any(_asleep(m % 1440, wake, sleep) for m in range(start, start + int(minutes)))


@given(patients(), protocols())
def test_icing_plan_invariants(patient, protocol):
    plan = plan_icing(patient, protocol)
    sessions = plan.sessions

    # No session longer than the protocol allows, or than a present factor's shorter cap.
    caps = [protocol.max_session_minutes] + [
        protocol.factor_max_session_minutes(f)
        for f in patient.present_factors
        if protocol.factor_max_session_minutes(f) is not None
    ]
    assert (sessions.minutes <= min(caps) + 1e-9).all()
    assert (((sessions.end_h - sessions.start_h) * 60 - sessions.minutes).abs() < 1e-6).all()
    # None before the wait window or before now; none after the plan's end.
    assert (sessions.start_h >= protocol.wait_hours - 1e-9).all()
    assert (sessions.start_h >= patient.hours_since_needling - 1e-9).all()
    assert (sessions.end_h <= protocol.plan_hours + 1e-9).all()
    # Spacing between starts is at least the protocol's interval.
    assert (sessions.start_h.diff().dropna() >= protocol.interval_hours - 1e-9).all()
    # At most max_sessions_per_day on any calendar day (the sheet's Day column).
    assert (sessions.groupby("day").size() <= protocol.max_sessions_per_day).all()
    # A barrier other than bare skin, always.
    assert sessions.barrier.isin(prescribable_barriers()).all()
    # No ice at all when a present factor means avoid (including the supervision rule).
    expected = _ice_level(patient, protocol)
    assert plan.verdict == expected
    if expected == "avoid":
        assert sessions.empty
    # Every flag, instruction and recommendation names existing sources.
    for item in (*plan.flags, *plan.instructions, *plan.alternatives, *plan.do_not_use):
        assert item.source_ids, item
        assert all(i in SOURCES for i in item.source_ids), item.source_ids

    _check_supervision_rule(patient, protocol, plan)
    _check_no_avoided_option_is_offered(plan)
    _check_every_present_factor_instruction_is_a_step(patient, plan)


def _check_supervision_rule(patient, protocol, plan):
    needs = [f for f in patient.present_factors if f in HELPER_FACTORS]
    suitability = {a.therapy: a.suitability for a in plan.assessments}
    if needs and not patient.has_helper:
        assert plan.verdict == "avoid" and plan.sessions.empty
        assert suitability["ice"] == suitability["heat"] == "avoid"
        assert {"ice", "heat"} <= {a.therapy for a in plan.do_not_use}
        # The rule is named as the reason wherever the level would otherwise allow ice.
        by_rule = any(protocol.factor_level(f) != "avoid" for f in needs)
        assert any(f.supervision for f in plan.flags) == by_rule
        assert any(i.step == "supervision" for i in plan.instructions) == by_rule
    else:
        assert not any(f.supervision for f in plan.flags)
        assert not any(i.step == "supervision" for i in plan.instructions)


def _check_no_avoided_option_is_offered(plan):
    avoided = {
        a.therapy
        for a in plan.assessments
        if a.suitability == "avoid" and a.delivered_by == "patient"
    }
    assert {a.therapy for a in plan.do_not_use} == avoided
    for alternative in plan.alternatives:
        assert alternative.suitability != "avoid"
    for step in plan.instructions:
        if step.step in OFFERING_STEPS or step.step == "heat_safety":
            assert step.about not in avoided, (step, avoided)
    if "ice" in avoided:
        assert plan.sessions.empty and plan.verdict == "avoid"
    for alternative in plan.do_not_use:
        assert any(limit.level == "avoid" for limit in alternative.limits)


def _check_every_present_factor_instruction_is_a_step(patient, plan):
    from aftercare.advice import advice_text

    ruled_out = {a.therapy for a in plan.assessments if a.suitability == "avoid"}
    factor_steps = [i.about for i in plan.instructions if i.step == "factor"]
    assert factor_steps == [f for f in patient.present_factors if f in factor_steps]
    said = " ".join(plan.instructions)
    values = {**plan.protocol.placeholders(), "session_minutes": f"{plan.session_minutes:d}"}
    for factor_id in patient.present_factors:
        # Each factor's advice about options still open is said (once, if factors share it).
        assert advice_text(factor_id, ruled_out=ruled_out, values=values) in said or all(
            sentence in said
            for sentence in advice_text(factor_id, ruled_out=ruled_out, values=values).split(". ")
        )
    for text in (*plan.instructions, *(f.instruction for f in plan.flags)):
        assert "{" not in text and "}" not in text, text  # every placeholder filled


@given(patients(), protocols())
def test_every_alternative_names_existing_sources(patient, protocol):
    table = compare_alternatives(patient, protocol)
    for ids in table.source_ids:
        assert ids and all(i in SOURCES for i in ids)
    ice = table.set_index("therapy").loc["ice", "suitability"]
    if any(protocol.factor_level(f) == "avoid" for f in patient.present_factors):
        assert ice == "avoid"


# -- the sheet --------------------------------------------------------------------------------


def _section(html: str, heading_id: str) -> str:
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


@settings(max_examples=25)
@given(
    st.lists(st.sampled_from(FACTORS), unique=True, max_size=5),
    st.booleans(),
    st.sampled_from(list(languages())),
)
def test_sheet_names_what_to_avoid_and_never_offers_it(present, helper, lang):
    from aftercare.sheet.handout import handout_context, render_handout
    from aftercare.sheet.patient_file import PatientFile

    record = PatientFile.model_validate(
        {"needled_at": "09:30", "factors": present, "has_helper": helper}
    )
    html = render_handout(record, lang=lang)
    context = handout_context(record, lang=lang)
    t, plan = context["t"], context["plan"]
    box, offered = _section(html, "h-dont"), _section(html, "h-alt")
    for alt in plan.do_not_use:
        assert t(alt.therapy, context="therapy.avoid") in box
        assert t(alt.therapy, context="therapy") not in offered
        for limit in alt.limits:
            if limit.level == "avoid":
                assert t.data(limit.plain_reason, context="reason") in box
    if "heat" in {a.therapy for a in plan.do_not_use}:
        assert t("heat.layer") not in html  # no heat safety lines when heat is ruled out
    if plan.verdict == "avoid":
        assert t("ice.col_times") not in html
    # Every present factor's advice about an option still open, in the sheet's language.
    values = {
        "skin_check_minutes": f"{plan.protocol.skin_check_minutes:g}",
        "session_minutes": f"{plan.session_minutes:d}",
    }
    for line in context["content"].lines():
        assert escape(t.data(line.text, context="factor.advice", **values)) in html


@pytest.mark.parametrize("factor_id", HELPER_FACTORS)
def test_helper_factors_need_a_helper_for_ice(factor_id):
    alone = plan_icing(Patient(**{factor_id: True}))
    helped = plan_icing(Patient(**{factor_id: True}, has_helper=True))
    assert alone.verdict == "avoid" and alone.sessions.empty
    assert helped.verdict == load_protocol().factor_level(factor_id)
