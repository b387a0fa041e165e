"""Time the export of the whole notebook suite: slides + pages (python -m aftercare export all).

Prints wall-clock seconds (time.perf_counter) for each stage: executing every notebook in memory
(nbclient, python3 kernel, N at a time), rendering the offline decks, rendering the pages
(assets copied once into a fresh temporary folder), and the total. Also prints the machine's
CPU count and 1-minute load average, since the numbers move with other work on the box.

Usage: python benchmarks/export_speed.py [--jobs N] [--repeat R] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebook in notebooks/")
    parser.add_argument(
        "--jobs", type=int, default=None, help="kernels at once (default: CPUs, max 4)"
    )
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    from aftercare.export.notebooks import default_jobs, execute_notebooks, find_notebooks
    from aftercare.export.render import write_exports

    paths = find_notebooks(args.notebooks or None)
    jobs = args.jobs or default_jobs()
    print(
        f"{len(paths)} notebooks, jobs={jobs}, cpus={os.cpu_count()}, "
        f"load(1 min)={os.getloadavg()[0]:.2f}"
    )
    totals = []
    for run in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as tmp:
            t0 = time.perf_counter()
            executed = execute_notebooks(paths, jobs=jobs)
            t1 = time.perf_counter()
            write_exports(executed, "slides", Path(tmp))
            t2 = time.perf_counter()
            write_exports(executed, "html", Path(tmp))
            t3 = time.perf_counter()
            size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        totals.append(t3 - t0)
        print(
            f"run {run}: execute {t1 - t0:.1f} s, slides {t2 - t1:.1f} s (incl. asset copy), "
            f"pages {t3 - t2:.1f} s, total {t3 - t0:.1f} s; output {size / 1e6:.1f} MB"
        )
    if len(totals) > 1:
        print(
            f"total: median {statistics.median(totals):.1f} s, min {min(totals):.1f} s, "
            f"max {max(totals):.1f} s over {len(totals)} runs"
        )


if __name__ == "__main__":
    main()
