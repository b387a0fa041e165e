"""aftercare.patient: a bad field is an error naming the field and the allowed range."""

from __future__ import annotations

import datetime as dt

import pytest

from aftercare import InputError, Patient


@pytest.mark.parametrize(
    ("fields", "named", "allowed"),
    [
        ({"hours_since_needling": -1}, "hours_since_needling", ">= 0"),
        ({"hours_since_needling": float("nan")}, "hours_since_needling", ">= 0"),
        ({"skinfold_mm": 81}, "skinfold_mm", "0 to 80 mm"),
        ({"skinfold_mm": -0.1}, "skinfold_mm", "0 to 80 mm"),
        ({"skinfold_mm": "thick"}, "skinfold_mm", "0 to 80 mm"),
        ({"needled_at": "25:00"}, "needled_at", "HH:MM"),
        ({"awake_from": "morning"}, "awake_from", "HH:MM"),
        ({"awake_from": "07:00", "asleep_from": "07:00"}, "asleep_from", "at least 4 hours"),
        ({"awake_from": "07:00", "asleep_from": "06:59"}, "asleep_from", "at least 4 hours"),
        ({"awake_from": "23:00"}, "asleep_from", "together"),
        ({"asleep_from": "07:00"}, "awake_from", "together"),
        ({"needled_at": "09:00:30"}, "needled_at", "no seconds"),
        ({"needled_at": "9:00"}, "needled_at", "HH:MM"),
        ({"awake_from": "07:00+02:00", "asleep_from": "23:00"}, "awake_from", "no UTC offset"),
        ({"awake_from": dt.time(7, 0, 30), "asleep_from": "23:00"}, "awake_from", "no seconds"),
        ({"needled_at": dt.datetime(2026, 1, 1, 9, 0)}, "needled_at", "HH:MM"),
        ({"has_helper": "yes"}, "has_helper", "True or False"),
        ({"has_helper": 1}, "has_helper", "True or False"),
        ({"flu": True}, "flu", "raynauds"),
        ({"diabetes": "yes"}, "diabetes", "True or False"),
    ],
)
def test_patient_errors_name_field_and_range(fields, named, allowed):
    with pytest.raises(InputError) as info:
        Patient(**fields)
    message = str(info.value)
    assert message.startswith(named)
    assert allowed in message
    assert info.value.field == named


def test_one_sided_waking_time_names_the_field_to_give():
    """The issue's reproduction: awake_from alone equal to the default night_starts."""
    with pytest.raises(InputError, match="Give asleep_from too"):
        Patient(needled_at="09:00", awake_from="23:00")
