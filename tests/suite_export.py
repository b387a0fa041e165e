"""One export of the real course notebooks per test session, shared by the export tests.

Load with ``pytest_plugins = ["suite_export"]``. The fixture ``suite`` executes every notebook
in notebooks/ once (from a snapshot, so edits made meanwhile cannot be mistaken for writes by
the exporter) and writes the decks and the pages into one folder. The fit, dead-control and
offline tests all read that folder, so the suite pays for the export once.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from aftercare.export.assets import node_modules_dir

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@dataclass(frozen=True)
class Suite:
    out: Path
    executed: list
    decks: list
    pages: list


def assets_installed() -> bool:
    return (node_modules_dir() / "reveal.js" / "package.json").is_file()


@pytest.fixture(scope="session")
def suite(tmp_path_factory) -> Suite:
    from aftercare.export.notebooks import execute_notebooks, find_notebooks
    from aftercare.export.render import write_exports

    assert NOTEBOOKS, "no notebooks found in notebooks/"
    if not assets_installed():
        pytest.skip("npm assets missing: run `npm ci --prefix js`")
    source = tmp_path_factory.mktemp("notebooks")
    for path in NOTEBOOKS:
        shutil.copy2(path, source / path.name)
    before = {p.name: p.read_bytes() for p in source.iterdir()}
    out = tmp_path_factory.mktemp("suite")
    executed = execute_notebooks(find_notebooks([source]))
    assert {p.name: p.read_bytes() for p in source.iterdir()} == before, "notebooks modified"
    decks = write_exports(executed, "slides", out)
    pages = write_exports(executed, "html", out)
    return Suite(out, executed, decks, pages)
