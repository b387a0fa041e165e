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
import email.utils
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from classroom_client import (
    PASSWORD,
    PLANNER_NOTEBOOK,
    ROOT,
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
    free_port,
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
        # Wrong by one accent: refused with 403 (upstream answered non-ASCII with 500).
        for wrong in ("not-the-class-password", PASSWORD.replace("ç", "c")):
            learner = Learner(room.url, "learner01", password=wrong)
            try:
                response = await learner.login()
                assert response.status_code == 403
                assert response.url.path == "/hub/login"
                assert "/user/learner01" not in str(response.url)
                assert "Invalid username or password" in response.text
            finally:
                await learner.close()

    _run(go())


async def _login_from(room, address: str, name: str, password: str) -> httpx.Response:
    """The login form, sent from ``address`` (any 127.x.y.z is this machine on Linux)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=room.url, transport=transport, timeout=60) as client:
        page = await client.get("/hub/login")
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        form = {"username": name, "password": password, "_xsrf": xsrf.group(1) if xsrf else ""}
        return await client.post("/hub/login", data=form)


def test_logins_are_throttled_per_name_and_address_and_others_keep_working(room):
    async def go():
        waits = []
        for _ in range(5):
            refused = await _login_from(room, "127.0.0.3", "intruder", "guess-guess")
            assert refused.status_code == 403
        # The sixth try waits, even with the right password; the page and Retry-After say how long.
        throttled = await _login_from(room, "127.0.0.3", "intruder", PASSWORD)
        assert throttled.status_code == 429
        assert "Too many failed logins" in throttled.text and "try again in 1 s" in throttled.text
        waits.append(int(throttled.headers["Retry-After"]))
        # Each further failure doubles the wait.
        for _ in range(3):
            await asyncio.sleep(waits[-1] + 0.2)
            assert (await _login_from(room, "127.0.0.3", "intruder", "guess")).status_code == 403
            again = await _login_from(room, "127.0.0.3", "intruder", "guess")
            assert again.status_code == 429
            waits.append(int(again.headers["Retry-After"]))
        # Within the 8 s now to wait: everyone else logs in as usual; the name is throttled
        # from another address, and the address for another name.
        other = await _login_from(room, "127.0.0.4", "learner02", PASSWORD)
        assert other.status_code == 302 and "/hub/login" not in other.headers["location"]
        assert (await _login_from(room, "127.0.0.5", "intruder", PASSWORD)).status_code == 429
        assert (await _login_from(room, "127.0.0.3", "learner02", PASSWORD)).status_code == 429
        return waits

    waits = _run(go())
    print(f"\nthrottle: Retry-After after failures 5, 6, 7, 8 = {waits} s")
    assert waits == [1, 2, 4, 8]


def test_login_cookies_are_same_site_for_one_class_day(room):
    async def go():
        seen: list[tuple[str, str]] = []

        async def record(response):
            seen.extend((str(response.url), c) for c in response.headers.get_list("set-cookie"))

        learner = Learner(room.url, "learner01")
        learner.http.event_hooks["response"].append(record)
        try:
            assert (await learner.login()).status_code == 200
            await learner.wait_ready(timeout_s=180)
        finally:
            await learner.close()
        return seen

    sent = time.time()
    cookies = _run(go())
    by_name = {c.split("=", 1)[0]: c for _, c in cookies}
    for name in ("jupyterhub-hub-login", "jupyterhub-user-learner01", "jupyterhub-session-id"):
        assert name in by_name, sorted(by_name)
        assert "SameSite=Lax" in by_name[name] and "HttpOnly" in by_name[name], by_name[name]
    for name in ("jupyterhub-hub-login", "jupyterhub-user-learner01"):
        expires = re.search(r"expires=([^;]+)", by_name[name]).group(1)
        lasts_h = (email.utils.parsedate_to_datetime(expires).timestamp() - sent) / 3600
        assert 11.5 < lasts_h <= 12.1, (name, lasts_h)  # --login-hours 12, not 30 days


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
    assert f"'user': '{room.system_user('learner01')}'" in text and "'own': True" in text, text
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


def _snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``: type, size, mode, modification time, content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        found[str(path.relative_to(folder))] = (
            info.st_mode,
            info.st_size,
            info.st_mtime_ns,
            path.read_bytes() if path.is_file() else b"",
        )
    return found


async def _own_token(learner: Learner) -> str:
    """An API token the learner makes for themselves (their cookie, the hub's XSRF header)."""
    xsrf = next(c.value for c in learner.http.cookies.jar if c.name == "_xsrf" and "hub" in c.path)
    made = await learner.http.post(
        f"/hub/api/users/{learner.name}/tokens",
        json={"note": "restart my server", "expires_in": 900},
        headers={"X-XSRFToken": xsrf},
    )
    assert made.status_code == 201, made.text
    return made.json()["token"]


async def _restart_with_token(room, learner: Learner, token: str) -> None:
    """Stop and start the learner's server through the hub's API with only their token."""
    server = f"/hub/api/users/{learner.name}/server"
    headers = {"Authorization": f"token {token}"}
    async with httpx.AsyncClient(base_url=room.url, headers=headers, timeout=120) as api:
        assert (await api.delete(server)).status_code in (202, 204)
        deadline = time.monotonic() + 60
        while (await api.get(f"/hub/api/users/{learner.name}")).json()["servers"]:
            assert time.monotonic() < deadline, "the server did not stop"
            await asyncio.sleep(0.5)
        assert (await api.post(server)).status_code in (201, 202)
    await learner.wait_ready(timeout_s=180)


#: What learner01 does in their own folder before each restart (code run in their kernel).
_PLANTS = {
    "notebooks -> a root-only folder": """
os.rename("notebooks", "my-notebooks"); os.unlink(".aftercare-course")
os.symlink(SECRET + "/root-only-folder", "notebooks")""",
    "the marker -> a new file in a root-only folder": """
os.unlink("notebooks"); os.rename("my-notebooks", "notebooks")
os.symlink(SECRET + "/created-by-root", ".aftercare-course")""",
    "the marker -> an existing root file": """
os.unlink(".aftercare-course"); os.symlink(SECRET + "/shadow", ".aftercare-course")""",
    "a notebook -> a root file": """
os.unlink(".aftercare-course")
for name, target in [("00_start_here.ipynb", "shadow"), ("README.md", "new-readme")]:
    os.unlink("notebooks/" + name); os.symlink(SECRET + "/" + target, "notebooks/" + name)""",
}


@pytest.mark.skipif(not AS_ROOT, reason="only a hub running as root could write as root")
def test_a_learners_links_never_lead_root_outside_their_folder(room):
    """learner01 plants links where the course copy looks and restarts their server with their
    own token; root's files stay as they were. The instructor then resets learner01's copy."""
    secret = Path(tempfile.mkdtemp(prefix="aftercare-root-only-"))  # root's, mode 0700
    (secret / "root-only-folder").mkdir()
    (secret / "shadow").write_text("root:x:0:0:root:/root:/bin/bash\n")
    before = _snapshot(secret)

    async def go():
        one = await _logged_in(room, "learner01")
        token = await _own_token(one)
        # A notebook at the top of the home folder, for a kernel whatever happens to notebooks/.
        empty = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        await one.api(
            "PUT",
            "contents/probe.ipynb",
            json={"type": "notebook", "format": "json", "content": empty},
        )
        try:
            for plant, code in _PLANTS.items():
                kernel, _ = await one.open_notebook("probe.ipynb")  # a kernel in the home folder
                await kernel.execute(f"import os\nSECRET = {str(secret)!r}\n{code}")
                kernel.ws.close()
                await _restart_with_token(room, one, token)
                assert _snapshot(secret) == before, plant  # nothing appeared or changed
            # The last restart copied the course again, around the learner's links.
            home = room.state / "home" / "learner01"
            assert (home / "notebooks" / "00_start_here.ipynb").is_symlink()
            assert (home / "notebooks" / "rise.css").is_file()
            assert "no course copy for learner01" in room.log.read_text()  # the refused round

            # The instructor gives learner01 a fresh copy (nothing is deleted).
            reset = subprocess.run(
                [sys.executable, "-m", "aftercare", "classroom", "reset", "learner01"]
                + ["--state", str(room.state)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=120,
            )
            assert reset.returncode == 0, reset.stderr
            assert "kept as notebooks-before-reset-" in reset.stdout
            fresh = await one.api("GET", "contents/notebooks/00_start_here.ipynb")
            assert fresh.json()["type"] == "notebook"
        finally:
            await one.close()

    try:
        _run(go())
        assert _snapshot(secret) == before
        # Nothing new next to the learners' folders either.
        assert {p.name for p in (room.state / "home").iterdir()} <= {"learner01", "learner02"}
    finally:
        shutil.rmtree(secret, ignore_errors=True)


@pytest.mark.skipif(not AS_ROOT, reason="system users per learner exist only under root")
def test_a_second_classroom_never_shares_the_first_ones_accounts(room):
    import pwd

    other = Path(tempfile.mkdtemp(prefix="aftercare-room-b-"))
    other.chmod(0o711)
    env = dict(os.environ, AFTERCARE_CLASS_PASSWORD=PASSWORD)
    command = [sys.executable, "-m", "aftercare", "classroom", "--users", "1"]
    first = room.system_user("learner01")
    try:
        # Another state folder asking for the same accounts (the same --room) is refused.
        same = [f"--room={room.room}"] if room.room else []
        refused = subprocess.run(
            [*command, "--port", str(free_port()), "--state", str(other / "state"), *same],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert refused.returncode == 2
        assert refused.stderr.startswith(f"error: the system user '{first}' belongs to another")
        assert refused.stderr.count("\n") == 1 and "--room NAME" in refused.stderr
        # With a room name of its own it gets its own system users; its learner01 runs as
        # theirs and cannot read the first room's learner01's folder.
        second = start_room(other / "state", users=1, limit_s=300)
        try:
            mine = second.system_user("learner01")
            assert mine != first and pwd.getpwnam(mine).pw_uid != pwd.getpwnam(first).pw_uid

            async def go():
                one = await _logged_in(second, "learner01")
                try:
                    kernel, _ = await one.open_notebook("notebooks/00_start_here.ipynb")
                    first_home = room.state / "home" / "learner01"
                    await kernel.execute(
                        "import getpass, os\n"
                        f"print(getpass.getuser(), os.access({str(first_home)!r}, os.R_OK))"
                    )
                    kernel.ws.close()
                    return "".join(kernel.streams)
                finally:
                    await one.close()

            assert _run(go()).strip() == f"{mine} False"
        finally:
            second.stop()
    finally:
        shutil.rmtree(other, ignore_errors=True)


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
    room.stop(keep_users=True)
    again = start_room(room.state, users=2, limit_s=600, room_name=room.room)
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
