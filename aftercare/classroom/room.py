"""The room: a JupyterHub service that shows the instructor the class's answers, live.

``python -m aftercare classroom`` registers it (name ``room``) and JupyterHub runs it as
``python -m aftercare.classroom.room --db STATE/room/room.sqlite``. It is written with the hub's
own service tools: :class:`~jupyterhub.services.auth.HubOAuth` identifies every request (a
learner's server token from a notebook, or the instructor's browser after the hub's OAuth
login), and JupyterHub's custom scopes say who may do what:

* ``custom:room:answer`` (every learner): post one's own answer to a self-check question, and
  note a notebook finished;
* ``custom:room:read`` (the instructor): the room page and its counts, anonymous;
* ``custom:room:names`` (the instructor): who answered what, and the class's records as CSV.

Answers are kept in SQLite (:class:`aftercare.progress.ProgressStore`) in the classroom's state
folder, so they survive a restart of the hub. The page (``/services/room/``) shows, for each
question asked in the current session, how many have answered and the share choosing each
option; it waits on the service (long polling), so a new answer shows within a fraction of a
second. "New session" starts a fresh count (earlier answers are kept for the records).

A class answers a check-in question at once: each request asks the hub about its token without
holding up the others, and answers that arrive while a commit is under way are committed
together, each acknowledged only once it is on disk (:meth:`Room.add_answer`). The hub's answer
about a token is kept for :data:`TOKEN_CHECK_CACHE_S` (a token revoked at the hub stops working
here within that time). A learner's open notebook says it is here every
:data:`~aftercare.checkin.PRESENCE_INTERVAL_S` (``api/here``): the page counts the learners here,
and the room has the hub check the token again then if its answer is
:data:`TOKEN_REFRESH_AFTER_S` old (:class:`TokenChecks`), so a learner's answer does not wait
for the hub.

Bad input and isolation: a learner cannot read the room, post for another learner, post an
unknown question or option, or send anything but the question's id and the option's number
(400 or 403 with a one-line reason); posting is limited per learner; a full disk or a locked
database refuses the new answer with 503 and loses none already stored.

References
----------
JupyterHub documentation, "Services" (hub-managed services, HubOAuth) and "Custom scopes".
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import hashlib
import html
import io
import json
import math
import os
import re
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tornado import web
from tornado.locks import Condition

from ..checkin import PRESENCE_INTERVAL_S
from ..palette import OKABE_ITO
from ..progress import ProgressError, ProgressStore
from ..quiz import load_quiz

__all__ = [
    "SERVICE_NAME",
    "SCOPE_ANSWER",
    "SCOPE_READ",
    "SCOPE_NAMES",
    "CUSTOM_SCOPES",
    "POSTS_PER_MINUTE",
    "TOKEN_CHECK_CACHE_S",
    "TOKEN_REFRESH_AFTER_S",
    "HERE_WINDOW_S",
    "HERE_PER_MINUTE",
    "TokenChecks",
    "room_auth",
    "Room",
    "make_app",
    "main",
]

SERVICE_NAME = "room"
SCOPE_ANSWER = "custom:room:answer"
SCOPE_READ = "custom:room:read"
SCOPE_NAMES = "custom:room:names"
#: JupyterHub's ``custom_scopes`` for the room (each scope needs a description).
CUSTOM_SCOPES = {
    SCOPE_ANSWER: {"description": "Post one's own answers to the room's check-in questions."},
    SCOPE_READ: {"description": "See the room's answer counts (anonymous)."},
    SCOPE_NAMES: {"description": "See who answered what, and the class's records."},
}
#: Most answers one learner may post in a minute (a self-check notebook has 25 questions).
POSTS_PER_MINUTE = 40
#: How long the hub's answer about a token is kept [s]: a token revoked at the hub (or a scope
#: taken away) still works in the room for at most this long.
TOKEN_CHECK_CACHE_S = 60
#: Once the hub's answer about a token is this old [s], a notebook saying it is here has it
#: renewed (every ``PRESENCE_INTERVAL_S``), so it stays younger than the cache's limit.
TOKEN_REFRESH_AFTER_S = 20
#: A learner counts as here while a notebook of theirs said so within this time [s].
HERE_WINDOW_S = round(2.5 * PRESENCE_INTERVAL_S)
#: Most "here" notes one learner may send in a minute (each open notebook sends two).
HERE_PER_MINUTE = 20
#: Largest request body accepted [bytes].
_MAX_BODY = 1024
#: How long a page's request waits for a new answer before it answers unchanged [s].
_LONG_POLL_S = 20.0
_NOTEBOOK = re.compile(r"^[0-9]{2}_[a-z0-9_]{1,60}\.ipynb$")


class TokenChecks:
    """The hub's answers about tokens: kept for a while, renewed when a notebook says it is here.

    ``ask(token)`` asks the hub (awaitable; the user's model, or ``None`` for a token the hub
    does not know). :meth:`user` uses an answer younger than ``max_age_s`` as it is and asks
    for a new one otherwise; :meth:`renew` (the room's ``api/here``) asks again once the answer
    is ``refresh_after_s`` old. Requests for the same token share one question to the hub. So
    a learner whose notebook says it is here every ``PRESENCE_INTERVAL_S`` (less than
    ``max_age_s``) never has an answer wait for the hub, and a token the hub stops knowing
    stops working here at the next renewal, at most ``max_age_s`` after the last.

    Parameters
    ----------
    ask : callable
        ``ask(token)`` returning an awaitable of the user's model or ``None``.
    max_age_s, refresh_after_s : float
        How long an answer is used, and from what age :meth:`renew` renews it [s];
        ``0 < refresh_after_s <= max_age_s``.
    clock : callable, optional
        Seconds, monotonic (``time.monotonic``).
    """

    def __init__(self, ask, *, max_age_s: float, refresh_after_s: float, clock=time.monotonic):
        if not 0 < refresh_after_s <= max_age_s:
            raise ValueError(
                f"refresh_after_s must be in (0, max_age_s={max_age_s}]; got {refresh_after_s}"
            )
        self._ask, self._clock = ask, clock
        self.max_age_s, self.refresh_after_s = max_age_s, refresh_after_s
        self._known: dict[str, tuple[float, dict | None]] = {}
        self._asking: dict[str, asyncio.Future] = {}

    async def user(self, token: str, session_id: str = "") -> dict | None:
        """The user the token belongs to (``None`` if the hub does not know it)."""
        return await self._answer(token, session_id, self.max_age_s)

    async def renew(self, token: str, session_id: str = "") -> dict | None:
        """As :meth:`user`, asking the hub again if its answer is ``refresh_after_s`` old."""
        return await self._answer(token, session_id, self.refresh_after_s)

    async def _answer(self, token: str, session_id: str, fresh_s: float) -> dict | None:
        key = f"{session_id}:{hashlib.sha256(token.encode('utf8', 'replace')).hexdigest()}"
        known = self._known.get(key)
        if known is not None and self._clock() - known[0] < fresh_s:
            return known[1]
        if key not in self._asking:
            asking = asyncio.ensure_future(self._ask_hub(key, token))
            self._asking[key] = asking
            asking.add_done_callback(lambda _done: self._asking.pop(key, None))
        return await asyncio.shield(self._asking[key])

    async def _ask_hub(self, key: str, token: str) -> dict | None:
        model = await self._ask(token)
        now = self._clock()
        self._known[key] = (now, model)
        if len(self._known) > 4096:  # forget answers that ran out (tokens no longer used)
            for old in [k for k, (at, _) in self._known.items() if now - at >= self.max_age_s]:
                del self._known[old]
        return model


def room_auth(**kwargs):
    """JupyterHub's :class:`~jupyterhub.services.auth.HubOAuth`, with :class:`TokenChecks`.

    Keyword arguments go to ``HubOAuth``; its ``cache_max_age`` is :data:`TOKEN_CHECK_CACHE_S`
    unless given. ``await auth.renew_token_check(handler)`` renews the check of the request's
    token (:meth:`TokenChecks.renew`).
    """
    from jupyterhub.services.auth import HubOAuth

    class RoomAuth(HubOAuth):
        def __init__(self, **options):
            super().__init__(**options)
            self.token_checks = TokenChecks(
                lambda token: HubOAuth.user_for_token(self, token, use_cache=False, sync=False),
                max_age_s=self.cache_max_age,
                refresh_after_s=min(TOKEN_REFRESH_AFTER_S, self.cache_max_age),
            )

        def user_for_token(self, token, use_cache=True, session_id="", *, sync=True):
            if sync or not use_cache:
                return super().user_for_token(token, use_cache, session_id, sync=sync)
            return self.token_checks.user(token, session_id)

        async def renew_token_check(self, handler) -> None:
            token = self.get_token(handler, in_cookie=False)
            if token:
                await self.token_checks.renew(token, self.get_session_id(handler))

    kwargs.setdefault("cache_max_age", TOKEN_CHECK_CACHE_S)
    return RoomAuth(**kwargs)


class Room:
    """The room's state: the store, the question bank, who posted when, and a change counter.

    Parameters
    ----------
    db : pathlib.Path
        The SQLite file (created with its folder, mode 0700).
    """

    def __init__(self, db: str | Path):
        self.store = ProgressStore(db, write_ahead_log=True)
        self.quiz = load_quiz()
        self.version = 0
        self.changed = Condition()
        self._posts: dict[str, deque[float]] = {}
        self._here_notes: dict[str, deque[float]] = {}
        self._here: dict[str, float] = {}
        # Answers waiting for the disk, and the one thread that writes them (see add_answer).
        self._queued: list[tuple[tuple[str, str, int, bool], asyncio.Future]] = []
        self._writing: asyncio.Task | None = None
        self._disk = ThreadPoolExecutor(1, thread_name_prefix="room-db")

    async def add_answer(self, learner: str, question_id: str, option: int, correct: bool) -> None:
        """Store one answer; return once it is on disk (committed), as the learner is told.

        Answers that arrive while a write is under way are written together in the next one
        (one transaction, one wait for the disk: "group commit"), on a thread of their own, so
        the service keeps answering while the disk works. Each is acknowledged only after the
        COMMIT that holds it; when that fails (full disk, locked database) every answer in it
        is refused and none stored before is touched.

        Raises
        ------
        aftercare.progress.ProgressError
            When the answer could not be stored.
        """
        stored = asyncio.get_running_loop().create_future()
        self._queued.append(((learner, question_id, option, correct), stored))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write_queued())
        await stored

    async def _write_queued(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queued:
            group, self._queued = self._queued, []
            try:
                await loop.run_in_executor(
                    self._disk, self.store.add_answers, [answer for answer, _ in group]
                )
            except ProgressError as exc:
                for _, stored in group:
                    stored.set_exception(exc)
            else:
                for _, stored in group:
                    stored.set_result(None)
                self.bump()

    def bump(self) -> None:
        self.version += 1
        self.changed.notify_all()

    def allow_post(self, learner: str, now: float | None = None) -> bool:
        """Whether ``learner`` may post now (at most :data:`POSTS_PER_MINUTE` a minute)."""
        return _one_more(self._posts, learner, POSTS_PER_MINUTE, now)

    def note_here(self, learner: str, now: float | None = None) -> bool:
        """Note that ``learner`` is here; ``False`` past :data:`HERE_PER_MINUTE` notes a minute.

        A learner who was not here before wakes the page (the count of learners here changes).
        """
        now = time.monotonic() if now is None else now
        if not _one_more(self._here_notes, learner, HERE_PER_MINUTE, now):
            return False
        arrived = now - self._here.get(learner, -math.inf) > HERE_WINDOW_S
        self._here[learner] = now
        if arrived:
            self.bump()
        return True

    def here(self, now: float | None = None) -> int:
        """How many learners are here: a notebook of theirs said so within
        :data:`HERE_WINDOW_S`."""
        now = time.monotonic() if now is None else now
        return sum(1 for at in self._here.values() if now - at <= HERE_WINDOW_S)

    def check_answer(self, body: object) -> tuple[str, int, bool]:
        """Validate a posted answer: ``{"question": id, "option": n}`` and nothing else.

        Returns the question id, the option's number and whether it is right.

        Raises
        ------
        tornado.web.HTTPError
            400 with a one-line reason.
        """
        if not isinstance(body, dict):
            raise _fail(400, 'send a JSON object {"question": "<id>", "option": <number>}')
        extra = sorted(set(body) - {"question", "option", "learner"})
        if extra:
            raise _fail(
                400, f"only 'question' and 'option' are accepted; got {', '.join(map(repr, extra))}"
            )
        question_id = body.get("question")
        if not isinstance(question_id, str) or question_id not in self.quiz.ids:
            raise _fail(400, f"unknown question {str(question_id)[:40]!r}")
        question = self.quiz.get(question_id)
        option = body.get("option")
        last = len(question.options) - 1
        if isinstance(option, bool) or not isinstance(option, int) or not 0 <= option <= last:
            raise _fail(
                400, f"option {str(option)[:20]!r} is not one of 0-{last} for {question_id!r}"
            )
        return question_id, option, question.check(option).correct

    def summary_json(self, *, named: bool) -> dict:
        """The current session's counts, with each question's prompt and options."""
        questions = []
        for item in self.store.summary(named=named):
            question = self.quiz.get(item.question_id)
            questions.append(
                {
                    "id": item.question_id,
                    "prompt": question.prompt,
                    "answered": item.answered,
                    "options": [
                        {
                            "letter": "ABCDEF"[n],
                            "text": option.text,
                            "count": item.option_counts.get(n, 0),
                            "correct": option.correct,
                        }
                        for n, option in enumerate(question.options)
                    ],
                    **({"names": item.names} if named else {}),
                }
            )
        return {
            "version": self.version,
            "session": self.store.current_session(),
            "here": self.here(),
            "questions": questions,
        }

    def records_csv(self) -> str:
        """Every learner's record as CSV (one row per learner)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "learner",
                "questions_answered",
                "correct_at_first_try",
                "notebooks_finished",
                "first_activity_utc",
                "last_activity_utc",
            ]
        )
        for record in self.store.records():
            writer.writerow(
                [
                    record.learner,
                    record.answered,
                    record.correct_first_try,
                    ";".join(record.notebooks),
                    record.first_at,
                    record.last_at,
                ]
            )
        return out.getvalue()


def _one_more(log: dict[str, deque[float]], learner: str, per_minute: int, now=None) -> bool:
    """Note one more request of ``learner`` in ``log`` unless ``per_minute`` came in 60 s."""
    now = time.monotonic() if now is None else now
    recent = log.setdefault(learner, deque())
    while recent and now - recent[0] > 60:
        recent.popleft()
    if len(recent) >= per_minute:
        return False
    recent.append(now)
    return True


def _fail(status: int, message: str) -> web.HTTPError:
    return web.HTTPError(status, reason=message[:200].replace("\n", " "))


def _not_stored(exc: ProgressError) -> web.HTTPError:
    return _fail(503, f"the room could not store this ({exc})")


def _handlers(prefix: str, room: Room, auth):
    from jupyterhub.services.auth import (
        HubOAuthCallbackHandler,
        HubOAuthenticated,
        UserNotAllowed,
    )

    class Base(HubOAuthenticated, web.RequestHandler):
        renews_token_check = False

        def initialize(self):
            self.room = room
            self.hub_auth = auth

        def need(self, scope: str) -> dict:
            user = self.current_user
            if not user:
                raise _fail(403, "log in to the classroom first")
            if not auth.check_scopes({scope}, user):
                raise _fail(403, f"{user['name']} may not do this here (needs {scope})")
            return user

        def learner(self) -> str:
            user = self.need(SCOPE_ANSWER)
            if user.get("kind", "user") != "user":
                raise _fail(403, "only a learner may post answers")
            return user["name"]

        def body_json(self) -> object:
            if len(self.request.body) > _MAX_BODY:
                raise _fail(400, f"the request is larger than {_MAX_BODY} bytes")
            try:
                return json.loads(self.request.body or b"null")
            except ValueError:
                raise _fail(400, "the request is not JSON") from None

        async def prepare(self):
            # Who is asking, without holding up the other requests while the hub answers
            # (HubAuthenticated.get_current_user waits for it on the event loop's thread, so
            # a class answering at once queued behind each other's token checks), as
            # JupyterHub's own single-user servers ask; then HubAuthenticated's access check.
            # A notebook saying it is here has the hub's answer about its token renewed first.
            if self.renews_token_check:
                await self.hub_auth.renew_token_check(self)
            user = await self.hub_auth.get_user(self, sync=False)
            if user is not None:
                try:
                    user = self.check_hub_user(user)
                except UserNotAllowed:
                    raise _fail(403, f"{user['name']} has no access to the room") from None
            self.current_user = user

        def stored(self, write) -> None:
            try:
                write()
            except ProgressError as exc:
                raise _not_stored(exc) from None
            self.room.bump()

        def write_error(self, status_code: int, **kwargs) -> None:
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"status": status_code, "message": self._reason}))

    class Answers(Base):
        async def post(self):
            learner = self.learner()
            body = self.body_json()
            if isinstance(body, dict) and body.get("learner", learner) != learner:
                raise _fail(403, f"{learner} may post only their own answers")
            question_id, option, correct = self.room.check_answer(body)
            if not self.room.allow_post(learner):
                raise _fail(429, f"at most {POSTS_PER_MINUTE} answers a minute; wait a moment")
            try:
                await self.room.add_answer(learner, question_id, option, correct)
            except ProgressError as exc:
                raise _not_stored(exc) from None
            self.set_status(201)
            self.finish({"stored": True})

    class Here(Base):
        renews_token_check = True

        def post(self):
            learner = self.learner()
            if self.request.body.strip() not in (b"", b"{}"):
                raise _fail(400, "send nothing (or {}): saying one is here carries no data")
            if not self.room.note_here(learner):
                raise _fail(429, f"at most {HERE_PER_MINUTE} notes a minute; wait a moment")
            self.finish({"here": True, "every_s": PRESENCE_INTERVAL_S})

    class Finished(Base):
        def post(self):
            learner = self.learner()
            body = self.body_json()
            notebook = body.get("notebook") if isinstance(body, dict) else None
            if not isinstance(body, dict) or set(body) != {"notebook"}:
                raise _fail(400, 'send {"notebook": "NN_name.ipynb"} and nothing else')
            if not isinstance(notebook, str) or not _NOTEBOOK.match(notebook):
                raise _fail(400, f"{str(notebook)[:40]!r} is not a course notebook's file name")
            if not self.room.allow_post(learner):
                raise _fail(429, f"at most {POSTS_PER_MINUTE} posts a minute; wait a moment")
            self.stored(lambda: self.room.store.add_finished(learner, notebook))
            self.set_status(201)
            self.finish({"stored": True})

    class Summary(Base):
        async def get(self):
            named = self.get_argument("named", "0") == "1"
            self.need(SCOPE_NAMES if named else SCOPE_READ)
            since = self.get_argument("since", "")
            if since.isdigit() and int(since) == self.room.version:
                await self.room.changed.wait(timeout=dt.timedelta(seconds=_LONG_POLL_S))
            try:
                data = self.room.summary_json(named=named)
            except ProgressError as exc:
                raise _fail(503, str(exc)) from None
            self.set_header("Cache-Control", "no-store")
            self.finish(data)

    class Session(Base):
        def post(self):
            self.need(SCOPE_READ)
            self.stored(self.room.store.new_session)
            self.finish({"session": self.room.store.current_session()})

    class Records(Base):
        def get(self):
            self.need(SCOPE_NAMES)
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", 'attachment; filename="class-records.csv"')
            self.finish(self.room.records_csv())

    class Page(Base):
        @web.authenticated
        def get(self):
            user = self.need(SCOPE_READ)
            self.set_header("Cache-Control", "no-store")
            self.finish(
                page_html(
                    prefix=prefix,
                    xsrf=self.xsrf_token.decode(),
                    can_name=bool(auth.check_scopes({SCOPE_NAMES}, user)),
                )
            )

    class Callback(HubOAuthCallbackHandler):
        # The OAuth state (with its PKCE verifier) lives in the HubOAuth that began the login.
        def initialize(self):
            self.hub_auth = auth

    return [
        (prefix, Page),
        (prefix + "oauth_callback", Callback),
        (prefix + "api/answers", Answers),
        (prefix + "api/finished", Finished),
        (prefix + "api/here", Here),
        (prefix + "api/summary", Summary),
        (prefix + "api/session", Session),
        (prefix + "api/records.csv", Records),
    ]


def make_app(room: Room, *, prefix: str | None = None, auth=None) -> web.Application:
    """The room's tornado application, under ``prefix`` (``$JUPYTERHUB_SERVICE_PREFIX``)."""
    prefix = prefix or os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    auth = auth or room_auth(api_token=os.environ["JUPYTERHUB_API_TOKEN"])
    return web.Application(
        _handlers(prefix, room, auth),
        # HubOAuth checks the XSRF token of cookie-authenticated requests itself (token-
        # authenticated ones, from a learner's kernel, need none); tornado's own check would
        # run before authentication and refuse the tokens.
        cookie_secret=os.urandom(32),
        login_url=auth.login_url,
    )


_COLOURS = [OKABE_ITO[name] for name in ("blue", "orange", "bluish_green", "reddish_purple")]


def page_html(*, prefix: str, xsrf: str, can_name: bool) -> str:
    """The instructor's room page: counts as bars with their numbers in words, updated live.

    Fits a 1024 x 768 projector; text at least 20 px. Colour is never the only cue: each bar
    carries its letter, count and share in words, and the right answer is marked with a tick
    and the word "right".
    """
    colours = json.dumps(_COLOURS)
    naming = (
        '<label><input type="checkbox" id="named"> Show names (instructor only)</label>'
        if can_name
        else ""
    )
    records = (
        f'<a class="button" href="{html.escape(prefix)}api/records.csv">Class records (CSV)</a>'
        if can_name
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The room: answers to check-in questions</title>
<style>
  body {{ font: 20px/1.35 system-ui, sans-serif; margin: 0; padding: 16px 24px; color: #111;
         max-width: 1000px; }}
  h1 {{ font-size: 30px; margin: 0 0 8px; }}
  .bar-row {{ display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 12px;
             align-items: center; margin: 4px 0; }}
  .track {{ background: #eee; height: 28px; border-radius: 4px; overflow: hidden; }}
  .fill {{ height: 100%; }}
  .right {{ background-image: repeating-linear-gradient(45deg, rgba(255,255,255,.45) 0 6px,
            transparent 6px 12px); }}
  .controls {{ display: flex; gap: 16px; align-items: center; flex-wrap: wrap; margin: 8px 0; }}
  button, .button {{ font: inherit; padding: 6px 14px; border: 2px solid #0072B2;
            background: #fff; color: #0072B2; border-radius: 6px; text-decoration: underline; }}
  section {{ border-top: 2px solid #ccc; padding: 8px 0; }}
  h2 {{ font-size: 24px; margin: 4px 0; }}
  .count {{ font-weight: 600; }}
  .names {{ font-size: 18px; color: #333; }}
  .note {{ font-size: 18px; color: #333; }}
</style></head>
<body>
<h1>The room <span class="note">(answers to the self-check questions, this session)</span></h1>
<div class="controls">
  <button id="new-session" type="button">New session</button>{naming}{records}
  <span id="here" class="count"></span>
  <span id="status" class="note" role="status" aria-live="polite"></span>
</div>
<p class="note">Anonymous: the bars count each learner's latest answer; "here" counts learners
with a self-check open in a notebook. Education, not individual medical advice.</p>
<main id="questions" aria-live="polite"><p>No answers yet in this session.</p></main>
<script>
const PREFIX = {json.dumps(prefix)}, XSRF = {json.dumps(xsrf)}, COLOURS = {colours};
let version = "";
function el(tag, attrs, text) {{
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {{}})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}}
function named() {{ const box = document.getElementById("named"); return box && box.checked; }}
function draw(data) {{
  const main = document.getElementById("questions");
  document.getElementById("here").textContent =
    data.here + (data.here === 1 ? " learner" : " learners") + " here";
  main.replaceChildren();
  if (!data.questions.length) {{ main.append(el("p", {{}}, "No answers yet in this session.")); }}
  for (const q of data.questions) {{
    const total = q.answered;
    const sec = el("section", {{"data-question": q.id}});
    sec.append(el("h2", {{}}, q.prompt));
    const words = [];
    sec.append(el("p", {{"class": "count"}}, total + (total === 1 ? " has" : " have") + " answered" +
      (data.here ? " (" + data.here + " here)" : "")));
    q.options.forEach((o, i) => {{
      const share = total ? Math.round(100 * o.count / total) : 0;
      const label = o.letter + ". " + o.text + (o.correct ? "  \\u2714 right" : "");
      const row = el("div", {{"class": "bar-row", "data-option": o.letter}});
      const fig = el("div", {{}});
      fig.append(el("div", {{}}, label));
      const track = el("div", {{"class": "track", "role": "img",
        "aria-label": o.letter + ": " + o.count + " of " + total + " (" + share + "%)"}});
      const fill = el("div", {{"class": "fill" + (o.correct ? " right" : "")}});
      fill.style.width = share + "%"; fill.style.background = COLOURS[i % COLOURS.length];
      track.append(fill); fig.append(track); row.append(fig);
      row.append(el("div", {{"class": "count"}}, o.count + " of " + total + " (" + share + "%)"));
      sec.append(row);
      words.push(o.letter + " " + o.count);
    }});
    if (q.names) {{
      const who = Object.entries(q.names).map(([n, i]) => n + ": " + "ABCDEF"[i]).join(", ");
      sec.append(el("p", {{"class": "names"}}, who));
    }}
    sec.setAttribute("aria-label", q.prompt + ": " + total + " answered; " + words.join(", "));
    main.append(sec);
  }}
}}
async function poll() {{
  for (;;) {{
    try {{
      const url = PREFIX + "api/summary?since=" + version + (named() ? "&named=1" : "");
      const r = await fetch(url, {{credentials: "same-origin", cache: "no-store",
                                   headers: {{"X-XSRFToken": XSRF}}}});
      const data = await r.json();
      if (!r.ok) throw new Error(data.message || r.status);
      version = String(data.version); draw(data);
      document.getElementById("status").textContent = "";
    }} catch (e) {{
      document.getElementById("status").textContent = "Reconnecting: " + e.message;
      await new Promise(ok => setTimeout(ok, 1000));
    }}
  }}
}}
document.getElementById("new-session").addEventListener("click", async () => {{
  await fetch(PREFIX + "api/session", {{method: "POST", credentials: "same-origin",
    headers: {{"X-XSRFToken": XSRF}}}});
}});
const box = document.getElementById("named");
if (box) box.addEventListener("change", () => {{ version = ""; }});
poll();
</script>
</body></html>"""


def main(argv: list[str] | None = None) -> int:
    """Run the room as a JupyterHub service (the hub sets the environment it needs)."""
    from urllib.parse import urlparse

    parser = argparse.ArgumentParser(prog="python -m aftercare.classroom.room")
    parser.add_argument("--db", required=True, help="the SQLite file for the room's answers")
    args = parser.parse_args(argv)
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    try:
        room = Room(args.db)
    except ProgressError as exc:
        print(f"room: {exc}", file=sys.stderr)
        return 2

    async def serve() -> None:
        make_app(room).listen(url.port or 80, address=url.hostname or "127.0.0.1")
        await asyncio.Event().wait()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
