"""Issue #13: fat temperature, blood flow after removal, the between-study band, published points
and a cooling chart whose labels never overlap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.text import Text

from aftercare import thermal
from aftercare.charts import CoolingChart, cooling_curve
from aftercare.thermal import model, solver
from aftercare.thermal.calibration import load_points, matching_points
from aftercare.thermal.parameters import load_fitted_parameters, load_modalities, load_tissue
from aftercare.widgets import CoolingExplorer

TEMPS = ("skin_c", "muscle_1cm_c", "muscle_3cm_c", "fat_c")


def test_within_one_calibration_fat_lies_between_skin_and_muscle():
    # one run (deep_factor=1) is one tissue column: skin <= fat <= muscle while the pack is on
    pack = load_modalities()["crushed_ice"]
    for factor in (1.0, model.intramuscular_contact_factor()):
        for skinfold in (0, 4, 10, 30, 80):
            _, skin, deep, _ = model.cooling_arrays(
                pack, 38.0 * factor, 0.005, 20, 30, skinfold, None, deep_factor=1.0
            )
            assert np.all(skin[:21] <= deep[:21, 2] + 1e-9), (factor, skinfold)
            assert np.all(deep[:21, 2] <= deep[:21, 0] + 1e-9), (factor, skinfold)


def test_skin_and_muscle_come_from_their_own_calibrations():
    sim = thermal.simulate_cooling("crushed_ice", "none", 20, 10, skinfold_mm=10)
    pack = load_modalities()["crushed_ice"]
    h = model._cold_parameters("crushed_ice", "none")[1]
    factor = model.intramuscular_contact_factor()
    assert factor > 1  # the intramuscular studies need a better contact
    _, skin, _, _ = model.cooling_arrays(pack, h, 0.0, 20, 10, 10, None, deep_factor=1.0)
    _, _, deep, _ = model.cooling_arrays(pack, h * factor, 0.0, 20, 10, 10, None, deep_factor=1.0)
    np.testing.assert_allclose(sim["skin_c"], skin)
    np.testing.assert_allclose(sim[["muscle_1cm_c", "muscle_3cm_c", "fat_c"]], deep[:, :3])
    assert "own calibration" in sim.attrs["calibration"]
    assert "model estimate" in sim.attrs["model"]


def test_blood_flow_stays_low_after_removal_only_when_the_skin_got_cold():
    cold = thermal.simulate_cooling("wetted_ice", "none", 60, 10)
    mild = thermal.simulate_cooling("crushed_ice", "double_dry_towel", 20, 10)
    none = thermal.simulate_cooling("crushed_ice", "none", 0, 10)
    tissue = load_tissue()
    assert cold["skin_c"].iloc[60] <= tissue.v("vasoconstriction_full_c")
    # fully reduced to the after-removal blood flow fitted to Myrer 2001's muscle rewarming
    fitted = load_fitted_parameters()["rewarm_perfusion_factor"].value
    assert cold.attrs["perfusion_after"] == pytest.approx(fitted)
    assert 0 < mild.attrs["perfusion_after"] < 1
    assert none.attrs["perfusion_after"] == 1.0


def test_held_blood_flow_slows_rewarming_and_lets_muscle_under_thick_fat_keep_cooling(
    monkeypatch,
):
    held = thermal.simulate_cooling("crushed_ice", "damp_towel", 20, 30, skinfold_mm=25)
    monkeypatch.setattr(model, "recovery", lambda overrides=None: solver.Recovery(0.0))
    model._session_end.cache_clear()
    restored = thermal.simulate_cooling("crushed_ice", "damp_towel", 20, 30, skinfold_mm=25)
    # identical while the pack is on
    np.testing.assert_allclose(held.iloc[:21][list(TEMPS)], restored.iloc[:21][list(TEMPS)])
    assert held["skin_c"].iloc[25] < restored["skin_c"].iloc[25] - 1.0
    for column in ("muscle_1cm_c", "muscle_3cm_c"):
        # 30 min after removal the muscle under 12.5 mm of fat is colder than at removal
        assert held[column].iloc[50] < held[column].iloc[20]
        assert held[column].iloc[50] < restored[column].iloc[50]


def test_recovery_schedule_holds_then_returns_to_rest():
    rec = solver.Recovery(cold_factor=0.0, hold_min=30, recovery_min=30, full_c=10)
    assert rec.after_factor(33.0, 5.0) == 0.0
    assert rec.after_factor(33.0, 33.0) == 1.0
    assert 0.4 < rec.after_factor(33.0, 21.5) < 0.6
    steps = rec.schedule(0.0)
    assert steps[0] == (30, 0.0) and steps[-1] == (np.inf, 1.0)
    factors = [f for _, f in steps]
    assert factors == sorted(factors)
    assert solver.Recovery().schedule(1.0) == ((np.inf, 1.0),)


def test_bare_ice_cools_more_than_ice_in_a_damp_towel_at_every_minute():
    bare = thermal.simulate_cooling("crushed_ice", "none", 20)["skin_c"].to_numpy()
    damp = thermal.simulate_cooling("crushed_ice", "damp_towel", 20)["skin_c"].to_numpy()
    assert np.all(bare[1:] < damp[1:])  # damptowel-study: bare ice cooled more and faster


@pytest.mark.parametrize(
    "args",
    [
        ("crushed_ice", "none", 20, 30, 10, None),
        ("crushed_ice", "damp_towel", 20, 30, 25, None),
        ("gel_pack", "dry_towel", 15, 10, 5, 30.0),
        ("frozen_peas", "double_dry_towel", 40, 0, 60, 26.0),
    ],
)
def test_band_brackets_the_typical_model_and_widens_with_contact(args):
    sim = thermal.simulate_cooling(*args)
    band = thermal.cooling_band(*args)
    assert list(band["time_min"]) == list(sim["time_min"])
    for column in TEMPS:
        assert (band[f"{column}_low"] <= sim[column] + 1e-9).all(), column
        assert (sim[column] <= band[f"{column}_high"] + 1e-9).all(), column
    assert band.attrs["contact_spread_log_sd"] > 0


def test_band_is_wide_for_bare_ice_and_narrow_under_two_dry_towels():
    end = 20
    bare = thermal.cooling_band("crushed_ice", "none", end)
    towel = thermal.cooling_band("crushed_ice", "double_dry_towel", end)
    width = lambda b: b["skin_c_high"].iloc[end] - b["skin_c_low"].iloc[end]  # noqa: E731
    assert width(bare) > 3.0
    assert width(towel) < width(bare) / 4


def test_band_covers_the_published_bare_ice_skin_temperature_at_its_baseline():
    c3 = next(p for p in load_points() if p.id == "C3-ice")
    assert c3.barrier == "none"
    band = thermal.cooling_band("crushed_ice", "none", 20, baseline_skin_c=c3.baseline_skin_c)
    assert band["skin_c_low"].iloc[20] <= c3.measured <= band["skin_c_high"].iloc[20]


def test_matching_points_follow_modality_barrier_time_and_skinfold():
    ids = lambda *a: sorted(matching_points(*a)["id"])  # noqa: E731
    assert ids("crushed_ice", "none", 20, 25) == [
        "C3-ice",
        "C6-ge20-1cm",
        "C6-ge20-3cm",
        "V3-crushed",  # held apart from the fit, still a published point of the condition
    ]
    assert ids("crushed_ice", "none", 10, 25) == []  # those were measured at 20 min
    assert "C5-21-30" in ids("crushed_ice", "none", 40, 25)  # a 7 degC fall at 37.8 min
    assert "C5-21-30" not in ids("crushed_ice", "none", 30, 25)
    assert ids("crushed_ice", "double_dry_towel", 10, 40) == ["C7-towel"]
    # C2's ice pack was frozen to -20 degC: not the crushed ice at 0 degC the chart draws
    assert ids("crushed_ice", "damp_towel", 20, 10) == []
    assert ids("gel_pack", "damp_towel", 20, 10) == ["C2-gel"]  # -20 degC, within 2 of -18
    assert ids("gel_pack", "none", 20, 10) == ["C1-gel"]


def _texts(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [
        (t.get_text(), t.get_window_extent(renderer))
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


def _overlaps(fig):
    found = []
    for (a, box_a), (b, box_b) in itertools.combinations(_texts(fig), 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if width > 0.5 and height > 0.5:
            found.append((a, b))
    return found


@pytest.mark.parametrize(
    "args",
    [
        ("crushed_ice", "damp_towel", 20, 30, 10),
        ("crushed_ice", "none", 60, 30, 5),
        ("gel_pack", "double_dry_towel", 5, 0, 80),
        ("wetted_ice", "dry_towel", 120, 60, 25),
    ],
)
def test_cooling_chart_text_never_overlaps(args):
    fig = cooling_curve(thermal.simulate_cooling(*args))
    assert _overlaps(fig) == []


def test_cooling_explorer_text_never_overlaps_after_updates():
    app = CoolingExplorer()
    for modality, barrier, minutes in (("gel_pack", "none", 60), ("frozen_peas", "dry_towel", 1)):
        app.controls["modality"].value = modality
        app.controls["barrier"].value = barrier
        app.controls["application_min"].value = minutes
        assert _overlaps(app.chart.figure) == []


def test_chart_draws_band_and_published_points_and_describes_them():
    sim = thermal.simulate_cooling("crushed_ice", "none", 20, 30, 10)
    chart = CoolingChart(sim)
    band = thermal.cooling_band("crushed_ice", "none", 20, 30, 10)
    xy = chart.bands["skin_c"].get_xy()
    assert xy[:, 1].min() == pytest.approx(band["skin_c_low"].min())
    assert xy[:, 1].max() == pytest.approx(band["skin_c_high"].max())
    x, y = chart.markers["skin_c"].get_data()
    assert sorted(y) == pytest.approx([13.8, 15.76]) and set(x) == {19.5, 20.0}
    text = chart.figure.alt_text
    assert "selfe2009" in text and "dykstra2009" in text and "Light bands" in text
    assert "kanlayanaphotporn2005" not in text  # its packs lay on a damp towel
    assert "light band" in chart.figure.caption


def test_chart_of_a_hand_made_table_has_no_band_or_points():
    sim = thermal.simulate_cooling("crushed_ice", "none", 20)
    sim.attrs = {"application_min": 20.0}
    chart = CoolingChart(sim)
    assert len(chart.bands["skin_c"].get_xy()) <= 2
    assert len(chart.markers["skin_c"].get_xdata()) == 0
    assert "light band" not in chart.figure.caption
