"""Safety invariants of plan_icing, tested as properties over all valid patients and protocols.

* no session longer than the protocol's maximum;
* none before the wait window ends (or before "now");
* none while the patient is asleep;
* every session has a barrier other than bare skin;
* no ice session at all when a present factor means avoid;
* every flag and every recommendation names at least one existing source id.
"""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given
from hypothesis import strategies as st

from aftercare import Patient, compare_alternatives, load_protocol, plan_icing
from aftercare.factors import factor_ids
from aftercare.protocol import BARRIERS_WITH_ICE, MODALITIES, protocol_from_mapping
from aftercare.sources import load_sources

FACTORS = factor_ids()
SOURCES = load_sources()
BASE = yaml.safe_load(load_protocol().source_path().read_text())

clock = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def patients(draw):
    awake = draw(st.none() | clock)
    asleep = draw(st.none() | clock)
    if awake is not None and awake == asleep:
        asleep = None
    present = draw(st.lists(st.sampled_from(FACTORS), unique=True, max_size=4))
    return Patient(
        hours_since_needling=draw(st.floats(0, 168, allow_nan=False)),
        needled_at=draw(clock),
        awake_from=awake,
        asleep_from=asleep,
        skinfold_mm=draw(st.floats(0, 80, allow_nan=False)),
        **{f: True for f in present},
    )


@st.composite
def protocols(draw):
    raw = yaml.safe_load(yaml.safe_dump(BASE))  # deep copy
    rules = raw["rules"]
    rules["wait_hours"]["value"] = draw(st.floats(0, 72, allow_nan=False))
    rules["max_session_minutes"]["value"] = draw(st.floats(1, 60, allow_nan=False))
    rules["interval_hours"]["value"] = draw(st.floats(0.5, 24, allow_nan=False))
    rules["plan_hours"]["value"] = draw(st.floats(1, 168, allow_nan=False))
    rules["barrier"]["value"] = draw(st.sampled_from(BARRIERS_WITH_ICE))
    rules["modality"]["value"] = draw(st.sampled_from(MODALITIES))
    rules["skin_check_minutes"]["value"] = draw(st.floats(1, 20, allow_nan=False))
    day = draw(clock)
    night = draw(clock.filter(lambda t: t != day))
    rules["day_starts"]["value"] = day.strftime("%H:%M")
    rules["night_starts"]["value"] = night.strftime("%H:%M")
    raw["factor_levels"] = draw(
        st.dictionaries(
            st.sampled_from(FACTORS), st.sampled_from(["ok", "caution", "avoid"]), max_size=5
        )
    )
    return protocol_from_mapping(raw, "generated.yaml")


def _asleep(minute_of_day: int, wake: dt.time, sleep: dt.time) -> bool:
    w, s = wake.hour * 60 + wake.minute, sleep.hour * 60 + sleep.minute
    return (minute_of_day - s) % 1440 < (w - s) % 1440


@given(patients(), protocols())
def test_icing_plan_invariants(patient, protocol):
    plan = plan_icing(patient, protocol)
    sessions = plan.sessions

    # No session longer than the protocol allows; lengths are consistent.
    assert (sessions.minutes <= protocol.max_session_minutes + 1e-9).all()
    assert (
        ((sessions.end_h - sessions.start_h) * 60 - sessions.minutes).abs().max(skipna=True) < 1e-6
        if len(sessions)
        else True
    )
    # None before the wait window or before now; none after the plan's end.
    assert (sessions.start_h >= protocol.wait_hours - 1e-9).all()
    assert (sessions.start_h >= patient.hours_since_needling - 1e-9).all()
    assert (sessions.end_h <= protocol.plan_hours + 1e-9).all()
    # Spacing between starts is at least the protocol's interval.
    assert (sessions.start_h.diff().dropna() >= protocol.interval_hours - 1e-9).all()
    # A barrier other than bare skin, always.
    assert sessions.barrier.isin(BARRIERS_WITH_ICE).all()
    assert "none" not in set(sessions.barrier)
    # None while asleep: check every minute the ice is on.
    wake = patient.awake_from or protocol.day_starts
    sleep = patient.asleep_from or protocol.night_starts
    needled = patient.needled_at.hour * 60 + patient.needled_at.minute
    for start_h, minutes in zip(sessions.start_h, sessions.minutes, strict=False):
        start = needled + round(start_h * 60)
        assert not any(_asleep(m % 1440, wake, sleep) for m in range(start, start + int(minutes)))
    # No ice at all when a present factor means avoid.
    levels = {protocol.factor_level(f) for f in patient.present_factors}
    if "avoid" in levels:
        assert plan.verdict == "avoid" and sessions.empty
    else:
        assert plan.verdict == ("caution" if "caution" in levels else "ok")
    # Every flag, instruction and recommendation names existing sources.
    for item in (*plan.flags, *plan.instructions, *plan.alternatives):
        assert item.source_ids, item
        assert all(i in SOURCES for i in item.source_ids), item.source_ids


@given(patients(), protocols())
def test_every_alternative_names_existing_sources(patient, protocol):
    table = compare_alternatives(patient, protocol)
    for ids in table.source_ids:
        assert ids and all(i in SOURCES for i in ids)
    ice = table.set_index("therapy").loc["ice", "suitability"]
    if any(protocol.factor_level(f) == "avoid" for f in patient.present_factors):
        assert ice == "avoid"
