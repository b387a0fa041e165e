"""Presenting live, in Debian's Chromium: RISE slides, projector mode, dashboards, scripts/lab.

* RISE (jupyterlab-rise): notebook 03 runs in JupyterLab, then plays as a live slideshow; on
  the planner's slide a key press on the hours slider changes the chart, and every step of the
  slideshow fits the slide at 1024 x 768 and 1280 x 720 (the exported decks' rule).
* Projector mode: JupyterLab at 1024 x 768 with the file browser open; the planner's chart is
  drawn at the width of its column, its smallest text is at least 14 px on screen, no factor
  label is cut, and the needling time reads as a 24-hour clock.
* Dashboards: ``voila --template=aftercare dashboards/`` serves one page per app, each opening on
  the app with one line of introduction and the education-not-advice statement, with no
  request leaving the machine; the patient-sheet page writes a sheet.
* scripts/lab opens JupyterLab at the repository root with the start page, and its terminals
  have the suite's environment first on PATH.

Each test starts its own servers (127.0.0.1, free port, own process group, under timeout).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import FIT_PROBLEMS
from harness import (
    ARTIFACTS,
    BIN,
    ROOT,
    _wait_ready,
    browser_page,
    chromium_available,
    free_port,
    jupyter_lab,
    open_tab,
    run_all_cells,
)

from aftercare.classroom.course import copy_course
from aftercare.classroom.settings import default_course_dir

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium"),
    pytest.mark.timeout(300),
]

PLANNER_NB = "03_icing_timeline_planner.ipynb"
CHART = "canvas.aftercare-chart"
PIXELS = "(c) => c.toDataURL('image/png')"
#: RISE's own page logs these: a design-token loop in its toolkit and the optional
#: per-notebook stylesheet it looks for. Neither comes from the suite.
RISE_NOISE = ("Maximum call stack size exceeded", "03_icing_timeline_planner.css")


def _lab_with(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(ROOT / "notebooks" / name, tmp_path / name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return tmp_path


def _modified(server, name: str) -> str:
    url = f"{server.url}/api/contents/{name}?content=0&token={server.token}"
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.load(reply)["last_modified"]


def _current_slide_has(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const s = [...document.querySelectorAll('.reveal .slides section.present')]
            .filter(x => !x.querySelector('section.present')).pop();
            return !!(s && s.querySelector(sel)); }""",
        selector,
    )


def _next_step(page) -> bool:
    """Press the space bar and wait until RISE shows the next step; False at the end."""
    before = page.evaluate("() => location.hash")
    page.keyboard.press("Space")
    try:
        page.wait_for_function("(h) => location.hash !== h", arg=before, timeout=3000)
    except Exception:  # Playwright's TimeoutError: the last step
        return False
    page.wait_for_timeout(60)
    return True


def _walk_rise(page, screen: str) -> list[str]:
    """Step through the RISE slideshow from the start with the space bar; fit at each step."""
    problems: list[str] = []
    page.evaluate("() => { location.hash = '#/slide-0-0'; }")  # reveal.js follows the address
    page.wait_for_function(
        "() => [...document.querySelectorAll('.reveal .slides > section')][0]"
        ".classList.contains('present')",
        timeout=5000,
    )
    page.locator("body").press("Escape")  # leave any input, so the space bar moves the slides
    for _ in range(200):
        where = page.evaluate("() => location.hash")
        found = page.evaluate(FIT_PROBLEMS)
        if found:
            shot = f"rise_misfit_{screen}_{where.strip('#/').replace('/', '_')}.png"
            page.screenshot(path=str(ARTIFACTS / shot))
        problems.extend(f"{screen} {where}: {p}" for p in found)
        if not _next_step(page):
            break
    return problems


#: The projector fit rules of notebooks/rise.css, as the browser computed them on a slide.
RISE_CSS_APPLIED = """() => {
    const sheet = [...document.styleSheets].some(s => (s.href || '').endsWith('/rise.css'));
    const code = document.querySelector('.reveal .jp-CodeMirrorEditor .cm-content');
    return sheet && !!code && getComputedStyle(code).whiteSpace === 'pre-wrap';
}"""


def test_rise_plays_notebook_03_live_and_every_step_fits(tmp_path):
    # A learner's copy of the course, made as the classroom makes it (copy_course: the list of
    # everything the notebooks need, rise.css included), presented from their folder.
    copy_course(default_course_dir(), tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    planner = f"notebooks/{PLANNER_NB}"
    with (
        jupyter_lab(tmp_path) as server,
        browser_page({"width": 1024, "height": 768}) as (page, problems),
    ):
        try:
            # The trainer runs the notebook in JupyterLab, then starts the slideshow (RISE
            # joins the same kernel, so the apps keep working).
            page.goto(f"{server.url}/lab/tree/{planner}?token={server.token}")
            run_all_cells(page)
            saved = _modified(server, planner)
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 30
            while _modified(server, planner) == saved and time.monotonic() < deadline:
                time.sleep(0.3)  # RISE reads the saved notebook: its widgets are the kernel's
            page.goto(f"{server.url}/rise/{planner}?token={server.token}")
            page.wait_for_selector(".reveal .slides section.present", timeout=60000)
            page.wait_for_timeout(1500)
            # RISE loaded the copy's rise.css, and its fit rules are in force on the slides.
            page.wait_for_function(RISE_CSS_APPLIED, timeout=15000)
            for _ in range(60):  # to the planner's slide (its cell reads PlannerApp(...))
                if _current_slide_has(page, ".aftercare-planner") or page.evaluate(
                    """() => [...document.querySelectorAll('.reveal .slides section.present')]
                        .filter(x => !x.querySelector('section.present')).pop()
                        .innerText.includes('PlannerApp(')"""
                ):
                    break
                assert _next_step(page), "the planner's slide was not found"
            chart = page.locator(".reveal section.present " + CHART).last
            chart.wait_for(state="visible", timeout=30000)
            page.wait_for_function(
                "(c) => c.width > 0 && c.dataset.textPx > 0", arg=chart.element_handle()
            )
            page.wait_for_timeout(800)  # the chart redrawn at the slide's size
            assert page.evaluate(FIT_PROBLEMS) == []
            # A key press in the slideshow: tick Raynaud's with the space bar (reveal.js leaves
            # keys to a focused input; on the slider's handle the arrows would change slide).
            before = chart.evaluate(PIXELS)
            open_tab(page, "factors")
            page.focus(".reveal section.present .aftercare-factor-raynauds input[type=checkbox]")
            where = page.evaluate("() => location.hash")
            page.keyboard.press("Space")
            page.wait_for_function(
                "([c, old]) => c.toDataURL('image/png') !== old",
                arg=[chart.element_handle(), before],
                timeout=15000,
            )
            page.wait_for_function(
                "() => [...document.querySelectorAll('.reveal section.present .aftercare-verdict')]"
                ".some(v => v.innerText.includes('AVOID'))",
                timeout=15000,
            )
            assert page.evaluate("() => location.hash") == where  # still on the app's slide
            open_tab(page, "Patient and timing")  # as the slide opens
            page.screenshot(path=str(ARTIFACTS / "rise_planner_1024x768.png"))
            # The fit rule of the exported decks, at both projector sizes.
            misfits = _walk_rise(page, "1024x768")
            page.set_viewport_size({"width": 1280, "height": 720})
            page.wait_for_timeout(800)
            misfits += _walk_rise(page, "1280x720")
        finally:
            page.screenshot(path=str(ARTIFACTS / "rise_last.png"))
        assert misfits == [], "\n".join(misfits)
        real = [p for p in problems if not any(n in p for n in RISE_NOISE)]
        assert real == [], real


def test_projector_mode_in_jupyterlab_at_1024x768_with_the_sidebar_open(tmp_path):
    root = _lab_with(tmp_path, PLANNER_NB)
    with (
        jupyter_lab(root) as server,
        browser_page({"width": 1024, "height": 768}) as (page, problems),
    ):
        page.goto(f"{server.url}/lab/tree/{PLANNER_NB}?token={server.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
        if not page.locator(".jp-FileBrowser").first.is_visible():
            page.keyboard.press("Control+Shift+F")
        page.locator(".jp-FileBrowser").first.wait_for(state="visible")
        run_all_cells(page)
        chart = page.locator(CHART).first
        chart.scroll_into_view_if_needed()
        # The kernel redraws the chart at the width of its column (the first frame is drawn at
        # the default 1000 px, then the canvas reports the room it has).
        page.wait_for_function(
            "(c) => c.clientWidth > 0 && Math.abs(c.width - c.clientWidth) <= 2",
            arg=chart.element_handle(),
            timeout=30000,
        )
        facts = chart.evaluate(
            "(c) => ({width: c.width, shown: c.clientWidth, text: Number(c.dataset.textPx)})"
        )
        assert facts["shown"] < 800, facts  # the sidebar is open: a narrow column
        assert facts["text"] * facts["shown"] / facts["width"] >= 14, facts
        # The needling time in 24-hour clock.
        assert page.locator(".aftercare-needled-at input").first.input_value() == "09:00"
        # Every factor label in full (wrapped, not cut with "...").
        open_tab(page, "factors")
        cut = page.evaluate(
            """() => [...document.querySelectorAll('.aftercare-factors .widget-checkbox label,'
                 + ' .aftercare-factors .widget-label-basic')]
               .filter(l => l.offsetParent && (l.scrollWidth > l.clientWidth + 1
                   || getComputedStyle(l).textOverflow === 'ellipsis' && l.scrollWidth > l.clientWidth))
               .map(l => l.textContent)"""
        )
        labels = page.locator(".aftercare-factors .widget-checkbox").count()
        page.screenshot(path=str(ARTIFACTS / "lab_projector_1024x768.png"))
        assert labels >= 19 and cut == [], cut
        assert not problems, problems


def test_dashboards_open_on_the_app_offline_and_the_sheet_is_written(tmp_path):
    shutil.copytree(ROOT / "dashboards", tmp_path / "dashboards")
    pages = sorted(p.stem for p in (tmp_path / "dashboards").glob("*.ipynb"))
    assert pages == ["alternatives", "cooling", "patient_sheet", "planner"]
    port = free_port()
    home = tmp_path / ".home"
    home.mkdir()
    log = tmp_path / "voila.log"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), IPYTHONDIR=str(home / "ip"))
    env.pop("MPLBACKEND", None)
    cmd = [
        "timeout",
        "240",
        str(BIN / "voila"),
        ".",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--template=aftercare",
        "--VoilaConfiguration.extension_denylist=['jupyterlab-jupytext']",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd,
            cwd=tmp_path / "dashboards",
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    outside: list[str] = []

    def guard(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    try:
        _wait_ready(url + "/voila/static/none", process, log, any_answer=True)
        with browser_page({"width": 1280, "height": 900}) as (page, problems):
            page.route("**/*", guard)
            page.goto(url + "/", timeout=60000)
            for stem in pages:  # the list of dashboards names each page
                page.get_by_text(f"{stem}.ipynb").first.wait_for(timeout=30000)
            page.screenshot(path=str(ARTIFACTS / "dashboard_list.png"))
            problems.clear()  # voila's own list page logs its extensions' warnings
            for stem in pages:
                page.goto(f"{url}/voila/render/{stem}.ipynb", timeout=90000)
                page.wait_for_selector(".aftercare-app", timeout=90000)
                text = page.inner_text("body")
                assert "Education, not individual medical advice." in text, stem
                assert "import" not in text, stem  # no code shown
                intro = page.locator(".jp-MarkdownOutput p").first.inner_text()
                assert intro.count(". ") <= 3, intro  # one line of introduction (and the statement)
                width = page.evaluate(
                    "() => document.querySelector('.aftercare-app').getBoundingClientRect().width"
                )
                assert width > 0.8 * 1280, (stem, width)  # the app takes the page's width
            # The sheet: fill in, write, find the file.
            page.goto(f"{url}/voila/render/patient_sheet.ipynb", timeout=90000)
            page.wait_for_selector(".aftercare-sheet-preview iframe", timeout=90000)
            page.locator("button", has_text="Write the sheet (HTML)").click()
            page.wait_for_selector(".aftercare-message :text('Written:')", timeout=30000)
            page.screenshot(path=str(ARTIFACTS / "dashboard_sheet.png"), full_page=True)
            written = list((tmp_path / "dashboards" / "sheets").glob("*.html"))
            assert len(written) == 1 and "medical advice" in written[0].read_text(encoding="utf-8")
            assert not problems, problems
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
    assert outside == [], outside


def test_scripts_lab_opens_at_the_repository_root_with_its_environment_on_path(tmp_path):
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path / "home"
    home.mkdir()
    env = dict(
        os.environ,
        HOME=str(home),
        PATH="/usr/bin:/bin",  # the suite's environment is not on the caller's PATH
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    env.pop("VIRTUAL_ENV", None)
    log = tmp_path / "lab.log"
    cmd = [
        "timeout",
        "200",
        str(ROOT / "scripts" / "lab"),
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{url}/api/status?token={token}", process, log, seconds=180)
        with urllib.request.urlopen(f"{url}/api/contents?token={token}", timeout=10) as reply:
            names = {item["name"] for item in json.load(reply)["content"]}
        assert {"notebooks", "data", "docs", "README.md"} <= names, names
        deadline = time.monotonic() + 30
        while "00_start_here.ipynb" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "/lab/tree/notebooks/00_start_here.ipynb" in log.read_text()

        request = urllib.request.Request(
            f"{url}/api/terminals?token={token}", method="POST", data=b""
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            name = json.load(reply)["name"]

        async def which_python() -> str:
            ws = await websocket_connect(
                f"ws://127.0.0.1:{port}/terminals/websocket/{name}?token={token}"
            )
            ws.write_message(json.dumps(["stdin", "echo FIRST=$(command -v python)\r"]))
            seen = ""
            end = time.monotonic() + 20
            while "FIRST=/" not in seen and time.monotonic() < end:
                message = await ws.read_message()
                if message is None:
                    break
                kind, *data = json.loads(message)
                if kind == "stdout":
                    seen += "".join(data)
            ws.close()
            return seen

        output = IOLoop.current().run_sync(which_python, timeout=30)
        first = output.split("FIRST=")[-1].split()[0]
        assert first == str(ROOT / ".venv" / "bin" / "python") or first.startswith(
            str(Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")))
        ), output[-400:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
