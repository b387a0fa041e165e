"""Worked examples of plan_icing, checked against the protocol files' own numbers."""

from __future__ import annotations

import yaml

from aftercare import Patient, compare_alternatives, load_protocol, plan_icing
from aftercare.protocol import protocol_from_mapping
from aftercare.sources import load_sources


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
    assert f"every {protocol.skin_check_minutes:g} minutes" in text
    assert plan.alternatives  # alternatives offered when cold is cautioned


def test_caution_and_avoid_together_is_avoid():
    plan = plan_icing(Patient(diabetes=True, cold_urticaria=True))
    assert plan.verdict == "avoid"
    assert {f.level for f in plan.flags} == {"caution", "avoid"}


def test_neuropathy_rules_out_heat_but_not_massage():
    table = compare_alternatives(Patient(neuropathy=True)).set_index("therapy")
    assert table.loc["heat", "suitability"] == "avoid"
    assert table.loc["ice", "suitability"] == "caution"
    assert table.loc["massage", "suitability"] == "recommended"
    assert "Reduced feeling" in table.loc["heat", "reasons"]


def test_compare_alternatives_has_one_row_per_therapy_with_sources():
    from aftercare.therapies import load_therapies

    table = compare_alternatives(Patient())
    assert list(table.therapy) == list(load_therapies())
    assert set(table.suitability) <= {"recommended", "caution", "avoid"}
    sources = load_sources()
    for ids in table.source_ids:
        assert ids and all(i in sources for i in ids)


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
    assert "no ice sessions left" in plan.instructions[0]


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
