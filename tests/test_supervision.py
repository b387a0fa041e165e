"""The supervision rule end to end: the patient file, the planner app, and teaching case 8."""

from __future__ import annotations

import json

from aftercare import load_protocol, plan_icing
from aftercare.cases import get_case
from aftercare.sheet.patient_file import load_patient_file, patient_schema


def test_has_helper_travels_from_the_patient_file_to_the_plan(tmp_path):
    from aftercare.sheet.patient_file import build_patient

    path = tmp_path / "p.json"
    for helper, verdict in ((False, "avoid"), (True, "caution")):
        path.write_text(
            json.dumps({"needled_at": "09:00", "factors": ["neuropathy"], "has_helper": helper})
        )
        record = load_patient_file(path)
        assert plan_icing(build_patient(record, path)).verdict == verdict
    assert patient_schema()["properties"]["has_helper"]["type"] == "boolean"


def test_case_8_resolves_through_the_supervision_rule():
    case = get_case("neuropathy-older-adult")
    assert case.patient["has_helper"] is False  # she lives alone
    alone = plan_icing(case.make_patient(), load_protocol(case.protocol))
    assert alone.verdict == case.expected_verdict == "avoid"
    assert {a.therapy for a in alone.do_not_use} >= {"ice", "heat"}
    helped = plan_icing(case.make_patient().replace(has_helper=True), case.protocol)
    assert helped.verdict == "caution" and not helped.sessions.empty
    assert "heat" in {a.therapy for a in helped.do_not_use}  # heat stays ruled out
    assert "has_helper" in case.discussion


def test_planner_app_has_a_helper_control():
    from aftercare.widgets import PlannerApp

    app = PlannerApp(cognitive_impairment=True)
    assert app.plan.verdict == "avoid" and "unless someone stays" in app.verdict.value
    app.controls["has_helper"].value = True
    assert app.plan.patient.has_helper and app.plan.verdict == "caution"
