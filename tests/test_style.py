"""Lint, format and spelling, as pre-commit runs them (.pre-commit-config.yaml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ["aftercare", "tests", "benchmarks", "scripts"]


def _tool(name: str) -> str:
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; run ./scripts/test to set up")
    return found


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint():
    # The notebooks (and their jupytext pairs) are linted too; their layout is left to authors.
    result = _run(_tool("ruff"), "check", *TARGETS, "notebooks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = _run(_tool("ruff"), "format", "--check", *TARGETS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell():
    result = _run(_tool("codespell"), *TARGETS, "README.md", "docs", "data")
    assert result.returncode == 0, result.stdout + result.stderr
