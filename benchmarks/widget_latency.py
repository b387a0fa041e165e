"""How fast does the planner's chart follow a control? Prints numbers and how they were measured.

Run:  .venv/bin/python benchmarks/widget_latency.py [--updates 30] [--no-browser]

1. Kernel side, in one Python process running an asyncio event loop, as the kernel does (what a
   widget callback costs in the kernel): ``PlannerApp``: set the hours slider (each value
   different) and time the synchronous update (plan, artist updates, blit, finding the changed
   rectangle and sending it to the chart canvas) with ``perf_counter``; plus a breakdown of the
   steps, and the work deferred off the key press: the text panel (written ``text_delay_s``
   later) and the keyframe PNG (written once the controls are still). The same for a plain full
   re-plot of the same chart, as ``interact`` does it: ``icing_timeline(plan_icing(...))`` then
   the inline formatter's work (``savefig(png, bbox_inches="tight")``). CPU time
   (``process_time``) is printed beside wall time because the machine is shared.
2. Browser, end to end: JupyterLab on 127.0.0.1 (free port, token) and Debian's Chromium
   (headless, Playwright). Two notebooks: ``tests/e2e/planner.ipynb`` (PlannerApp) and
   ``tests/e2e/interact_planner.ipynb`` (``interact`` re-plotting the same chart). For each,
   ArrowRight on the focused slider handle; timed from a capture-phase keydown listener to the
   new chart pixels (the canvas's ``putImageData``/``drawImage``; for ``interact`` the
   ``<img>`` changing, then ``img.decode()``), then the next ``requestAnimationFrame``
   (latency.md section 1). For the planner also keydown -> its text panel changed. Warm-up
   presses are dropped; each press waits for its frame before the next one.

Goals (latency.md section 4): kernel update <= 20 ms median; browser <= 60 ms median and
<= 100 ms p90. Nothing here is asserted: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
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
    return asyncio.run(_kernel_side(updates))


async def _kernel_side(updates: int) -> dict[str, list[float]]:
    from aftercare import Patient, plan_icing
    from aftercare.charts import icing_timeline
    from aftercare.widgets import PlannerApp
    from aftercare.widgets.png import encode_png, encode_png_pil

    app = PlannerApp(diabetes=True, hours_since_needling=1)
    slider = app.controls["hours_since_needling"]
    view = app.chart_view
    values = [2 + (i % 40) for i in range(updates + 3)]
    out: dict[str, list[float]] = {
        k: []
        for k in (
            "app update (total)",
            "app update (CPU time)",
            "  plan_icing",
            "  chart.update",
            "  blit (draw only)",
            "  changed rectangle + send",
            "text panel (deferred)",
            "keyframe PNG (when still)",
            "  whole-chart PNG (zlib)",
            "  whole-chart PNG (PIL level 1)",
            "interact-style full re-plot",
            "interact-style re-plot (CPU time)",
        )
    }
    patch_kb: list[float] = []
    for i, value in enumerate(values):
        await asyncio.sleep(app.min_interval_s + 0.005)  # one press at a time, as a person
        c = time.process_time()
        t = time.perf_counter()
        slider.value = value
        total = (time.perf_counter() - t) * 1000
        cpu = (time.process_time() - c) * 1000
        t = time.perf_counter()
        app._write_text()
        text = (time.perf_counter() - t) * 1000
        if i >= 3:
            out["app update (total)"].append(total)
            out["app update (CPU time)"].append(cpu)
            out["text panel (deferred)"].append(text)
            patch = view.last_patch
            patch_kb.append(patch["w"] * patch["h"] * 4 / 1024)
    for _ in range(5):
        t = time.perf_counter()
        view._write_keyframe()  # what flush() does once the controls are still
        out["keyframe PNG (when still)"].append((time.perf_counter() - t) * 1000)
    plan = app.plan
    renderer = app.renderer
    canvas = renderer.canvas
    w, h = canvas.get_width_height(physical=True)
    for i in range(updates):
        t = time.perf_counter()
        plan = plan_icing(
            Patient(hours_since_needling=2 + i % 40, diabetes=True), app.protocols["seed-article"]
        )
        out["  plan_icing"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        app._refresh_chart(plan)  # as the app calls it (caption and alt text come with the text)
        out["  chart.update"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        frame = renderer.draw()
        out["  blit (draw only)"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        view.show(*frame)
        out["  changed rectangle + send"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        encode_png(canvas.buffer_rgba(), w, h)
        out["  whole-chart PNG (zlib)"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        encode_png_pil(canvas.buffer_rgba(), w, h)
        out["  whole-chart PNG (PIL level 1)"].append((time.perf_counter() - t) * 1000)
    for i in range(updates + 3):
        c = time.process_time()
        t = time.perf_counter()
        fig = icing_timeline(plan_icing(Patient(hours_since_needling=2 + i % 40, diabetes=True)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")  # what the inline formatter does
        if i >= 3:
            out["interact-style full re-plot"].append((time.perf_counter() - t) * 1000)
            out["interact-style re-plot (CPU time)"].append((time.process_time() - c) * 1000)
    print(
        f"  (changed rectangle per hours step: median {statistics.median(patch_kb):.0f} KB raw "
        f"RGBA, against {w * h * 4 / 1024:.0f} KB for the whole chart)"
    )
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
        "PlannerApp (blit + canvas patches)": (
            "planner.ipynb",
            "canvas.aftercare-chart",
            ".aftercare-text",
            ".aftercare-hours .noUi-handle",
        ),
        "interact full re-plot": (
            "interact_planner.ipynb",
            ".widget-output img",
            None,
            ".widget-slider .noUi-handle",
        ),
    }
    results: dict[str, list[float]] = {}
    try:
        with jupyter_lab(work) as server, browser_page() as (page, problems):
            for label, (notebook, image, text, handle) in cases.items():
                # ?reset: a fresh workspace, so the previous notebook is not restored beside it
                page.goto(f"{server.url}/lab/tree/{notebook}?reset&token={server.token}")
                try:
                    run_all_cells(page)
                except Exception:
                    page.screenshot(path=str(ROOT / "tests" / ".artifacts" / "bench_fail.png"))
                    raise
                page.wait_for_selector(image, timeout=60000)
                page.evaluate(LATENCY_PROBE, [image, text])
                page.focus(handle)
                for _ in range(warmup + updates):
                    before = page.evaluate("window.__lat.length")
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(f"window.__lat.length > {before}", timeout=20000)
                    page.wait_for_timeout(120)  # let the kernel settle: one press at a time
                results[label] = page.evaluate("window.__lat")[warmup:]
                if text:
                    results[label + ": text panel"] = page.evaluate("window.__latText")[warmup:]
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
    app = browser.get("PlannerApp (blit + canvas patches)", [])
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
