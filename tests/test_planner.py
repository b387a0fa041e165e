"""Worked examples of plan_icing, checked against the protocol files' own numbers."""

from __future__ import annotations

import pytest
import yaml

from aftercare import Patient, compare_alternatives, load_protocol, plan_icing
from aftercare.factors import load_factors
from aftercare.protocol import protocol_from_mapping


def test_default_plan_starts_after_wait_and_caps_minutes():
    protocol = load_protocol()
    plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"))
    assert plan.verdict == "ok"
    assert plan.flags == ()
    assert plan.alternatives == ()
    first = plan.sessions.iloc[0]
    assert first.start_h == protocol.wait_hours
    assert first.clock_time == "12:00"
    assert (plan.sessions.minutes == protocol.max_session_minutes).all()
    assert set(plan.sessions.barrier) == {protocol.barrier}
    # Start-to-start spacing is the protocol's interval while awake.
    gaps = plan.sessions.start_h.diff().dropna()
    assert (gaps >= protocol.interval_hours - 1e-9).all()
    assert gaps.min() == protocol.interval_hours


def test_plan_starts_from_now_when_wait_is_over():
    plan = plan_icing(Patient(hours_since_needling=5.5, needled_at="09:00"))
    assert plan.sessions.start_h.iloc[0] == 5.5
    assert plan.sessions.clock_time.iloc[0] == "14:30"


def test_no_session_overlaps_sleep_and_first_after_waking():
    # Needled at 21:00: the wait ends at midnight, inside the default night (23:00-07:00).
    plan = plan_icing(Patient(needled_at="21:00"))
    first = plan.sessions.iloc[0]
    assert first.clock_time == "07:00" and first.day == 2
    assert first.start_h == 10
    assert all(b > a for a, b in plan.sleep_windows)


def test_patient_sleep_hours_after_midnight():
    plan = plan_icing(Patient(needled_at="18:00", awake_from="09:30", asleep_from="01:00"))
    clocks = list(plan.sessions.clock_time)
    assert "21:00" in clocks and "23:00" in clocks  # evening sessions allowed
    assert not any("01:00" <= c < "09:30" for c in clocks)
    day2 = plan.sessions[plan.sessions.day == 2]
    assert day2.clock_time.iloc[0] == "09:30"


def test_avoid_factor_means_no_ice_and_alternatives():
    plan = plan_icing(Patient(raynauds=True))
    assert plan.verdict == "avoid"
    assert plan.sessions.empty
    assert [f.factor for f in plan.flags] == ["raynauds"]
    assert plan.flags[0].level == "avoid"
    therapies = {a.therapy for a in plan.alternatives}
    assert "ice" not in therapies and {"heat", "massage", "stretching"} <= therapies
    assert "Raynaud" in plan.verdict_reason


def test_caution_factor_keeps_sessions_and_asks_for_skin_checks():
    protocol = load_protocol()
    plan = plan_icing(Patient(diabetes=True))
    assert plan.verdict == "caution"
    assert not plan.sessions.empty
    text = " ".join(plan.instructions)
    assert any(s.step == "factor" and s.about == "diabetes" for s in plan.instructions)
    assert f"every {protocol.skin_check_minutes:g} minutes" in text
    assert plan.alternatives  # alternatives offered when cold is cautioned


def test_caution_and_avoid_together_is_avoid():
    plan = plan_icing(Patient(diabetes=True, cold_urticaria=True))
    assert plan.verdict == "avoid"
    assert {f.level for f in plan.flags} == {"caution", "avoid"}


def test_neuropathy_rules_out_heat_but_not_massage():
    table = compare_alternatives(Patient(neuropathy=True, has_helper=True)).set_index("therapy")
    assert table.loc["heat", "suitability"] == "avoid"
    assert table.loc["ice", "suitability"] == "caution"
    assert table.loc["massage", "suitability"] == "recommended"
    assert "Reduced feeling" in table.loc["heat", "reasons"]


def test_neuropathy_alone_rules_out_self_applied_cold_and_heat():
    """The supervision rule: neuropathy needs someone with the patient; nobody is recorded."""
    plan = plan_icing(Patient(neuropathy=True))
    assert plan.verdict == "avoid" and plan.sessions.empty
    assert [f.supervision for f in plan.flags] == [True]
    assert "unless someone stays with the patient" in plan.verdict_reason
    avoided = {a.therapy: a for a in plan.do_not_use}
    assert set(avoided) == {"ice", "heat"}
    assert avoided["ice"].limits[0].supervision
    assert "heat is burning your skin" in avoided["heat"].limits[0].plain_reason
    # Clinician-applied cold spray is not self-applied: the rule does not touch it.
    table = compare_alternatives(Patient(neuropathy=True)).set_index("therapy")
    assert table.loc["spray_and_stretch", "suitability"] == "caution"


def test_dvt_rules_out_heat_and_massage_and_says_why():
    plan = plan_icing(Patient(dvt_at_site=True))
    # The needled site is not routine: no source limits cold over a clot, so ice takes care as
    # the protocol's choice (labelled so), while heat and massage are ruled out.
    assert plan.verdict == "caution"
    (flag,) = plan.flags
    assert (
        flag.factor == "dvt_at_site" and load_factors()["dvt_at_site"].limit("cold").protocol_choice
    )
    estim = {a.therapy: a for a in plan.assessments}["electrical_stimulation"]
    assert estim.suitability == "avoid" and "houghton2010" in estim.source_ids
    avoided = {a.therapy: a for a in plan.do_not_use}
    assert set(avoided) == {"heat", "massage"}
    massage = avoided["massage"].limits[0]
    assert massage.protocol_choice and massage.source_ids == ()  # no source read: labelled
    steps = [s for s in plan.instructions if s.step == "do_not_use"]
    assert [s.about for s in steps] == ["heat", "massage"]
    assert all(s.source_ids for s in steps)


def test_instructions_say_ice_is_optional_and_times_are_earliest():
    plan = plan_icing(Patient(needled_at="09:00"))
    first, earliest = plan.instructions[:2]
    assert first.step == "optional" and "do not have to use it" in first
    assert earliest.step == "earliest" and "earliest times" in earliest and "12:00" in earliest
    assert "vorawanthanachai" in first.source_ids  # cold pack no better than alternatives


def test_max_sessions_per_day_caps_each_calendar_day():
    protocol = load_protocol()
    plan = plan_icing(Patient(needled_at="07:00", hours_since_needling=0))
    per_day = plan.sessions.groupby("day").size()
    assert per_day.max() == protocol.max_sessions_per_day
    assert any(s.step == "per_day" for s in plan.instructions)
    raw = yaml.safe_load(protocol.source_path().read_text())
    raw["rules"]["max_sessions_per_day"]["value"] = 1
    one = plan_icing(Patient(needled_at="07:00"), protocol_from_mapping(raw, "one.yaml"))
    assert one.sessions.groupby("day").size().max() == 1
    assert len(one.sessions) == one.sessions.day.nunique()


def test_superficial_nerve_gets_the_protocols_shorter_cap():
    protocol = load_protocol()
    cap = protocol.factor_max_session_minutes("superficial_nerve")
    assert cap is not None and cap < protocol.max_session_minutes
    plan = plan_icing(Patient(superficial_nerve=True))
    assert set(plan.sessions.minutes) == {cap} and plan.cap_factors == ("superficial_nerve",)
    text = " ".join(plan.instructions)
    assert f"{cap:g} minutes at most (not the usual {protocol.max_session_minutes:g})" in text
    assert "Do not strap or tie the pack on tight" in text
    step = next(s for s in plan.instructions if s.step == "factor_cap")
    assert "moeller1997" in step.source_ids
    # Without the factor, the protocol's own cap.
    assert set(plan_icing(Patient()).sessions.minutes) == {protocol.max_session_minutes}


def test_skin_signs_reason_says_receptors_become_less_sensitive():
    step = next(s for s in plan_icing(Patient()).instructions if s.step == "skin_signs")
    assert "less sensitive" in step.reason and "stop working" not in step.reason
    assert "10 °C" in step.reason  # from data/thresholds.csv (receptor_desensitisation)
    assert "kunesch1987" in step.source_ids


def test_numbness_is_a_skin_check_not_a_model_certainty():
    """Issue 20: the model's end-of-session estimate (error of several degrees) must not become
    "expect numbness"; the step rests on measured sessions and asks for skin checks."""
    step = next(s for s in plan_icing(Patient()).instructions if s.step == "skin_signs")
    reason = step.reason.lower()
    assert "expect numbness by" not in reason and "does not tell the patient to expect" in reason
    assert "10 to 14 °c" in reason  # measured 20-minute sessions, each cited
    assert {"chesterton2002", "kanlayanaphotporn2005", "selfe2009"} <= set(step.source_ids)
    assert "numb" in str(step)  # the instruction itself: take the ice off once numb


def test_early_cold_preset_allows_ice_from_the_start():
    early = plan_icing(Patient(needled_at="09:00"), "early-cold")
    seed = plan_icing(Patient(needled_at="09:00"), "seed-article")
    assert early.sessions.start_h.iloc[0] == 0
    assert seed.sessions.start_h.iloc[0] == 3
    assert early.horizon_h == load_protocol("early-cold").plan_hours


def test_every_instruction_is_a_string_with_reason_and_sources():
    plan = plan_icing(Patient(diabetes=True, superficial_nerve=True))
    assert all(
        isinstance(step, str) and step.reason and step.source_ids for step in plan.instructions
    )
    assert all(flag.reason and flag.source_ids for flag in plan.flags)
    assert "Verdict: CAUTION" in plan.summary()


def test_plan_after_window_has_no_sessions_and_says_so():
    plan = plan_icing(Patient(hours_since_needling=100))
    assert plan.sessions.empty
    assert plan.instructions[1].step == "none_left"
    assert "no ice times left" in plan.instructions[1]


def test_protocol_factor_override_changes_the_verdict():
    raw = yaml.safe_load(load_protocol().source_path().read_text())
    raw["factor_levels"] = {"raynauds": "caution"}
    clinic = protocol_from_mapping(raw, "clinic.yaml")
    assert plan_icing(Patient(raynauds=True), clinic).verdict == "caution"
    assert plan_icing(Patient(raynauds=True)).verdict == "avoid"


def test_clinic_edits_one_number_and_every_plan_follows(data_copy):
    """A clinic changes 20 minutes to 15 in its data file: sessions and instructions follow."""
    path = data_copy / "protocols" / "seed-article.yaml"
    path.write_text(path.read_text().replace("value: 20\n", "value: 15\n", 1))
    plan = plan_icing(Patient(), load_protocol())
    assert set(plan.sessions.minutes) == {15}
    assert any("15 minutes at most" in step for step in plan.instructions)
    assert (plan.sessions.end_h - plan.sessions.start_h).round(6).eq(0.25).all()


def test_schedule_text_lists_clock_times():
    plan = plan_icing(Patient(needled_at="10:15"))
    text = plan.schedule_text()
    assert text.splitlines()[1].split()[:3] == ["1", "13:15", "13:35"]


def test_plan_reports_predicted_skin_temperature_per_session():
    from aftercare.thermal import session_end_skin_c

    protocol = load_protocol()
    plan = plan_icing(Patient(skinfold_mm=5), with_skin_temperature=True)
    assert "end_skin_c" not in plan_icing(Patient()).sessions
    expected = session_end_skin_c(protocol.modality, protocol.barrier, 20, 5)
    assert plan.sessions.end_skin_c.eq(expected).all()
    raw = yaml.safe_load(protocol.source_path().read_text())
    raw["rules"]["barrier"]["value"] = "double_dry_towel"
    insulated = plan_icing(
        Patient(skinfold_mm=5), protocol_from_mapping(raw, "dry.yaml"), with_skin_temperature=True
    )
    # Two dry layers let the skin cool much less than a damp towel (ichikawa2024).
    assert insulated.sessions.end_skin_c.iloc[0] > plan.sessions.end_skin_c.iloc[0] + 5


def test_plan_needs_a_patient():
    with pytest.raises(TypeError, match="Patient"):
        plan_icing({"hours_since_needling": 1})
