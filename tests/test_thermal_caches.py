"""Caches that follow the data (issue #23, item 4) and the wetting barrier's modality (item 5).

Every cache of a value derived from ``data/`` registers with :func:`aftercare.data.clear_caches`
through one decorator (:func:`aftercare.data.data_cache`). After a data edit and
``clear_caches()``, every public function of :mod:`aftercare.thermal` must give what a fresh
process reading the edited folder gives.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aftercare import thermal
from aftercare.data import clear_caches
from aftercare.errors import DataError
from aftercare.packs import load_barriers, load_modalities
from aftercare.thermal import model

ROOT = Path(__file__).resolve().parents[1]

#: functools caches that hold nothing read from data/ (with the reason).
NOT_FROM_DATA = {
    ("aftercare/sheet/i18n.py", "get_translator"): "reads the package's .po catalogues",
    ("aftercare/resources.py", "checkout_root"): "where the checkout is",
    ("aftercare/export/browser.py", "*"): "which Chromium is installed",
    ("aftercare/charts/alternatives.py", "*"): "text widths in the house font",
}

#: Every public model function, called with fixed arguments; values as plain floats.
PROBE = """
import json
from aftercare import thermal
cold = thermal.simulate_cooling("crushed_ice", "damp_towel", 20, rewarm_min=30, skinfold_mm=15)
band = thermal.cooling_band("gel_pack", "none", 20)
heat = thermal.simulate_heating("hydrocollator", 8, 20)
out = {
    "simulate_cooling": [float(v) for v in cold.iloc[-1, 1:]] + [float(cold.skin_c.iloc[20])],
    "cooling_band": [float(v) for v in band.iloc[-1, 1:]],
    "session_end_skin_c": thermal.session_end_skin_c("crushed_ice", "damp_towel", 20, 15),
    "session_end_skin_band_c": list(thermal.session_end_skin_band_c("gel_pack", "none", 20, 15)),
    "simulate_heating": [float(v) for v in heat.iloc[-1, 1:5]],
    "load_thresholds": thermal.load_thresholds()["high_c"].tolist(),
    "modality_ids": list(thermal.modality_ids()),
    "barrier_ids": list(thermal.barrier_ids()),
    "heat_source_ids": list(thermal.heat_source_ids()),
}
print(json.dumps(out))
"""


def _probe_here() -> dict:
    namespace: dict = {}
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(PROBE, namespace)  # noqa: S102 - the fixed probe above
    return json.loads(buffer.getvalue())


def _probe_fresh_process(data: Path) -> dict:
    env = {**os.environ, "AFTERCARE_DATA": str(data)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _edit(path: Path, key: str, field: str, value) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc[key][field] = value
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_every_public_model_function_follows_a_data_edit(data_copy):
    before = _probe_here()  # fills every cache
    assert set(before) == set(thermal.__all__) - {"COLUMNS", "LIMITS"}
    # edits that reach every function: tissue (grid, phases, baselines, sessions, bands),
    # a fitted contact, a heat source, a threshold and an id
    _edit(data_copy / "tissue.yaml", "arterial_c", "value", 36.0)
    _edit(data_copy / "calibration" / "fitted_parameters.yaml", "h_contact", "value", 20.0)
    _edit(data_copy / "heat_sources.yaml", "hydrocollator", "initial_c", 60.0)
    thresholds = data_copy / "thresholds.csv"
    thresholds.write_text(
        thresholds.read_text(encoding="utf-8").replace(",44,44,", ",45,45,", 1), encoding="utf-8"
    )
    clear_caches()
    after = _probe_here()
    fresh = _probe_fresh_process(data_copy)
    for name in before:
        assert after[name] == pytest.approx(fresh[name]), name
    changed = ("simulate_cooling", "cooling_band", "session_end_skin_c", "session_end_skin_band_c")
    for name in (*changed, "simulate_heating"):
        assert after[name] != pytest.approx(before[name]), f"{name} ignored the edit"


def _functools_caches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                text = ast.unparse(target)
                if text.split(".")[-1] in {"lru_cache", "cache"}:  # not per-object caches
                    names.append(node.name)
    return names


def test_no_cache_of_data_bypasses_the_registering_decorator():
    offenders = []
    for path in sorted((ROOT / "aftercare").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "aftercare/data.py":  # where data_cache itself wraps lru_cache
            continue
        for name in _functools_caches(path):
            if (rel, name) not in NOT_FROM_DATA and (rel, "*") not in NOT_FROM_DATA:
                offenders.append(f"{rel}:{name}")
    assert not offenders, f"use aftercare.data.data_cache for these caches: {offenders}"


def _wet_the_damp_towel(data: Path, modality: str) -> None:
    path = data / "barriers.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  plan_label: a thin damp towel\n"
    assert marker in text
    path.write_text(
        text.replace(marker, marker + f"  wets_contact: {modality}\n", 1), encoding="utf-8"
    )


def test_the_wetting_barrier_names_its_modality_in_data(data_copy):
    # the shipped damp towel does not wet the contact (data/barriers.yaml says why); a clinic's
    # barrier that does names the modality whose contact it gives, and renaming that modality
    # is a data change only: no modality id lives in the code
    assert load_barriers()["damp_towel"].wets_contact is None
    _wet_the_damp_towel(data_copy, "ice_and_water")
    modalities = data_copy / "modalities.yaml"
    modalities.write_text(
        modalities.read_text(encoding="utf-8").replace("wetted_ice:", "ice_and_water:"),
        encoding="utf-8",
    )
    clear_caches()
    ice, damp = load_modalities()["crushed_ice"], load_barriers()["damp_towel"]
    assert damp.wets_contact == "ice_and_water"
    wetted = load_modalities()["ice_and_water"].contact_multiplier
    assert wetted > ice.contact_multiplier
    assert model.contact_multiplier(ice, damp) == wetted


def test_a_wetting_barrier_naming_no_modality_is_refused_with_file_and_key(data_copy):
    _wet_the_damp_towel(data_copy, "slush")
    clear_caches()
    with pytest.raises(DataError) as info:
        load_barriers()
    message = str(info.value)
    assert "data/barriers.yaml" in message and "damp_towel.wets_contact" in message
    assert "'slush'" in message and "wetted_ice" in message
