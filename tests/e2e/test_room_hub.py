"""End to end: the room service in a real classroom (JupyterHub on 127.0.0.1, two learners).

* Over HTTP with JupyterHub tokens: a learner posts their own answer and nothing else; a
  learner cannot read the room, post for another learner, or post an unknown question or option
  (403 or 400 with a one-line reason); posting is limited per learner; a locked database refuses
  the new answer (503) and keeps the ones stored; answers survive a restart of the hub.
* In a learner's own kernel (their server's token, as the classroom gives it): answering a
  self-check question in notebook 08 posts the answer (showing the quiz says first that the
  learner is here, and tells the learner what is sent); the instructor's room page, open in
  Chromium, counts both learners here and shows both answers with the right split within a
  second; a learner's browser cannot open the page.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from classroom_client import PASSWORD, Learner, start_room, temporary_room, why_not_as_root
from harness import CHROMIUM, CHROMIUM_ARGS, chromium_available

from aftercare.classroom.room import POSTS_PER_MINUTE, SCOPE_ANSWER
from aftercare.quiz import load_quiz

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

AS_ROOT = os.geteuid() == 0
QUESTION = "cool-session-cap"
ACCESS = "access:services!service=room"


@pytest.fixture(scope="module")
def room():
    """A classroom of two learners of this module's own."""
    if problem := why_not_as_root():
        pytest.skip(problem)
    with temporary_room(users=2, limit_s=900) as room:
        yield room


def _run(coroutine):
    return asyncio.run(coroutine)


async def _instructor(room) -> Learner:
    instructor = Learner(room.url, "instructor", password=room.instructor_password)
    response = await instructor.login()
    assert response.status_code < 500, response.text[:300]
    return instructor


def _hub_xsrf(client: Learner) -> str:
    for cookie in client.http.cookies.jar:
        if cookie.name == "_xsrf" and cookie.path.rstrip("/") in ("/hub", ""):
            return cookie.value
    return ""


@pytest.fixture(scope="module")
def tokens(room):
    """API tokens: the instructor's own, and one per learner with what a server token holds."""

    async def go():
        instructor = await _instructor(room)
        try:
            made = {}
            for name, scopes in (
                ("instructor", None),
                ("learner01", [SCOPE_ANSWER, ACCESS]),
                ("learner02", [SCOPE_ANSWER, ACCESS]),
            ):
                body = {"note": "room test"} | ({"scopes": scopes} if scopes else {})
                got = await instructor.http.post(
                    f"/hub/api/users/{name}/tokens",
                    json=body,
                    headers={"X-XSRFToken": _hub_xsrf(instructor)},
                )
                assert got.status_code == 201, got.text
                made[name] = got.json()["token"]
            return made
        finally:
            await instructor.close()

    return _run(go())


def _api(room, token: str, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(
        method,
        f"{room.url}/services/room/api/{path}",
        headers={"Authorization": f"token {token}"},
        timeout=30,
        **kwargs,
    )


def _post(room, token, body) -> httpx.Response:
    return _api(room, token, "POST", "answers", json=body)


def _one_line_reason(response: httpx.Response) -> str:
    message = response.json()["message"]
    assert message and "\n" not in message and "Traceback" not in message
    return message


def test_a_learner_posts_their_own_answer_and_the_instructor_sees_the_split(room, tokens):
    question = load_quiz().get(QUESTION)
    right, wrong = question.correct_index, (question.correct_index + 1) % len(question.options)
    assert _api(room, tokens["instructor"], "POST", "session").status_code == 200
    assert (
        _post(room, tokens["learner01"], {"question": QUESTION, "option": right}).status_code == 201
    )
    assert (
        _post(room, tokens["learner02"], {"question": QUESTION, "option": wrong}).status_code == 201
    )
    summary = _api(room, tokens["instructor"], "GET", "summary").json()
    (item,) = summary["questions"]
    assert item["answered"] == 2
    counts = {o["letter"]: o["count"] for o in item["options"]}
    assert counts["ABCDEF"[right]] == 1 and counts["ABCDEF"[wrong]] == 1
    assert "names" not in item  # anonymous by default
    named = _api(room, tokens["instructor"], "GET", "summary?named=1").json()
    assert named["questions"][0]["names"] == {"learner01": right, "learner02": wrong}


@pytest.mark.parametrize(
    ("path", "method"),
    [("summary", "GET"), ("summary?named=1", "GET"), ("records.csv", "GET"), ("session", "POST")],
)
def test_a_learner_cannot_read_the_room_or_reset_it(room, tokens, path, method):
    got = _api(room, tokens["learner01"], method, path)
    assert got.status_code == 403
    assert "learner01 may not do this here" in _one_line_reason(got)


def test_a_learner_cannot_open_the_room_page(room, tokens):
    got = httpx.get(
        f"{room.url}/services/room/",
        headers={"Authorization": f"token {tokens['learner01']}"},
        timeout=30,
    )
    assert got.status_code == 403
    assert "New session" not in got.text


def test_a_learner_cannot_post_for_another_learner(room, tokens):
    got = _post(
        room, tokens["learner01"], {"question": QUESTION, "option": 0, "learner": "learner02"}
    )
    assert got.status_code == 403
    assert "learner01 may post only their own answers" in _one_line_reason(got)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"question": "not-a-question", "option": 0}, "unknown question"),
        ({"question": QUESTION, "option": 99}, "is not one of 0-"),
        ({"question": QUESTION, "option": 1, "comment": "free text"}, "only 'question'"),
    ],
)
def test_bad_answers_are_refused_with_a_reason(room, tokens, body, reason):
    before = _api(room, tokens["instructor"], "GET", "summary").json()
    got = _post(room, tokens["learner02"], body)
    assert got.status_code == 400
    assert reason in _one_line_reason(got)
    assert (
        _api(room, tokens["instructor"], "GET", "summary").json()["questions"]
        == before["questions"]
    )


def test_a_request_without_a_token_is_refused(room):
    got = httpx.post(
        f"{room.url}/services/room/api/answers", json={"question": QUESTION, "option": 0}
    )
    assert got.status_code in (302, 403)


def test_the_class_records_are_the_instructors(room, tokens):
    got = _api(room, tokens["instructor"], "GET", "records.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    learners = [line.split(",")[0] for line in got.text.splitlines()[1:]]
    assert {"learner01", "learner02"} <= set(learners)


def test_a_locked_database_refuses_the_new_answer_and_keeps_the_old(room, tokens):
    db = room.state / "room" / "room.sqlite"
    before = _api(room, tokens["instructor"], "GET", "summary").json()["questions"]
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        got = _post(room, tokens["learner01"], {"question": "pns-bruising", "option": 0})
        assert got.status_code == 503
        assert "could not store" in _one_line_reason(got)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _api(room, tokens["instructor"], "GET", "summary").json()["questions"] == before


def test_answers_survive_a_restart_of_the_hub(room, tokens):
    before = _api(room, tokens["instructor"], "GET", "summary").json()["questions"]
    assert before
    room.stop(keep_users=True)
    again = start_room(room.state, users=2, limit_s=900, room_name=room.room)
    room.process, room.url, room.log = again.process, again.url, again.log
    deadline = time.monotonic() + 60
    while True:
        got = _api(room, tokens["instructor"], "GET", "summary")
        if got.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # the hub starts its services after it answers
    assert got.status_code == 200, got.text
    assert got.json()["questions"] == before


# -- the live path: notebook 08 in the learners' kernels, the page in Chromium -----------------


async def _ready_in_notebook_08(room, name: str):
    """Log a learner in, wait for their server and open notebook 08 with its kernel."""
    learner = Learner(room.url, name)
    assert (await learner.login()).status_code == 200
    await learner.wait_ready(timeout_s=300)
    kernel, _notebook = await learner.open_notebook("notebooks/08_self_check.ipynb")
    reply = await kernel.execute(
        "from aftercare.widgets.quiz import CLASSROOM_NOTE, QuizApp\n"
        f"app = QuizApp(ids=[{QUESTION!r}])\n"
        "note, card = app.widget.children[:2]\n"
        "assert CLASSROOM_NOTE in note.value, note.value"  # the learner is told what is sent
    )
    assert reply.get("status") == "ok", reply
    return learner, kernel


async def _click(kernel, option: int) -> None:
    """What a click on "Check answer" runs, in the learner's own kernel (with the server's
    environment: the room's address and the server's token)."""
    reply = await kernel.execute(f"card.children[1].value = {option}\ncard.children[2].click()")
    assert reply.get("status") == "ok", reply


async def _no_notice(kernel) -> None:
    reply = await kernel.execute(
        "import time\nfor _ in range(50):\n    time.sleep(0.1)\n"
        "assert 'Correct.' in card.children[3].value or 'Not quite' in card.children[3].value\n"
        "assert card.children[4].value == '', card.children[4].value"
    )
    assert reply.get("status") == "ok", reply


async def _here_before_answers(room, instructor_token: str, wait_s: float = 30) -> int:
    """How many learners the room counts as here (waiting up to ``wait_s`` for two)."""
    async with httpx.AsyncClient(timeout=30) as http:
        deadline = time.monotonic() + wait_s
        while True:
            got = await http.get(
                f"{room.url}/services/room/api/summary",
                headers={"Authorization": f"token {instructor_token}"},
            )
            summary = got.json()
            if summary["here"] >= 2 or time.monotonic() > deadline:
                assert not any(q["answered"] for q in summary["questions"]), summary
                return summary["here"]
            await asyncio.sleep(0.1)


@pytest.mark.skipif(not chromium_available(), reason="needs Chromium")
def test_two_learners_answer_in_notebook_08_and_the_page_shows_it_within_a_second(room, tokens):
    from playwright.sync_api import sync_playwright

    question = load_quiz().get(QUESTION)
    right, wrong = question.correct_index, (question.correct_index + 1) % len(question.options)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.goto(f"{room.url}/hub/login")
            page.fill("#username_input", "instructor")
            page.fill("#password_input", room.instructor_password)
            page.click("#login_submit")
            page.wait_for_load_state()
            page.goto(f"{room.url}/services/room/")
            page.wait_for_selector("#new-session")
            page.click("#new-session")
            page.wait_for_selector("text=No answers yet in this session.")
            # The page notes (on the machine's clock) when both answers first show.
            page.evaluate(
                """() => new MutationObserver((_, observer) => {
                    if (document.body.innerText.includes("2 have answered")) {
                        window.shownAt = Date.now(); observer.disconnect();
                    }
                }).observe(document.body, {childList: true, subtree: true, characterData: true})"""
            )

            async def answer_both() -> float:
                one, two = await asyncio.gather(
                    _ready_in_notebook_08(room, "learner01"),
                    _ready_in_notebook_08(room, "learner02"),
                )
                try:
                    # Showing the quiz said each learner is here, before any answer.
                    assert await _here_before_answers(room, tokens["instructor"]) == 2
                    await _click(one[1], right)
                    await _click(two[1], wrong)
                    clicked = time.time() * 1000
                    await asyncio.gather(_no_notice(one[1]), _no_notice(two[1]))
                    return clicked
                finally:
                    await one[0].close()
                    await two[0].close()

            # Playwright's sync API holds this thread's event loop: the learners run in another.
            with ThreadPoolExecutor(max_workers=1) as pool:
                clicked = pool.submit(asyncio.run, answer_both()).result()
            try:
                page.wait_for_selector(
                    f"section[data-question='{QUESTION}'] >> text=2 have answered", timeout=1000
                )
            finally:
                page.screenshot(path=str(Path(tempfile.gettempdir()) / "room-page-1024.png"))
            shown_after_ms = page.evaluate("window.shownAt") - clicked
            assert shown_after_ms < 1000, shown_after_ms
            assert page.inner_text("#here") == "2 learners here"
            section = page.locator(f"section[data-question='{QUESTION}']")
            for letter in ("ABCDEF"[right], "ABCDEF"[wrong]):
                assert "1 of 2 (50%)" in section.locator(f"[data-option='{letter}']").inner_text()
            sizes = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.innerText && "
                "e.children.length === 0).map(e => parseFloat(getComputedStyle(e).fontSize))"
            )
            assert min(sizes) >= 18
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1024
            page.screenshot(path=str(Path(tempfile.gettempdir()) / "room-page-1024.png"))

            learner_page = browser.new_page()
            learner_page.goto(f"{room.url}/hub/login")
            learner_page.fill("#username_input", "learner01")
            learner_page.fill("#password_input", PASSWORD)
            learner_page.click("#login_submit")
            learner_page.wait_for_load_state()
            assert "/hub/login" not in learner_page.url  # logged in
            got = learner_page.goto(f"{room.url}/services/room/")
            assert got.status == 403
            assert learner_page.locator("#new-session").count() == 0
        finally:
            browser.close()


# Last: it spends learner02's posts for a minute.
def test_posting_is_limited_per_learner(room, tokens):
    statuses = [
        _post(room, tokens["learner02"], {"question": QUESTION, "option": 0}).status_code
        for _ in range(POSTS_PER_MINUTE + 1)
    ]
    assert 429 in statuses
    assert statuses[0] == 201
    # Others are not held back.
    assert _post(room, tokens["learner01"], {"question": QUESTION, "option": 0}).status_code == 201
