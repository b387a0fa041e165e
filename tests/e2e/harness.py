"""Start JupyterLab or voila on 127.0.0.1 and drive Debian's Chromium with Playwright.

Shared by the browser tests (``tests/e2e``) and ``benchmarks/widget_latency.py``. Every server
binds 127.0.0.1 on a free port, runs under ``timeout`` in its own process group and is stopped
by its own process id. Chromium is ``/usr/bin/chromium`` (``CHROMIUM_PATH`` overrides); no
browser is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from aftercare.export.browser import CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / ".artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = list(CHROMIUM_FLAGS)
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A port that was free a moment ago (the server fails loudly if it is taken since)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a small notebook of code cells with the python3 kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, path)
    return path


@dataclass
class Server:
    """A running JupyterLab or voila server."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    root: Path
    extra: dict = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def _wait_ready(
    url: str, process: subprocess.Popen, log: Path, seconds: float = 60, any_answer: bool = False
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            if any_answer:  # listening and answering is enough (voila has no status API)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {seconds} s:\n{log.read_text()}")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must keep its inline backend
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    env["IPYTHONDIR"] = str(home / "ipython")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@contextlib.contextmanager
def jupyter_lab(root: Path, limit_s: int = 240) -> Iterator[Server]:
    """JupyterLab serving ``root`` on 127.0.0.1 with a random token."""
    port, token = free_port(), secrets.token_hex(16)
    home = root / ".home"
    home.mkdir(exist_ok=True)
    log = root / "lab.log"
    cmd = [
        "timeout",
        str(limit_s),
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
        "--allow-root",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        "--LabApp.news_url=",
    ]
    with _serve(cmd, port, token, root, home, log, "/api/status?token=" + token) as server:
        yield server


@contextlib.contextmanager
def _serve(
    cmd: list[str],
    port: int,
    token: str,
    root: Path,
    home: Path,
    log: Path,
    ready_path: str,
    any_answer: bool = False,
) -> Iterator[Server]:
    """Start ``cmd`` in its own process group, wait until ``ready_path`` answers, stop it after."""
    with log.open("w") as out:
        process = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=root,
            env=_env(home),
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", token, process, log, root)
    try:
        _wait_ready(server.url + ready_path, process, log, any_answer=any_answer)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def voila(notebook: Path, limit_s: int = 180) -> Iterator[Server]:
    """Voila serving one notebook on 127.0.0.1."""
    port = free_port()
    root = notebook.parent
    home = root / ".home"
    home.mkdir(exist_ok=True)
    log = root / "voila.log"
    cmd = [
        "timeout",
        str(limit_s),
        str(BIN / "voila"),
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        # jupytext's lab extension needs Lab's document manager, which voila lacks: loaded
        # there it only logs a module-federation error (RUNTIME-012), so leave it out.
        "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext",
        # The suite's template: voila's lab template without the CDN stylesheets.
        "--template=aftercare",
    ]
    with _serve(
        cmd, port, "", root, home, log, "/voila/static/no-such-file", any_answer=True
    ) as server:
        yield server


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@contextlib.contextmanager
def browser_page(viewport: dict | None = None) -> Iterator[tuple]:
    """(page, problems): a Chromium page plus a list collecting console errors and page errors."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport or {"width": 1400, "height": 1100})
            problems: list[str] = []
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            yield page, problems
        finally:
            browser.close()


def run_all_cells(page, timeout_ms: int = 90000) -> None:
    """JupyterLab: Run > Run All Cells, then wait until every code cell shows its count.

    Waits for the kernel to be idle first, and clicks again if the first click was lost
    (seen on a loaded machine while Lab was still settling).
    """
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelector('.jp-StatusBar-Widget') &&"
        " document.body.innerText.includes('| Idle')",
        timeout=timeout_ms,
    )
    # Only the notebook on show: Lab may restore other notebooks in hidden tabs.
    prompts = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt"
    done = """(sel) => {
        const prompts = [...document.querySelectorAll(sel)];
        return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }"""
    started = """(sel) => [...document.querySelectorAll(sel)]
        .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
    menu_command(page, "Run", "Run All Cells", until=started, arg=prompts)
    page.wait_for_function(done, arg=prompts, timeout=timeout_ms)


def menu_command(page, menu: str, item: str, *, until: str, arg=None, attempts: int = 3) -> None:
    """JupyterLab: click ``menu`` > ``item`` until the JavaScript ``until(arg)`` holds.

    Clicks again (up to ``attempts`` times) when nothing happened within 10 s: a click made
    while Lab is still settling can be lost (seen on a loaded machine).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        page.click(f".lm-MenuBar-itemLabel:text-is('{menu}')")
        page.click(f".lm-Menu-itemLabel:text-is('{item}')")
        try:
            page.wait_for_function(until, arg=arg, timeout=10000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def open_tab(page, title: str) -> None:
    """Click the app tab whose title holds ``title`` (any case; lumino tab bar of ipywidgets.Tab)."""
    import re

    tab = page.locator(".aftercare-tabs .lm-TabBar-tab", has_text=re.compile(title, re.I)).first
    tab.click()
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('.aftercare-tabs .lm-TabBar-tab.lm-mod-current')]"
        ".some(e => e.textContent.toLowerCase().includes(t.toLowerCase()))",
        arg=title,
    )


def shutdown_kernels(server: Server) -> None:
    """Shut down every kernel of a Jupyter server through its REST API."""
    import json

    def call(method: str, path: str) -> bytes:
        request = urllib.request.Request(f"{server.url}{path}?token={server.token}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    for kernel in json.loads(call("GET", "/api/kernels")):
        call("DELETE", f"/api/kernels/{kernel['id']}")


#: JavaScript that times keydown -> the new chart painted, for a chart that is either
#: a <canvas> (the apps' live view: patches arrive through putImageData or drawImage) or an
#: <img> (``interact``: the src changes, then img.decode()). Painted = the next
#: requestAnimationFrame after the pixels changed (latency.md section 1). Also times keydown ->
#: the text panel (``textSelector``) changed. Installs window.__lat and window.__latText (ms).
LATENCY_PROBE = """
([selector, textSelector]) => {
  window.__lat = [];
  window.__latText = [];
  window.__t0 = null;
  window.__t0Text = null;
  document.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      window.__t0 = performance.now();
      window.__t0Text = window.__t0;
    }
  }, true);
  const painted = (ready) => {
    const t0 = window.__t0;
    if (t0 === null) return;
    window.__t0 = null;
    ready.then(() => requestAnimationFrame(() => window.__lat.push(performance.now() - t0)));
  };
  for (const method of ['putImageData', 'drawImage']) {
    const original = CanvasRenderingContext2D.prototype[method];
    CanvasRenderingContext2D.prototype[method] = function (...args) {
      const result = original.apply(this, args);
      if (this.canvas.matches && this.canvas.matches(selector)) painted(Promise.resolve());
      return result;
    };
  }
  const seenImg = (img) => painted(img.decode().catch(() => {}));
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      const target = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (textSelector && window.__t0Text !== null && target && target.closest
          && target.closest(textSelector)) {
        window.__latText.push(performance.now() - window.__t0Text);
        window.__t0Text = null;
      }
      if (r.type === 'attributes' && r.target.matches && r.target.matches(selector)
          && r.target.tagName === 'IMG') {
        seenImg(r.target); continue;
      }
      for (const n of r.addedNodes || []) {
        if (n.nodeType !== 1) continue;
        const img = n.matches(selector) ? n : n.querySelector(selector);
        if (img && img.tagName === 'IMG') { seenImg(img); break; }
      }
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true,
                              attributes: true, attributeFilter: ['src']});
}
"""
