"""Present notebooks as live RISE slideshows from a working copy: the course is never written.

``python -m aftercare present 03`` (or ``./scripts/present 03``):

1. copies the notebook, as committed, with ``rise.css`` (the slides' styles) into a working
   folder: ``presenting/`` of the checkout (git-ignored) unless ``--folder`` names another;
2. starts JupyterLab on that folder (127.0.0.1, a free port, a random token) and runs the copy
   there, in the kernel the slideshow then joins, so the apps on the slides respond; the run's
   outputs are saved in the copy only;
3. opens the slideshow (jupyterlab-rise's ``/rise/`` page) full screen in a Chromium-family
   browser when one is installed (``--start-fullscreen``), else in the system's browser (press
   F11 there), and serves until Ctrl+C.

A working copy the presenter changed since it was made (notes added in JupyterLab) is never
replaced silently: it is kept beside the new copy under a dated name, and the command says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .errors import AftercareError
from .resources import checkout_root, require_checkout_dir

__all__ = [
    "PresentError",
    "find_notebooks",
    "default_folder",
    "working_copy",
    "remember",
    "LiveServer",
    "serve_live",
    "run_in_kernel",
    "present",
]

#: The record of the copies the command made (name -> sha256 of what it wrote).
RECORD = ".aftercare-present.json"
#: Files a slideshow needs beside its notebook.
NEEDS = ("rise.css",)
#: Browsers that can open a page full screen from the command line, in order of preference.
FULLSCREEN_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PresentError(AftercareError):
    """A notebook to present could not be found, copied, served or run."""


def _course_dir() -> Path:
    return require_checkout_dir(
        "notebooks", what="the course notebooks", instead="give the notebook's path"
    )


def find_notebooks(specs: list[str]) -> list[Path]:
    """The course notebooks named by ``specs``: a number (``03``), a name or a path.

    Examples
    --------
    >>> [p.name for p in find_notebooks(["3", "05_alternatives_compared"])]
    ['03_icing_timeline_planner.ipynb', '05_alternatives_compared.ipynb']
    """
    found: list[Path] = []
    for spec in specs:
        path = Path(spec)
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path.resolve())
            continue
        course = _course_dir()
        stem = f"{int(spec):02d}_" if spec.isdigit() else spec.removesuffix(".ipynb")
        matches = sorted(p for p in course.glob("*.ipynb") if p.stem.startswith(stem))
        if len(matches) != 1:
            names = ", ".join(p.stem[:2] for p in sorted(course.glob("[0-9]*.ipynb")))
            raise PresentError(
                f"notebook {spec[:40]!r} {'is ambiguous' if matches else 'not found'}; "
                f"allowed: a notebook number ({names}), a name in {course} or a .ipynb path"
            )
        found.append(matches[0])
    return found


def default_folder() -> Path:
    """``presenting/`` of the checkout (git-ignored), else ``~/aftercare-presenting``."""
    root = checkout_root()
    return root / "presenting" if root is not None else Path.home() / "aftercare-presenting"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def working_copy(notebooks: list[Path], folder: Path) -> tuple[list[Path], list[str]]:
    """Copy ``notebooks`` and their slide styles into ``folder``; returns (copies, notes).

    The copies drop the jupytext pairing (no ``.py`` twin is written beside them). A copy the
    presenter changed since this function made it is renamed with the date, never replaced.
    """
    folder.mkdir(parents=True, exist_ok=True)
    record_path = folder / RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if not isinstance(record, dict):
            raise ValueError
    except FileNotFoundError:
        record = {}
    except ValueError:
        raise PresentError(
            f"{record_path}: not the record this command writes; remove it"
        ) from None
    notes: list[str] = []
    copies: list[Path] = []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    wanted = [(nb, nb.name) for nb in notebooks]
    for source in {nb.parent for nb in notebooks}:
        wanted += [(source / name, name) for name in NEEDS if (source / name).is_file()]
    for source, name in wanted:
        target = folder / name
        if target.exists() and _sha(target.read_bytes()) != record.get(name):
            kept = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
            target.rename(kept)
            notes.append(f"kept your changed copy as {kept}")
        if source.suffix == ".ipynb":
            notebook = nbformat.read(source, as_version=4)
            notebook.metadata.pop("jupytext", None)
            data = (nbformat.writes(notebook) + "\n").encode("utf-8")
            copies.append(target)
        else:
            data = source.read_bytes()
        target.write_bytes(data)
        record[name] = _sha(data)
    record_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return copies, notes


def remember(folder: Path, copy: Path) -> None:
    """Record ``copy`` as the command's own (so the next run may replace it)."""
    record_path = folder / RECORD
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record[copy.name] = _sha(copy.read_bytes())
    record_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


@dataclass
class LiveServer:
    """JupyterLab serving the working folder on 127.0.0.1."""

    url: str
    token: str
    folder: Path
    runtime: Path
    process: subprocess.Popen

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        """Call the server's REST API; returns the JSON answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def slideshow_url(self, copy: Path) -> str:
        """The RISE slideshow of ``copy`` (the token logs the browser in)."""
        name = urllib.parse.quote(copy.relative_to(self.folder).as_posix())
        return f"{self.url}/rise/{name}?token={self.token}"


@contextlib.contextmanager
def serve_live(folder: Path, port: int = 0, limit_s: int | None = None) -> Iterator[LiveServer]:
    """Start JupyterLab on ``folder`` (127.0.0.1, own process group); stop it on exit.

    ``limit_s`` bounds its life (tests); the kernels' connection files are written in
    ``folder/.jupyter-runtime`` so that :func:`run_in_kernel` can join a kernel.
    """
    from jupyterhub.utils import random_port

    port = port or random_port()
    token = secrets.token_hex(16)
    runtime = folder / ".jupyter-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    log = folder / ".jupyter-lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={folder}",
        f"--IdentityProvider.token={token}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    if limit_s:
        cmd = ["timeout", str(int(limit_s)), *cmd]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime))
    env.pop("MPLBACKEND", None)  # the kernel keeps its inline backend
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd, cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    server = LiveServer(f"http://127.0.0.1:{port}", token, folder, runtime, process)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:]
                raise PresentError(f"JupyterLab stopped at start ({log}): {' '.join(tail)}")
            try:
                server.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise PresentError(f"JupyterLab did not answer in 120 s; see {log}") from None
                time.sleep(0.3)
        yield server
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


def run_in_kernel(server: LiveServer, copy: Path, timeout_s: int = 300) -> None:
    """Run ``copy`` top to bottom in the kernel of its JupyterLab session and save its outputs.

    The session is the one the slideshow page joins (JupyterLab keys sessions by path), so the
    apps' widgets on the slides are the kernel's. nbclient runs the cells (as ``Run All``
    would); the outputs are saved in the working copy only.
    """
    import asyncio

    from jupyter_client.asynchronous import AsyncKernelClient
    from nbclient import NotebookClient
    from nbformat.sign import NotebookNotary

    name = copy.relative_to(server.folder).as_posix()
    session = server.api(
        "POST",
        "/api/sessions",
        {"path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}},
    )
    connection = server.runtime / f"kernel-{session['kernel']['id']}.json"
    deadline = time.monotonic() + 60
    while not connection.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    notebook = nbformat.read(copy, as_version=4)

    async def run() -> None:
        client = AsyncKernelClient(connection_file=str(connection))
        client.load_connection_file()
        # No heartbeat channel: it reports a kernel that is starting as dead.
        client.start_channels(hb=False)
        try:
            await client.wait_for_ready(timeout=120)
            # No widget state in the file: the slideshow's widgets come from the live kernel.
            runner = NotebookClient(
                notebook, timeout=timeout_s, kernel_name="python3", store_widget_state=False
            )
            runner.kc = client  # the session's kernel, not a new one
            runner.reset_execution_trackers()
            for index, cell in enumerate(notebook.cells):
                try:
                    await runner.async_execute_cell(cell, index)
                except Exception as exc:  # nbclient's CellExecutionError: one line, cell number
                    last = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
                    raise PresentError(f"{copy.name}: cell {index + 1} failed: {last[0]}") from None
        finally:
            client.stop_channels()

    asyncio.run(run())
    # Trusted, as a notebook run and saved in JupyterLab is: an untrusted one shows the apps'
    # static HTML instead of their live widgets.
    NotebookNotary().sign(notebook)
    nbformat.write(notebook, copy)
    remember(server.folder, copy)


def _open_browser(url: str, folder: Path) -> subprocess.Popen | None:
    """Open ``url`` full screen in a Chromium-family browser, else in the system's browser."""
    for name in FULLSCREEN_BROWSERS:
        path = shutil.which(name)
        if path:
            args = [
                path,
                "--start-fullscreen",
                f"--app={url}",
                f"--user-data-dir={folder / '.browser'}",
                "--no-first-run",
            ]
            if os.geteuid() == 0:
                args.append("--no-sandbox")  # Chromium refuses to start as root without it
            return subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
    webbrowser.open(url)
    return None


def present(
    specs: list[str],
    folder: Path | None = None,
    *,
    port: int = 0,
    open_browser: bool = True,
    limit_s: int | None = None,
    say=print,
) -> int:
    """Copy, run and present ``specs`` (see the module's description); serves until Ctrl+C."""
    notebooks = find_notebooks(specs)
    folder = (folder or default_folder()).resolve()
    course = {nb.parent for nb in notebooks}
    if folder in course:
        raise PresentError(f"{folder}: is the course folder; choose another working folder")
    copies, notes = working_copy(notebooks, folder)
    for note in notes:
        say(note)
    browser = None
    with serve_live(folder, port=port, limit_s=limit_s) as server:
        try:
            for copy in copies:
                say(f"running {copy} ...")
                run_in_kernel(server, copy)
            urls = [server.slideshow_url(copy) for copy in copies]
            for url in urls:
                say(f"slideshow: {url}")
            say(f"JupyterLab on the working copy: {server.url}/lab?token={server.token}")
            if open_browser:
                browser = _open_browser(urls[0], folder)
                say(
                    "full screen: F11 (the slideshow's own F key also works); "
                    "move with the space bar and the arrow keys"
                    if browser is None
                    else "opened full screen (F11 leaves it)"
                )
            say("presenting; stop with Ctrl+C (the course's notebooks are not changed)")
            while server.process.poll() is None:
                time.sleep(0.5)
            return 0 if limit_s else 1
        finally:
            if browser is not None and browser.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(browser.pid, signal.SIGTERM)
