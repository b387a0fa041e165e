"""End to end: the planner in JupyterLab and in voila, in Debian's Chromium.

Each test starts its own server on 127.0.0.1 (free port, token, own process group, under
``timeout``), changes a control with the keyboard, and checks that the chart's pixels (the
live ``<canvas>``, which receives patches) and the verdict changed and that the browser logged
no error. Screenshots go to ``tests/.artifacts/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from harness import (
    ARTIFACTS,
    browser_page,
    chromium_available,
    jupyter_lab,
    open_tab,
    run_all_cells,
    voila,
)

HERE = Path(__file__).parent
CHART = "canvas.aftercare-chart"
#: The canvas's pixels as a PNG data URL (changes whenever a patch or a whole frame is drawn).
PIXELS = "(sel) => document.querySelector(sel).toDataURL('image/png')"
CHANGED = "([sel, old]) => document.querySelector(sel).toDataURL('image/png') !== old"
VERDICT = ".aftercare-verdict"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium"),
    pytest.mark.timeout(150),
]


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(HERE / "planner.ipynb", tmp_path / "planner.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return tmp_path


def _change_with_keyboard(page) -> None:
    """Move the hours slider with the arrow key, then tick Raynaud's with the space bar."""
    before = page.evaluate(PIXELS, CHART)
    page.focus(".aftercare-hours .noUi-handle")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(CHANGED, arg=[CHART, before], timeout=15000)
    page.wait_for_function(
        "() => document.querySelector('.aftercare-hours .widget-readout')"
        ".textContent.trim() === '5'",
        timeout=15000,
    )
    assert "CAUTION" in page.inner_text(VERDICT)
    before = page.evaluate(PIXELS, CHART)
    open_tab(page, "factors")
    page.focus(".aftercare-factor-raynauds input[type=checkbox]")
    page.keyboard.press("Space")
    page.wait_for_function(
        "(sel) => document.querySelector(sel).innerText.includes('AVOID')",
        arg=VERDICT,
        timeout=15000,
    )
    page.wait_for_function(CHANGED, arg=[CHART, before], timeout=15000)


#: Size of the canvas, how many of its pixels differ from the first (background) pixel, and
#: its accessible name.
_CANVAS_FACTS = """(canvas) => {
  const {width, height} = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) inked++;
  }
  return {width, height, inked, label: canvas.getAttribute('aria-label'),
          role: canvas.getAttribute('role')};
}"""


def _chart_painted(page) -> None:
    # The first whole frame is decoded asynchronously: wait until something is drawn.
    page.wait_for_function(
        f"(sel) => ({_CANVAS_FACTS})(document.querySelector(sel)).inked > 0",
        arg=CHART,
        timeout=15000,
    )
    facts = page.eval_on_selector(CHART, _CANVAS_FACTS)
    assert facts["width"] >= 800 and facts["height"] >= 400, facts
    assert facts["inked"] > 0.02 * facts["width"] * facts["height"], facts  # a chart, not blank
    assert facts["role"] == "img" and "icing plan" in facts["label"].lower(), facts


def test_planner_in_jupyterlab(workdir):
    with jupyter_lab(workdir) as server, browser_page() as (page, problems):
        try:
            page.goto(f"{server.url}/lab/tree/planner.ipynb?token={server.token}")
            run_all_cells(page)
            page.wait_for_selector(CHART, timeout=30000)
            page.wait_for_selector(f"{VERDICT} :text('CAUTION')", timeout=30000)
            _chart_painted(page)
            _change_with_keyboard(page)
            _chart_painted(page)
        finally:
            page.screenshot(path=str(ARTIFACTS / "planner_lab.png"), full_page=True)
        assert not problems, problems


def test_planner_in_voila_makes_no_outside_request(workdir):
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(f"{route.request.resource_type} {route.request.url}")
            route.abort()

    with voila(workdir / "planner.ipynb") as server, browser_page() as (page, problems):
        page.route("**/*", guard)
        try:
            page.goto(server.url + "/", timeout=60000)
            page.wait_for_selector(CHART, timeout=60000)
            page.wait_for_selector(f"{VERDICT} :text('CAUTION')", timeout=30000)
            _chart_painted(page)
            _change_with_keyboard(page)
        finally:
            page.screenshot(path=str(ARTIFACTS / "planner_voila.png"), full_page=True)
    # Nothing leaves the machine: voila's Font Awesome comes from its own bundle.
    assert outside == []
    assert not problems, problems
