"""Launch the system's Chromium (Debian ``/usr/bin/chromium``) through Playwright.

Playwright's own browser download is never used (it needs the network). The executable is
``$CHROMIUM_PATH`` or ``/usr/bin/chromium``; the flags keep it from phoning home.

Chromium's own services (the component updater, the account list, network time) send requests
even with ``--disable-background-networking``, and those switches change from release to
release. So two locks that do not depend on them are used:

* ``--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , ...``:
  every host name and address except the loopback ones fails to resolve inside Chromium, so it
  makes no DNS lookup and cannot reach a server off the machine; ``localhost``, ``127.0.0.1``,
  ``::1`` and ``file:`` pages still work.
* For printing PDFs (``isolate_network=True``), Chromium runs in a new, empty network namespace
  (``unshare --net``, or ``--net --map-root-user`` without root) where only a down loopback
  interface exists, so not even its IPv6 reachability probe (a UDP ``connect`` to a public
  address, which resolver rules do not stop) can reach a network. Where the system forbids
  namespaces the resolver rules still apply.

``tests/test_hardening.py`` checks both with ``strace -f -e trace=connect,sendto,...``.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import AftercareError

__all__ = [
    "BrowserMissingError",
    "CHROMIUM_FLAGS",
    "chromium_path",
    "launch_chromium",
    "block_network",
    "network_namespace_command",
]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Every host name and address fails to resolve, except the loopback ones (servers the tests
    # and apps start bind 127.0.0.1); so Chromium sends no DNS query and reaches no named server.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE ::1",
)
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


class BrowserMissingError(AftercareError):
    """No Chromium executable was found."""


def chromium_path() -> Path:
    """The Chromium executable: ``$CHROMIUM_PATH`` or ``/usr/bin/chromium``."""
    path = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    if not path.is_file() or not os.access(path, os.X_OK):
        raise BrowserMissingError(
            f"Chromium was not found at {path}. Install it with `apt-get install -y chromium` "
            "(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome executable."
        )
    return path


@functools.cache
def network_namespace_command() -> tuple[str, ...] | None:
    """The ``unshare`` command that runs a program without network access here, or None.

    Tries ``unshare --net`` (root) and ``unshare --net --map-root-user`` (unprivileged user
    namespaces) once per process.
    """
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return None
    for command in ((unshare, "--net"), (unshare, "--net", "--map-root-user")):
        try:
            done = subprocess.run([*command, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return command
    return None


def _offline_wrapper(executable: Path, folder: Path) -> Path:
    """A script in ``folder`` that starts ``executable`` without network access, if allowed."""
    command = network_namespace_command()
    if command is None:
        return executable
    wrapper = folder / "chromium"
    wrapper.write_text(
        f'#!/bin/sh\nexec {shlex.join(command)} -- {shlex.quote(str(executable))} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o700)
    return wrapper


@contextmanager
def launch_chromium(
    extra_args: tuple[str, ...] = (), *, isolate_network: bool = False
) -> Iterator[object]:
    """Yield a Playwright ``Browser`` running the system Chromium (closed on exit).

    With ``isolate_network`` Chromium runs in an empty network namespace where the system
    allows it (see the module notes): for printing, which needs only ``file:`` pages.

    Playwright's driver and Chromium keep their temporary files (the browser profile, which
    may cache what was printed) in a private folder (mode 0700) that is removed on exit, also
    when the exit is an exception such as a signal turned into one by the command line.
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with tempfile.TemporaryDirectory(prefix="aftercare-chromium-") as tmp:
        program = _offline_wrapper(executable, Path(tmp)) if isolate_network else executable
        previous = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = tmp  # inherited by the driver, and by Chromium from it
        try:
            playwright = sync_playwright().start()
        finally:
            if previous is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = previous
        try:
            browser = playwright.chromium.launch(
                executable_path=str(program),
                headless=True,
                args=[*CHROMIUM_FLAGS, *extra_args],
            )
            try:
                yield browser
            finally:
                _quietly(browser.close)
        finally:
            _quietly(playwright.stop)


def _quietly(close) -> None:
    # Closing after an interruption may find the browser or driver already gone.
    try:
        close()
    except Exception:  # noqa: BLE001 - nothing useful to report while unwinding
        pass


def block_network(target: object, blocked: list[str] | None = None) -> None:
    """Abort every request that is not ``file:``, ``data:``, ``blob:`` or ``about:``.

    ``target`` is a Playwright page or browser context. Blocked URLs are appended to
    ``blocked`` when given, so a caller can report them.
    """

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(_LOCAL_SCHEMES):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    target.route("**/*", handle)
