"""pre-commit passes on a fresh clone, offline, with the project's venv first on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def test_every_hook_is_local_and_runs_the_venvs_tools():
    """Nothing for pre-commit to download: no hook repository, no hook environment."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for repo in config["repos"]:
        assert repo["repo"] == "local", repo["repo"]
        for hook in repo["hooks"]:
            assert hook["language"] == "system", hook["id"]
            tool = hook["entry"].split()[0]
            assert (VENV_BIN / tool).exists(), f"hook {hook['id']}: {tool} is not in the venv"


def _fresh_copy(tmp_path: Path) -> Path:
    """The tracked files as they are now (a clone of the work tree), in a new git repository."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    copy = tmp_path / "clone"
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():  # a file deleted in the work tree but not yet in git is skipped
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    return copy


def _offline() -> list[str]:
    """unshare -n: a new, empty network namespace (as root); nothing when it is not allowed."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@pytest.mark.slow
def test_pre_commit_passes_on_a_fresh_clone_offline(tmp_path):
    copy = _fresh_copy(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PRE_COMMIT", "GIT_", "VIRTUAL_ENV"))
    }
    # A clean home: no cached hook environments, no user git configuration.
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}/usr/bin{os.pathsep}/bin",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        HOME=str(tmp_path),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and ".git" not in p.parts}
    done = subprocess.run(
        [*_offline(), str(VENV_BIN / "pre-commit"), "run", "--all-files", "--color=never"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Failed" not in done.stdout
    changed = [str(p.relative_to(copy)) for p, data in before.items() if p.read_bytes() != data]
    assert not changed, f"hooks rewrote files: {changed}"
