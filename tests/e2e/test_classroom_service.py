"""The classroom as a service: under TLS with HSTS; a crashed proxy is replaced; SIGTERM stops
the hub, the learner's server and kernel, the idle culler and every proxy, and frees the port.

One classroom of one learner (127.0.0.1, free port, under ``timeout``, its own process group),
with a certificate made by certipy (JupyterHub's own dependency for internal TLS). The time from
SIGTERM to the hub's exit is printed; the 10 s bound itself comes from the stop budget
(``STOP_TIMEOUTS_S``, tests/test_classroom_safety.py), since tests do not assert on wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from classroom_client import ROOT, Learner, start_room

from aftercare.classroom import ClassroomError
from aftercare.classroom.accounts import check_reachable
from aftercare.classroom.hub import check_port_free
from aftercare.classroom.service import is_proxy_process

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


def _learner_processes(name: str) -> list[int]:
    """Processes of ``name``'s server and kernels: their environment names the server's URL."""
    marker = f"JUPYTERHUB_SERVICE_PREFIX=/user/{name}/".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture
def base():
    if os.geteuid() == 0:
        for folder in (ROOT, Path(sys.prefix)):
            try:
                check_reachable(folder, "the checkout and its environment")
            except ClassroomError as exc:
                pytest.skip(f"the classroom cannot run from here as root: {exc}")
    folder = Path(tempfile.mkdtemp(prefix="aftercare-service-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_sigterm_stops_everything_even_after_a_proxy_crash_under_tls(base):
    from certipy import Certipy

    certs = Certipy(store_dir=str(base / "certs"))
    certs.create_ca("test-ca")
    pair = certs.create_signed_pair(
        "localhost", "test-ca", alt_names=["IP:127.0.0.1", "DNS:localhost"]
    )["files"]
    room = start_room(
        base / "state",
        users=1,
        limit_s=300,
        options=(f"--ssl-cert={pair['cert']}", f"--ssl-key={pair['key']}"),
    )
    port = urlparse(room.url).port
    try:
        login_page = httpx.get(room.url + "/hub/login", verify=False, timeout=30)
        assert login_page.headers["Strict-Transport-Security"].startswith("max-age=")

        async def work() -> list[str]:
            learner = Learner(room.url, "learner01")
            try:
                response = await learner.login()
                cookies = [c for r in response.history for c in r.headers.get_list("set-cookie")]
                await learner.wait_ready(timeout_s=180)
                await learner.api("POST", "kernels", json={"name": "python3"})
                return cookies
            finally:
                await learner.close()

        cookies = asyncio.run(work())
        login = next(c for c in cookies if c.startswith("jupyterhub-hub-login="))
        assert "Secure" in login and "SameSite=Lax" in login
        learners = _learner_processes("learner01")
        assert len(learners) >= 2, learners  # their server and their kernel

        # The proxy crashes; the hub starts another one, whose pid replaces it in STATE/hub.
        pid_file = room.state / "hub" / "proxy.pid"
        crashed = int(pid_file.read_text())
        os.kill(crashed, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "no new proxy after the crash"
            text = pid_file.read_text().strip() if pid_file.exists() else ""
            if text and int(text) != crashed and is_proxy_process(int(text)):
                replacement = int(text)
                break
            time.sleep(0.3)
        deadline = time.monotonic() + 30
        while True:  # the replacement listens a moment after its pid is written
            assert time.monotonic() < deadline, "the replacement proxy does not answer"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(room.url + "/hub/login", verify=False, timeout=10).status_code == 200:
                    break
            time.sleep(0.3)

        started = time.monotonic()
        os.kill(room.process.pid, signal.SIGTERM)  # `timeout` passes it on to the hub
        room.process.wait(60)
        took = time.monotonic() - started
        print(f"\nSIGTERM to exit: {took:.1f} s (hub, server, culler, replacement proxy)")
        assert room.process.returncode == 0, room.log.read_text()[-3000:]
        # Nothing is left: the replacement proxy, the learner's server, their kernel (which
        # notices its server is gone within a second), and the port is free again.
        assert _gone_within([replacement, *learners], 5) == []
        check_port_free("127.0.0.1", port)
        # The hub's own clean-up ran (JupyterHub's, then what was left killed).
        assert re.search(r"Stopped in \d+\.\d s", room.log.read_text())
    finally:
        room.stop()
