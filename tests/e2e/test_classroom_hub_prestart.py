"""``python -m aftercare classroom --users 2 --prestart``: both servers run before anyone logs in.

The real hub (127.0.0.1, free port, under ``timeout``, stopped by its process id) starts the
prestart service; nobody logs in until the instructor sees both servers ready on the hub's REST
API. A learner's login then lands straight in their running JupyterLab, on their own copy of the
course, and the hub's log shows the service (not the learner) started each server.
"""

from __future__ import annotations

import asyncio
import re
import time
from urllib.parse import urlparse

import pytest
from classroom_client import Learner, temporary_room, why_not_as_root

pytestmark = [pytest.mark.timeout(300)]


@pytest.fixture
def room():
    if problem := why_not_as_root():
        pytest.skip(problem)
    with temporary_room(users=2, limit_s=280, options=("--prestart",)) as room:
        yield room


def test_prestart_runs_every_server_before_anyone_logs_in(room):
    names = {"learner01", "learner02"}

    async def go():
        instructor = Learner(room.url, "instructor", password=room.instructor_password)
        learner = Learner(room.url, "learner01")
        try:
            # Landing on the hub's home page: the instructor's own server is not started.
            assert (await instructor.login(then="/hub/home")).status_code == 200
            deadline = time.monotonic() + 180
            while (ready := await instructor.ready_servers()) != names:
                assert time.monotonic() < deadline, f"ready after 180 s: {sorted(ready)}"
                await asyncio.sleep(0.5)
            response = await learner.login()
            # Straight into the running JupyterLab: no spawn-pending page on the way.
            assert response.status_code == 200
            assert urlparse(str(response.url)).path.startswith("/user/learner01/lab")
            assert "spawn-pending" not in " ".join(str(r.url) for r in response.history)
            listing = await learner.http.get("/user/learner01/api/contents/notebooks")
            assert listing.status_code == 200
            assert "00_start_here.ipynb" in {item["name"] for item in listing.json()["content"]}
        finally:
            await instructor.close()
            await learner.close()

    asyncio.run(go())
    log = room.log.read_text()
    assert "starting every learner's server now" in log
    assert re.search(r"prestart: 2 of 2 servers ready in \d+\.\d s", log), log[-3000:]
    # Done, the service stays up as `sleep` (the hub would restart a managed service that exits).
    import psutil

    tree = psutil.Process(room.process.pid).children(recursive=True)
    assert ["sleep", "infinity"] in [p.cmdline() for p in tree]
    assert "Service prestart exited" not in log
    for name in sorted(names):
        # The hub's access log: the prestart service's token started each server.
        started = rf"20[12] POST /hub/api/users/{name}/server \S* ?\(prestart@127\.0\.0\.1\)"
        assert re.search(started, log), f"no start of {name} by the service in the hub's log"
