"""Calibration of aftercare.thermal against C1-C7 of the evidence brief: each point's error.

Run with ``-s`` (or look at the captured output of a failure) to see the table; the same table is
in docs/calibration.md, written by scripts/fit_thermal.py.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from aftercare.sources import load_sources
from aftercare.thermal.calibration import (
    FREE_PARAMETERS,
    STUDY_GROUPS,
    CalibrationPoint,
    compare,
    cross_validated_skin_error_c,
    load_cross_validation,
    load_points,
    model_value,
)
from aftercare.thermal.parameters import load_fitted_parameters, load_tissue

ROOT = Path(__file__).resolve().parents[1]
OTTE_SKINFOLDS = {"C5-0-10": 5.0, "C5-11-20": 15.5, "C5-21-30": 25.5, "C5-31-40": 35.5}
#: Known misfits, reported honestly (see docs/calibration.md, "Points still missed").
#: C2-ice: the ice pack through a damp towel ended colder than the model allows even with C2's
#: own contact, which must also meet C2's peas (warmer than the line); the report says so.
OWN_CONTACT_MISSES = {"C2-ice"}


@pytest.fixture(scope="module")
def table():
    result = compare()
    print(
        "\n"
        + result[
            ["id", "source_id", "quantity", "measured", "model", "error", "rel_error", "within"]
        ]
        .round(2)
        .to_string(index=False)
    )
    return result.set_index("id")


def test_fitted_points_come_from_the_calibration_set_only():
    """Only the brief's calibration set C1-C7 is fitted; other studies are held apart."""
    allowed = {
        "chesterton2002",
        "kanlayanaphotporn2005",
        "selfe2009",
        "janwantanakul2009",
        "otte2002",
        "myrer2001",
        "ichikawa2024",
    }
    points = load_points()
    fitted = [p for p in points if not p.held_apart]
    assert {p.source_id for p in fitted} <= allowed
    assert {p.group for p in fitted} == {f"C{i}" for i in range(1, 8)}
    for p in points:
        if p.source_id not in allowed:
            assert p.held_apart and p.weight == 0, p.id


def _fit_script():
    """The fitting script as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(
        "fit_thermal", ROOT / "scripts" / "fit_thermal.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_held_apart_points_never_enter_a_fit():
    fit_thermal = _fit_script()
    points = load_points()
    held = {p.id for p in points if p.held_apart}
    assert held, "the rewarming validation needs held-apart points"
    fit = fit_thermal.Fit(points, spread=0.2)
    assert not held & {p.id for p in fit.points}
    assert not any(p.after_removal for p in fit.points)  # rewarming is fitted on its own
    fitted_rewarm = {p.id for p in fit_thermal.rewarm_points(points, held_apart=False)}
    assert fitted_rewarm and not held & fitted_rewarm
    assert set(load_fitted_parameters()["rewarm_perfusion_factor"].fitted_to) == fitted_rewarm


@pytest.mark.parametrize("point_id", [p.id for p in load_points() if p.after_removal])
def test_rewarming_points_within_1_5_c_or_reported_as_missed(table, point_id):
    """Fitted rewarming points meet their tolerance; a held-apart miss is named in the report."""
    point = next(p for p in load_points() if p.id == point_id)
    error = float(table.loc[point_id, "error"])
    if not point.held_apart:
        assert abs(error) <= point.tolerance, f"{point_id}: {error:+.2f} degC"
    elif abs(error) > point.tolerance:
        report = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
        missed = report.split("## Points still missed", 1)[1]
        assert f"**{point_id}**" in missed


def test_fitted_after_removal_blood_flow_rewarms_lean_muscle_more_than_the_cold_hold():
    """Before issue 23's rewarming fit, blood flow stayed at its under-pack level (0) after
    removal and lean muscle rewarmed about half of what Myrer 2001 measured."""
    lean = next(p for p in load_points() if p.id == "C6-le8-1cm-rw")
    held = compare({"rewarm_perfusion_factor": 0.0}, points=(lean,))
    fitted = compare(points=(lean,))
    assert float(held["error"].iloc[0]) < -2.0
    assert abs(float(fitted["error"].iloc[0])) < abs(float(held["error"].iloc[0]))


@pytest.mark.parametrize("point_id", [p.id for p in load_points()])
def test_each_point_reports_its_error(table, point_id, record_property):
    row = table.loc[point_id]
    record_property("measured", float(row["measured"]))
    record_property("model", float(row["model"]))
    record_property("error", float(row["error"]))
    assert np.isfinite(row["model"]), f"{point_id}: the model never reached the quantity"


@pytest.mark.parametrize(
    "point_id", [p.id for p in load_points() if p.quantity == "skin_end_c" and not p.held_apart]
)
def test_skin_at_end_of_application_within_2_5_c(table, point_id):
    row = table.loc[point_id]
    if point_id in OWN_CONTACT_MISSES:
        report = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
        assert f"with its own contact {point_id} ends {row['error']:+.2f} degC" in report
        assert abs(row["error"]) > 2.5, f"{point_id} is met now: drop it from OWN_CONTACT_MISSES"
        return
    assert abs(row["error"]) <= 2.5, (
        f"{point_id}: model {row['model']:.2f} vs measured {row['measured']:.2f} degC"
    )


def test_typical_line_within_2_5_c_of_every_bare_pack_skin_study():
    """Issue #23's goal: the line every chart draws (the typical contact) is within 2.5 degC of
    each fitted skin temperature of a bare pack, and the left-out skin RMS stays <= 3 degC."""
    typical = compare(own_contact=False).set_index("id")
    points = load_points()
    bare = [
        p for p in points if p.quantity == "skin_end_c" and p.barrier == "none" and not p.held_apart
    ]
    assert {p.group for p in bare if p.weight > 0} == {"C1", "C3"}
    for p in bare:
        assert abs(typical.loc[p.id, "error"]) <= 2.5, f"{p.id}: {typical.loc[p.id, 'error']:+.2f}"
    assert cross_validated_skin_error_c() <= 3.0


def test_held_apart_skin_study_is_reported_but_never_counted_as_left_out():
    """Dykstra 2009's own data (V3) are a check outside the calibration set: reported with the
    typical line and the within-study differences, never in a fit nor in the left-out RMS."""
    held = {p.id: p for p in load_points() if p.held_apart and p.quantity == "skin_end_c"}
    assert set(held) == {"V3-crushed", "V3-cubed", "V3-wet"}
    assert all(p.weight == 0 and "fastR2" in p.note for p in held.values())
    cv = load_cross_validation().set_index("id")
    kept = cv[(cv["quantity"] == "skin_end_c") & ~cv.index.isin(held)]["error"].astype(float)
    assert cross_validated_skin_error_c() == pytest.approx(float(np.sqrt(np.mean(kept**2))))
    report = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    section = report.split("### Skin studies held apart (never fitted)", 1)[1].split("## ", 1)[0]
    typical = compare(own_contact=False, points=tuple(held.values())).set_index("id")
    for pid in held:
        assert f"| {pid} | dykstra2009 |" in section
        assert f"| {typical.loc[pid, 'error']:+.2f} |" in section
    wet = typical.loc["V3-wet", "model"] - typical.loc["V3-crushed", "model"]
    assert f"wetted_ice -2.54 degC measured, {wet:+.2f} degC in the model" in section


def test_c2_points_carry_the_damp_towel_and_freezer_start_the_study_used():
    """C2 (kanlayanaphotporn2005) froze every pack at -20 degC and wrapped it in a damp towel
    (BJSM 2006;40(5):485); its points say so and name where it was read."""
    c2 = [p for p in load_points() if p.group == "C2"]
    assert len(c2) == 3
    for p in c2:
        assert p.barrier == "damp_towel" and p.pack_initial_c == -20
        assert "BJSM 2006;40(5):485" in p.pack_initial_basis and "BJSM" in p.note


def test_a_pack_frozen_colder_than_its_modality_cools_more():
    """``pack_initial_c`` reaches the model: ice from -20 degC ends colder than ice at 0 degC."""
    ice = next(p for p in load_points() if p.id == "C2-ice")
    at_zero = ice.model_copy(update={"pack_initial_c": None, "pack_initial_basis": None})
    assert model_value(ice, own_contact=False) < model_value(at_zero, own_contact=False) - 0.3


def test_a_pack_start_without_its_source_is_refused():
    row = next(p for p in load_points() if p.id == "C2-ice").model_dump()
    row["pack_initial_basis"] = " "
    with pytest.raises(ValidationError, match="pack_initial_basis"):
        CalibrationPoint(**row)


def test_double_dry_towel_fall_within_published_range(table):
    row = table.loc["C7-towel"]
    assert row["measured_low"] <= row["model"] <= row["measured_high"]


def test_otte_trend_within_35_percent(table):
    rows = table.loc[list(OTTE_SKINFOLDS)]
    x = np.array(list(OTTE_SKINFOLDS.values()))
    measured = np.polyfit(x, rows["measured"], 1)[0]
    model = np.polyfit(x, rows["model"], 1)[0]
    print(f"\nOtte slope: measured {measured:.2f} min/mm, model {model:.2f} min/mm")
    assert abs(model - measured) / measured <= 0.35
    assert np.all(np.diff(rows["model"].to_numpy()) > 0)  # more fat, longer


@pytest.mark.parametrize("point_id", list(OTTE_SKINFOLDS))
def test_otte_each_point_within_35_percent(table, point_id):
    row = table.loc[point_id]
    assert abs(row["rel_error"]) <= 0.35, f"{point_id}: {row['rel_error'] * 100:+.0f} %"


@pytest.mark.parametrize(
    "point_id",
    [p.id for p in load_points() if p.quantity == "muscle_1cm_drop_c" and not p.after_removal],
)
def test_myrer_1cm_falls_within_2_5_c(table, point_id):
    row = table.loc[point_id]
    assert abs(row["error"]) <= 2.5, f"{point_id}: {row['error']:+.2f} degC"


def test_fitted_parameters_file_is_complete():
    fitted = load_fitted_parameters()
    assert set(FREE_PARAMETERS) <= set(fitted)
    ids = {p.id for p in load_points()}
    for name in FREE_PARAMETERS:
        assert fitted[name].fitted_to and set(fitted[name].fitted_to) <= ids


@pytest.mark.parametrize("name", list(FREE_PARAMETERS))
def test_no_fitted_parameter_sits_at_a_bound(name):
    entry = load_fitted_parameters()[name]
    if entry.bounds is None:  # the spread is estimated, not bounded
        assert entry.value > 0
        return
    low, high = entry.bounds
    # more than 1 % (in log terms) inside each bound
    assert np.log(low) + 0.01 < np.log(entry.value) < np.log(high) - 0.01, (name, entry)
    assert entry.ci95 is not None and entry.ci95[0] <= entry.value <= entry.ci95[1]


def test_each_study_is_described_by_its_own_contact_within_the_spread():
    fitted = load_fitted_parameters()
    spread = fitted["contact_spread_log_sd"].value
    factors = [fitted[f"study_contact_{g}"].value for g in STUDY_GROUPS]
    # the factors spread around the typical contact (1) and no study is an outlier beyond 3 SD
    assert min(factors) < 1 < max(factors)
    assert all(abs(np.log(f)) < 3 * spread for f in factors)


def test_tissue_inputs_are_labelled_not_attributed_to_the_brief():
    tissue = load_tissue()
    sources = load_sources()
    for name in type(tissue).model_fields:
        q = getattr(tissue, name)
        if q.source_ids:  # sourced inputs name every source in their basis
            assert all(s in sources and s in q.basis for s in q.source_ids), name
        else:
            assert re.search(r"textbook value, typical|physical constant|model geometry", q.basis)


def test_report_gives_cross_validated_skin_error_and_intervals():
    report = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert "## Cross-validation (leave one study out)" in report
    assert re.search(r"root-mean-square error \*\*\d+\.\d\d degC\*\*", report)
    assert "approx. 95 % interval" in report
    assert "Parameters at a bound of the fit: none." in report


def test_report_shows_every_point_beside_the_model(table):
    report = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    after = {p.id for p in load_points() if p.after_removal}
    for point_id, row in table.iterrows():
        line = next((ln for ln in report.splitlines() if ln.startswith(f"| {point_id} |")), None)
        assert line is not None, f"{point_id} missing from docs/calibration.md"
        cells = [c.strip() for c in line.split("|")]
        if point_id in after:  # the rewarming tables: the fitted model is column 7
            model_cell, expected = cells[7], f"{row['model']:+.2f}"
        else:  # the model with the study's own contact
            model_cell = cells[8]
            expected = "not reached" if np.isinf(row["model"]) else f"{row['model']:.2f}"
        assert model_cell == expected, (
            f"{point_id}: report says {model_cell}, model gives {expected}; "
            "rerun scripts/fit_thermal.py --report"
        )


def test_frozen_pack_contact_trial_is_reported_and_leaves_the_model_as_it_was():
    """The trial that would meet C2-ice (a contact of their own for frozen packs) is refitted by
    the script and reported with its cross-validation; running it changes nothing after."""
    fit_thermal = _fit_script()
    before = (dict(fit_thermal.BOUNDS), compare(own_contact=False)["model"].to_numpy())
    values = {k: v.value for k, v in load_fitted_parameters().items()}
    trial = fit_thermal.frozen_contact_trial(values, load_points())
    assert trial is not None and 0 < trial["ratio"] and np.isfinite(trial["loso_rms"])
    assert set(trial["typical"]) >= {"C2-ice", "C2-peas", "C3-ice"}
    assert fit_thermal.BOUNDS == before[0] and "h_contact_frozen" not in fit_thermal.START
    np.testing.assert_allclose(compare(own_contact=False)["model"].to_numpy(), before[1])
    report = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    note = report.split("**Why C2-ice is still", 1)[1].split("## ", 1)[0]
    assert f"leave-one-study-out skin RMS rises to {trial['loso_rms']:.2f} degC" in note
    verdict = "It is not adopted." if trial["loso_rms"] > 3 else "should be adopted"
    assert verdict in note
