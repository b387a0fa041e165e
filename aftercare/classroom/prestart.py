"""Start every learner's server before class (``python -m aftercare classroom --prestart``).

A class of 25 logging in within the same minute asks 2 cores for about 25 server starts and 25
kernel starts at once; the last learner then waits well over a minute. With ``--prestart`` the
hub runs this module as a managed service as soon as it is up: it asks the hub's REST API to
start each learner's server, a few at a time (:func:`default_concurrency`: one per core, the
cost of a start being mostly CPU), and waits for each to be ready before starting the next. At
login a learner then finds their JupyterLab running and only their kernel starts.

The service holds a token with only :func:`prestart_scopes` (start servers and read their
state); JupyterHub gives it ``JUPYTERHUB_API_URL`` and ``JUPYTERHUB_API_TOKEN``. It prints one
line per server it could not start and a summary into the hub's log. The idle culler still
stops a prestarted server nobody uses for ``--idle-minutes``. When done, the process replaces
itself with ``sleep``: JupyterHub restarts a managed service that exits, which would start the
servers again, and a sleeping ``sleep`` costs no memory to speak of. The hub stops it with the
rest of the classroom.

References
----------
JupyterHub documentation, "Services" (hub-managed services), "JupyterHub REST API"
(``POST /users/{name}/server``, ``GET /users/{name}``) and "Scopes".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

__all__ = [
    "SERVICE_NAME",
    "default_concurrency",
    "prestart_scopes",
    "prestart_service",
    "prestart_role",
    "prestart",
    "PrestartReport",
]

#: The hub service's name (its line in the hub's log, its role).
SERVICE_NAME = "prestart"
#: Seconds between two looks at a pending server.
_POLL_S = 0.5


def default_concurrency(cpus: int | None = None) -> int:
    """How many servers start at once: one per core, at least 2.

    Examples
    --------
    >>> default_concurrency(2), default_concurrency(16), default_concurrency(1)
    (2, 16, 2)
    """
    return max(2, cpus if cpus is not None else (os.cpu_count() or 2))


def prestart_scopes() -> list[str]:
    """The service's scopes: start servers and read their state, nothing else.

    Where this JupyterHub has no ``start:servers`` (older releases), ``servers`` is the
    narrowest scope that allows a start (it may also stop servers).
    """
    from jupyterhub.scopes import scope_definitions

    start = "start:servers" if "start:servers" in scope_definitions else "servers"
    return ["read:servers", start]


def prestart_service(learners: Sequence[str], concurrency: int | None = None) -> dict:
    """The entry for ``c.JupyterHub.services``: this module, run by the hub."""
    command = [
        sys.executable,
        "-m",
        "aftercare.classroom.prestart",
        f"--concurrency={concurrency or default_concurrency()}",
        *learners,
    ]
    return {"name": SERVICE_NAME, "command": command}


def prestart_role() -> dict:
    """The entry for ``c.JupyterHub.load_roles`` giving the service its scopes."""
    return {"name": SERVICE_NAME, "scopes": prestart_scopes(), "services": [SERVICE_NAME]}


@dataclass
class PrestartReport:
    """What a prestart did: servers ready, servers that failed (name -> reason), seconds."""

    ready: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        total = len(self.ready) + len(self.failed)
        line = f"prestart: {len(self.ready)} of {total} servers ready in {self.seconds:.1f} s"
        return line if not self.failed else f"{line}; not started: {', '.join(self.failed)}"


class _Hub:
    """The few REST calls a prestart needs, with the service's token."""

    def __init__(self, api_url: str, token: str) -> None:
        from tornado.httpclient import AsyncHTTPClient

        self.api_url = api_url.rstrip("/")
        self.headers = {"Authorization": f"token {token}"}
        self.client = AsyncHTTPClient(force_instance=True)

    async def call(self, method: str, path: str) -> tuple[int, dict, str]:
        """(status, headers, body); errors come back as statuses, never as exceptions."""
        response = await self.client.fetch(
            f"{self.api_url}{path}",
            method=method,
            headers=self.headers,
            body="{}" if method == "POST" else None,
            raise_error=False,
            request_timeout=60,
        )
        if response.code == 599:  # no answer at all: tornado's own code
            raise ConnectionError(str(response.error))
        return response.code, dict(response.headers), response.body.decode("utf-8", "replace")

    def close(self) -> None:
        self.client.close()


def _reason(body: str) -> str:
    try:
        return str(json.loads(body).get("message") or body).strip()
    except (ValueError, AttributeError):
        return body.strip()[:200]


async def _start_one(hub: _Hub, name: str, timeout_s: float) -> None:
    """Ask for ``name``'s server and wait until it is ready (raises RuntimeError why not)."""
    path = f"/users/{quote(name)}"
    deadline = time.monotonic() + timeout_s
    while True:
        status, headers, body = await hub.call("POST", f"{path}/server")
        if status == 429:  # the hub's concurrent_spawn_limit: wait as it says, then ask again
            await asyncio.sleep(min(float(headers.get("Retry-After", 5)), 30))
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub kept answering 429 for {timeout_s:g} s")
            continue
        if status in (201, 202) or (status == 400 and "already running" in body):
            break
        raise RuntimeError(f"the hub answered {status}: {_reason(body)}")
    while time.monotonic() < deadline:
        status, _, body = await hub.call("GET", path)
        if status != 200:
            raise RuntimeError(f"reading the server's state: {status} {_reason(body)}")
        server = json.loads(body).get("servers", {}).get("")
        if server and server.get("ready"):
            return
        if not server or not server.get("pending"):
            raise RuntimeError("the server stopped while starting (see the hub's log above)")
        await asyncio.sleep(_POLL_S)
    raise RuntimeError(f"not ready after {timeout_s:g} s")


async def prestart(
    api_url: str,
    token: str,
    names: Sequence[str],
    *,
    concurrency: int,
    timeout_s: float = 300,
    echo: Callable[[str], None] = print,
) -> PrestartReport:
    """Start each of ``names``' servers through the hub's REST API, ``concurrency`` at a time.

    A server already running counts as ready; one that fails is reported (the others go on).

    Parameters
    ----------
    api_url : str
        The hub's API, e.g. ``http://127.0.0.1:8081/hub/api``.
    token : str
        A token with :func:`prestart_scopes`.
    names : sequence of str
        The learners whose servers to start, in this order.
    concurrency : int
        Servers starting at once, at least 1.
    timeout_s : float
        How long one server may take to be ready [s].
    echo : callable
        Where the lines go (the hub's log).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency {concurrency}: allowed at least 1")
    report = PrestartReport()
    hub = _Hub(api_url, token)
    slots = asyncio.Semaphore(concurrency)
    began = time.monotonic()

    async def one(name: str) -> None:
        async with slots:
            try:
                await _start_one(hub, name, timeout_s)
            except (RuntimeError, ConnectionError, ValueError) as exc:
                report.failed[name] = str(exc)
                echo(f"prestart: {name}: {exc}")
            else:
                report.ready.append(name)

    try:
        await asyncio.gather(*(one(name) for name in names))
    finally:
        hub.close()
    report.seconds = time.monotonic() - began
    echo(report.summary())
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run as the hub's ``prestart`` service (see the module's description)."""
    parser = argparse.ArgumentParser(description="Start learners' servers through the hub.")
    parser.add_argument("--concurrency", type=int, default=default_concurrency())
    parser.add_argument("--timeout", type=float, default=300, help="per server [s]")
    parser.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    try:
        api_url = os.environ["JUPYTERHUB_API_URL"]
        token = os.environ["JUPYTERHUB_API_TOKEN"]
    except KeyError as missing:
        print(f"prestart: {missing} is not set: run by JupyterHub as a service", file=sys.stderr)
        return 2

    def echo(line: str) -> None:
        print(line, flush=True)

    asyncio.run(
        prestart(
            api_url,
            token,
            args.names,
            concurrency=args.concurrency,
            timeout_s=args.timeout,
            echo=echo,
        )
    )
    # Stay "running" without Python's memory: the hub restarts a managed service that exits.
    os.execvp("sleep", ["sleep", "infinity"])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
