"""How fast is plan_icing? Prints medians; goals: one call < 1 ms, 10,000 random patients < 2 s.

Measured with time.perf_counter around each call, after one warm-up call (which loads and
validates the data tables). "plan" is plan_icing itself: schedule, verdict, flags, instructions
and alternatives. "plan + table" also reads ``plan.sessions``, the DataFrame, which is built on
first access; widgets and charts read it, so both numbers are printed.

Run: .venv/bin/python benchmarks/plan_speed.py
"""

from __future__ import annotations

import random
import statistics
import time

from aftercare import Patient, load_protocol, plan_icing
from aftercare.factors import factor_ids


def random_patients(n: int, seed: int = 1) -> list[Patient]:
    rng = random.Random(seed)
    factors = factor_ids()
    out = []
    for _ in range(n):
        present = rng.sample(factors, k=rng.choice([0, 0, 0, 1, 1, 2]))
        out.append(
            Patient(
                hours_since_needling=rng.uniform(0, 72),
                needled_at=f"{rng.randint(6, 20):02d}:{rng.choice([0, 15, 30, 45]):02d}",
                skinfold_mm=rng.uniform(0, 40),
                **{f: True for f in present},
            )
        )
    return out


def median_ms(func, repeats: int = 2000) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    protocol = load_protocol()
    patient = Patient(hours_since_needling=0, needled_at="09:00", diabetes=True)
    plan_icing(patient, protocol)  # warm-up: loads the data tables
    one = median_ms(lambda: plan_icing(patient, protocol))
    one_table = median_ms(lambda: plan_icing(patient, protocol).sessions)
    print(f"one plan_icing call, median of 2000: {one:.3f} ms (goal < 1 ms)")
    print(f"one plan_icing call + sessions DataFrame, median of 2000: {one_table:.3f} ms")

    patients = random_patients(10_000)
    runs, runs_table = [], []
    for _ in range(3):
        start = time.perf_counter()
        for p in patients:
            plan_icing(p, protocol)
        runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        for p in patients:
            plan_icing(p, protocol).sessions  # noqa: B018 - build the table
        runs_table.append(time.perf_counter() - start)
    print(f"10,000 random patients, median of 3 runs: {statistics.median(runs):.2f} s (goal < 2 s)")
    print(
        f"10,000 random patients incl. sessions DataFrames, median of 3 runs: "
        f"{statistics.median(runs_table):.2f} s"
    )


if __name__ == "__main__":
    main()
