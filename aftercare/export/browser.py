"""Launch the system's Chromium (Debian ``/usr/bin/chromium``) through Playwright.

Playwright's own browser download is never used (it needs the network). The executable is
``$CHROMIUM_PATH`` or ``/usr/bin/chromium``; the flags keep it from phoning home.
"""

from __future__ import annotations

import os
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
]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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


@contextmanager
def launch_chromium(extra_args: tuple[str, ...] = ()) -> Iterator[object]:
    """Yield a Playwright ``Browser`` running the system Chromium (closed on exit)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=[*CHROMIUM_FLAGS, *extra_args],
        )
        try:
            yield browser
        finally:
            browser.close()


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
