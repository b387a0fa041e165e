"""Load benchmark: a classroom of N simulated learners on this machine, over loopback only.

    python benchmarks/classroom_load.py --users 25
    python benchmarks/classroom_load.py --users 25 --prestart

Starts ``python -m aftercare classroom --users N`` on 127.0.0.1 (free port, a fresh state folder,
under ``timeout``) and runs N simulated learners at once. Each does what a learner's browser
does (tests/e2e/classroom_client.py): fills in the hub's login form, waits for the spawn on the
hub's progress stream, opens the start page, opens notebook 03 (a session and its kernel, as
JupyterLab does), runs every code cell over the kernel's websocket, and answers the chart
canvas's "ready" as its front end does. That learner is then *working*. When every learner is
working (or has failed), all of them move the planner's hours slider the way ipywidgets' front
end sends it (a ``comm_msg`` with ``{"method": "update", "state": {"value": v}}``), one step
every 2 s for 2 minutes, each starting at a random point of the first 2 s; an update's round
trip is the time from sending it to the canvas's patch message arriving back over the
websocket (what the browser then paints). Memory is read from /proc (psutil) at the end of the
update phase: for each learner, the resident memory of their single-user server plus its
kernels.

With ``--prestart`` the classroom gets ``--prestart`` too: the benchmark waits (as the
instructor, on the hub's REST API) until every learner's server is ready, before anyone logs
in, as a class does when the instructor starts the room before the lesson.

Everything is bounded: logins and spawns have a deadline (``--deadline``, default 300 s after
the first login), each update waits at most 30 s, the whole run stops after ``--limit`` seconds,
and the classroom is stopped by its process id at the end. No request leaves 127.0.0.1.

Prints each figure, then as its last line one JSON object with the keys ``users``, ``served``,
``failures``, ``spawn_p90_s``, ``update_p50_ms``, ``update_p90_ms``, ``rss_mb_per_learner`` and
``all_working_s`` (first login to last learner working; null unless every learner got working).
Goals on the project's 2-core, 24 GiB machine: N of N served, 0 failures, <= 400 MB per learner;
cold, every learner working within 180 s of the first login and update p90 <= 150 ms;
prestarted, within 60 s and p90 <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from classroom_client import PLANNER_NOTEBOOK, Learner, Room, temporary_room  # noqa: E402

from aftercare.classroom import learner_names  # noqa: E402

MB = 1024 * 1024


@dataclass
class Result:
    name: str
    login_s: float | None = None  # since the first login
    spawn_s: float | None = None  # login sent -> server ready (start page loaded)
    working_s: float | None = None  # since the first login: notebook run, first update answered
    cells: int = 0
    updates_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    learner: Learner | None = None
    planner: object | None = None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


async def start_learner(room: Room, result: Result, t0: float, deadline_s: float) -> None:
    """Log in, spawn, open and run notebook 03, answer the first planner update."""
    learner = Learner(room.url, result.name)
    result.learner = learner
    try:
        sent = time.perf_counter()
        result.login_s = sent - t0
        response = await learner.login()
        if response.status_code != 200:
            raise RuntimeError(f"login answered {response.status_code}")
        await learner.wait_ready(timeout_s=max(5.0, deadline_s - (time.perf_counter() - t0)))
        result.spawn_s = time.perf_counter() - sent
        kernel, notebook = await learner.open_notebook(PLANNER_NOTEBOOK)
        result.cells = await learner.run_notebook(kernel, notebook)
        if kernel.errors:
            raise RuntimeError(f"notebook 03 raised {kernel.errors[0]}")
        planner = await learner.planner(kernel)
        await planner.update(planner.value + 1)
        result.planner = planner
        result.working_s = time.perf_counter() - t0
    except Exception as exc:  # every failure is counted and reported, none stops the others
        result.failures.append(f"start: {type(exc).__name__}: {exc}")


async def move_slider(result: Result, minutes: float, interval_s: float) -> None:
    """One step of the hours slider every ``interval_s`` for ``minutes`` (bouncing 0..47)."""
    planner = result.planner
    await asyncio.sleep(random.uniform(0, interval_s))
    step = 1
    end = time.perf_counter() + minutes * 60
    next_at = time.perf_counter()
    while next_at < end:
        value = planner.value + step
        if not 0 <= value <= 47:
            step = -step
            value = planner.value + step
        try:
            result.updates_ms.append(await planner.update(value) * 1000)
        except Exception as exc:
            result.failures.append(f"update to {value}: {type(exc).__name__}: {exc}")
        next_at += interval_s
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


def learner_memory() -> dict[str, dict[str, float]]:
    """Per learner: resident (RSS) and proportional (PSS) memory of server + kernels [MB], and
    the CPU time they have used [s] (user + system, children that ended included)."""
    import psutil

    found: dict[str, dict[str, float]] = {}
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "jupyterhub.singleuser" not in cmdline:
            continue
        try:
            user = process.environ().get("JUPYTERHUB_USER", "?")
            tree = [process, *process.children(recursive=True)]
            rss = pss = cpu = 0.0
            for member in tree:
                info = member.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                times = member.cpu_times()
                cpu += times.user + times.system + times.children_user + times.children_system
            found[user] = {"rss": rss / MB, "pss": pss / MB, "cpu_s": cpu, "processes": len(tree)}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def hub_memory(room: Room) -> float:
    """RSS of the hub, the proxy and the idle culler (everything but the learners') [MB]."""
    import psutil

    try:
        tree = [psutil.Process(room.process.pid), *psutil.Process(room.process.pid).children(True)]
    except psutil.NoSuchProcess:
        return float("nan")
    learners = set()
    for member in tree:
        try:
            if "jupyterhub.singleuser" in member.cmdline():
                learners |= {member.pid, *(c.pid for c in member.children(recursive=True))}
        except psutil.NoSuchProcess:
            continue
    total = 0
    for member in tree:
        if member.pid not in learners:
            try:
                total += member.memory_info().rss
            except psutil.NoSuchProcess:
                continue
    return total / MB


async def wait_prestarted(room: Room, names: list[str], timeout_s: float) -> float | None:
    """Seconds until every learner's server is ready, read as the instructor from the hub
    (None after ``timeout_s``: the learners then log in all the same, and the servers not
    ready yet go on starting as they arrive)."""
    began = time.perf_counter()
    instructor = Learner(room.url, "instructor", password=room.instructor_password)
    try:
        response = await instructor.login(then="/hub/home")
        if response.status_code != 200:
            raise RuntimeError(f"instructor login answered {response.status_code}")
        while (missing := set(names) - await instructor.ready_servers()) and (
            time.perf_counter() - began < timeout_s
        ):
            await asyncio.sleep(1)
    finally:
        await instructor.close()
    if missing:
        print(f"prestart: {len(missing)} servers not ready after {timeout_s:g} s", flush=True)
        return None
    return time.perf_counter() - began


async def run(args: argparse.Namespace, room: Room) -> dict:
    names = learner_names(args.users)
    prestart_s = None
    if args.prestart:
        prestart_s = await wait_prestarted(room, names, args.deadline)
        if prestart_s is not None:
            print(
                f"prestart: all {len(names)} servers ready {prestart_s:.1f} s after the hub "
                f"answered; load now: {uptime()}",
                flush=True,
            )
    results = [Result(name) for name in names]
    t0 = time.perf_counter()
    starts = [asyncio.create_task(start_learner(room, r, t0, args.deadline)) for r in results]
    done, pending = await asyncio.wait(starts, timeout=args.deadline + 60)
    for task in pending:
        task.cancel()
    for r in results:
        if r.working_s is None and not r.failures:
            r.failures.append("start: not working before the deadline")
    working = [r for r in results if r.working_s is not None]
    print(f"working: {len(working)} of {len(results)} learners; load now: {uptime()}", flush=True)
    at_start = await asyncio.to_thread(learner_memory)
    memory: dict[str, dict[str, float]] = {}

    async def sample_memory_late() -> None:
        nonlocal memory
        await asyncio.sleep(max(1.0, args.minutes * 60 - 10))
        memory = await asyncio.to_thread(learner_memory)

    sampler = asyncio.create_task(sample_memory_late())
    await asyncio.gather(*(move_slider(r, args.minutes, args.interval) for r in working))
    await sampler
    hub_mb = hub_memory(room)
    for r in results:
        if r.learner is not None:
            await r.learner.close()
    return {
        "results": results,
        "memory": memory,
        "at_start": at_start,
        "hub_mb": hub_mb,
        "prestart_s": prestart_s,
    }


def report(args: argparse.Namespace, outcome: dict, load_before: str, load_after: str) -> dict:
    results: list[Result] = outcome["results"]
    memory = outcome["memory"]
    served = [r for r in results if r.working_s is not None and not r.failures]
    failures = sum(len(r.failures) for r in results)
    spawns = [r.spawn_s for r in results if r.spawn_s is not None]
    working = [r.working_s for r in results if r.working_s is not None]
    updates = [ms for r in results for ms in r.updates_ms]
    rss = [memory[r.name]["rss"] for r in results if r.name in memory]
    pss = [memory[r.name]["pss"] for r in results if r.name in memory]

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"load before: {load_before}")
    print(f"load after:  {load_after}")
    print(f"mode: {'prestarted (--prestart)' if args.prestart else 'cold'}")
    if outcome["prestart_s"] is not None:
        print(f"prestart: every server ready {outcome['prestart_s']:.1f} s after the hub answered")
    print(f"learners: {args.users}; served (working, every update answered): {len(served)}")
    print(f"failures: {failures}")
    for r in results:
        for problem in r.failures[:3]:
            print(f"  {r.name}: {problem}")
    if spawns:
        print(
            f"spawn (login sent -> start page loaded) [s]: median {statistics.median(spawns):.1f}, "
            f"p90 {percentile(spawns, 90):.1f}, max {max(spawns):.1f}"
        )
    if working:
        print(
            "working (notebook 03 run, first update answered) after the first login [s]: "
            f"median {statistics.median(working):.1f}, p90 {percentile(working, 90):.1f}, "
            f"last {max(working):.1f}"
        )
    if updates:
        print(
            f"planner update round trip [ms] over {len(updates)} updates: "
            f"p50 {percentile(updates, 50):.1f}, p90 {percentile(updates, 90):.1f}, "
            f"p99 {percentile(updates, 99):.1f}, max {max(updates):.1f}"
        )
    if rss:
        print(
            f"memory per learner (server + kernel) [MB]: RSS mean {statistics.mean(rss):.0f}, "
            f"max {max(rss):.0f}; PSS mean {statistics.mean(pss):.0f}, max {max(pss):.0f}"
        )
        print(f"hub + proxy + culler RSS [MB]: {outcome['hub_mb']:.0f}")
    start_cpu = [v["cpu_s"] for v in outcome["at_start"].values()]
    both = [n for n in memory if n in outcome["at_start"]]
    if start_cpu and both:
        busy = [
            (memory[n]["cpu_s"] - outcome["at_start"][n]["cpu_s"]) / (args.minutes * 60 - 10)
            for n in both
        ]
        print(
            "CPU per learner: to start (spawn, kernel, notebook 03) "
            f"{statistics.mean(start_cpu):.1f} s; while moving the slider every "
            f"{args.interval:g} s {100 * statistics.mean(busy):.1f} % of one core"
        )
    all_working = max(working) if len(working) == args.users else None
    # The goals: a prestarted room working within a minute; a cold one within 3.
    within_s, p90_ms = (60, 100) if args.prestart else (180, 150)
    goals = {
        f"{args.users} of {args.users} served": len(served) == args.users,
        "0 failures": failures == 0,
        f"all working within {within_s} s of the first login": all_working is not None
        and all_working <= within_s,
        f"update p90 <= {p90_ms} ms": bool(updates) and percentile(updates, 90) <= p90_ms,
        "<= 400 MB per learner (RSS, max)": bool(rss) and max(rss) <= 400,
    }
    for goal, met in goals.items():
        print(f"goal {'met' if met else 'MISSED'}: {goal}")
    return {
        "users": args.users,
        "served": len(served),
        "failures": failures,
        "spawn_p90_s": round(percentile(spawns, 90), 2) if spawns else None,
        "update_p50_ms": round(percentile(updates, 50), 1) if updates else None,
        "update_p90_ms": round(percentile(updates, 90), 1) if updates else None,
        "rss_mb_per_learner": round(statistics.mean(rss), 1) if rss else None,
        "all_working_s": round(all_working, 1) if all_working is not None else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=25, help="simulated learners (default 25)")
    parser.add_argument("--minutes", type=float, default=2, help="update phase [min] (default 2)")
    parser.add_argument("--interval", type=float, default=2, help="seconds between updates")
    parser.add_argument(
        "--deadline", type=float, default=300, help="seconds after the first login to be working"
    )
    parser.add_argument("--limit", type=int, default=1200, help="stop everything after [s]")
    parser.add_argument(
        "--prestart",
        action="store_true",
        help="start the classroom with --prestart and wait for every server before the logins",
    )
    args = parser.parse_args()
    if not 1 <= args.users <= 200:
        parser.error("--users must be 1 to 200 on one machine")
    load_before = uptime()
    print(f"load before: {load_before}", flush=True)
    options = ("--prestart",) if args.prestart else ()
    with temporary_room(users=args.users, limit_s=args.limit, options=options) as room:
        outcome = asyncio.run(asyncio.wait_for(run(args, room), args.limit - 30))
        load_after = uptime()
    summary = report(args, outcome, load_before, load_after)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
