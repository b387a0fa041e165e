"""Pytest fixtures for browser tests (load with ``pytest_plugins = ["browser_fixtures"]``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM, system_chromium

from aftercare.export.assets import AssetsMissingError, axe_script


@pytest.fixture(scope="module")
def chromium():
    """A Playwright Browser running the system Chromium, shared by one test module.

    Module scope, not session: while Playwright's sync API is active it marks an asyncio loop
    as running in this thread, which would mislead later tests (the apps' redraw scheduler).
    """
    if not CHROMIUM.is_file():
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
        )
    with system_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """``axe.min.js`` from js/node_modules (skips when the npm assets are not installed)."""
    try:
        return axe_script()
    except AssetsMissingError as exc:
        pytest.skip(str(exc))
