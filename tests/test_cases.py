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
    aftercare = pytest.importorskip("aftercare")
    if not hasattr(aftercare, "plan_icing"):
        pytest.skip("aftercare.plan_icing not available yet")
    for case in cases:
        plan = aftercare.plan_icing(case.make_patient(), aftercare.load_protocol(case.protocol))
        assert plan.verdict == case.expected_verdict, case.id


def test_a_case_plans_its_own_patient_under_its_own_protocol(cases):
    from aftercare import load_protocol, plan_icing

    for case in cases:
        plan = case.plan()
        expected = plan_icing(case.make_patient(), load_protocol(case.protocol))
        assert plan.protocol.name == case.protocol, case.id
        assert plan.verdict == expected.verdict == case.expected_verdict, case.id
        assert plan.sessions.equals(expected.sessions), case.id
