"""Speed of the thermal model: prints medians and how they were measured.

Usage::

    .venv/bin/python benchmarks/model_speed.py

Goals (issue #3): one 20-minute application plus 30 minutes of rewarming under 5 ms (median);
a 72-hour plan with all its sessions (about 24) under 50 ms (median).

"Warm" means the phase solutions for that modality, barrier, skinfold and baseline are already
cached (the usual case in a notebook or widget after the first call); "cold" clears every cache
of the model and every table read from data/ before each repetition (aftercare.data.clear_caches),
so it includes reading the files, building the grid and the eigen-decompositions. Times are
wall-clock ``time.perf_counter`` on whatever machine runs this; the machine's load is printed alongside.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aftercare import thermal  # noqa: E402
from aftercare.data import clear_caches  # noqa: E402


def clear_model_caches() -> None:
    clear_caches()


def median_ms(func, repeats: int, cold: bool) -> tuple[float, float, float]:
    times = []
    for _ in range(repeats):
        if cold:
            clear_model_caches()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def plan_sessions() -> list[tuple[str, str, float, float]]:
    """(modality, barrier, minutes, minutes to the next session) for a 72-hour plan."""
    try:
        from aftercare import Patient, load_protocol, plan_icing

        plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), load_protocol())
        rows = plan.sessions
        starts = list(rows["start_h"]) + [float(plan.horizon_h)]
        out = []
        for i, row in enumerate(rows.itertuples()):
            gap = max(0.0, (starts[i + 1] - row.end_h) * 60)
            out.append(
                (
                    getattr(row, "modality", "crushed_ice"),
                    row.barrier,
                    float(row.minutes),
                    min(gap, 240.0),
                )
            )
        return out
    except Exception as exc:  # the planner belongs to another module; fall back to a fixed plan
        print(f"(planner not usable here: {exc!r}; using 24 sessions of 20 min every 3 h)")
        return [("crushed_ice", "damp_towel", 20.0, 160.0)] * 24


def main() -> int:
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("n/a",)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load}")
    thermal.simulate_cooling("crushed_ice", "none", 1)  # load data files once

    def one():
        thermal.simulate_cooling("crushed_ice", "damp_towel", 20, rewarm_min=30, skinfold_mm=12.0)

    def one_baseline():
        thermal.simulate_cooling(
            "frozen_peas", "dry_towel", 20, rewarm_min=30, skinfold_mm=23.0, baseline_skin_c=28.0
        )

    sessions = plan_sessions()

    def plan_full():
        for modality, barrier, minutes, gap in sessions:
            thermal.simulate_cooling(modality, barrier, minutes, rewarm_min=gap, skinfold_mm=12.0)

    def plan_end_temperatures():
        for modality, barrier, minutes, _ in sessions:
            thermal.session_end_skin_c(modality, barrier, minutes, 12.0)

    rows = [
        ("20 min application + 30 min rewarming (DataFrame)", one, 300, False),
        ("  same, cold caches", one, 50, True),
        ("  peas, dry towel, baseline 28 degC, cold caches", one_baseline, 50, True),
        (
            f"72-h plan, {len(sessions)} sessions, each simulated with rewarming to the next",
            plan_full,
            50,
            False,
        ),
        ("  same, cold caches", plan_full, 20, True),
        (
            f"72-h plan, session_end_skin_c for {len(sessions)} sessions, cold caches",
            plan_end_temperatures,
            50,
            True,
        ),
    ]
    print(f"{'case':<80} {'median ms':>10} {'min':>8} {'max':>8}  repeats")
    for label, func, repeats, cold in rows:
        med, low, high = median_ms(func, repeats, cold)
        print(f"{label:<80} {med:>10.3f} {low:>8.3f} {high:>8.3f}  {repeats}")
    print("goals: single simulation < 5 ms median; 72-h plan < 50 ms median")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
