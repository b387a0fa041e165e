"""Tests for the teaching cases (data/cases.yaml) and their loader."""

from __future__ import annotations

import textwrap

import pytest

from aftercare.cases import PATIENT_FIELDS, get_case, load_cases
from aftercare.errors import DataError, InputError
from aftercare.sources import load_sources


@pytest.fixture(scope="module")
def cases():
    return load_cases()


def test_at_least_six_cases_with_sources(cases):
    assert len(cases) >= 6
    sources = load_sources()
    for case in cases:
        assert case.source_ids and all(s in sources for s in case.source_ids), case.id
        assert case.decision.endswith("?"), case.id


def test_cases_cover_each_verdict(cases):
    assert {c.expected_verdict for c in cases} == {"ok", "caution", "avoid"}


def test_factor_keys_are_known(cases):
    import csv

    from aftercare.data import data_path

    with data_path("factors.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(x for x in handle if not x.startswith("#")) if r]
    ids = {r[0] for r in rows[1:]}
    for case in cases:
        for key in case.patient:
            assert key in PATIENT_FIELDS or key in ids, (case.id, key)


def test_story_hides_answer_and_answer_shows_it(cases):
    case = cases[0]
    assert case.discussion[:40] not in case.story()
    assert case.expected_verdict in case.answer()


def test_get_case_unknown_lists_ids():
    with pytest.raises(InputError, match="desk-worker-trapezius"):
        get_case("nope")


def test_unknown_factor_rejected(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(
        textwrap.dedent("""
        title: t
        cases:
          - id: c1
            title: T
            vignette: v
            site: s
            patient: {hours_since_needling: 0, not_a_factor: true}
            expected_verdict: ok
            decision: d?
            discussion: x
            teaching_points: [p]
            source_ids: [pai-seed]
    """),
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="not_a_factor"):
        load_cases(path)


def test_planner_agrees_with_expected_verdict(cases):
    """The discussion in each case is written for its expected verdict; if the engine changes
    its answer, the case text must be revisited."""
    from aftercare import load_protocol, plan_icing

    for case in cases:
        plan = plan_icing(case.make_patient(), load_protocol(case.protocol))
        assert plan.verdict == case.expected_verdict, case.id


#: Sources whose recommendation wording was never read (data/sources.csv notes) cannot support
#: what a case or a quiz question teaches (issue 20).
UNREAD = "houghton2010"


def test_no_case_rests_on_a_source_whose_wording_was_not_read(cases):
    from aftercare.sources import get_source

    assert "wording not seen" in get_source(UNREAD).note
    for case in cases:
        assert UNREAD not in case.source_ids, case.id


def test_case_teaches_only_options_the_patients_sheet_offers(cases):
    """Case 7 once taught a warm bath that its patient's sheet rules out with heat."""
    from aftercare import plan_icing

    case = get_case("anticoagulant-hot-bath")
    plan = plan_icing(case.make_patient(), case.protocol)
    assert "heat" in {alt.therapy for alt in plan.do_not_use}
    text = " ".join([case.discussion, *case.teaching_points]).lower()
    assert "choice is a warm" not in text and "offers no bath" in text
    # What the case says the sheet offers instead is what the sheet offers.
    offered = {a.therapy for a in plan.assessments if a.suitability != "avoid"}
    assert {"ice", "massage", "stretching"} <= offered


def test_receptor_finding_is_stated_as_the_source_reports_it(cases):
    """kunesch1987 reports reduced sensitivity in most receptors (49 of 52), not "much less"."""
    case = get_case("neuropathy-older-adult")
    assert "much less sensitive" not in case.discussion
    assert "49 of 52" in case.discussion and "kunesch1987" in case.source_ids


def test_a_case_plans_its_own_patient_under_its_own_protocol(cases):
    from aftercare import load_protocol, plan_icing

    for case in cases:
        plan = case.plan()
        expected = plan_icing(case.make_patient(), load_protocol(case.protocol))
        assert plan.protocol.name == case.protocol, case.id
        assert plan.verdict == expected.verdict == case.expected_verdict, case.id
        assert plan.sessions.equals(expected.sessions), case.id
