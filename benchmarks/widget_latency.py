"""How fast does the planner's chart follow a control? Prints numbers and how they were measured.

Run:  .venv/bin/python benchmarks/widget_latency.py [--updates 30] [--no-browser]

1. Kernel side, in one Python process (what a widget callback costs in the kernel):
   ``PlannerApp``: set the hours slider (each value different) and time the whole synchronous
   update (plan, artist updates, blit, PNG encode, Image.value) with ``perf_counter``; plus a
   breakdown of the steps. The same for a plain full re-plot of the same chart, as ``interact``
   does it: ``icing_timeline(plan_icing(...))`` then the inline formatter's work
   (``savefig(png, bbox_inches="tight")``). CPU time (``process_time``) is printed beside wall
   time because the machine is shared: when other jobs load it, wall time grows, CPU time less.
2. Browser, end to end: JupyterLab on 127.0.0.1 (free port, token) and Debian's Chromium
   (headless, Playwright). Two notebooks: ``tests/e2e/planner.ipynb`` (PlannerApp) and
   ``tests/e2e/interact_planner.ipynb`` (``interact`` re-plotting the same chart). For each,
   ArrowRight on the focused slider handle; timed from a capture-phase keydown listener to the
   chart ``<img>`` changing (MutationObserver), then ``img.decode()``, then the next
   ``requestAnimationFrame`` (latency.md section 1). Warm-up presses are dropped; each press
   waits for its frame before the next one.

Goals (latency.md section 4): kernel update <= 20 ms median; browser <= 60 ms median and
<= 100 ms p90. Nothing here is asserted: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import io
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return (
        f"median {statistics.median(ordered):6.1f}  p90 {p90:6.1f}  "
        f"min {ordered[0]:6.1f}  max {ordered[-1]:6.1f}  (n={len(ordered)})"
    )


def kernel_side(updates: int) -> dict[str, list[float]]:
    from aftercare import Patient, plan_icing
    from aftercare.charts import icing_timeline
    from aftercare.widgets import PlannerApp
    from aftercare.widgets.fastdraw import encode_png, encode_png_pil

    app = PlannerApp(diabetes=True, hours_since_needling=1)
    slider = app.controls["hours_since_needling"]
    values = [2 + (i % 40) for i in range(updates + 3)]
    out: dict[str, list[float]] = {
        k: []
        for k in (
            "app update (total)",
            "app update (CPU time)",
            "  plan_icing",
            "  chart.update",
            "  blit + encode",
            "  PNG encode (zlib, no filter)",
            "  PNG encode (PIL level 1)",
            "interact-style full re-plot",
            "interact-style re-plot (CPU time)",
        )
    }
    for i, value in enumerate(values):
        c = time.process_time()
        t = time.perf_counter()
        slider.value = value
        total = (time.perf_counter() - t) * 1000
        cpu = (time.process_time() - c) * 1000
        if i >= 3:
            out["app update (total)"].append(total)
            out["app update (CPU time)"].append(cpu)
    plan = app.plan
    renderer = app._renderer
    canvas = renderer.canvas
    w, h = canvas.get_width_height(physical=True)
    for i in range(updates):
        t = time.perf_counter()
        plan = plan_icing(
            Patient(hours_since_needling=2 + i % 40, diabetes=True), app.protocols["seed-article"]
        )
        out["  plan_icing"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        app._chart.update(plan)
        out["  chart.update"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        renderer.render()
        out["  blit + encode"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        encode_png(canvas.buffer_rgba(), w, h)
        out["  PNG encode (zlib, no filter)"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        encode_png_pil(canvas.buffer_rgba(), w, h)
        out["  PNG encode (PIL level 1)"].append((time.perf_counter() - t) * 1000)
    for i in range(updates + 3):
        c = time.process_time()
        t = time.perf_counter()
        fig = icing_timeline(plan_icing(Patient(hours_since_needling=2 + i % 40, diabetes=True)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")  # what the inline formatter does
        if i >= 3:
            out["interact-style full re-plot"].append((time.perf_counter() - t) * 1000)
            out["interact-style re-plot (CPU time)"].append((time.process_time() - c) * 1000)
    return out


def browser_side(updates: int, warmup: int = 3) -> dict[str, list[float]]:
    from harness import (
        LATENCY_PROBE,
        browser_page,
        jupyter_lab,
        run_all_cells,
        shutdown_kernels,
    )

    work = Path(tempfile.mkdtemp(prefix="aftercare-bench-"))
    for name in ("planner.ipynb", "interact_planner.ipynb"):
        shutil.copy(ROOT / "tests" / "e2e" / name, work / name)
    cases = {
        "PlannerApp (blit + Image widget)": (
            "planner.ipynb",
            "img.aftercare-chart",
            ".aftercare-hours .noUi-handle",
        ),
        "interact full re-plot": (
            "interact_planner.ipynb",
            ".widget-output img",
            ".widget-slider .noUi-handle",
        ),
    }
    results: dict[str, list[float]] = {}
    try:
        with jupyter_lab(work) as server, browser_page() as (page, problems):
            for label, (notebook, image, handle) in cases.items():
                # ?reset: a fresh workspace, so the previous notebook is not restored beside it
                page.goto(f"{server.url}/lab/tree/{notebook}?reset&token={server.token}")
                try:
                    run_all_cells(page)
                except Exception:
                    page.screenshot(path=str(ROOT / "tests" / ".artifacts" / "bench_fail.png"))
                    raise
                page.wait_for_selector(image, timeout=60000)
                page.evaluate(LATENCY_PROBE, image)
                page.focus(handle)
                for _ in range(warmup + updates):
                    before = page.evaluate("window.__lat.length")
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(f"window.__lat.length > {before}", timeout=20000)
                    page.wait_for_timeout(120)  # let the kernel settle: one press at a time
                results[label] = page.evaluate("window.__lat")[warmup:]
                page.evaluate("window.__lat = []")
                shutdown_kernels(server)  # so the next notebook's kernel runs alone
                page.wait_for_timeout(500)
            if problems:
                print("browser reported:", *problems, sep="\n  ")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=30)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    import os

    import matplotlib

    print(
        f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at start; times in ms"
    )
    print("\n1. Kernel side (in-process perf_counter, one update per hours value)")
    kernel = kernel_side(args.updates)
    for name, values in kernel.items():
        print(f"  {name:32s} {summary(values)}")
    ratio = statistics.median(kernel["interact-style full re-plot"]) / statistics.median(
        kernel["app update (total)"]
    )
    print(
        f"  goal: app update <= 20 ms median -> "
        f"{'met' if statistics.median(kernel['app update (total)']) <= 20 else 'NOT met'}; "
        f"full re-plot / app update = {ratio:.1f}x"
    )
    if args.no_browser:
        return
    print(f"  (load average now {__import__('os').getloadavg()[0]:.1f})")
    print("\n2. Browser: keydown -> new chart painted (JupyterLab + Chromium, ArrowRight)")
    browser = browser_side(args.updates)
    for name, values in browser.items():
        print(f"  {name:34s} {summary(values)}")
    app = browser.get("PlannerApp (blit + Image widget)", [])
    base = browser.get("interact full re-plot", [])
    if app and base:
        ordered = sorted(app)
        p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
        med = statistics.median(app)
        print(
            f"  goal: <= 60 ms median, <= 100 ms p90 -> "
            f"{'met' if med <= 60 and p90 <= 100 else 'NOT met'}; "
            f"interact / app (median) = {statistics.median(base) / med:.1f}x"
        )


if __name__ == "__main__":
    main()
