"""End to end: a classroom of two learners through JupyterHub, in Chromium and over HTTP.

One classroom (``python -m aftercare classroom --users 2``, 127.0.0.1, free port, under
``timeout``, stopped by its process id) serves the whole module:

* the browser test logs learner01 and learner02 in through the login form, checks each opens on
  the start page in their own JupyterLab, runs the planner notebook and moves its slider (the
  live chart canvas, through the hub's proxy); the instructor then stops learner02's server on
  the hub's admin page;
* the isolation tests try one learner's cookie on the other's server, files, kernels and the
  hub's admin API, and, when the hub runs as root, read another learner's files from a kernel;
* the restart test stops the hub and starts it again on the same state folder: work and login
  survive, and the course is not copied over the learner's work.
"""

from __future__ import annotations

import asyncio
import os
import re
import time

import httpx
import pytest
from classroom_client import (
    PASSWORD,
    PLANNER_NOTEBOOK,
    Learner,
    start_room,
    temporary_room,
    why_not_as_root,
)
from harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    chromium_available,
    menu_command,
    run_all_cells,
)
from test_planner_browser import _CANVAS_FACTS, CHANGED, CHART, PIXELS
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(300),
]

AS_ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def room():
    if problem := why_not_as_root():
        pytest.skip(problem)
    with temporary_room(users=2, limit_s=600) as room:
        yield room


def _run(coroutine):
    return asyncio.run(coroutine)


async def _logged_in(room, name: str) -> Learner:
    learner = Learner(room.url, name)
    response = await learner.login()
    assert response.status_code == 200, response.text[:500]
    await learner.wait_ready(timeout_s=180)
    return learner


def test_the_hub_says_how_learners_are_separated(room):
    log = room.log.read_text()
    if AS_ROOT:
        assert "runs as their own system user" in log
    else:
        assert "learners are NOT isolated from each other's files" in log


def test_the_idle_culler_runs_as_a_hub_service(room):
    # jupyterhub-idle-culler lists the users (with its role's scopes) as soon as it starts;
    # that it stops an idle server was checked by hand with --idle-minutes 1 (docs/classroom.md).
    deadline = time.monotonic() + 30
    pattern = re.compile(r"200 GET /hub/api/users\S* \(idle-culler@127\.0\.0\.1\)")
    while not pattern.search(room.log.read_text()):
        assert time.monotonic() < deadline, "the idle culler never listed the users"
        time.sleep(0.5)


def test_a_wrong_password_stays_on_the_login_page(room):
    async def go():
        learner = Learner(room.url, "learner01", password="not-the-class-password")
        try:
            response = await learner.login()
            assert response.url.path == "/hub/login"
            assert "/user/learner01" not in str(response.url)
        finally:
            await learner.close()

    _run(go())


def test_one_learner_cannot_reach_another_learners_server(room):
    async def go():
        one, two = await asyncio.gather(
            _logged_in(room, "learner01"), _logged_in(room, "learner02")
        )
        try:
            kernel_id = (
                await two.api(
                    "POST",
                    "sessions",
                    json={
                        "path": "notebooks/00_start_here.ipynb",
                        "type": "notebook",
                        "kernel": {"name": "python3"},
                    },
                )
            ).json()["kernel"]["id"]
            own = await one.http.get("/user/learner01/api/contents/notebooks")
            assert own.status_code == 200 and own.json()["type"] == "directory"

            other = "/user/learner02"
            for path in (
                "/api/contents/notebooks",
                "/api/contents/notebooks/00_start_here.ipynb",
                "/files/notebooks/README.md",
                "/api/kernels",
                f"/api/kernels/{kernel_id}",
                "/api/sessions",
                "/lab",
            ):
                got = await one.http.get(other + path)
                # The hub answers for learner02's URLs and refuses learner01 (403/404), after
                # redirecting; nothing of learner02's comes back.
                assert got.status_code in (403, 404), (path, got.status_code, str(got.url))
                assert "00_start_here" not in got.text
            delete = await one.http.delete(
                f"{other}/api/kernels/{kernel_id}", headers={"X-XSRFToken": one._xsrf()}
            )
            assert delete.status_code in (403, 404)
            assert (await two.api("GET", f"kernels/{kernel_id}")).status_code == 200

            # The kernel's websocket, with learner01's cookies and with learner01's token.
            cookies = "; ".join(f"{c.name}={c.value}" for c in one.http.cookies.jar)
            url = room.url.replace("http", "ws", 1) + f"{other}/api/kernels/{kernel_id}/channels"
            for query in ("", f"?token={one.page_token}"):
                with pytest.raises(HTTPClientError) as refused:
                    await websocket_connect(
                        HTTPRequest(
                            url + query,
                            headers={"Cookie": cookies, "Sec-Fetch-Mode": "websocket"},
                        )
                    )
                assert refused.value.code in (302, 403, 404), query
            # learner02's own cookie alone does not open it either (websockets need the token).
            two_cookies = "; ".join(f"{c.name}={c.value}" for c in two.http.cookies.jar)
            with pytest.raises(HTTPClientError):
                await websocket_connect(
                    HTTPRequest(url, headers={"Cookie": two_cookies, "Sec-Fetch-Mode": "websocket"})
                )

            # The hub's admin pages and API are the instructor's only.
            for path in ("/hub/api/users", "/hub/api/users/learner02", "/hub/admin"):
                got = await one.http.get(path)
                assert got.status_code in (403, 404), (path, got.status_code)
        finally:
            await one.close()
            await two.close()

    _run(go())


@pytest.mark.skipif(not AS_ROOT, reason="learners have their own system users only under root")
def test_code_in_one_kernel_cannot_read_another_learners_files(room):
    probe = f"""
import getpass, os
home = {str(room.state / "home")!r}
results = {{"user": getpass.getuser(), "own": os.path.isfile(os.path.join(home, "learner01",
           "notebooks", "00_start_here.ipynb"))}}
for name, path in [
    ("list", os.path.join(home, "learner02")),
    ("read", os.path.join(home, "learner02", "notebooks", "00_start_here.ipynb")),
    ("hub", {str(room.state / "hub" / "jupyterhub.sqlite")!r}),
    ("secret", {str(room.state / "hub" / "jupyterhub_cookie_secret")!r}),
]:
    try:
        os.listdir(path) if name == "list" else open(path, "rb").read(1)
        results[name] = "READ"
    except PermissionError:
        results[name] = "denied"
print(results)
"""

    async def go():
        two = await _logged_in(room, "learner02")  # learner02's folder and course exist
        one = await _logged_in(room, "learner01")
        try:
            kernel, _ = await one.open_notebook("notebooks/00_start_here.ipynb")
            await kernel.execute(probe)
            kernel.ws.close()
            return kernel.streams
        finally:
            await one.close()
            await two.close()

    text = "".join(_run(go()))
    assert "'user': 'learner01'" in text and "'own': True" in text, text
    for name in ("list", "read", "hub", "secret"):
        assert f"'{name}': 'denied'" in text, text


@pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")
def test_two_learners_run_the_planner_and_the_instructor_stops_a_server(room):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for name in ("learner01", "learner02"):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.on("pageerror", lambda e, n=name: problems.append(f"{n}: {e}"))
                _log_in(page, room.url, name, PASSWORD)
                # Each opens on the start page, in their own server.
                page.wait_for_url(f"**/user/{name}/lab/**", timeout=120000)
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120000)
                page.wait_for_function(
                    "() => document.title.startsWith('00_start_her')", timeout=30000
                )
                pages[name] = page
            for name, page in pages.items():
                try:
                    _run_the_planner(page, f"{room.url}/user/{name}/lab/tree/{PLANNER_NOTEBOOK}")
                finally:
                    page.screenshot(path=str(ARTIFACTS / f"classroom_{name}.png"))

            admin = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            # The instructor lands on the admin page, their own JupyterLab one click away.
            _log_in(admin, room.url, "instructor", room.instructor_password)
            admin.wait_for_url("**/hub/admin**", timeout=60000)
            mine = admin.get_by_role("link", name="My JupyterLab")
            assert mine.get_attribute("href").endswith("/hub/user-redirect/lab")
            row = admin.locator("tr", has_text="learner02")
            row.get_by_role("button", name="Stop Server").click()
            row.get_by_role("button", name="Start Server").wait_for(timeout=60000)
            admin.screenshot(path=str(ARTIFACTS / "classroom_admin.png"))
        finally:
            browser.close()
    assert not problems, problems

    async def learner02_server_stopped() -> bool:
        async with httpx.AsyncClient(base_url=room.url, timeout=30) as client:
            return (await client.get("/user/learner02/api/status")).status_code != 200

    assert _run(learner02_server_stopped())


_PROMPTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt"
_NO_COUNTS = """(sel) => {
    const prompts = [...document.querySelectorAll(sel)];
    return prompts.length > 0 && prompts.every(p => !/\\d/.test(p.textContent));
}"""


def _run_the_planner(page, url: str) -> None:
    """Open notebook 03, clear its stored outputs, Run All, wait for the live chart canvas,
    move the slider: the pixels change."""
    page.goto(url + "?reset")  # a fresh workspace: only this notebook, not the start page too
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
    # The learner's copy has stored outputs and execution counts: clear them first, so that the
    # counts and the app seen afterwards come from this kernel (retried: a click made while
    # JupyterLab is still settling can be lost).
    menu_command(page, "Edit", "Clear Outputs of All Cells", until=_NO_COUNTS, arg=_PROMPTS)
    run_all_cells(page)
    page.wait_for_selector(CHART, state="attached", timeout=60000)
    page.locator(CHART).scroll_into_view_if_needed()
    page.wait_for_function(
        f"(sel) => ({_CANVAS_FACTS})(document.querySelector(sel)).inked > 0",
        arg=CHART,
        timeout=30000,
    )
    before = page.evaluate(PIXELS, CHART)
    page.focus(".aftercare-hours .noUi-handle")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(CHANGED, arg=[CHART, before], timeout=30000)


def _log_in(page, url: str, name: str, password: str, then: str = "") -> None:
    page.goto(f"{url}/hub/login" + (f"?next={then}" if then else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def test_a_restart_keeps_work_and_logins(room):
    async def write(learner):
        await learner.api(
            "PUT",
            "contents/notebooks/my_notes.txt",
            json={"type": "file", "format": "text", "content": "my own notes"},
        )

    async def go():
        one = await _logged_in(room, "learner01")
        await write(one)
        readme = await one.api("GET", "contents/notebooks/README.md", params={"type": "file"})
        await one.api(
            "PUT",
            "contents/notebooks/README.md",
            json={"type": "file", "format": "text", "content": "edited by learner01"},
        )
        assert readme.status_code == 200
        return one

    one = _run(go())
    room.stop()
    again = start_room(room.state, users=2, limit_s=600)
    room.process, room.url = again.process, again.url  # the fixture stops the new one

    async def after():
        # The same cookies still work: the cookie secret and database survived.
        one.http = httpx.AsyncClient(
            base_url=again.url, cookies=one.http.cookies, follow_redirects=True, timeout=120
        )
        one.base_url = again.url
        response = await one.http.get("/hub/home")
        assert response.url.path == "/hub/home", response.url  # not sent back to log in
        await one.http.get("/hub/spawn")
        await one.wait_ready(timeout_s=180)
        as_text = {"type": "file", "format": "text"}
        notes = await one.api("GET", "contents/notebooks/my_notes.txt", params=as_text)
        readme = await one.api("GET", "contents/notebooks/README.md", params=as_text)
        await one.close()
        return notes.json()["content"], readme.json()["content"]

    notes, readme = _run(after())
    assert notes == "my own notes"
    assert readme == "edited by learner01"  # the course copy never overwrites work
