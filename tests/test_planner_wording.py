"""The first step says "Wait until" only when there is something to wait for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aftercare import Patient, plan_icing


@given(
    hours=st.integers(min_value=0, max_value=80),
    needled=st.sampled_from(["07:00", "09:00", "15:30", "21:00", "22:45"]),
    preset=st.sampled_from(["seed-article", "early-cold"]),
)
def test_wait_until_is_said_only_of_a_later_time(hours, needled, preset):
    plan = plan_icing(Patient(hours_since_needling=hours, needled_at=needled), preset)
    if plan.first_start_h is None:
        return
    step = str(plan.instructions[0])
    starts_now = plan.first_start_h == hours
    assert step.startswith("Wait until") != starts_now, step
    if starts_now:
        assert "can start now" in step
        assert ("has no wait" in step) == (plan.protocol.wait_hours == 0)


def test_six_hours_after_needling_at_nine_the_ice_starts_now_at_fifteen():
    plan = plan_icing(Patient(hours_since_needling=6, needled_at="09:00"), "seed-article")
    assert str(plan.instructions[0]) == (
        "The first ice can start now, at 15:00 on day 1: the wait of 3 hours after needling "
        "is over."
    )
    later = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), "seed-article")
    assert str(later.instructions[0]).startswith("Wait until 12:00 on day 1")
