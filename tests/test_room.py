"""The room service under load, without a JupyterHub: a stand-in hub on loopback.

* The service keeps answering while the hub checks a token: several learners' first posts have
  their token checks under way at once (not one after another), and JupyterHub's access check
  still refuses a token without access to the room.
* Answers that arrive while the disk is busy are committed together, each acknowledged only
  after the commit that holds it; a locked database refuses all of that commit's answers and
  keeps the ones stored.
* A notebook saying its learner is here has the hub check the token then, so the learner's
  answers ask the hub nothing; the hub's answer is kept until it runs out and renewed only by
  such a note, and a token the hub stops knowing stops working at the next one. Learners count
  as here while their notebooks say so; a note carrying data, or from the instructor, is
  refused, and notes are limited per learner.
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
from aftercare.checkin import PRESENCE_INTERVAL_S
from aftercare.classroom.room import (
    HERE_PER_MINUTE,
    HERE_WINDOW_S,
    SCOPE_ANSWER,
    SCOPE_READ,
    Room,
    TokenChecks,
    make_app,
    room_auth,
)
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
    port = _free_port()
    auth = room_auth(
        api_url=f"http://127.0.0.1:{hub.port}/hub/api",
        api_token="the-room's-own-token",
        oauth_client_id="service-room",
        access_scopes={ACCESS},
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


# -- A notebook says its learner is here; the token checks follow ------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _counting_hub(known: dict[str, dict]):
    asked: list[str] = []

    async def ask(token: str):
        asked.append(token)
        await asyncio.sleep(0.01)
        return known.get(token)

    return ask, asked


def test_a_token_check_is_kept_until_it_runs_out_and_renewed_when_a_notebook_says_it_is_here():
    known = {"t1": _learner("learner01")}
    ask, asked = _counting_hub(known)
    clock = Clock()
    checks = TokenChecks(ask, max_age_s=60, refresh_after_s=20, clock=clock)

    async def go():
        assert (await checks.user("t1"))["name"] == "learner01"
        clock.now = 15
        await checks.user("t1")
        await checks.renew("t1")  # 15 s old: kept
        assert asked == ["t1"]
        clock.now = 25
        await checks.user("t1")  # an answer never renews: it uses what is known
        assert asked == ["t1"]
        await checks.renew("t1")  # a notebook says it is here: 25 s old, asked again
        assert asked == ["t1", "t1"]
        clock.now = 80  # 55 s after the renewal: still in use
        await checks.user("t1")
        assert asked == ["t1", "t1"]
        clock.now = 86  # 61 s: run out, asked again (and waited for)
        await checks.user("t1")
        assert asked == ["t1", "t1", "t1"]
        # The hub stops knowing the token: the next renewal says so, and answers stop at once.
        del known["t1"]
        clock.now = 110
        assert await checks.renew("t1") is None
        assert await checks.user("t1") is None
        # Requests for a token arriving together share one question to the hub.
        asked.clear()
        results = await asyncio.gather(*(checks.user("t2") for _ in range(5)))
        assert results == [None] * 5 and asked == ["t2"]

    asyncio.run(go())


@pytest.mark.parametrize("refresh_after_s", [0, -1, 61])
def test_a_renewal_age_outside_the_cache_age_is_refused(refresh_after_s):
    with pytest.raises(ValueError, match=r"refresh_after_s must be in \(0, max_age_s=60\]"):
        TokenChecks(lambda _t: None, max_age_s=60, refresh_after_s=refresh_after_s)


def test_learners_count_as_here_while_their_notebooks_say_so(tmp_path):
    room = Room(tmp_path / "room.sqlite")
    version = room.version
    assert room.note_here("learner01", now=100) and room.note_here("learner02", now=101)
    assert room.version == version + 2  # the page hears of each arrival ...
    assert room.note_here("learner01", now=130)
    assert room.version == version + 2  # ... not of a learner already here
    assert room.here(now=131) == 2
    assert room.here(now=101 + HERE_WINDOW_S + 1) == 1  # learner02's notebook went quiet
    assert room.here(now=130 + HERE_WINDOW_S + 1) == 0
    assert room.summary_json(named=False)["here"] == 0


def test_saying_one_is_here_is_limited_per_learner(tmp_path):
    room = Room(tmp_path / "room.sqlite")
    said = [room.note_here("learner01", now=1000 + n * 0.1) for n in range(HERE_PER_MINUTE + 1)]
    assert said == [True] * HERE_PER_MINUTE + [False]
    assert room.note_here("learner02", now=1001)  # another learner is not held up
    assert room.note_here("learner01", now=1061)  # a minute later


def test_a_notebook_that_says_it_is_here_has_its_answers_find_the_token_checked(tmp_path):
    """Through the room's HTTP API with the room's own HubOAuth (a stand-in hub)."""
    tokens = {f"t{n}": _learner(f"learner{n:02d}") for n in range(1, 7)}
    tokens["instructor"] = {**_learner("instructor", [ACCESS, SCOPE_READ]), "admin": True}
    room = Room(tmp_path / "room.sqlite")

    async def go(hub):
        url, server = await _serve(room, hub)
        try:
            async with aiohttp.ClientSession() as http:

                async def call(method, path, token, **kwargs):
                    async with http.request(
                        method, url + path, headers={"Authorization": f"token {token}"}, **kwargs
                    ) as got:
                        return got.status, await got.json()

                said = [await call("POST", "api/here", t) for t in tokens if t != "instructor"]
                checks_after_here = hub.checks
                answered = await _post_all(url, [t for t in tokens if t != "instructor"])
                refused = [
                    await call("POST", "api/here", "t1", data=b'{"question": "x"}'),
                    await call("POST", "api/here", "instructor"),
                ]
                _, summary = await call("GET", "api/summary", "instructor")
                return said, checks_after_here, answered, refused, summary
        finally:
            server.stop()

    with StandInHub(tokens, delay_s=0.2) as hub:
        said, checks_after_here, answered, refused, summary = asyncio.run(go(hub))
        answers_checks = hub.checks - checks_after_here
    assert [status for status, _ in said] == [200] * 6
    assert said[0][1] == {"here": True, "every_s": PRESENCE_INTERVAL_S}
    assert checks_after_here == 6
    assert [status for status, _ in answered] == [201] * 6
    assert answers_checks == 1  # the answers asked the hub nothing (the instructor's one check)
    (body_status, body), (instructor_status, instructor) = refused
    assert body_status == 400 and "saying one is here carries no data" in body["message"]
    assert instructor_status == 403 and "needs custom:room:answer" in instructor["message"]
    assert summary["here"] == 6 and summary["questions"][0]["answered"] == 6
