"""``--prestart``: the hub service that starts every learner's server before class.

Against a small stand-in for the hub's REST API (127.0.0.1, a free port): servers are started a
bounded number at a time, a 429 is waited out, one failed server does not stop the others. The
whole path through the real JupyterHub with 2 learners is tests/e2e/test_classroom_hub_prestart.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from aftercare.classroom import ClassroomSettings
from aftercare.classroom.hub import hub_config
from aftercare.classroom.prestart import prestart, prestart_scopes

TOKEN = "service-token"


class FakeHub:
    """What the prestart needs of the hub's API: start a server, report pending/ready."""

    def __init__(self, start_s: float = 0.3, busy_once: tuple = (), broken: tuple = ()) -> None:
        self.start_s = start_s
        self.busy_once = set(busy_once)  # answer 429 (Retry-After: 0) to the first POST
        self.broken = set(broken)  # the spawn fails: the server disappears while pending
        self.started_at: dict[str, float] = {}
        self.posts: list[str] = []
        self.max_pending = 0
        self.unauthorized = 0

    def state(self, name: str) -> dict | None:
        began = self.started_at.get(name)
        if began is None:
            return None
        done = time.monotonic() - began >= self.start_s
        if done and name in self.broken:
            return None
        return {"ready": done, "pending": None if done else "spawn"}

    def pending(self) -> int:
        return sum(1 for n in self.started_at if (s := self.state(n)) and s["pending"])

    def app(self) -> web.Application:
        hub = self

        class Handler(web.RequestHandler):
            def prepare(self):
                if self.request.headers.get("Authorization") != f"token {TOKEN}":
                    hub.unauthorized += 1
                    raise web.HTTPError(403)

        class Server(Handler):
            def post(self, name):
                hub.posts.append(name)
                if name in hub.busy_once:
                    hub.busy_once.discard(name)
                    self.set_status(429)
                    self.set_header("Retry-After", "0")
                    return
                hub.started_at[name] = time.monotonic()
                hub.max_pending = max(hub.max_pending, hub.pending())
                self.set_status(202)

        class User(Handler):
            def get(self, name):
                server = hub.state(name)
                self.write(json.dumps({"name": name, "servers": {"": server} if server else {}}))

        return web.Application(
            [(r"/hub/api/users/([^/]+)/server", Server), (r"/hub/api/users/([^/]+)", User)]
        )


async def _run(hub: FakeHub, names, concurrency: int, timeout_s: float = 30):
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(hub.app())
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    lines: list[str] = []
    try:
        report = await prestart(
            f"http://127.0.0.1:{port}/hub/api",
            TOKEN,
            names,
            concurrency=concurrency,
            timeout_s=timeout_s,
            echo=lines.append,
        )
    finally:
        server.stop()
    return report, lines


def test_servers_start_a_bounded_number_at_a_time():
    names = [f"learner{i:02d}" for i in range(1, 7)]
    hub = FakeHub(start_s=0.3)
    report, lines = asyncio.run(_run(hub, names, concurrency=2))
    assert sorted(report.ready) == names and report.failed == {}
    assert hub.max_pending == 2  # never more than the concurrency, and it was used
    assert hub.unauthorized == 0
    # 6 servers of 0.3 s, 2 at a time: at least 3 rounds.
    assert report.seconds >= 0.9
    assert lines == [f"prestart: 6 of 6 servers ready in {report.seconds:.1f} s"]


def test_a_busy_hub_is_waited_out_and_a_failed_server_does_not_stop_the_others():
    names = ["learner01", "learner02", "learner03"]
    hub = FakeHub(start_s=0.2, busy_once={"learner01"}, broken={"learner02"})
    report, lines = asyncio.run(_run(hub, names, concurrency=3))
    assert sorted(report.ready) == ["learner01", "learner03"]
    assert list(report.failed) == ["learner02"]
    assert "stopped while starting" in report.failed["learner02"]
    assert hub.posts.count("learner01") == 2  # asked again after the 429
    assert lines[0].startswith("prestart: learner02: the server stopped while starting")
    assert lines[-1].endswith("not started: learner02")


def test_a_server_that_never_gets_ready_is_reported_after_its_timeout():
    hub = FakeHub(start_s=60)
    report, _ = asyncio.run(_run(hub, ["learner01"], concurrency=1, timeout_s=1))
    assert report.ready == [] and "not ready after 1 s" in report.failed["learner01"]


def test_a_concurrency_below_one_is_refused():
    with pytest.raises(ValueError, match="concurrency 0"):
        asyncio.run(_run(FakeHub(), ["learner01"], concurrency=0))


def _config(tmp_path: Path, prestart_on: bool):
    settings = ClassroomSettings.build(users=3, port=8000, state=tmp_path, prestart=prestart_on)
    return hub_config(
        settings,
        class_pw="a" * 8,
        instructor_pw="b" * 32,
        as_root=False,
        hub_port=8081,
        proxy_api_port=8082,
        proxy=Path("chp"),
    )


def test_the_hub_runs_the_prestart_as_a_service_with_narrow_scopes(tmp_path):
    config = _config(tmp_path, prestart_on=True)
    service = next(s for s in config.JupyterHub.services if s["name"] == "prestart")
    command = service["command"]
    assert command[1:3] == ["-m", "aftercare.classroom.prestart"]
    assert command[-3:] == ["learner01", "learner02", "learner03"]
    assert any(part.startswith("--concurrency=") for part in command)
    role = next(r for r in config.JupyterHub.load_roles if r["name"] == "prestart")
    assert role["services"] == ["prestart"]
    assert role["scopes"] == prestart_scopes()
    # Start servers and read their state: never admin, users, tokens or access to servers.
    assert "read:servers" in role["scopes"]
    assert not {"admin:users", "admin:servers", "users", "tokens", "access:servers"} & set(
        role["scopes"]
    )

    without = _config(tmp_path, prestart_on=False)
    assert "prestart" not in [s["name"] for s in without.JupyterHub.services]
    assert "prestart" not in [r["name"] for r in without.JupyterHub.load_roles]


def test_the_command_line_passes_prestart():
    from aftercare.__main__ import parse_args

    assert parse_args(["classroom", "--users", "2", "--prestart"]).prestart is True
    assert parse_args(["classroom", "--users", "2"]).prestart is False
