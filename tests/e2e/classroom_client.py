"""Start a classroom on 127.0.0.1 and act as its learners over HTTP and the kernel websocket.

Shared by the classroom tests (``tests/e2e/test_classroom_hub.py``) and
``benchmarks/classroom_load.py``. :func:`classroom` runs ``python -m aftercare classroom`` under
``timeout`` in its own process group on a free port and stops it by its process id.
:class:`Learner` does what a learner's browser does: the hub's login form, waiting for the
spawn, opening a notebook (a session and its kernel), running its cells over the kernel's
websocket and moving the planner's slider through the widget's comm channel, the way
ipywidgets' front end sends it; :meth:`Learner.update` times that message to the chart
canvas's patch coming back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

import httpx
from tornado.httpclient import HTTPRequest
from tornado.simple_httpclient import HTTPTimeoutError
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
from harness import free_port  # noqa: E402

#: Not ASCII on purpose: the login compares UTF-8 bytes (upstream answered such a password with 500).
PASSWORD = "Fisioterapia-ção-for-tests"
PLANNER_NOTEBOOK = "notebooks/03_icing_timeline_planner.ipynb"
#: Description of the planner's hours slider (aftercare.widgets.planner).
HOURS_SLIDER = "Hours since needling (h)"


@dataclass
class Room:
    """A running classroom."""

    url: str
    state: Path
    process: subprocess.Popen
    log: Path
    users: int
    #: The room's name (``--room``): its learners' system users are ROOM-learner01 ... (as root).
    room: str = ""
    #: True when start_room chose the room's name, so its system users are this test's own.
    made_users: bool = False

    @property
    def instructor_password(self) -> str:
        return (self.state / "hub" / "instructor-password").read_text().strip()

    def system_user(self, account: str) -> str:
        """The system user ``account``'s server runs as."""
        return f"{self.room}-{account}" if self.room else account

    def remove_users(self) -> None:
        """Delete the system users the hub made for this room (``userdel``, as root)."""
        from aftercare.classroom.settings import INSTRUCTOR, learner_names

        for account in [*learner_names(self.users), INSTRUCTOR]:
            # (--force: a kernel may take a second longer to notice its server is gone)
            subprocess.run(["userdel", "--force", self.system_user(account)], capture_output=True)

    def stop(self, keep_users: bool = False) -> None:
        """SIGTERM the hub's process group (the hub stops the servers and the proxy first);
        then delete the room's own system users unless ``keep_users`` (a restart follows)."""
        self._stop()
        if self.made_users and not keep_users:
            self.remove_users()

    def _stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def start_room(
    state: Path,
    users: int,
    limit_s: int,
    password: str = PASSWORD,
    options: tuple = (),
    room_name: str | None = None,
) -> Room:
    """Start ``python -m aftercare classroom`` on a free port; wait until the hub answers.

    ``options`` are more command-line options (e.g. ``("--idle-minutes=1",)``). As root, each
    room gets a name of its own (``--room``, unless ``room_name`` is given): a classroom never
    shares another's system users, so two test rooms (or a test and a benchmark) on one machine
    must not both be ``learner01``; :meth:`Room.stop` deletes the users it made.
    """
    made_users = room_name is None and os.geteuid() == 0
    if made_users:
        room_name = "t" + secrets.token_hex(4)
    room_name = room_name or ""
    if room_name:
        options = (*options, f"--room={room_name}")
    port = free_port()
    state.mkdir(parents=True, exist_ok=True)
    log = state.parent / f"{state.name}.log"
    env = dict(os.environ, AFTERCARE_CLASS_PASSWORD=password)
    env.pop("MPLBACKEND", None)
    env.pop("AFTERCARE_INSTRUCTOR_PASSWORD", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                "timeout",
                str(limit_s),
                sys.executable,
                "-m",
                "aftercare",
                "classroom",
                f"--users={users}",
                f"--port={port}",
                f"--state={state}",
                *options,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
    scheme = "https" if any(o.startswith("--ssl-cert") for o in options) else "http"
    url = f"{scheme}://127.0.0.1:{port}"
    room = Room(url, state, process, log, users, room_name, made_users)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"classroom exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            # (a test's self-signed certificate under TLS: the address is loopback)
            if httpx.get(room.url + "/hub/api/", timeout=2, verify=False).status_code == 200:
                return room
        time.sleep(0.3)
    room.stop()
    raise RuntimeError(f"classroom not ready after 60 s:\n{log.read_text()}")


def why_not_as_root() -> str | None:
    """Why a classroom cannot run from this checkout as root (None when it can, or not root).

    As root the learners' own users run the servers: they must be able to read this checkout
    and its environment (the command would stop with this same message).
    """
    from aftercare.classroom import ClassroomError
    from aftercare.classroom.accounts import check_reachable, running_as_root

    if running_as_root():
        for folder, what in ((ROOT, "the checkout"), (Path(sys.prefix), "the environment")):
            try:
                check_reachable(folder, what)
            except ClassroomError as exc:
                return f"the classroom cannot run from here as root: {exc}"
    return None


@contextlib.contextmanager
def temporary_room(users: int, limit_s: int, options: tuple = ()) -> Iterator[Room]:
    """A classroom whose state is in a new temporary folder, removed afterwards.

    Not under pytest's tmp_path: as root, the learners' own users must be able to pass through
    every folder above their homes (pytest's base folder is private).
    """
    base = Path(tempfile.mkdtemp(prefix="aftercare-classroom-"))
    base.chmod(0o711)
    try:
        room = start_room(base / "state", users=users, limit_s=limit_s, options=options)
        try:
            yield room
        finally:
            room.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def classroom(state: Path, users: int, limit_s: int = 600) -> Iterator[Room]:
    """A classroom for the duration of a ``with`` block."""
    room = start_room(state, users, limit_s)
    try:
        yield room
    finally:
        room.stop()


# -- the Jupyter websocket protocol (jupyter_server's default, no subprotocol) ---------------


def decode_ws(message: str | bytes) -> tuple[dict, list[bytes]]:
    """A websocket frame as (message, buffers): JSON text, or jupyter_server's binary layout
    (count, offsets, JSON, buffers; see jupyter_server.base.zmqhandler)."""
    if isinstance(message, str):
        return json.loads(message), []
    count = struct.unpack("!I", message[:4])[0]
    offsets = [*struct.unpack(f"!{count}I", message[4 : 4 * (count + 1)]), len(message)]
    parts = [message[offsets[i] : offsets[i + 1]] for i in range(count)]
    return json.loads(parts[0]), parts[1:]


def _message(msg_type: str, content: dict, session: str, channel: str = "shell") -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "",
            "session": session,
            "date": "",
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


@dataclass
class Kernel:
    """One kernel's websocket: execute code, track widget comms, send widget updates."""

    ws: object
    session: str
    comms: dict[str, dict] = field(default_factory=dict)  # comm id -> initial state
    order: list[str] = field(default_factory=list)  # comm ids in the order they opened
    waiters: dict[str, asyncio.Future] = field(default_factory=dict)
    patch_waiter: tuple[str, asyncio.Future] | None = None
    errors: list[str] = field(default_factory=list)
    streams: list[str] = field(default_factory=list)  # what the code printed
    reader: asyncio.Task | None = None

    async def read_forever(self) -> None:
        while True:
            raw = await self.ws.read_message()
            if raw is None:
                for future in self.waiters.values():
                    if not future.done():
                        future.set_exception(ConnectionError("kernel websocket closed"))
                return
            msg, buffers = decode_ws(raw)
            kind = msg["header"]["msg_type"]
            parent = msg.get("parent_header", {}).get("msg_id")
            content = msg.get("content", {})
            if kind == "comm_open":
                self.comms[content["comm_id"]] = content.get("data", {}).get("state", {})
                self.order.append(content["comm_id"])
            elif kind == "comm_msg":
                data = content.get("data", {})
                if data.get("method") == "update" and content.get("comm_id") in self.comms:
                    self.comms[content["comm_id"]].update(data.get("state", {}))
                if self.patch_waiter is None:
                    continue
                comm_id, future = self.patch_waiter
                if (
                    content.get("comm_id") == comm_id
                    and data.get("method") == "custom"
                    and data.get("content", {}).get("type") in ("patch", "full")
                    and not future.done()
                ):
                    future.set_result(time.perf_counter())
            elif kind == "stream":
                self.streams.append(content.get("text", ""))
            elif kind == "error":
                self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
            if kind == "execute_reply" and parent in self.waiters:
                self.waiters.pop(parent).set_result(content)

    async def execute(self, code: str, timeout_s: float = 120) -> dict:
        msg = _message(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            self.session,
        )
        future = asyncio.get_running_loop().create_future()
        self.waiters[msg["header"]["msg_id"]] = future
        await self.ws.write_message(json.dumps(msg))
        reply = await asyncio.wait_for(future, timeout_s)
        if reply.get("status") != "ok":
            raise RuntimeError(f"cell failed: {reply.get('ename')}: {reply.get('evalue')}")
        return reply

    async def comm_send(self, comm_id: str, data: dict) -> None:
        msg = _message("comm_msg", {"comm_id": comm_id, "data": data}, self.session)
        await self.ws.write_message(json.dumps(msg))

    def find(self, model: str, **state) -> list[str]:
        """Comm ids of widgets of ``model`` (e.g. 'IntSliderModel') whose state matches."""
        return [
            cid
            for cid in self.order
            if self.comms[cid].get("_model_name") == model
            and all(self.comms[cid].get(k) == v for k, v in state.items())
        ]


@dataclass
class Planner:
    """The planner app's hours slider and the chart canvas it redraws."""

    kernel: Kernel
    slider: str
    canvas: str
    value: int

    async def update(self, value: int, timeout_s: float = 30) -> float:
        """Set the slider as the browser does; seconds until the canvas's patch arrives."""
        future = asyncio.get_running_loop().create_future()
        self.kernel.patch_waiter = (self.canvas, future)
        start = time.perf_counter()
        await self.kernel.comm_send(
            self.slider, {"method": "update", "state": {"value": value}, "buffer_paths": []}
        )
        end = await asyncio.wait_for(future, timeout_s)
        self.kernel.patch_waiter = None
        self.value = value
        return end - start


class Learner:
    """One learner's browser (or the instructor's), as HTTP requests and a kernel websocket."""

    def __init__(self, base_url: str, name: str, password: str = PASSWORD) -> None:
        self.base_url, self.name, self.password = base_url, name, password
        # (verify=False: a test room under TLS has a self-signed certificate, on loopback)
        self.http = httpx.AsyncClient(
            base_url=base_url, follow_redirects=True, timeout=120, verify=False
        )
        self.prefix = f"/user/{name}"
        self.page_token = ""

    async def close(self) -> None:
        await self.http.aclose()

    async def login(self, then: str | None = None) -> httpx.Response:
        """Fill in and send the hub's login form; return the last response of the redirects.

        ``then`` is the page to land on (``?next=``); by default the hub opens (and so starts)
        the user's own server.
        """
        params = {"next": then} if then else None
        page = await self.http.get("/hub/login", params=params)
        page.raise_for_status()
        found = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        form = {"username": self.name, "password": self.password}
        if found:
            form["_xsrf"] = found.group(1)
        return await self.http.post("/hub/login", data=form, params=params)

    async def ready_servers(self) -> set[str]:
        """Names whose server is ready, from the hub's REST API (as the instructor)."""
        response = await self.http.get("/hub/api/users", params={"state": "ready"})
        response.raise_for_status()
        return {user["name"] for user in response.json()}

    async def wait_ready(self, timeout_s: float = 300) -> None:
        """Follow the spawn's progress (the event stream the spawn-pending page reads), then
        open the server's start page as the browser does."""
        deadline = time.monotonic() + timeout_s
        url = f"/hub/api/users/{self.name}/server/progress"
        while time.monotonic() < deadline:
            async with self.http.stream("GET", url, timeout=timeout_s) as events:
                if events.status_code == 200:
                    async for line in events.aiter_lines():
                        if not line.startswith("data:"):
                            continue
                        event = json.loads(line[5:])
                        if event.get("failed"):
                            raise RuntimeError(f"spawn failed: {event.get('message')}")
                        if event.get("ready"):
                            break
            # The start page: through the proxy once the server is up (the first visit does
            # the server's OAuth handshake with the hub), else back to the hub's pending page.
            lab = await self.http.get(f"{self.prefix}/lab")
            if lab.status_code == 200 and urlparse(str(lab.url)).path.startswith(self.prefix):
                # JupyterLab's page carries the token its websockets authenticate with.
                found = re.search(r'"token":\s*"([^"]*)"', lab.text)
                self.page_token = found.group(1) if found else ""
                return
            await asyncio.sleep(0.5)
        raise TimeoutError(f"{self.name}: server not ready after {timeout_s} s")

    def _xsrf(self) -> str:
        for cookie in self.http.cookies.jar:
            if cookie.name == "_xsrf" and cookie.path.rstrip("/") == self.prefix:
                return cookie.value
        return ""

    async def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """Call the learner's own server's REST API (with the XSRF header Lab sends)."""
        headers = {"X-XSRFToken": self._xsrf()}
        response = await self.http.request(
            method, f"{self.prefix}/api/{path}", headers=headers, **kwargs
        )
        response.raise_for_status()
        return response

    async def open_notebook(self, path: str) -> tuple[Kernel, dict]:
        """Open a notebook as Lab does: a session with a kernel, and the kernel's websocket."""
        session = (
            await self.api(
                "POST",
                "sessions",
                json={"path": path, "name": "", "type": "notebook", "kernel": {"name": "python3"}},
            )
        ).json()
        notebook = (await self.api("GET", f"contents/{quote(path)}")).json()["content"]
        client_session = uuid.uuid4().hex
        ws_url = (
            self.base_url.replace("http", "ws", 1)
            + f"{self.prefix}/api/kernels/{session['kernel']['id']}/channels"
            + f"?session_id={client_session}&token={self.page_token}"
        )
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies.jar)
        # The server answers the handshake once the new kernel is up, which takes a while when
        # a whole room starts at once: wait up to 2 minutes, and try again as JupyterLab does
        # (it reconnects a kernel with a growing pause) instead of failing on the first try.
        for attempt in range(3):
            request = HTTPRequest(
                ws_url,
                headers={"Cookie": cookies, "Sec-Fetch-Mode": "websocket"},
                connect_timeout=60,
                request_timeout=120,
            )
            try:
                ws = await websocket_connect(request, max_message_size=64 * 1024 * 1024)
                break
            except HTTPTimeoutError:
                if attempt == 2:
                    raise
                await asyncio.sleep(2**attempt)
        kernel = Kernel(ws, client_session)
        kernel.reader = asyncio.create_task(kernel.read_forever())
        return kernel, notebook

    async def run_notebook(self, kernel: Kernel, notebook: dict) -> int:
        """Run every code cell in order (Run All); return how many ran."""
        count = 0
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            await kernel.execute(source)
            count += 1
        return count

    @staticmethod
    async def planner(kernel: Kernel) -> Planner:
        """The planner's slider and its chart canvas; tells the canvas a view is on show."""
        sliders = kernel.find("IntSliderModel", description=HOURS_SLIDER)
        if not sliders:
            raise RuntimeError("no planner slider among the kernel's widgets")
        slider = sliders[0]
        canvases = [
            cid
            for cid in kernel.order[: kernel.order.index(slider)]
            if kernel.comms[cid].get("_model_name") == "AnyModel"
        ]
        if not canvases:
            raise RuntimeError("no chart canvas before the planner slider")
        canvas = canvases[-1]
        # What the canvas's front end sends once it has drawn the keyframe (chart_canvas.js).
        await kernel.comm_send(
            canvas,
            {
                "method": "custom",
                "content": {"type": "ready", "frame": kernel.comms[canvas].get("frame", -1)},
            },
        )
        return Planner(kernel, slider, canvas, int(kernel.comms[slider].get("value", 0)))
