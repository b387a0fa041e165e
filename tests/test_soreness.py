"""aftercare.soreness: published points, the steepest-fall window, notes and intervention effects."""

from __future__ import annotations

import pytest
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


def test_no_fitted_curve_is_offered():
    """The brief says not to draw a smooth soreness curve from two time points: nothing fits one."""
    assert not any("fit" in name for name in soreness.__all__)
    assert not hasattr(soreness, "fitted_course")


def test_steepest_fall_is_the_6_to_12_hour_window_with_its_source():
    band = soreness.steepest_fall()
    assert (band.hours_low, band.hours_high) == (6, 12)
    assert band.source_ids == ("diciolla2021",)
    assert band.confidence == "high"


def test_steepest_fall_row_missing_or_without_hours_is_a_clear_error(data_copy):
    from aftercare.errors import DataError

    path = data_copy / "soreness_course_notes.csv"
    original = path.read_text()
    try:
        path.write_text(original.replace("steepest_fall,", "fastest_fall,"))
        soreness._notes.cache_clear()
        with pytest.raises(DataError, match="soreness_course_notes.csv.*steepest_fall"):
            soreness.steepest_fall()
        path.write_text(original.replace(",6,12,high,", ",12,6,high,"))
        soreness._notes.cache_clear()
        with pytest.raises(DataError, match="hours_low below hours_high"):
            soreness.steepest_fall()
    finally:
        soreness._notes.cache_clear()


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
