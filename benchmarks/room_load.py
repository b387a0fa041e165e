"""Load benchmark: N learners answer the same check-in question at once, over loopback only.

    python benchmarks/room_load.py --users 25

Starts ``python -m aftercare classroom --users N`` on 127.0.0.1 (free port, a fresh state
folder, under ``timeout``). The instructor logs in through the hub's form and makes, through
the hub's REST API, one token per learner with the scopes of a learner's server token that
matter here (post answers to the room, report activity); learners' servers are not started,
since an answer is one HTTP request from the kernel to the room service
(``aftercare.checkin``), which is what is measured here. A kernel posts with its server's
token, which the server has used from its start: it reports its activity to the hub as it
starts, and the hub records that first use of the token (later uses are recorded at most once
per login day: ``activity_resolution`` in ``aftercare/classroom/hub.py``; with JupyterHub's
default of 30 s, a question asked minutes after the start would have the hub record every
token's use again, so this report stands for the server's only under the classroom's setting).
So each learner's token first makes that same report, straight to the hub (``POST
/hub/api/users/NAME/activity``), before the first round (``--unused-tokens`` skips the report:
tokens the hub has never seen, which no running server has). Then each learner's notebook says
it is here, once (``POST api/here`` to the room, as a kernel does when a self-check is shown
and every 30 s after: :func:`aftercare.checkin.start_presence`); the room has the hub check the
token then, so the answers find it checked, as they do in class (``--cold`` skips it: every
first answer waits for the hub, as if no notebook had said it was here). Then, for each round
(``--rounds``, default 3; each a "New session"):

* the instructor's page is simulated by its long poll (``api/summary?since=...``, as the page's
  script does), timing when the summary first shows all N answers;
* N learners post their answer to the room service at once, straight to its address as the
  kernels do (``AFTERCARE_ROOM_URL``), each with its own token on its own connection (aiohttp);
  a post's time is from sending to its reply. With ``--cold``, in the first round the room has
  never seen the tokens, so every post waits for the hub to check its learner's token (in turn:
  the hub does one thing at a time).

``shown_after_ms`` is the time from the last post's reply to the page's poll returning all N
answers (the worst round); ``service_rss_mb`` is the room service's resident memory at the end
(psutil). Everything is bounded: each request waits at most 30 s, the run stops after
``--limit`` seconds, and the classroom is stopped by its process id at the end. No request
leaves 127.0.0.1.

Prints each figure, then as its last line one JSON object with the keys ``users``, ``stored``
(answers the room shows for the last round), ``failures`` (failed posts, all rounds),
``post_p50_ms``, ``post_p99_ms`` (all posts), ``shown_after_ms`` and ``service_rss_mb``.
Goals on the project's 2-core machine: N of N stored, 0 failures, p99 <= 50 ms, shown within
1 s, <= 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from classroom_client import Learner, start_room  # noqa: E402

from aftercare.classroom.room import SCOPE_ANSWER, SERVICE_NAME  # noqa: E402
from aftercare.quiz import load_quiz  # noqa: E402

QUESTION = "cool-session-cap"
ACCESS = f"access:services!service={SERVICE_NAME}"
#: A server token's scope for its activity reports.
ACTIVITY = "users:activity!user"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


async def _tokens(
    room, names: list[str], *, report: bool = True, here: bool = True
) -> tuple[str, dict[str, str], str]:
    """The instructor's token, one token per learner, and the room service's own address.

    With ``report``, each learner's token then reports activity to the hub once, as a learner's
    server does with its token when it starts (``jupyterhub.singleuser``); with ``here``, each
    then says to the room that its learner is here, as a notebook showing a self-check does.
    """
    instructor = Learner(room.url, "instructor", password=room.instructor_password)
    try:
        await instructor.login()
        xsrf = next((c.value for c in instructor.http.cookies.jar if c.name == "_xsrf"), "")
        headers = {"X-XSRFToken": xsrf}
        made = await instructor.http.post(
            "/hub/api/users/instructor/tokens", json={"note": "room_load"}, headers=headers
        )
        made.raise_for_status()
        own = made.json()["token"]
        learners = {}
        for name in names:
            got = await instructor.http.post(
                f"/hub/api/users/{name}/tokens",
                json={"note": "room_load", "scopes": [SCOPE_ANSWER, ACCESS, ACTIVITY]},
                headers=headers,
            )
            got.raise_for_status()
            learners[name] = got.json()["token"]
    finally:
        await instructor.close()
    async with httpx.AsyncClient(timeout=30) as http:
        service = await http.get(
            f"{room.url}/hub/api/services/{SERVICE_NAME}",
            headers={"Authorization": f"token {own}"},
        )
        service.raise_for_status()
        if report:
            now = datetime.now(UTC).isoformat()
            for name, token in learners.items():
                reported = await http.post(
                    f"{room.url}/hub/api/users/{name}/activity",
                    json={"last_activity": now},
                    headers={"Authorization": f"token {token}"},
                )
                reported.raise_for_status()
        address = service.json()["url"].rstrip("/") + f"/services/{SERVICE_NAME}/"
        if here:
            for token in learners.values():
                said = await http.post(
                    address + "api/here", headers={"Authorization": f"token {token}"}
                )
                said.raise_for_status()
    return own, learners, address


async def _round(service: str, instructor: str, learners: dict[str, str], option: int):
    users = len(learners)
    async with httpx.AsyncClient(timeout=30) as http:
        auth = {"Authorization": f"token {instructor}"}
        (await http.post(service + "api/session", headers=auth)).raise_for_status()
        first = (await http.get(service + "api/summary", headers=auth)).json()
        seen_all: list[float] = []

        async def watch() -> None:
            version = first["version"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                got = await http.get(
                    service + f"api/summary?since={version}", headers=auth, timeout=30
                )
                data = got.json()
                version = data["version"]
                if any(q["answered"] >= users for q in data["questions"]):
                    seen_all.append(time.monotonic())
                    return

        # One client per learner, made before the round (as each learner's kernel is there
        # before the question is asked): what is timed is the post, not making a client. The
        # posts use aiohttp (JupyterHub's own HTTP client): 25 learners' kernels are 25
        # processes, but here one event loop sends all 25, and httpx's own work per request
        # (about 1 ms of this loop's time each) added 15-40 ms to every post of a round
        # against a server that does nothing; aiohttp's adds about 1 ms in all.
        clients = [aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) for _ in learners]

        async def post(own: aiohttp.ClientSession, token: str) -> tuple[float, int]:
            start = time.perf_counter()
            try:
                async with own.post(
                    service + "api/answers",
                    json={"question": QUESTION, "option": option},
                    headers={"Authorization": f"token {token}"},
                ) as got:
                    await got.read()
                    status = got.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            return (time.perf_counter() - start) * 1000, status

        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0.2)  # the page's poll is waiting, as it is in class
        try:
            results = await asyncio.gather(
                *(post(c, t) for c, t in zip(clients, learners.values(), strict=True))
            )
            last_reply = time.monotonic()
        finally:
            for own in clients:
                await own.close()
        await asyncio.wait_for(watcher, 60)
        summary = (await http.get(service + "api/summary", headers=auth)).json()
    stored = max((q["answered"] for q in summary["questions"]), default=0)
    shown_after_ms = (seen_all[0] - last_reply) * 1000 if seen_all else float("inf")
    return results, stored, max(0.0, shown_after_ms)


def _service_rss_mb() -> float:
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "aftercare.classroom.room" in cmdline:
            return process.memory_info().rss / 1024 / 1024
    return float("nan")


async def run(args: argparse.Namespace, room) -> dict:
    names = [
        f"learner{n:02d}" if args.users < 100 else f"learner{n:03d}"
        for n in range(1, args.users + 1)
    ]
    instructor, learners, service = await _tokens(
        room, names, report=not args.unused_tokens, here=not args.cold
    )
    print(
        "learners' tokens: never used before"
        if args.unused_tokens
        else "learners' tokens: each reported activity to the hub once, as a starting server does"
    )
    print(
        "learners' notebooks: none said it was here (every first answer waits for the hub)"
        if args.cold
        else "learners' notebooks: each said it was here once, as a notebook showing a self-check"
    )
    option = load_quiz().get(QUESTION).correct_index
    latencies, failures, shown, stored = [], 0, [], 0
    for number in range(1, args.rounds + 1):
        results, stored, shown_after = await _round(service, instructor, learners, option)
        latencies += [ms for ms, status in results if status == 201]
        failures += sum(1 for _, status in results if status != 201)
        shown.append(shown_after)
        print(
            f"round {number}: {sum(1 for _, s in results if s == 201)} of {args.users} stored, "
            f"post median {statistics.median(ms for ms, _ in results):.1f} ms, "
            f"shown {shown_after:.0f} ms after the last reply"
        )
    return {
        "users": args.users,
        "stored": stored,
        "failures": failures,
        "post_p50_ms": round(_percentile(latencies, 0.5), 1) if latencies else None,
        "post_p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
        "shown_after_ms": round(max(shown), 1),
        "service_rss_mb": round(_service_rss_mb(), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=25, help="learners (default 25)")
    parser.add_argument("--rounds", type=int, default=3, help="check-in rounds (default 3)")
    parser.add_argument(
        "--unused-tokens",
        action="store_true",
        help="learners' tokens the hub has never seen (no running server's token is one)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no notebook says it is here first: each learner's first answer waits for the hub",
    )
    parser.add_argument("--limit", type=int, default=600, help="stop everything after [s]")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; load {os.getloadavg()}")
    base = Path(tempfile.mkdtemp(prefix="aftercare-room-load-"))
    base.chmod(0o711)
    room = start_room(base / "state", users=args.users, limit_s=args.limit)
    try:
        summary = asyncio.run(asyncio.wait_for(run(args, room), args.limit))
    finally:
        room.stop()
        shutil.rmtree(base, ignore_errors=True)
    print(f"load after: {os.getloadavg()}")
    print(json.dumps(summary))
    return 0 if summary["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
