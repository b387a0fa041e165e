"""The real course notebooks (notebooks/*.ipynb) exported offline: every deck and page loads
from file:// with the network blocked, without errors, has no enabled form control (nothing
looks live that is not: apps and quizzes are exported static) and passes axe (no
serious/critical).

One export of the whole suite (slides + pages, each notebook executed once) is shared by the
tests of the session (tests/suite_export.py). Skipped when there are no notebooks or the npm
assets are missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import ENABLED_CONTROLS, axe_violations, external_references, open_offline, serious
from suite_export import NOTEBOOKS, assets_installed

# Fixtures "chromium" and "axe_path"; "suite" (one export of the course per session).
pytest_plugins = ["browser_fixtures", "suite_export"]

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not assets_installed(), reason="npm assets missing: run `npm ci --prefix js`"
    ),
]


def test_every_notebook_exported_and_indexed(suite):
    out, executed, decks, pages = suite.out, suite.executed, suite.decks, suite.pages
    assert len(decks) == len(pages) == len(NOTEBOOKS)
    index = (out / "index.html").read_text(encoding="utf-8")
    for item in decks + pages:
        assert f'href="{item.path.name}"' in index
    for item in executed:
        assert item.title and item.title != item.stem  # a real H1 title was found
    for path in out.glob("*.html"):
        assert external_references(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.browser
def test_every_deck_and_page_opens_offline_has_no_live_control_and_pages_pass_axe(
    suite, chromium, axe_path
):
    decks, pages = suite.decks, suite.pages
    problems = []
    for item in decks + pages:
        page, log = open_offline(chromium, item.path, settle_ms=100, idle=False)
        if not log.ok:
            problems.append((item.path.name, log.report()))
        if page.locator('script[type="application/vnd.jupyter.widget-state+json"]').count():
            page.wait_for_load_state("networkidle")  # widget snapshots render after load
        # The dead-control check: no input, button, slider or box a reader could try in vain.
        live = page.evaluate(ENABLED_CONTROLS)
        if live:
            problems.append((item.path.name, f"enabled form controls: {live[:3]}"))
        if item.kind == "slides":
            total = page.evaluate("() => Reveal.getTotalSlides()")
            if total < 2:
                problems.append((item.path.name, f"only {total} slide(s)"))
            page.keyboard.press("ArrowRight")
            if page.evaluate("() => Reveal.getIndices().h") != 1:
                problems.append((item.path.name, "ArrowRight did not advance"))
        else:  # decks show the same cells as pages; axe on every slide is in test_export.py
            bad = serious(axe_violations(page, axe_path, wcag_only=True))
            if bad:
                problems.append((item.path.name, bad))
        page.context.close()
    assert problems == []
