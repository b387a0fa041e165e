"""A short smoke run of ``scripts/fit_thermal.py`` on a subset of the calibration (issue #23).

The full fit takes minutes; CI runs the same code on three study groups (C1, C3, C7), with
the profiles skipped, into a scratch copy of the data folder, and checks what it wrote.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_fit_script_runs_on_a_subset_and_writes_its_files(data_copy, tmp_path):
    real_data, real_report = ROOT / "data", ROOT / "docs" / "calibration.md"
    before = (_digest(real_data), real_report.read_bytes())
    report = tmp_path / "calibration.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "fit_thermal.py"),
            "--groups",
            "C1,C3,C7",
            "--skip-profiles",
            "--report-path",
            str(report),
        ],
        env={**os.environ, "AFTERCARE_DATA": str(data_copy)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # it wrote into the folder it was given, never into the checkout
    assert (_digest(real_data), real_report.read_bytes()) == before
    fitted = yaml.safe_load((data_copy / "calibration" / "fitted_parameters.yaml").read_text())
    assert set(fitted) >= {"h_contact", "gel_mass_kg", "r_dry_towel_layer", "study_contact_C1"}
    assert "study_contact_C6" not in fitted  # groups outside the subset are not fitted
    for name, entry in fitted.items():
        assert entry["value"] > 0, name
        if entry.get("bounds"):
            low, high = entry["bounds"]
            assert low < entry["value"] < high, name
    cv = (data_copy / "calibration" / "cross_validation.csv").read_text().splitlines()
    assert any(line.startswith("C1-peas,C1,skin_end_c,10.8,") for line in cv)
    text = report.read_text(encoding="utf-8")
    for heading in (
        "## Each point beside the model, before and after",
        "## Cross-validation (leave one study out)",
        "## Rewarming: fit and validation",
        "## Points still missed",
    ):
        assert heading in text, heading
    assert "| C3-ice | selfe2009 |" in text and "| C6-le8-1cm |" not in text
    assert "Parameters at a bound of the fit: none." in text


def test_fit_script_refuses_an_unknown_group(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fit_thermal.py"), "--groups", "C9"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert "--groups: unknown group(s) ['C9']" in done.stderr
