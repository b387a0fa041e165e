"""Benchmark: execution time of each teaching notebook, top to bottom, in a fresh kernel.

Usage::

    .venv/bin/python benchmarks/notebook_run.py            # all notebooks in notebooks/
    .venv/bin/python benchmarks/notebook_run.py 03 06      # only these numbers

How it is measured: for each notebook, a new ``python3`` kernel of the current environment is
started by nbclient and every cell is executed in order (the notebook on disk is not changed).
Wall-clock times come from ``time.perf_counter()``: "kernel" is the kernel start-up, "cells" the
execution of all cells, "total" both. The suite target is a total under 120 s for all notebooks;
this script only prints numbers (no test asserts on wall time). The machine is shared, so expect
run-to-run noise of about +-30 %.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
TARGET_S = 120.0


def run_one(path: Path) -> tuple[float, float, int]:
    """Execute one notebook in memory; return (kernel start-up s, cells s, number of cells)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        done = time.perf_counter()
    return started - start, done - started, sum(c.cell_type == "code" for c in nb.cells)


def main(argv: list[str]) -> int:
    wanted = set(argv)
    paths = [
        p
        for p in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
        if not wanted or p.name[:2] in wanted
    ]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'notebook':<40} {'cells':>5} {'kernel s':>9} {'cells s':>8} {'total s':>8}")
    grand = 0.0
    for path in paths:
        kernel_s, cells_s, n = run_one(path)
        grand += kernel_s + cells_s
        print(f"{path.name:<40} {n:>5} {kernel_s:>9.2f} {cells_s:>8.2f} {kernel_s + cells_s:>8.2f}")
    verdict = "within" if grand < TARGET_S else "OVER"
    print(
        f"{'suite':<40} {'':>5} {'':>9} {'':>8} {grand:>8.2f}  ({verdict} the {TARGET_S:g} s target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
