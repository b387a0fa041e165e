"""One setting chooses the suite's protocol: AFTERCARE_PROTOCOL (a preset name or a path).

``load_protocol()`` with no argument returns it; plans, the apps' opening state and handouts
without --protocol follow it; a bad value is a one-line error naming the variable. A preset
added to data/protocols/ the README's way works everywhere a shipped preset does.
"""

from __future__ import annotations

import json

import pytest
from clinic_preset import clinic_preset_text

from aftercare import Patient, load_protocol, plan_icing
from aftercare.errors import DataError
from aftercare.protocol import PROTOCOL_ENV, list_protocols, suite_protocol_name


def _clinic_file(directory, name="my-clinic", minutes=15):
    """A clinic preset made the README's way (tests/clinic_preset.py), written to ``directory``."""
    path = directory / f"{name}.yaml"
    path.write_text(clinic_preset_text(name, minutes=minutes), encoding="utf-8")
    return path


def test_unset_means_the_default_preset(monkeypatch):
    monkeypatch.delenv(PROTOCOL_ENV, raising=False)
    assert suite_protocol_name() == "seed-article"
    assert load_protocol().name == "seed-article"
    monkeypatch.setenv(PROTOCOL_ENV, "  ")
    assert load_protocol().name == "seed-article"


def test_a_preset_name_or_a_path_chooses_the_protocol(monkeypatch, tmp_path):
    monkeypatch.setenv(PROTOCOL_ENV, "early-cold")
    assert load_protocol().name == "early-cold"
    assert plan_icing(Patient(needled_at="09:00")).protocol.name == "early-cold"
    clinic = _clinic_file(tmp_path)
    monkeypatch.setenv(PROTOCOL_ENV, str(clinic))
    protocol = load_protocol()
    assert (protocol.name, protocol.max_session_minutes) == ("my-clinic", 15)
    assert plan_icing(Patient(needled_at="09:00")).sessions["minutes"].max() == 15
    # An explicit argument still wins over the setting.
    assert load_protocol("seed-article").max_session_minutes == 20


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("no-such-preset", r"AFTERCARE_PROTOCOL='no-such-preset'.*no protocol preset.*early-cold"),
        ("/nowhere/clinic.yaml", r"AFTERCARE_PROTOCOL='/nowhere/clinic.yaml'.*not found"),
    ],
)
def test_a_bad_value_is_a_one_line_error_naming_the_variable(monkeypatch, value, expected):
    monkeypatch.setenv(PROTOCOL_ENV, value)
    with pytest.raises(DataError, match=expected) as info:
        load_protocol()
    assert "\n" not in str(info.value)


def test_a_bad_value_in_the_file_names_the_file_and_key(monkeypatch, tmp_path):
    clinic = _clinic_file(tmp_path, minutes=90)
    monkeypatch.setenv(PROTOCOL_ENV, str(clinic))
    with pytest.raises(DataError, match=r"AFTERCARE_PROTOCOL.*my-clinic.yaml.*max_session_minutes"):
        load_protocol()


def test_apps_open_on_the_suite_protocol(monkeypatch, tmp_path):
    from aftercare.widgets import AlternativesApp, CoolingExplorer, PlannerApp

    clinic = _clinic_file(tmp_path)
    monkeypatch.setenv(PROTOCOL_ENV, str(clinic))
    planner = PlannerApp()
    assert planner.plan.protocol.name == "my-clinic"
    assert planner.plan.session_minutes == 15
    assert "my-clinic" in planner.chart.title.get_text()
    # The other presets stay one click away.
    assert {"seed-article", "early-cold"} <= set(planner.protocols)
    assert AlternativesApp().controls["protocol"].value == planner.controls["protocol"].value
    assert CoolingExplorer().controls["application_min"].value == 15


def test_handout_without_protocol_follows_the_setting(monkeypatch, tmp_path):
    from aftercare.sheet.handout import write_handout

    clinic = _clinic_file(tmp_path)
    monkeypatch.setenv(PROTOCOL_ENV, str(clinic))
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"hours_since_needling": 0, "needled_at": "09:00"}))
    result = write_handout(patient, tmp_path / "sheet.html")
    assert result.protocol == "my-clinic"
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "My clinic protocol" in html and "15" in html


def test_a_preset_added_the_readme_way_is_listed_and_usable(data_copy, monkeypatch):
    _clinic_file(data_copy / "protocols")
    assert "my-clinic" in list_protocols()
    monkeypatch.setenv(PROTOCOL_ENV, "my-clinic")
    assert load_protocol().max_session_minutes == 15
    from aftercare.widgets import PlannerApp

    app = PlannerApp()
    assert app.controls["protocol"].value == "my-clinic"
    app.controls["protocol"].value = "early-cold"
    assert app.plan.protocol.name == "early-cold"
