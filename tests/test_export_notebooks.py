"""The real course notebooks (notebooks/*.ipynb) exported offline: every deck and page loads
from file:// with the network blocked, without errors, and passes axe (no serious/critical).

One export of the whole suite (slides + pages, each notebook executed once) is shared by the
tests. Skipped when there are no notebooks or the npm assets are missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import axe_violations, external_references, open_offline, serious

from aftercare.export.assets import node_modules_dir
from aftercare.export.notebooks import execute_notebooks, find_notebooks
from aftercare.export.render import write_exports

# Fixtures "chromium" and "axe_path".
pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/ yet"),
    pytest.mark.skipif(
        not (node_modules_dir() / "reveal.js" / "package.json").is_file(),
        reason="npm assets missing: run `npm ci --prefix js`",
    ),
]


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    # Export from a snapshot of notebooks/ so that edits made meanwhile by someone else cannot
    # be mistaken for writes by the exporter.
    source = tmp_path_factory.mktemp("notebooks")
    for path in NOTEBOOKS:
        shutil.copy2(path, source / path.name)
    before = {p.name: p.read_bytes() for p in source.iterdir()}
    out = tmp_path_factory.mktemp("suite")
    executed = execute_notebooks(find_notebooks([source]))
    assert {p.name: p.read_bytes() for p in source.iterdir()} == before, "notebooks modified"
    decks = write_exports(executed, "slides", out)
    pages = write_exports(executed, "html", out)
    return out, executed, decks, pages


def test_every_notebook_exported_and_indexed(suite):
    out, executed, decks, pages = suite
    assert len(decks) == len(pages) == len(NOTEBOOKS)
    index = (out / "index.html").read_text(encoding="utf-8")
    for item in decks + pages:
        assert f'href="{item.path.name}"' in index
    for item in executed:
        assert item.title and item.title != item.stem  # a real H1 title was found
    for path in out.glob("*.html"):
        assert external_references(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.browser
def test_every_deck_and_page_opens_offline_and_pages_pass_axe(suite, chromium, axe_path):
    out, _, decks, pages = suite
    problems = []
    for item in decks + pages:
        page, log = open_offline(chromium, item.path, settle_ms=100, idle=False)
        if not log.ok:
            problems.append((item.path.name, log.report()))
        if item.kind == "slides":
            total = page.evaluate("() => Reveal.getTotalSlides()")
            if total < 2:
                problems.append((item.path.name, f"only {total} slide(s)"))
            page.keyboard.press("ArrowRight")
            if page.evaluate("() => Reveal.getIndices().h") != 1:
                problems.append((item.path.name, "ArrowRight did not advance"))
        else:  # decks show the same cells as pages; axe on every slide is in test_export.py
            if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
                page.locator(
                    ".jupyter-widgets .widget-box, .jupyter-widgets .widget-output, "
                    ".jupyter-widgets .widget-slider"
                ).first.wait_for(state="attached", timeout=15000)
            bad = serious(axe_violations(page, axe_path, wcag_only=True))
            if bad:
                problems.append((item.path.name, bad))
        page.context.close()
    assert problems == []
