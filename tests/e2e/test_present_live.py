"""Presenting live, in Debian's Chromium: RISE slides, projector mode, dashboards, scripts/lab.

* RISE (jupyterlab-rise): notebooks 02, 03 and 05 each run in JupyterLab, then play as a live
  slideshow; every tab of the cooling explorer, the planner and the alternatives app has its
  controls and verdict on screen (or in a box that scrolls and says so), nothing past the slide
  and no text cut, at 1024 x 768 and 1280 x 720; on the planner's slide a key press changes
  the chart; every step of each slideshow fits the slide (the exported decks' rule).
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

import contextlib
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
RISE_NOISE = ("Maximum call stack size exceeded", ".css' because its MIME type")


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


#: The apps on live slides: (notebook, the app's CSS class).
LIVE_APPS = (
    ("03_icing_timeline_planner.ipynb", "aftercare-planner"),
    ("02_how_ice_works.ipynb", "aftercare-cooling"),
    ("05_alternatives_compared.ipynb", "aftercare-alternatives"),
)
SCREENS = ({"width": 1024, "height": 768}, {"width": 1280, "height": 720})

#: JavaScript: the app on the slide on show, its controls and verdict, where they are. A
#: control inside a tab's scroll box that overflows counts as on screen when the box says it
#: scrolls (its hint is shown) and the control is on screen once the box is scrolled to it.
APP_ON_SCREEN = """(app) => {
  const shown = [...document.querySelectorAll('.reveal .slides section.present')]
    .filter(s => !s.querySelector('section.present')).pop();
  const root = shown && shown.querySelector('.' + app);
  if (!root) return {missing: true};
  const vis = (el) => { const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && !el.closest('.lm-mod-hidden'); };
  const inView = (r) => r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5
    && r.right <= innerWidth + 0.5;
  const controls = [...root.querySelectorAll('input, select, button, textarea, .widget-slider,'
    + ' .lm-TabBar-tab, .aftercare-verdict')].filter(vis);
  const off = []; let lowest = 0; const boxes = new Set();
  for (const el of controls) {
    const box = el.closest('.aftercare-scroll');
    let r = el.getBoundingClientRect();
    if (box && box.scrollHeight > box.clientHeight + 1) {
      boxes.add(box);
      const b = box.getBoundingClientRect();
      if (r.bottom > b.bottom) { box.scrollTop += r.bottom - b.bottom + 2; r = el.getBoundingClientRect(); }
      if (r.top < b.top) { box.scrollTop -= b.top - r.top + 2; r = el.getBoundingClientRect(); }
    }
    lowest = Math.max(lowest, r.bottom);
    if (!inView(r)) off.push(`${el.tagName.toLowerCase()} ${(el.innerText || el.getAttribute('aria-label')
      || el.parentElement.innerText || '').trim().slice(0, 40)} at ${Math.round(r.top)}-${Math.round(r.bottom)}`);
  }
  const silent = [...boxes].filter(b => {
    b.scrollTop = 0;
    const hint = b.querySelector('.aftercare-scroll-hint');
    return !hint || getComputedStyle(hint).display === 'none';
  }).length;
  const verdict = root.querySelector('.aftercare-verdict');
  return {off, lowest: Math.round(lowest), count: controls.length, scrolling: boxes.size, silent,
          bottom: Math.round(root.getBoundingClientRect().bottom),
          verdict: verdict ? Math.round(verdict.getBoundingClientRect().bottom) : null};
}"""


#: JavaScript: the text of dropdowns and text fields (their value, else their placeholder) and
#: of tab titles under ``root`` (a CSS selector) that is wider than the room it is shown in, so
#: the browser cuts it. A dropdown's and a field's text is measured in its own font; a tab title
#: overflows its label.
TEXT_CUT = """(root) => {
  const ctx = document.createElement('canvas').getContext('2d');
  const shown = (el) => el.offsetParent && !el.closest('.lm-mod-hidden');
  const out = [];
  for (const el of document.querySelectorAll(`${root} select, ${root} input[type=text]`)) {
    if (!shown(el)) continue;
    const text = el.tagName === 'SELECT' ? (el.selectedOptions[0] || {}).text || ''
      : el.value || el.placeholder || '';
    if (!text.trim()) continue;
    const st = getComputedStyle(el);
    ctx.font = `${st.fontStyle} ${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
    const room = el.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    if (ctx.measureText(text).width > room + 1) out.push(text);
  }
  for (const el of document.querySelectorAll(`${root} .lm-TabBar-tabLabel`)) {
    if (shown(el) && el.scrollWidth > el.clientWidth + 1) out.push(el.textContent.trim());
  }
  return out;
}"""


def _switch_tab(page, app: str, index: int) -> None:
    """Open tab ``index`` of the app on show: a pointer press at the tab's centre (on a slide the
    rendered markdown can lie over the lumino tab bar, so a click may be intercepted)."""
    tab = page.locator(f".reveal section.present .{app} .lm-TabBar-tab").nth(index)
    box = tab.bounding_box()
    page.evaluate(
        """([x, y]) => { const el = document.elementFromPoint(x, y);
           for (const kind of ['pointerdown', 'pointerup']) el.dispatchEvent(new PointerEvent(kind,
             {bubbles: true, clientX: x, clientY: y, button: 0, pointerId: 1, isPrimary: true})); }""",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    page.wait_for_function(
        "([app, i]) => { const t = [...document.querySelectorAll('.reveal section.present .' + app"
        " + ' .lm-TabBar-tab')]; return t[i] && t[i].classList.contains('lm-mod-current'); }",
        arg=[app, index],
        timeout=10000,
    )


def _to_app_slide(page, app: str) -> None:
    page.evaluate("() => { location.hash = '#/slide-0-0'; }")
    page.locator("body").press("Escape")
    for _ in range(80):
        if _current_slide_has(page, "." + app):
            return
        assert _next_step(page), f"no slide shows .{app}"


def _wait_chart_fits(page, app: str) -> None:
    """Wait (up to 20 s) until the app's chart, redrawn by the kernel for the room a tab left
    it, ends on screen; the fit check then reports what still does not fit."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "(app) => { const c = [...document.querySelectorAll("
            "'.reveal section.present .' + app + ' canvas.aftercare-chart')].pop();"
            " return !c || c.getBoundingClientRect().bottom <= innerHeight; }",
            arg=app,
            timeout=20000,
        )
    page.wait_for_timeout(300)


def _check_every_tab(
    page, app: str, screen: str, prefix: str = "rise"
) -> tuple[list[str], list[str]]:
    """Visit every tab of the app on show; (problems, report lines). Screenshots of each tab
    go to the artifacts folder, named ``{prefix}_{app}_{screen}_tab{n}.png``."""
    problems, report = [], []
    tabs = page.locator(f".reveal section.present .{app} .lm-TabBar-tab")
    for index in range(max(tabs.count(), 1)):
        title = "(one view)"
        if tabs.count():
            title = tabs.nth(index).inner_text().strip()
            _switch_tab(page, app, index)
            _wait_chart_fits(page, app)
        facts = page.evaluate(APP_ON_SCREEN, app)
        assert not facts.get("missing"), (app, screen)
        height = page.viewport_size["height"]
        report.append(
            f"{app} {screen} {title!r}: lowest control at {facts['lowest']} px of {height}"
            f" (verdict {facts['verdict']}; {facts['scrolling']} scroll box(es); the app,"
            f" chart and text included, ends at {facts['bottom']} px)"
        )
        page.screenshot(path=str(ARTIFACTS / f"{prefix}_{app}_{screen}_tab{index}.png"))
        problems += [f"{app} {screen} {title}: {o} (off screen)" for o in facts["off"]]
        if facts["silent"]:
            problems.append(f"{app} {screen} {title}: a scroll box does not say it scrolls")
        fit = page.evaluate(FIT_PROBLEMS)
        problems += [f"{app} {screen} {title}: {p}" for p in fit]
        cut = page.evaluate(TEXT_CUT, f".reveal section.present .{app}")
        problems += [f"{app} {screen} {title}: text cut: {c!r}" for c in cut]
    if tabs.count():
        _switch_tab(page, app, 0)
    return problems, report


def _git_status(*paths: str) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _start_present(folder: Path, *notebooks: str) -> tuple[subprocess.Popen, dict[str, str], Path]:
    """Run ``python -m aftercare present`` as the README says; the slideshow addresses it prints."""
    log = folder.parent / "present.log"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder.parent / "config"))
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                "timeout",
                "500",
                str(BIN / "python"),
                "-m",
                "aftercare",
                "present",
                *notebooks,
                "--folder",
                str(folder),
                "--no-browser",
                "--limit",
                "480",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    while "presenting;" not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(1)
    text = log.read_text()
    assert "presenting;" in text, text
    urls = {}
    for line in text.splitlines():
        if line.startswith("slideshow: "):
            url = line.split(" ", 1)[1]
            urls[urlparse(url).path.rsplit("/", 1)[-1]] = url
    return process, urls, log


@pytest.mark.timeout(900)
def test_present_from_a_working_copy_every_app_and_tab_fits_and_the_course_is_unchanged(tmp_path):
    """The README's live-slide steps: ``python -m aftercare present 03`` (with 02 and 05, the
    other apps' notebooks). Every tab of the planner, the cooling explorer and the alternatives
    app fits the slide at 1024 x 768 and 1280 x 720 (controls and verdict on screen, or in a
    scroll box that says so); a key press drives the planner; then the course is unchanged
    (``git status``) and its stored outputs still pass nbval."""
    before = _git_status("notebooks")
    folder = tmp_path / "presenting"
    names = [name for name, _ in LIVE_APPS]
    process, urls, log = _start_present(folder, *(n[:2] for n in names))
    misfits: list[str] = []
    report: list[str] = []
    try:
        assert sorted(urls) == sorted(names), urls
        assert (folder / "rise.css").is_file()
        for name, app in LIVE_APPS:
            with browser_page(SCREENS[0]) as (page, problems):
                page.goto(urls[name])
                page.wait_for_selector(f".reveal .{app}", state="attached", timeout=90000)
                # Slides show slides: no code input on a live slide.
                assert page.locator(".reveal .jp-CodeCell .jp-Cell-inputWrapper").evaluate_all(
                    "(els) => els.every(e => getComputedStyle(e).display === 'none')"
                )
                for screen in SCREENS:
                    page.set_viewport_size(screen)
                    size = f"{screen['width']}x{screen['height']}"
                    _to_app_slide(page, app)
                    _wait_chart_fits(page, app)
                    found, lines = _check_every_tab(page, app, size)
                    misfits += found
                    report += lines
                if app == "aftercare-planner":
                    _key_press_drives_the_planner(page)
                misfits += _walk_rise(page, "1280x720")  # every step of every deck fits
                real = [p for p in problems if not any(n in p for n in RISE_NOISE)]
                assert real == [], real
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the command stops its server and kernels
            process.wait(30)
        (ARTIFACTS / "rise_fit_report.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    assert misfits == [], "\n".join(misfits)
    # Presenting never wrote the course; its stored outputs still pass.
    assert _git_status("notebooks") == before
    nbval = subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "notebooks/nbval_sanitize.cfg",
            "notebooks/03_icing_timeline_planner.ipynb",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert nbval.returncode == 0, nbval.stdout[-2000:]


def _key_press_drives_the_planner(page) -> None:
    """Tick Raynaud's with the space bar: the chart changes, the verdict reads AVOID, and the
    slideshow stays on the app's slide (reveal.js leaves keys to a focused input)."""
    chart = page.locator(".reveal section.present " + CHART).last
    page.wait_for_function("(c) => c.width > 0", arg=chart.element_handle())
    before = chart.evaluate(PIXELS)
    _switch_tab(page, "aftercare-planner", 1)
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
        ".some(v => v.innerText.includes('AVOID') && v.getBoundingClientRect().bottom <= innerHeight)",
        timeout=15000,
    )
    assert page.evaluate("() => location.hash") == where
    page.screenshot(path=str(ARTIFACTS / "rise_planner_factors_ticked.png"))
    page.keyboard.press("Space")  # untick: the slideshow opens as it was
    _switch_tab(page, "aftercare-planner", 0)


#: The projector fit rules of notebooks/rise.css, as the browser computed them on a slide.
RISE_CSS_APPLIED = """() => {
    const sheet = [...document.styleSheets].some(s => (s.href || '').endsWith('/rise.css'));
    const code = document.querySelector('.reveal .jp-CodeMirrorEditor .cm-content');
    return sheet && !!code && getComputedStyle(code).whiteSpace === 'pre-wrap';
}"""


#: The class each app's notebook cell constructs (its slide reads so before the widget shows).
APP_CLASS = {
    "aftercare-planner": "PlannerApp(",
    "aftercare-cooling": "CoolingExplorer(",
    "aftercare-alternatives": "AlternativesApp(",
}


@pytest.mark.parametrize(("name", "app"), LIVE_APPS, ids=[n[:2] for n, _ in LIVE_APPS])
def test_rise_plays_each_app_live_and_every_tab_and_step_fits(tmp_path, name, app):
    """The trainer runs the notebook in JupyterLab and plays it with RISE: the app's slide, on
    every tab at 1024 x 768 and 1280 x 720, has its controls and verdict on screen (or in a box
    that scrolls and says so) and nothing past the slide; every step of the deck fits."""
    # A learner's copy of the course, made as the classroom makes it (copy_course: the list of
    # everything the notebooks need, rise.css included), presented from their folder.
    copy_course(default_course_dir(), tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    notebook = f"notebooks/{name}"
    report: list[str] = []
    with (
        jupyter_lab(tmp_path) as server,
        browser_page({"width": 1024, "height": 768}) as (page, problems),
    ):
        try:
            # The trainer runs the notebook in JupyterLab, then starts the slideshow (RISE
            # joins the same kernel, so the apps keep working).
            page.goto(f"{server.url}/lab/tree/{notebook}?token={server.token}")
            run_all_cells(page)
            saved = _modified(server, notebook)
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 30
            while _modified(server, notebook) == saved and time.monotonic() < deadline:
                time.sleep(0.3)  # RISE reads the saved notebook: its widgets are the kernel's
            page.goto(f"{server.url}/rise/{notebook}?token={server.token}")
            page.wait_for_selector(".reveal .slides section.present", timeout=60000)
            page.wait_for_timeout(1500)
            # RISE loaded the copy's rise.css, and its fit rules are in force on the slides.
            page.wait_for_function(RISE_CSS_APPLIED, timeout=15000)
            for _ in range(60):  # to the app's slide (its cell reads PlannerApp(...), ...)
                if _current_slide_has(page, f".{app}") or page.evaluate(
                    """(call) => [...document.querySelectorAll('.reveal .slides section.present')]
                        .filter(x => !x.querySelector('section.present')).pop()
                        .innerText.includes(call)""",
                    APP_CLASS[app],
                ):
                    break
                assert _next_step(page), f"the slide of .{app} was not found"
            chart = page.locator(".reveal section.present " + CHART).last
            chart.wait_for(state="visible", timeout=30000)
            page.wait_for_function(
                "(c) => c.width > 0 && c.dataset.textPx > 0", arg=chart.element_handle()
            )
            _wait_chart_fits(page, app)  # the chart redrawn at the slide's size
            assert page.evaluate(FIT_PROBLEMS) == []
            misfits: list[str] = []
            if app == "aftercare-planner":
                # A key press in the slideshow (reveal.js leaves keys to a focused input; on
                # the slider's handle the arrows would change slide).
                _key_press_drives_the_planner(page)
                open_tab(page, "Patient and timing")  # as the slide opens
                page.screenshot(path=str(ARTIFACTS / "rise_planner_1024x768.png"))
            # Every tab of the app, then the fit rule of the exported decks, at both sizes.
            for screen in SCREENS:
                size = f"{screen['width']}x{screen['height']}"
                page.set_viewport_size(screen)
                _to_app_slide(page, app)
                _wait_chart_fits(page, app)
                found, lines = _check_every_tab(page, app, size, prefix="rise_lab")
                misfits += found
                report += lines
                misfits += _walk_rise(page, size)
        finally:
            page.screenshot(path=str(ARTIFACTS / f"rise_last_{name[:2]}.png"))
        print("\n".join(report))
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
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        IPYTHONDIR=str(home / "ip"),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
    )
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
        "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext",
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
            # The suite's own landing page: each app linked with a sentence, the statement.
            landing = page.locator("main.aftercare-landing")
            landing.wait_for(timeout=30000)
            assert "Education, not individual medical advice." in landing.inner_text()
            links = landing.locator("li a").evaluate_all(
                "(as) => as.map(a => [a.getAttribute('href'), a.parentElement.innerText])"
            )
            assert sorted(h.rsplit("/", 1)[-1] for h, _ in links) == [f"{p}.ipynb" for p in pages]
            assert all(len(words.split()) > 10 for _, words in links), links
            page.screenshot(path=str(ARTIFACTS / "dashboard_landing.png"))
            problems.clear()
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
            page.set_viewport_size({"width": 1024, "height": 768})
            page.wait_for_timeout(500)
            assert _cut_labels(page) == []  # every label readable at 1024 x 768
            page.locator(".aftercare-tabs .lm-TabBar-tab").nth(1).click()
            page.wait_for_timeout(300)
            assert _cut_labels(page) == []
            page.locator(".aftercare-tabs .lm-TabBar-tab").nth(0).click()
            write = page.locator("button", has_text="Write the sheet (HTML)")
            for patient in range(2):  # a second patient is written too, under its own name
                if patient:
                    page.locator(".aftercare-factor-diabetes input").check()
                    page.wait_for_timeout(500)
                write.click()
                page.wait_for_function(
                    "(n) => (document.querySelector('.aftercare-message') || {}).innerText"
                    "?.includes('Written:')",
                    arg=patient,
                    timeout=30000,
                )
                page.wait_for_timeout(300)
            link = page.locator(".aftercare-message a").first
            assert link.evaluate("(a) => getComputedStyle(a).textDecorationLine") == "underline"
            page.screenshot(path=str(ARTIFACTS / "dashboard_sheet_1024x768.png"))
            written = sorted((home / "aftercare-sheets").glob("*.html"))
            assert len(written) == 2, written  # outside the repository, one per patient
            assert all("medical advice" in w.read_text(encoding="utf-8") for w in written)
            assert not list((tmp_path / "dashboards").glob("**/*.html"))
            assert not problems, problems
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
    assert outside == [], outside
    assert "DeprecationWarning" not in log.read_text(), log.read_text()[-2000:]


def _cut_labels(page) -> list[str]:
    """Labels, buttons, dropdowns and text fields (their value or placeholder) of the sheet
    page whose text is cut (ends in "..." or overflows)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.aftercare-sheet-app label,'
             + ' .aftercare-sheet-app .widget-label, .aftercare-sheet-app button,'
             + ' .aftercare-sheet-app .lm-TabBar-tabLabel')]
           .filter(l => l.offsetParent && l.textContent.trim()
             && l.scrollWidth > l.clientWidth + 1)
           .map(l => l.textContent.trim())"""
    ) + page.evaluate(TEXT_CUT, ".aftercare-sheet-app")


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
