"""The course as a website: ``python -m aftercare export book`` (Jupyter Book 1).

One build of three course notebooks (module scope), then what a reader gets: pages that open
from ``file://`` with every non-file request blocked, axe-clean, apps and quizzes in their
static form, facilitator notes folded, references carried, nothing from a CDN.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from browser import axe_violations, external_references, open_offline

from aftercare.export.book import book_source_notebook, external_resources
from aftercare.export.manifest import MANIFEST_NAME
from aftercare.export.render import FALLBACK_ALT
from aftercare.export.slidefit import WIDGET_VIEW

pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["00_start_here", "03_icing_timeline_planner", "06_case_studies"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``python -m aftercare export book NOTEBOOKS --out DIR`` (in-process)."""
    from aftercare.__main__ import main

    out = tmp_path_factory.mktemp("site")
    paths = [str(ROOT / "notebooks" / f"{name}.ipynb") for name in NOTEBOOKS]
    assert main(["export", "book", *paths, "--out", str(out)]) == 0
    return out


def _notes_source(text: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    nb.cells[0].metadata["slideshow"] = {"slide_type": "notes"}
    return nb


def test_notes_become_a_folded_admonition_even_with_code_fences_inside():
    text = "Ask the room first.\n\n````python\nx = 1\n````"
    cell = book_source_notebook(_notes_source(text)).cells[0]
    first, last = cell.source.splitlines()[0], cell.source.splitlines()[-1]
    assert first.startswith("`````{admonition} Facilitator notes")
    assert last == "`````", "the fence must be longer than any fence in the notes"
    assert ":class: dropdown" in cell.source and "Ask the room first." in cell.source


def test_widget_views_and_state_are_dropped_and_images_keep_their_alt_text():
    cell = nbformat.v4.new_code_cell("app")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={WIDGET_VIEW: {"model_id": "x"}, "text/plain": "IntSlider()"}
        ),
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480>"},
            metadata={"image/png": {"alt": 'Timeline of "ice" sessions'}},
        ),
        nbformat.v4.new_output(
            "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})
    book = book_source_notebook(nb)
    assert "widgets" not in book.metadata
    outputs = book.cells[0].outputs
    assert len(outputs) == 2, "a widget view with only its repr says nothing to a reader"
    assert 'alt="Timeline of &quot;ice&quot; sessions"' in outputs[0].data["text/html"]
    assert f'alt="{FALLBACK_ALT}"' in outputs[1].data["text/html"]
    assert all(WIDGET_VIEW not in o.data for o in outputs)


def test_no_code_hides_every_input_but_keeps_outputs():
    cell = nbformat.v4.new_code_cell("plan_report(plan)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "plan"})]
    book = book_source_notebook(nbformat.v4.new_notebook(cells=[cell]), include_code=False)
    assert "remove-input" in book.cells[0].metadata["tags"]
    assert book.cells[0].outputs == cell.outputs


def test_book_refuses_a_folder_holding_files_it_did_not_write(tmp_path, capsys):
    from aftercare.__main__ import main

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    nb = str(ROOT / "notebooks" / "00_start_here.ipynb")
    assert main(["export", "book", nb, "--out", str(tmp_path)]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_site_lists_its_files_in_the_manifest_and_loads_nothing_from_the_network(site):
    manifest = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    on_disk = {p.name for p in site.iterdir()} - {MANIFEST_NAME}
    assert on_disk == set(manifest), "every file of the site is recorded (and nothing else)"
    assert {manifest[f"{n}.html"]["source"] for n in NOTEBOOKS} == {f"{n}.ipynb" for n in NOTEBOOKS}
    assert all(entry["kind"] == "book" for entry in manifest.values())
    assert external_resources(site) == []
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert external_references(text) == [], page.name
        for marker in ("unpkg.com", "cdn.jsdelivr", "require.js", "widget-state+json"):
            assert marker not in text, f"{page.name} refers to {marker}"


@pytest.mark.browser
@pytest.mark.parametrize("name", ["index", "03_icing_timeline_planner", "06_case_studies"])
def test_page_opens_offline_and_is_axe_clean(site, chromium, axe_path, name):
    page, log = open_offline(chromium, site / f"{name}.html")
    try:
        assert log.ok, log.report()
        assert page.title().strip(), "every page has a title"
        assert axe_violations(page, axe_path) == []
        if name == "index":
            body = page.inner_text("main")
            assert "Education, not individual medical advice." in body
            assert page.locator("main a[href='03_icing_timeline_planner.html']").count() == 1
            return
        assert page.locator("h2", has_text="References").count() == 1
        assert page.locator("main li", has_text="doi:").count() > 3, "the References list"
        notes = page.locator("details.aftercare-notes, div.aftercare-notes")
        assert notes.count() > 0, "facilitator notes are there, folded"
        assert notes.first.get_by_text("Facilitator notes").is_visible()
        body = notes.first.locator(".admonition-title ~ *").first
        assert not body.is_visible(), "facilitator notes start folded"
        static = page.locator("main", has_text="interactive when this notebook runs in JupyterLab")
        assert static.count() == 1, "the app's static form says where it is interactive"
        images = page.locator("main img")
        assert images.count() > 0
        for alt in images.evaluate_all("imgs => imgs.map(i => i.alt)"):
            assert alt and alt != FALLBACK_ALT and not alt.startswith("<Figure"), alt
        assert page.locator("main input, main select, main textarea").count() == 0
    finally:
        page.context.close()


def test_without_jupyter_book_the_export_stops_before_running_anything(
    tmp_path, monkeypatch, capsys
):
    import importlib.util

    from aftercare.__main__ import main

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "jupyter_book" else real(name, *a),
    )
    ran = []
    monkeypatch.setattr("aftercare.export.notebooks._execute", lambda *a, **k: ran.append(a))
    nb = str(ROOT / "notebooks" / "00_start_here.ipynb")
    assert main(["export", "book", nb, "--out", str(tmp_path / "site")]) == 2
    assert "needs Jupyter Book 1" in capsys.readouterr().err
    assert ran == [] and not (tmp_path / "site").exists()
