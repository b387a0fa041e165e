"""``Protocol.with_values``: a copy of a protocol with some rule values changed (notebooks 03 and
09 make one in a line, where they used to edit the protocol file's dict by hand)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from aftercare import Patient, load_protocol, plan_icing
from aftercare.errors import DataError, InputError
from aftercare.protocol import rule_names


@pytest.fixture(scope="module")
def seed():
    return load_protocol("seed-article")


def test_the_copy_changes_only_what_was_asked(seed):
    copy = seed.with_values("every-3-hours", interval_hours=3, max_sessions_per_day=3)
    assert (copy.name, copy.interval_hours, copy.max_sessions_per_day) == ("every-3-hours", 3, 3)
    assert seed.interval_hours != 3 and seed.name == "seed-article", "the original is unchanged"
    for rule in set(rule_names()) - {"interval_hours", "max_sessions_per_day"}:
        assert copy.rule(rule) == seed.rule(rule), rule
    assert dict(copy.factor_levels) == dict(seed.factor_levels)
    assert copy.title == seed.title and copy.version == seed.version


def test_a_changed_rule_keeps_its_sources_and_says_what_changed(seed):
    old = seed.rule("wait_hours")
    new = seed.with_values("my-clinic", wait_hours=1).rule("wait_hours")
    assert new.source_ids == old.source_ids
    assert new.basis.startswith(f"Changed from {old.value} to 1 in this copy of seed-article.")
    assert old.basis in new.basis


def test_plans_follow_the_copy(seed):
    patient = Patient(hours_since_needling=0, needled_at="09:00")
    plan = plan_icing(patient, seed.with_values("every-3-hours", interval_hours=3))
    gaps = [b - a for a, b in pairwise(plan.session_starts_min)]
    assert gaps and min(gaps) == 180, "sessions as close as the copy allows, no closer"


def test_an_unknown_rule_is_refused_naming_the_rules(seed):
    with pytest.raises(
        InputError, match="rule = 'wait_hour' is not allowed; allowed: a protocol rule: wait_hours"
    ):
        seed.with_values("x", wait_hour=1)


def test_a_value_out_of_range_is_refused_like_in_a_file(seed):
    with pytest.raises(DataError, match="max_session_minutes"):
        seed.with_values("long", max_session_minutes=500)
