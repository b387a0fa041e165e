"""aftercare.soreness: published points, the illustrative fit, notes and intervention effects."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from aftercare import soreness
from aftercare.errors import InputError
from aftercare.sources import load_sources

#: The only per-time-point means in the evidence brief (martinpintado2015), VAS 0-100.
BRIEF = {
    ("control", 0): 34.8,
    ("control", 48): 3.8,
    ("sham_compression", 0): 36.7,
    ("sham_compression", 48): 4.8,
    ("ischaemic_compression", 0): 20.1,
    ("ischaemic_compression", 48): 0.6,
}


def test_published_points_are_exactly_the_brief():
    pts = soreness.published_points()
    got = {(r.arm, int(r.hours)): r.vas_0_100 for r in pts.itertuples()}
    assert got == BRIEF
    assert set(pts["source_id"]) == {"martinpintado2015"}
    assert pts["spread_kind"].str.contains("SE").all()  # the +- may be SE: said on every row
    for column in ("arm", "hours", "vas_0_100", "spread", "spread_kind", "source_id"):
        assert column in pts.columns


def test_published_points_for_one_arm():
    pts = soreness.published_points("ischaemic_compression")
    assert pts["hours"].tolist() == [0, 48]
    assert_allclose(pts["spread"], [4.8, 1.0])


@pytest.mark.parametrize("arm", soreness.ARMS)
def test_fit_passes_through_its_points_and_says_what_it_is(arm):
    course = soreness.fitted_course(arm, hours=[0, 48])
    assert_allclose(course.vas, [BRIEF[(arm, 0)], BRIEF[(arm, 48)]], rtol=1e-12)
    assert course.n_points == 2
    assert course.label == "Fitted to 2 points; illustrative"
    assert course.source_ids == ("martinpintado2015",)
    assert course.method.startswith("exponential decay")
    assert len(course.points) == 2  # the points travel with the curve
    assert any("6 and 12 h" in c for c in course.caveats)


def test_default_grid_and_frame():
    course = soreness.fitted_course()
    assert course.hours[0] == 0 and course.hours[-1] == 72 and len(course.hours) == 145
    frame = course.frame()
    assert list(frame.columns) == ["hours", "vas", "extrapolated"]
    assert frame.attrs["n_points"] == 2 and "illustrative" in frame.attrs["label"]
    assert frame.loc[frame["hours"] > 48, "extrapolated"].all()
    assert not frame.loc[frame["hours"] <= 48, "extrapolated"].any()


def test_time_constant_from_the_two_control_points():
    course = soreness.fitted_course("control")
    assert course.parameters["time_constant_h"] == pytest.approx(48 / math.log(34.8 / 3.8))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(soreness.ARMS), st.lists(st.floats(0, 72), min_size=1, max_size=20))
def test_fitted_course_is_positive_and_falls(arm, hours):
    course = soreness.fitted_course(arm, hours=sorted(hours))
    assert np.all(course.vas > 0) and np.all(course.vas <= 100)
    assert np.all(np.diff(course.vas) <= 1e-12)


def test_ischaemic_compression_sits_below_control():
    ic = soreness.fitted_course("ischaemic_compression").vas
    control = soreness.fitted_course("control").vas
    assert np.all(ic < control)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"arm": "ice"}, "arm"),
        ({"hours": -1}, "hours"),
        ({"hours": 73}, "hours"),
        ({"hours": [1, math.nan]}, "hours"),
        ({"hours": "12"}, "hours"),
        ({"hours": []}, "hours"),
    ],
)
def test_bad_input(kwargs, field):
    with pytest.raises(InputError) as err:
        soreness.fitted_course(**kwargs)
    assert err.value.field == field


def test_bad_arm_for_points_lists_arms():
    with pytest.raises(InputError) as err:
        soreness.published_points("placebo")
    for arm in soreness.ARMS:
        assert arm in str(err.value)


def test_course_notes_carry_the_shape_facts():
    notes = soreness.course_notes().set_index("id")
    assert notes.loc["steepest_fall", ["hours_low", "hours_high"]].tolist() == [6, 12]
    assert notes.loc["steepest_fall", "source_ids"] == ("diciolla2021",)
    assert notes.loc["mean_duration", "hours_high"] == 72
    assert notes.loc["mean_duration", "confidence"] == "medium"


def test_intervention_effects():
    effects = soreness.intervention_effects()
    assert {"ischaemic_compression", "spray_and_stretch", "electrical_stimulation"} <= set(
        effects["intervention"]
    )
    ic = effects.set_index("id")
    assert ic.loc["ic-vs-control-0h", ["intervention_value", "comparator_value"]].tolist() == [
        20.1,
        34.8,
    ]
    assert ic.loc["ic-vs-sham-48h", ["intervention_value", "comparator_value"]].tolist() == [
        0.6,
        4.8,
    ]
    missing = effects[effects["numbers_status"] == "not retrieved"]
    assert missing["intervention_value"].isna().all()
    reported = effects[effects["numbers_status"] == "reported"]
    assert reported["intervention_value"].notna().all()
    sources = load_sources()
    for ids in effects["source_ids"]:
        assert ids and all(i in sources for i in ids)


def test_bad_soreness_data_names_file_and_row(data_copy):
    from aftercare.errors import DataError

    path = data_copy / "soreness_points.csv"
    path.write_text(path.read_text().replace(",0,34.8,", ",0,134.8,"))
    soreness._points.cache_clear()
    try:
        with pytest.raises(DataError, match=r"soreness_points.csv, row \d+"):
            soreness.published_points()
    finally:
        soreness._points.cache_clear()
