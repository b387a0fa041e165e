"""Shared fixtures: presets, a scratch data folder for clinic edits, hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from ci_skips import pytest_runtest_makereport  # noqa: F401  (CI=true: a missing tool fails)
from clinic_preset import preset_ids
from hypothesis import HealthCheck, settings

# Plugin modules that test modules also import from: rewrite their asserts on first import.
pytest.register_assert_rewrite("suite_export", "browser_fixtures")

ROOT = Path(__file__).resolve().parents[1]

# The suite's protocol comes from AFTERCARE_PROTOCOL (aftercare.protocol.PROTOCOL_ENV). Tests
# (and the notebook kernels nbval starts, which inherit this environment) run with the default
# preset unless a test sets the variable itself.
os.environ.pop("AFTERCARE_PROTOCOL", None)
# Runs of the notebooks under test are nobody's study: no self-study record in the tester's home
# (tests of the record name their own file).
os.environ["AFTERCARE_RECORD"] = "off"

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


@pytest.fixture(scope="session")
def presets(tmp_path_factory):
    """Name -> Protocol for every preset the preset tests cover (``clinic_preset.preset_ids``):
    the ones in data/protocols and a minimal clinic preset made the README's way, loaded from
    a file outside the checkout (as ``load_protocol("path/to/my-clinic.yaml")`` does)."""
    from clinic_preset import MINIMAL_CLINIC, minimal_clinic_preset_text, preset_ids

    from aftercare import load_protocol

    path = tmp_path_factory.mktemp("clinic") / f"{MINIMAL_CLINIC}.yaml"
    path.write_text(minimal_clinic_preset_text(), encoding="utf-8")
    return {name: load_protocol(path if name == MINIMAL_CLINIC else name) for name in preset_ids()}


@pytest.fixture(params=preset_ids())
def preset(request, presets):
    return presets[request.param]


# Notebooks under tests/ are fixtures driven by the export and browser tests, not nbval targets.
collect_ignore_glob = ["e2e/*.ipynb", "fixtures/*.ipynb"]
