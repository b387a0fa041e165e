"""Fixed, hand-written inputs for chart tests: independent of the domain models' numbers.

Image baselines must change only when the chart code changes, not when a protocol, the thermal
model or the soreness data are revised, so these inputs are frozen here. They mimic the shapes
of plan_icing, simulate_cooling, load_thresholds and compare_alternatives results; the numbers
are illustrative test data, not clinical values.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd

from aftercare.charts.soreness_data import SorenessCourse


def fake_plan(
    verdict: str = "caution",
    hours: float = 1.0,
    protocol: str = "test-protocol",
    wait_h: float = 3.0,
    horizon_h: float = 72.0,
    needled_at: str = "09:00",
):
    starts = [wait_h + 2 * k for k in range(6)]
    sessions = pd.DataFrame(
        {
            "session": range(1, len(starts) + 1),
            "day": [1] * len(starts),
            "start_h": starts,
            "end_h": [s + 1 / 3 for s in starts],
            "minutes": [20.0] * len(starts),
            "barrier_label": ["a dry towel or cloth"] * len(starts),
            "clock_time": [f"{9 + int(s):02d}:00" for s in starts],
        }
    )
    flags = (
        (
            SimpleNamespace(
                level="caution",
                factor="diabetes",
                label="Diabetes mellitus",
                reason="Test reason one. More text.",
                source_ids=("src-a", "src-b"),
                instruction="Check the skin.",
            ),
        )
        if verdict != "ok"
        else ()
    )
    return SimpleNamespace(
        verdict=verdict,
        verdict_reason="test",
        sessions=sessions,
        flags=flags,
        instructions=(),
        wait_until_h=wait_h,
        first_start_h=wait_h,
        horizon_h=horizon_h,
        sleep_windows=((14.0, 22.0), (38.0, 46.0), (62.0, 70.0)),
        patient=SimpleNamespace(
            hours_since_needling=hours, needled_at=dt.time.fromisoformat(needled_at)
        ),
        protocol=SimpleNamespace(
            name=protocol,
            wait_hours=wait_h,
            max_session_minutes=20.0,
            interval_hours=2.0,
            plan_hours=horizon_h,
            barrier="dry_towel",
            modality="crushed_ice",
        ),
    )


def fake_soreness() -> SorenessCourse:
    hours = np.array([0.0, 6.0, 24.0, 48.0, 72.0])
    values = np.array([3.0, 4.0, 3.2, 2.0, 1.0])
    return SorenessCourse(
        hours,
        values,
        len(hours),
        "Soreness (0-10 scale)",
        ("src-a",),
        band_h=(6.0, 12.0),
        band_source_ids=("src-b",),
    )


def fake_simulation(application_min: float = 20, total_min: float = 50) -> pd.DataFrame:
    t = np.arange(0, total_min + 1, 1.0)
    on = t <= application_min
    cold = 32 - 20 * (1 - np.exp(-t / 5))
    end = 32 - 20 * (1 - np.exp(-application_min / 5))
    skin = np.where(on, cold, 32 - (32 - end) * np.exp(-(t - application_min) / 8))
    frame = pd.DataFrame(
        {
            "time_min": t,
            "skin_c": skin,
            "muscle_1cm_c": 35 - 4 * (1 - np.exp(-t / 15)),
            "muscle_3cm_c": 36.5 - 1 * (1 - np.exp(-t / 25)),
        }
    )
    frame.attrs.update(
        modality="crushed_ice", barrier="dry_towel", application_min=float(application_min)
    )
    return frame


def fake_thresholds() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["analgesia", "ncv", "ncv_unconfirmed", "numb"],
            "label": [
                "Analgesia line",
                "Nerve conduction line",
                "A claim said to hold",
                "Numb band",
            ],
            "kind": ["line", "line", "line", "band"],
            "side": ["cold"] * 4,
            "low_c": [13.6, 10.0, 12.5, 3.0],
            "high_c": [13.6, 10.0, 12.5, 10.0],
            "confidence": ["high", "high", "unconfirmed", "low"],
            "source_ids": [("src-a",), ("src-b",), ("src-c",), ("src-d",)],
            "note": [""] * 4,
        }
    )


def fake_comparison(ice: str = "avoid") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "therapy": ["ice", "heat", "massage"],
            "name": ["Ice pack (cold)", "Superficial heat", "Gentle massage"],
            "plain_name": ["Ice", "Heat", "Massage"],
            "delivered_by": ["patient", "patient", "clinician"],
            "suitability": [ice, "caution", "recommended"],
            "reasons": ["r1", "r2", "r3"],
            "evidence_level": ["PNS trials", "indirect", "opinion only"],
            "evidence_summary": ["s1", "s2", "s3"],
            "source_ids": [("src-a",), ("src-b",), ("src-c",)],
        }
    )


def fake_effects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "therapy": ["ice", "heat", "massage"],
            "therapy_name": ["Ice pack (cold)", "Superficial heat", "Gentle massage"],
            "outcome": ["Soreness at 24 h", "Soreness at 24 h", "Soreness at day 1"],
            "measure": ["SMD", "SMD", "MD"],
            "estimate": [-0.5, -1.0, -5.0],
            "ci_low": [-0.9, -2.0, np.nan],
            "ci_high": [-0.1, -0.2, np.nan],
            "scale": [
                "standardised mean difference",
                "standardised mean difference",
                "0-100 points",
            ],
            "population": ["test"] * 3,
            "source_id": ["src-a", "src-b", "src-c"],
        }
    )
