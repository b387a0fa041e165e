"""The earliest-time step says "now" only when the first ice may start now, and why."""

from __future__ import annotations

from clinic_preset import preset_ids
from hypothesis import given
from hypothesis import strategies as st

from aftercare import Patient, plan_icing

EARLIEST_STEPS = ("earliest", "earliest_now", "earliest_now_no_wait")


def _earliest(plan):
    (step,) = [s for s in plan.instructions if s.step in EARLIEST_STEPS]
    return step


@given(
    hours=st.integers(min_value=0, max_value=80),
    needled=st.sampled_from(["07:00", "09:00", "15:30", "21:00", "22:45"]),
    preset=st.sampled_from(preset_ids()),
)
def test_now_is_said_only_when_the_first_ice_may_start_now(hours, needled, preset, presets):
    plan = plan_icing(Patient(hours_since_needling=hours, needled_at=needled), presets[preset])
    if plan.first_start_h is None:
        assert not [s for s in plan.instructions if s.step in EARLIEST_STEPS]
        return
    step = _earliest(plan)
    starts_now = plan.first_start_h == hours
    assert ("you may use ice now" in step) == starts_now, step
    assert ("you may use ice from" in step) != starts_now, step
    if starts_now:
        no_wait = plan.protocol.wait_hours == 0
        assert step.step == ("earliest_now_no_wait" if no_wait else "earliest_now")
        assert ("has no wait" in step) == no_wait


def test_six_hours_after_needling_at_nine_the_ice_may_start_now_at_fifteen():
    plan = plan_icing(Patient(hours_since_needling=6, needled_at="09:00"), "seed-article")
    assert str(_earliest(plan)).startswith(
        "If the area is sore, you may use ice now, at 15:00 on day 1: the wait of 3 hours after "
        "needling is over."
    )
    later = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), "seed-article")
    assert str(_earliest(later)).startswith(
        "If the area is sore, you may use ice from 12:00 on day 1"
    )
    assert "Wait until" not in " ".join(later.instructions)
