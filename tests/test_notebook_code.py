"""What a learner sees of the notebooks' code in JupyterLab and RISE, and what git stores.

* A cell hidden in exports (``hide-input``) is also collapsed in JupyterLab
  (``metadata.jupyter.source_hidden``), so the tag and the screen agree.
* Every visible code cell is a call or two: at most 4 lines of at most 88 characters, so it
  fits a projected slide without scrolling or running off the cell.
* No committed notebook carries saved widget state; the pre-commit hook strips exactly that.
"""

from __future__ import annotations

import copy
import json
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
HIDDEN_TAGS = {"hide-input", "hide_input", "remove-input", "remove_input", "remove-cell"}
MAX_LINES, MAX_CHARS = 4, 88


def _code_cells(path: Path):
    nb = nbformat.read(path, as_version=4)
    return [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]


def _hidden(cell) -> bool:
    return bool(HIDDEN_TAGS & set(cell.metadata.get("tags", [])))


def visible_cell_problems(source: str) -> list[str]:
    """Why a visible code cell is too big for the screen ([] when it fits)."""
    lines = source.strip("\n").splitlines()
    problems = [f"{len(lines)} lines (at most {MAX_LINES})"] if len(lines) > MAX_LINES else []
    problems += [
        f"line {n} has {len(line)} characters (at most {MAX_CHARS})"
        for n, line in enumerate(lines, 1)
        if len(line) > MAX_CHARS
    ]
    return problems


def test_the_rule_catches_long_and_wide_cells():
    assert visible_cell_problems("a\nb\nc\nd") == []
    assert visible_cell_problems("x" * 88) == []
    assert visible_cell_problems("a\nb\nc\nd\ne") == ["5 lines (at most 4)"]
    assert visible_cell_problems("x" * 89) == ["line 1 has 89 characters (at most 88)"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_visible_code_cell_fits_the_screen(path):
    problems = [
        f"cell {i}: {problem}"
        for i, cell in _code_cells(path)
        if not _hidden(cell)
        for problem in visible_cell_problems(cell.source)
    ]
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cells_hidden_in_exports_are_collapsed_in_jupyterlab(path):
    hidden = [(i, c) for i, c in _code_cells(path) if _hidden(c)]
    assert hidden, "each notebook hides at least its import cell"
    open_ = [i for i, c in hidden if c.metadata.get("jupyter", {}).get("source_hidden") is not True]
    assert not open_, f"{path.name}: cells {open_} are hidden in exports but open in JupyterLab"


def _committed_notebooks() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode == 0 and listed.stdout.strip():
        return [ROOT / line for line in listed.stdout.splitlines()]
    return sorted(p for p in ROOT.rglob("*.ipynb") if ".venv" not in p.parts)  # not a clone


def test_no_committed_notebook_carries_widget_state():
    notebooks = _committed_notebooks()
    assert len(notebooks) >= len(NOTEBOOKS)
    carrying = [
        str(p.relative_to(ROOT))
        for p in notebooks
        if "widgets" in json.loads(p.read_text(encoding="utf-8")).get("metadata", {})
    ]
    assert not carrying, f"saved widget state in {carrying}: run `pre-commit run -a`"


def _hook_command() -> list[str]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    (hook,) = [h for h in hooks if h["id"] == "strip-widget-state"]
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    tool = Path(sys.executable).parent / command[0]
    return [str(tool), *command[1:]]


def test_the_hook_strips_widget_state_and_nothing_else(tmp_path):
    original = nbformat.read(NOTEBOOKS[0], as_version=4)
    planted = copy.deepcopy(original)
    planted.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {"m": {}}, "version_major": 2}
    }
    planted.cells[-1].metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    target = tmp_path / "lesson.ipynb"
    nbformat.write(planted, target)
    subprocess.run([*_hook_command(), str(target)], check=True, capture_output=True)
    stripped = nbformat.read(target, as_version=4)
    assert "widgets" not in stripped.metadata
    expected = copy.deepcopy(planted)
    del expected.metadata["widgets"]
    assert stripped == expected, "outputs, counts, ids and other metadata are kept"
    assert any(c.get("outputs") for c in stripped.cells), "outputs are kept for nbval"
