"""aftercare.thermal: API shape, presets, thresholds, heating, plan helper and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from aftercare import thermal
from aftercare.errors import InputError
from aftercare.packs import load_barriers, load_modalities
from aftercare.thermal.parameters import load_heat_sources

# The ids come from their one home, data/modalities.yaml and data/barriers.yaml.
MODALITIES = thermal.modality_ids()
BARRIERS = thermal.barrier_ids()


def test_ids_come_from_the_data_files():
    assert MODALITIES == tuple(load_modalities()) and "crushed_ice" in MODALITIES
    assert BARRIERS == tuple(load_barriers()) and "none" in BARRIERS
    assert set(thermal.heat_source_ids()) == {"hydrocollator", "warm_compress"}


@pytest.fixture(params=MODALITIES)
def modality(request):
    return request.param


@pytest.fixture(params=BARRIERS)
def barrier(request):
    return request.param


def test_frame_shape_and_steps(modality, barrier):
    df = thermal.simulate_cooling(modality, barrier, 20, rewarm_min=30)
    assert list(df.columns) == ["time_min", "skin_c", "muscle_1cm_c", "muscle_3cm_c", "fat_c"]
    assert df["time_min"].iloc[0] == 0 and df["time_min"].iloc[-1] == 50
    assert np.diff(df["time_min"]).max() <= 1.0 + 1e-12
    assert np.all(np.isfinite(df.to_numpy()))
    assert df.attrs["modality"] == modality and df.attrs["barrier"] == barrier
    assert df.attrs["application_min"] == 20
    assert df.attrs["source_ids"]


def test_fractional_minutes_end_exactly():
    df = thermal.simulate_cooling("crushed_ice", "none", 12.5, rewarm_min=2.25)
    assert_allclose(df["time_min"].iloc[[-4, -3, -2, -1]], [12.5, 13.5, 14.5, 14.75])
    assert 12.5 in set(df["time_min"])


def test_zero_application_stays_at_baseline():
    df = thermal.simulate_cooling("crushed_ice", "none", 0, rewarm_min=5, baseline_skin_c=30)
    assert_allclose(df["skin_c"], 30, atol=1e-6)


def test_baseline_is_honoured_and_rewarming_returns_to_it():
    df = thermal.simulate_cooling(
        "gel_pack", "damp_towel", 10, rewarm_min=240, baseline_skin_c=29.0
    )
    assert df["skin_c"].iloc[0] == pytest.approx(29.0, abs=1e-6)
    assert df["skin_c"].iloc[-1] == pytest.approx(29.0, abs=0.5)


def test_default_baseline_is_still_air_steady_state():
    df = thermal.simulate_cooling("crushed_ice", "none", 1)
    assert 30 < df.attrs["baseline_skin_c"] < 36


def test_barrier_order_for_ice():
    ends = [thermal.simulate_cooling("crushed_ice", b, 20)["skin_c"].iloc[-1] for b in BARRIERS]
    assert ends == sorted(ends), dict(zip(BARRIERS, ends, strict=True))


def test_ice_ranking_follows_dykstra():
    # wetted ice cooled most and crushed ice least (ranking only)
    ends = {
        m: thermal.simulate_cooling(m, "none", 20)["skin_c"].iloc[-1]
        for m in ("wetted_ice", "cubed_ice", "crushed_ice")
    }
    assert ends["wetted_ice"] < ends["cubed_ice"] < ends["crushed_ice"]


def test_ice_cools_skin_more_than_a_gel_pack_at_the_same_baseline():
    # merrick2003: phase-change packs cooled skin more than a non-phase-change pack
    ice = thermal.simulate_cooling("crushed_ice", "none", 30)["skin_c"].iloc[-1]
    gel = thermal.simulate_cooling("gel_pack", "none", 30)["skin_c"].iloc[-1]
    assert ice < gel


def test_gel_pack_levels_off_and_can_rewarm():
    # documented exception to "longer never ends warmer": a finite pack warms up
    df = thermal.simulate_cooling("gel_pack", "none", 60)
    assert df["skin_c"].iloc[60] > df["skin_c"].iloc[20]
    assert df.attrs["melted_min"] is None


def test_ice_runs_out_eventually_and_is_reported():
    df = thermal.simulate_cooling("frozen_peas", "none", 180)
    assert df.attrs["melting_from_min"] is not None
    assert df.attrs["melted_min"] is not None
    melted = int(df.attrs["melted_min"])
    assert df["skin_c"].iloc[-1] > df["skin_c"].iloc[melted]


def test_same_inputs_same_output():
    a = thermal.simulate_cooling("frozen_peas", "damp_towel", 25, 10, 17.5, 31.0)
    b = thermal.simulate_cooling("frozen_peas", "damp_towel", 25, 10, 17.5, 31.0)
    pd.testing.assert_frame_equal(a, b)


def test_unknown_modality_lists_allowed():
    with pytest.raises(InputError) as err:
        thermal.simulate_cooling("snow", "none", 20)
    assert err.value.field == "modality"
    for name in MODALITIES:
        assert name in str(err.value)


def test_unknown_barrier_lists_allowed():
    with pytest.raises(InputError) as err:
        thermal.simulate_cooling("crushed_ice", "blanket", 20)
    assert err.value.field == "barrier"
    for name in BARRIERS:
        assert name in str(err.value)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"application_min": -1}, "application_min"),
        ({"application_min": math.nan}, "application_min"),
        ({"application_min": 181}, "application_min"),
        ({"application_min": "20"}, "application_min"),
        ({"rewarm_min": -5}, "rewarm_min"),
        ({"rewarm_min": math.inf}, "rewarm_min"),
        ({"skinfold_mm": -0.1}, "skinfold_mm"),
        ({"skinfold_mm": 80.5}, "skinfold_mm"),
        ({"skinfold_mm": math.nan}, "skinfold_mm"),
        ({"baseline_skin_c": 20.9}, "baseline_skin_c"),
        ({"baseline_skin_c": 37.5}, "baseline_skin_c"),
        ({"baseline_skin_c": math.nan}, "baseline_skin_c"),
        ({"baseline_skin_c": True}, "baseline_skin_c"),
    ],
)
def test_bad_numbers_name_argument_and_range(kwargs, field):
    args = {"modality": "crushed_ice", "barrier": "none", "application_min": 20}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        thermal.simulate_cooling(**args)
    assert err.value.field == field
    low, high, _ = thermal.LIMITS[field]
    assert f"{low:g} to {high:g}" in str(err.value)


# -- heating --------------------------------------------------------------------------------


def test_heating_marks_burn_threshold():
    df = thermal.simulate_heating("hydrocollator", 8, 30)
    assert list(df.columns) == [
        "time_min",
        "skin_c",
        "muscle_1cm_c",
        "muscle_3cm_c",
        "fat_c",
        "above_burn_threshold",
    ]
    assert df.attrs["burn_threshold_c"] == 44.0
    assert df.attrs["burn_threshold_source_ids"] == ("moritz1947",)
    assert df.attrs["confidence"] == "low"
    assert (df["above_burn_threshold"] == (df["skin_c"] >= 44.0)).all()


def test_fewer_layers_heat_more_and_can_cross_the_threshold():
    ends = [thermal.simulate_heating("hydrocollator", n, 20)["skin_c"].max() for n in (8, 4, 1, 0)]
    assert ends == sorted(ends)
    bare = thermal.simulate_heating("hydrocollator", 0, 20)
    assert bare["above_burn_threshold"].any()


def test_heating_warms_skin_and_stays_below_source():
    for source in thermal.heat_source_ids():
        df = thermal.simulate_heating(source, None, 20)
        assert df["skin_c"].max() > df["skin_c"].iloc[0]
        assert df[["skin_c", "muscle_1cm_c", "muscle_3cm_c"]].to_numpy().max() < 75


def test_warm_compress_starts_below_the_burn_line_and_cites_each_number():
    """A patient's bare warm compress must not start above the suite's own 44 degC burn line,
    and its temperature must cite what supports it (the article gives none)."""
    burn = thermal.load_thresholds().set_index("id").loc["burn", "low_c"]
    compress = load_heat_sources()["warm_compress"]
    assert compress.default_layers == 0 and compress.initial_c < burn
    df = thermal.simulate_heating("warm_compress", None, 20)
    assert not df["above_burn_threshold"].any()
    assert {"moritz1947", "hotpack-howto"} <= set(compress.source_ids)
    assert "assumption" in compress.basis["initial_c"]


@pytest.mark.parametrize(
    "args, field",
    [
        (("sauna", 8, 20), "source"),
        (("hydrocollator", -1, 20), "layers"),
        (("hydrocollator", 2.5, 20), "layers"),
        (("hydrocollator", 13, 20), "layers"),
        (("hydrocollator", 8, -3), "application_min"),
        (("hydrocollator", 8, math.nan), "application_min"),
    ],
)
def test_heating_bad_input(args, field):
    with pytest.raises(InputError) as err:
        thermal.simulate_heating(*args)
    assert err.value.field == field


def test_heating_bad_skinfold():
    with pytest.raises(InputError) as err:
        thermal.simulate_heating("warm_compress", 0, 10, skinfold_mm=100)
    assert err.value.field == "skinfold_mm"


# -- thresholds -----------------------------------------------------------------------------


def test_thresholds_table():
    t = thermal.load_thresholds().set_index("id")
    for column in ("label", "kind", "side", "low_c", "high_c", "confidence", "source_ids"):
        assert column in t.columns
    assert t.loc["analgesia", "high_c"] == 13.6 and t.loc["analgesia", "kind"] == "line"
    assert t.loc["analgesia", "source_ids"] == ("bugaj1975",)
    assert (
        t.loc["ncv_third_slower", "high_c"] == 10
        and "algafly2007" in t.loc["ncv_third_slower", "source_ids"]
    )
    assert "kunesch1987" in t.loc["receptor_desensitisation", "source_ids"]
    assert t.loc["therapeutic_range", ["low_c", "high_c"]].tolist() == [10, 15]
    assert t.loc["therapeutic_range", "confidence"] == "medium"
    unconfirmed = t.loc["ncv_tenth_slower_unconfirmed"]
    assert unconfirmed["confidence"] == "unconfirmed" and unconfirmed["high_c"] == 12.5
    assert "UNCONFIRMED" in unconfirmed["label"]
    assert t.loc["freezing_risk", "kind"] == "band" and t.loc["freezing_risk", "high_c"] == 0
    assert math.isnan(t.loc["freezing_risk", "low_c"])
    assert t.loc["numb_prefreeze", ["low_c", "high_c"]].tolist() == [3, 10]
    assert t.loc["burn", "high_c"] == 44 and t.loc["burn", "side"] == "heat"
    # no single frostbite line
    cold_lines = t[(t["side"] == "cold") & (t["kind"] == "line")]
    assert not cold_lines["label"].str.contains("frostbite", case=False).any()


def test_threshold_data_error_names_row(data_copy):
    from aftercare.errors import DataError
    from aftercare.thermal.thresholds import threshold_rows

    path = data_copy / "thresholds.csv"
    path.write_text(path.read_text().replace(",line,cold,13.6,13.6,", ",line,cold,13.6,14,"))
    threshold_rows.cache_clear()
    try:
        with pytest.raises(DataError, match="thresholds.csv, row"):
            thermal.load_thresholds()
    finally:
        threshold_rows.cache_clear()


# -- plan helper ----------------------------------------------------------------------------


def test_session_end_matches_simulation():
    value = thermal.session_end_skin_c("crushed_ice", "damp_towel", 20, 10)
    df = thermal.simulate_cooling("crushed_ice", "damp_towel", 20, skinfold_mm=10)
    assert value == pytest.approx(df["skin_c"].iloc[-1])
    assert isinstance(value, float)


def test_session_end_validates():
    with pytest.raises(InputError, match="minutes"):
        thermal.session_end_skin_c("crushed_ice", "none", -1, 10)
    with pytest.raises(InputError, match="skinfold_mm"):
        thermal.session_end_skin_c("crushed_ice", "none", 20, 90)
    with pytest.raises(InputError, match="modality"):
        thermal.session_end_skin_c("ice", "none", 20, 10)
