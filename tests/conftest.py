"""Shared fixtures: presets, a scratch data folder for clinic edits, hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from ci_skips import pytest_runtest_makereport  # noqa: F401  (CI=true: a missing tool fails)
from hypothesis import HealthCheck, settings

# Plugin modules that test modules also import from: rewrite their asserts on first import.
pytest.register_assert_rewrite("suite_export", "browser_fixtures")

ROOT = Path(__file__).resolve().parents[1]

# The suite's protocol comes from AFTERCARE_PROTOCOL (aftercare.protocol.PROTOCOL_ENV). Tests
# (and the notebook kernels nbval starts, which inherit this environment) run with the default
# preset unless a test sets the variable itself.
os.environ.pop("AFTERCARE_PROTOCOL", None)

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _clear_caches() -> None:
    from aftercare.data import clear_caches

    clear_caches()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of data/ that the package reads instead of the real one."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    monkeypatch.setenv("AFTERCARE_DATA", str(target))
    _clear_caches()
    yield target
    monkeypatch.delenv("AFTERCARE_DATA")
    _clear_caches()


@pytest.fixture(params=["seed-article", "early-cold"])
def preset(request):
    from aftercare import load_protocol

    return load_protocol(request.param)


# Notebooks under tests/ are fixtures driven by the export and browser tests, not nbval targets.
collect_ignore_glob = ["e2e/*.ipynb", "fixtures/*.ipynb"]
