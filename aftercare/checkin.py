"""Where a learner's answer goes: the room service in a classroom, their own record elsewhere.

In a classroom (``python -m aftercare classroom``) each learner's server runs with
``AFTERCARE_ROOM_URL`` (the room service, :mod:`aftercare.classroom.room`) and JupyterHub's
``JUPYTERHUB_API_TOKEN``; an answer to a self-check question is posted there, as the learner
whose token it is, so the instructor sees the room's answers live. Outside a classroom nothing is
sent anywhere: the answer goes to the learner's own record (:mod:`aftercare.progress`), unless
``AFTERCARE_RECORD=off``.

What is sent or stored is one answer: the question's id and the chosen option's number (the
service works out whether it is right, the time and the learner). Nothing else from the
notebook: no patient data and no free text. A notebook run to its last cell is noted the same
way (its file name only), for the completion record.

While a notebook with a self-check is open in a classroom, its kernel also tells the room every
:data:`PRESENCE_INTERVAL_S` that the learner is here (:func:`start_presence`; an empty request
with the same token): the instructor's page counts the learners here, and the room renews its
check of the learner's token then, not when the learner answers.

Nothing here ever raises into a notebook: a failure comes back as a one-line notice for the
learner (the answer's own feedback is shown either way).

Examples
--------
>>> in_classroom({}), in_classroom({"AFTERCARE_ROOM_URL": "http://127.0.0.1:1/",
...                                 "JUPYTERHUB_API_TOKEN": "t"})
(False, True)
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping

from .progress import (
    ProgressError,
    ProgressStore,
    learner_name,
    local_store_path,
    recording_enabled,
)

__all__ = [
    "ROOM_URL_ENV",
    "PRESENCE_INTERVAL_S",
    "in_classroom",
    "report_answer",
    "report_finished",
    "post_to_room",
    "start_presence",
    "stop_presence",
]

#: Set by the classroom's spawner: the room service's address, seen from a learner's server.
ROOM_URL_ENV = "AFTERCARE_ROOM_URL"
#: How long a post to the room may take before the learner is told it did not arrive [s].
_POST_TIMEOUT_S = 3.0
#: How often an open notebook with a self-check tells the room its learner is here [s].
PRESENCE_INTERVAL_S = 30
_presence: tuple[threading.Thread, threading.Event] | None = None
_presence_lock = threading.Lock()


def in_classroom(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel runs in a classroom with a room service to post answers to."""
    env = os.environ if environ is None else environ
    return bool(env.get(ROOM_URL_ENV)) and bool(env.get("JUPYTERHUB_API_TOKEN"))


def post_to_room(path: str, payload: dict, environ: Mapping[str, str] | None = None) -> str | None:
    """POST ``payload`` (JSON) to the room service's ``api/<path>`` with the server's token.

    Returns ``None`` when stored, else a one-line notice saying why not.
    """
    return _post(path, payload, environ)[1]


def _post(path: str, payload: dict, environ: Mapping[str, str] | None) -> tuple[int, str | None]:
    """As :func:`post_to_room`, with the HTTP status (0 when the room did not answer)."""
    env = os.environ if environ is None else environ
    url = env[ROOM_URL_ENV].rstrip("/") + f"/api/{path}"
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"token {env['JUPYTERHUB_API_TOKEN']}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=_POST_TIMEOUT_S) as response:
            response.read()
            return response.status, None
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read().decode()).get("message", exc.reason)
        except (ValueError, AttributeError, OSError):
            reason = exc.reason
        return exc.code, f"The room did not record this answer: {reason}"
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        return 0, (
            f"The room did not record this answer (the room service did not answer: {reason})."
        )


def _store_locally(write: Callable[[ProgressStore], object]) -> str | None:
    if not recording_enabled():
        return None
    try:
        write(ProgressStore(local_store_path()))
    except ProgressError as exc:
        return f"Your own record was not updated: {exc}"
    return None


def report_answer(
    question_id: str,
    option_index: int,
    correct: bool,
    *,
    notify: Callable[[str], None] | None = None,
) -> None:
    """Send one answer where it belongs, without blocking the notebook.

    In a classroom the post runs in a background thread; ``notify`` is called with a one-line
    notice if it fails. Outside a classroom the answer goes to the learner's own record at once.
    """
    notify = notify or (lambda _notice: None)
    if in_classroom():
        payload = {"question": question_id, "option": int(option_index)}

        def post() -> None:
            notice = post_to_room("answers", payload)
            if notice:
                notify(notice)

        threading.Thread(target=post, name="aftercare-room-post", daemon=True).start()
        return
    notice = _store_locally(
        lambda store: store.add_answer(learner_name(), question_id, option_index, correct)
    )
    if notice:
        notify(notice)


def report_finished(notebook: str) -> str | None:
    """Note that this notebook ran to its last cell; returns a notice if that failed."""
    if in_classroom():
        return post_to_room("finished", {"notebook": notebook})
    return _store_locally(lambda store: store.add_finished(learner_name(), notebook))


def start_presence(environ: Mapping[str, str] | None = None) -> bool:
    """In a classroom, tell the room now and every :data:`PRESENCE_INTERVAL_S` that this learner
    is here, from a background thread (one per kernel, however often this is called).

    Returns whether it runs. Outside a classroom nothing is sent and it returns ``False``. A note
    that does not arrive is not reported (an answer that does not arrive is:
    :func:`report_answer`); one the room refuses as not a learner's (403, the instructor's own
    notebooks) stops the notes.
    """
    global _presence
    env = dict(os.environ if environ is None else environ)
    if not in_classroom(env):
        return False
    with _presence_lock:
        if _presence is None or not _presence[0].is_alive():
            stop = threading.Event()

            def say_here() -> None:
                while True:
                    status, _notice = _post("here", {}, env)
                    if status == 403 or stop.wait(PRESENCE_INTERVAL_S):
                        return

            thread = threading.Thread(target=say_here, name="aftercare-room-here", daemon=True)
            _presence = (thread, stop)
            thread.start()
    return True


def stop_presence(timeout_s: float = 5.0) -> None:
    """Stop telling the room this learner is here (the kernel's end stops it too)."""
    global _presence
    with _presence_lock:
        running, _presence = _presence, None
    if running is not None:
        running[1].set()
        running[0].join(timeout_s)
