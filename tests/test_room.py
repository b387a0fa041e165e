"""The room service under load, without a JupyterHub: a stand-in hub on loopback.

* The service keeps answering while the hub checks a token: several learners' first posts have
  their token checks under way at once (not one after another), and JupyterHub's access check
  still refuses a token without access to the room.
* Answers that arrive while the disk is busy are committed together, each acknowledged only
  after the commit that holds it; a locked database refuses all of that commit's answers and
  keeps the ones stored.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading

import aiohttp
import pytest
from tornado import web

import aftercare.progress as progress
from aftercare.classroom.room import SCOPE_ANSWER, Room, make_app
from aftercare.progress import ProgressError

pytestmark = pytest.mark.timeout(120)

QUESTION = "cool-session-cap"
ACCESS = "access:services!service=room"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandInHub:
    """Answers ``GET /hub/api/user`` as JupyterHub does, slowly, counting checks under way.

    It runs on a thread of its own (as the hub is a process of its own), so a room that waits
    for it on its event loop's thread is slow, not stuck.
    """

    def __init__(self, users: dict[str, dict], delay_s: float = 0.2):
        self.users, self.delay_s = users, delay_s
        self.under_way = self.most_under_way = self.checks = 0
        self.port = _free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> StandInHub:
        async def listen():
            return self._app().listen(self.port, address="127.0.0.1")

        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(listen(), self._loop).result(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._server.stop)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _app(self) -> web.Application:
        hub = self

        class WhoAmI(web.RequestHandler):
            async def get(self):
                token = self.request.headers.get("Authorization", "").partition(" ")[2]
                hub.checks += 1
                hub.under_way += 1
                hub.most_under_way = max(hub.most_under_way, hub.under_way)
                try:
                    await asyncio.sleep(hub.delay_s)
                finally:
                    hub.under_way -= 1
                if token not in hub.users:
                    raise web.HTTPError(403)
                self.finish(json.dumps(hub.users[token]))

        return web.Application([("/hub/api/user", WhoAmI)])


def _learner(name: str, scopes=(SCOPE_ANSWER, ACCESS)) -> dict:
    return {"kind": "user", "name": name, "admin": False, "groups": [], "scopes": list(scopes)}


async def _serve(room: Room, hub: StandInHub):
    from jupyterhub.services.auth import HubOAuth

    port = _free_port()
    auth = HubOAuth(
        api_url=f"http://127.0.0.1:{hub.port}/hub/api",
        api_token="the-room's-own-token",
        oauth_client_id="service-room",
        access_scopes={ACCESS},
        cache_max_age=60,
    )
    server = make_app(room, prefix="/services/room/", auth=auth).listen(port, address="127.0.0.1")
    return f"http://127.0.0.1:{port}/services/room/", server


async def _post_all(url: str, tokens: list[str]) -> list[tuple[int, str]]:
    async def post(token: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http:
            async with http.post(
                url + "api/answers",
                json={"question": QUESTION, "option": 1},
                headers={"Authorization": f"token {token}"},
            ) as got:
                return got.status, (await got.json()).get("message", "")

    return await asyncio.gather(*(post(t) for t in tokens))


def test_the_room_keeps_answering_while_the_hub_checks_tokens(tmp_path):
    tokens = {f"t{n}": _learner(f"learner{n:02d}") for n in range(1, 7)}
    room = Room(tmp_path / "room.sqlite")

    async def go(hub):
        url, server = await _serve(room, hub)
        try:
            return await _post_all(url, list(tokens))
        finally:
            server.stop()

    with StandInHub(tokens) as hub:
        results = asyncio.run(go(hub))
    assert [status for status, _ in results] == [201] * 6
    assert hub.checks == 6  # each learner's first post: the hub checked its token
    assert hub.most_under_way > 1  # ... while the others' checks were under way
    assert room.store.summary()[0].answered == 6


def test_the_hub_must_know_the_token_and_grant_access_to_the_room(tmp_path):
    tokens = {"mine": _learner("learner01"), "elsewhere": _learner("learner02", [SCOPE_ANSWER])}
    room = Room(tmp_path / "room.sqlite")

    async def go(hub):
        url, server = await _serve(room, hub)
        try:
            return await _post_all(url, ["unknown", "elsewhere", "mine"])
        finally:
            server.stop()

    with StandInHub(tokens, delay_s=0) as hub:
        (unknown, elsewhere, mine) = asyncio.run(go(hub))
    assert unknown == (403, "log in to the classroom first")
    assert elsewhere == (403, "learner02 has no access to the room")
    assert mine[0] == 201
    assert room.store.summary()[0].answered == 1


def test_answers_that_arrive_together_are_committed_together(tmp_path):
    room = Room(tmp_path / "room.sqlite")
    writes: list[int] = []
    first_may_finish = threading.Event()
    write = room.store.add_answers

    def slow_first_write(answers):
        writes.append(len(answers))
        if len(writes) == 1:
            first_may_finish.wait(10)  # the disk is busy with the first answer
        return write(answers)

    room.store.add_answers = slow_first_write

    async def go():
        def post(n: int) -> asyncio.Future:
            return asyncio.ensure_future(room.add_answer(f"learner{n:02d}", QUESTION, n % 4, False))

        posts = [post(1)]
        await asyncio.sleep(0.1)  # its write has begun
        posts += [post(n) for n in range(2, 11)]
        await asyncio.sleep(0.2)
        acknowledged_early = [p.done() for p in posts]
        first_may_finish.set()
        await asyncio.gather(*posts)
        return acknowledged_early

    version = room.version
    assert asyncio.run(go()) == [False] * 10  # none acknowledged before its commit
    assert writes == [1, 9]  # the nine that came during the first write: one commit
    assert room.store.summary()[0].answered == 10
    assert room.version == version + 2  # the page hears of each commit


def test_a_locked_database_refuses_the_waiting_answers_and_keeps_the_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "_BUSY_TIMEOUT_MS", 200)
    room = Room(tmp_path / "room.sqlite")
    asyncio.run(room.add_answer("learner01", QUESTION, 1, True))
    holder = sqlite3.connect(tmp_path / "room.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    async def three():
        return await asyncio.gather(
            *(room.add_answer(f"learner0{n}", QUESTION, 0, False) for n in (2, 3, 4)),
            return_exceptions=True,
        )

    try:
        results = asyncio.run(three())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert all(isinstance(r, ProgressError) and "locked" in str(r) for r in results)
    assert room.store.answer_count() == 1
    asyncio.run(room.add_answer("learner02", QUESTION, 0, False))
    assert room.store.answer_count() == 2
