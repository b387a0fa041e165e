"""CI=true turns a skip for a missing tool into a failure; scaffolding skips are gone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

_SAMPLE = """
import pytest

def test_needs_chromium():
    pytest.skip("Chromium not found at /usr/bin/chromium (apt-get install chromium)")

@pytest.mark.skipif(True, reason="npm assets missing: run `npm ci --prefix js`")
def test_needs_assets():
    pass

def test_needs_namespaces():
    pytest.skip("network namespaces are not allowed here")

def test_not_for_this_platform():
    pytest.skip("needs /proc")
"""


def _run(tmp_path: Path, ci: str | None) -> str:
    (tmp_path / "conftest.py").write_text("from ci_skips import pytest_runtest_makereport\n")
    (tmp_path / "test_sample.py").write_text(_SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(TESTS)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def _counts(out: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", out)}


def test_locally_a_missing_tool_skips(tmp_path):
    assert _counts(_run(tmp_path, None)) == {"skipped": 4}
    assert _counts(_run(tmp_path, "false")) == {"skipped": 4}


def test_under_ci_a_missing_tool_fails(tmp_path):
    out = _run(tmp_path, "true")
    counts = _counts(out)
    # A skip in a test body fails it; a skipif mark fails the set-up (pytest says "error").
    assert counts.get("failed", 0) + counts.get("error", 0) == 3, out
    assert counts["skipped"] == 1, out  # /proc: not a set-up failure
    assert "CI=true: this test was skipped because a tool is missing (" in out
    assert (
        "npm ci --prefix js" in out and "test_not_for_this_platform" not in out.split("FAILED")[-1]
    )


def test_no_scaffolding_skips_remain():
    """A required package is imported, not importorskip-ed; no skip waits for code to exist."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "test_ci_skips.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "importorskip(" in line or re.search(r"skip.*\b(yet|not implemented)\b", line):
                found.append(f"{path.relative_to(TESTS)}:{number}: {line.strip()}")
    assert not found, found
