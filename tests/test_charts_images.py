"""Image regression: each chart, drawn from frozen inputs, against a committed baseline PNG.

Regenerate the baselines after an intended change of the house style or a chart with

    AFTERCARE_UPDATE_BASELINES=1 pytest tests/test_charts_images.py

then look at every image in ``tests/baseline_images/`` before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from chart_fixtures import (
    fake_comparison,
    fake_effects,
    fake_plan,
    fake_simulation,
    fake_soreness,
    fake_thresholds,
)
from matplotlib.testing.compare import compare_images

from aftercare.charts import AlternativesChart, CoolingChart, TimelineChart, protocol_comparison

BASELINES = Path(__file__).parent / "baseline_images"
RESULTS = Path(__file__).parent / ".artifacts" / "images"
#: RMS difference allowed (0-255 grey levels): absorbs freetype/antialiasing differences
#: between machines, far below what a moved or missing artist causes.
TOLERANCE = 6

CASES = {
    "timeline_caution": lambda: TimelineChart(fake_plan(), soreness=fake_soreness()).figure,
    "timeline_avoid_late": lambda: (
        TimelineChart(
            fake_plan(verdict="avoid", hours=30, needled_at="15:30"), soreness=fake_soreness()
        ).figure
    ),
    "cooling_curve": lambda: CoolingChart(fake_simulation(), fake_thresholds()).figure,
    "alternatives": lambda: AlternativesChart(fake_comparison(), fake_effects()).figure,
    "protocol_comparison": lambda: protocol_comparison(
        fake_plan(protocol="preset-a", wait_h=3), fake_plan(protocol="preset-b", wait_h=0)
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_chart_matches_baseline(name):
    fig = CASES[name]()
    baseline = BASELINES / f"{name}.png"
    if os.environ.get("AFTERCARE_UPDATE_BASELINES"):
        fig.savefig(baseline)
        pytest.skip(f"wrote {baseline}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    actual = RESULTS / f"{name}.png"
    fig.savefig(actual)
    assert baseline.is_file(), f"no baseline {baseline}; see this module's docstring"
    result = compare_images(str(baseline), str(actual), tol=TOLERANCE)
    assert result is None, result
