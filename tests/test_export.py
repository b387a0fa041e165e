"""Offline slides, pages and PDFs from a small fixture notebook (tests/fixtures/deck.ipynb).

The fixture has 5 slides (4 horizontal, 1 vertical), a speaker note, a formula, a chart with
alt text and an ipywidgets slider whose callback draws a chart.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from browser import (
    ENABLED_CONTROLS,
    axe_violations,
    deck_axe_violations,
    external_references,
    open_offline,
    serious,
)

from aftercare.export.assets import AssetsMissingError, copy_assets, node_modules_dir
from aftercare.export.notebooks import ExportError, execute_notebook, find_notebooks

# Fixtures "chromium" and "axe_path".
pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "deck.ipynb"
FIXTURE_SLIDES = 5

needs_assets = pytest.mark.skipif(
    not (node_modules_dir() / "reveal.js" / "package.json").is_file(),
    reason="npm assets missing: run `npm ci --prefix js`",
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def executed():
    before = _digest(FIXTURE)
    result = execute_notebook(FIXTURE)
    assert _digest(FIXTURE) == before, "executing must not write over the user's notebook"
    return result


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``python -m aftercare export all FIXTURE --out DIR`` (in-process): decks, pages, index."""
    if not (node_modules_dir() / "reveal.js" / "package.json").is_file():
        pytest.skip("npm assets missing: run `npm ci --prefix js`")
    from aftercare.__main__ import main

    out = tmp_path_factory.mktemp("export")
    before = _digest(FIXTURE)
    assert main(["export", "all", str(FIXTURE), "--out", str(out)]) == 0
    assert _digest(FIXTURE) == before, "exporting must not write over the user's notebook"
    return out, out / "deck.slides.html", out / "deck.html"


# -- without a browser ------------------------------------------------------------------------


def test_fixture_is_not_modified_and_title_found(executed):
    assert executed.title == "Fixture deck: cooling after needling"
    assert any(
        o.get("output_type") == "display_data"
        for c in executed.node.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "widgets" in executed.node.metadata  # widget state stored for the static snapshot


@needs_assets
def test_files_written_with_index_linking_every_export(exported):
    out, deck, page = exported
    assert deck.name == "deck.slides.html" and page.name == "deck.html"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="deck.slides.html"' in index and 'href="deck.html"' in index
    assert "Fixture deck: cooling after needling" in index
    assert (out / "assets" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (out / "assets" / "html-manager" / "embed-amd.js").is_file()
    assert (out / "assets" / "mathjax" / "MathJax.js").is_file()
    assert (out / "assets" / "font-awesome" / "css" / "font-awesome.min.css").is_file()


@needs_assets
def test_no_exported_file_references_the_network(exported):
    out, _, _ = exported
    checked = 0
    for path in out.rglob("*"):
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert external_references(text) == [], path
            checked += 1
    assert checked >= 5
    deck = exported[1].read_text(encoding="utf-8")
    assert "mermaid" not in deck.lower()
    assert "unpkg.com" not in deck and "cdnjs" not in deck and "jsdelivr" not in deck


@needs_assets
def test_assets_are_copied_once_and_shared(exported):
    out, _, _ = exported
    marker = out / "assets" / "require.js"
    stamp_before = marker.stat().st_mtime_ns
    copy_assets(out)
    assert marker.stat().st_mtime_ns == stamp_before


def test_missing_assets_name_the_setup_command(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERCARE_NODE_MODULES", str(tmp_path / "nowhere"))
    with pytest.raises(AssetsMissingError, match=r"npm ci --prefix js"):
        copy_assets(tmp_path / "out")
    (tmp_path / "nowhere" / "reveal.js").mkdir(parents=True)
    with pytest.raises(AssetsMissingError, match=r"package\.json was not found.*npm ci"):
        copy_assets(tmp_path / "out")


def test_cli_reports_missing_assets_without_traceback(tmp_path, monkeypatch, capsys):
    from aftercare.__main__ import main

    monkeypatch.setenv("AFTERCARE_NODE_MODULES", str(tmp_path / "nowhere"))
    assert main(["export", "slides", str(FIXTURE), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "npm ci --prefix js" in err


def test_bad_notebook_paths_are_clear_errors(tmp_path):
    with pytest.raises(ExportError, match="no such file"):
        find_notebooks([tmp_path / "missing.ipynb"])
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ExportError, match="not a notebook"):
        find_notebooks([tmp_path / "a.txt"])
    with pytest.raises(ExportError, match="no notebooks found"):
        find_notebooks([tmp_path])


def test_failing_cell_names_notebook_and_cell(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "broken.ipynb"
    nb = new_notebook(
        cells=[new_code_cell("x = 1"), new_code_cell("1 / 0")],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, path)
    with pytest.raises(ExportError, match=r"broken\.ipynb cell 2.*ZeroDivisionError"):
        execute_notebook(path)
    assert nbformat.read(path, as_version=4).cells[1].outputs == []


# -- in Chromium, offline ---------------------------------------------------------------------


@pytest.mark.browser
def test_deck_opens_offline_navigates_and_shows_chart(exported, chromium):
    _, deck, _ = exported
    page, log = open_offline(chromium, deck)
    assert log.ok, log.report()
    assert page.evaluate("() => Reveal.getTotalSlides()") == FIXTURE_SLIDES
    assert page.evaluate("() => Reveal.hasPlugin('notes')")
    assert page.locator("aside.notes").count() == 1
    assert "Speaker note" in page.locator("aside.notes").inner_text()
    # The speaker view (reveal's notes plugin, key "s") opens offline and shows the note.
    page.evaluate("() => Reveal.slide(2, 0)")
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    speaker.locator(".speaker-controls-notes").wait_for(state="visible", timeout=15000)
    speaker.wait_for_function(
        "() => document.querySelector('.speaker-controls-notes').innerText.includes('Speaker')"
    )
    speaker.close()
    page.evaluate("() => Reveal.slide(0, 0)")
    # Keyboard navigation moves to the next slide.
    first = page.evaluate("() => Reveal.getIndices()")
    page.locator("body").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(h) => Reveal.getIndices().h !== h", arg=first["h"])
    assert page.evaluate("() => Reveal.getIndices()")["h"] == first["h"] + 1
    # The chart slide shows a decoded image with alt text.
    page.evaluate("() => Reveal.slide(2, 0)")
    chart = page.locator("section.present img").first
    chart.wait_for(state="visible")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", chart.element_handle())
    assert "skin temperature" in chart.get_attribute("alt")
    # The widget slide shows the stored snapshot: slider and its chart.
    page.evaluate("() => Reveal.slide(3, 0)")
    page.locator("section.present .widget-slider").wait_for(state="visible", timeout=15000)
    page.locator("section.present .widget-output img").wait_for(state="visible", timeout=15000)
    # A snapshot cannot run without a kernel: its controls are disabled and it says so.
    page.locator("section.present .aftercare-snapshot-note").wait_for(state="visible")
    assert page.evaluate(ENABLED_CONTROLS) == []
    # MathJax typeset the formula.
    page.evaluate("() => Reveal.slide(1, 0)")
    page.locator("section.present mjx-container, section.present .MathJax_CHTML").first.wait_for(
        state="attached", timeout=15000
    )
    assert log.ok, log.report()
    page.context.close()


@pytest.mark.browser
def test_deck_every_slide_passes_axe(exported, chromium, axe_path):
    _, deck, _ = exported
    page, log = open_offline(chromium, deck)
    page.locator(".widget-slider").first.wait_for(state="attached", timeout=15000)
    violations = deck_axe_violations(page, axe_path)
    assert serious(violations) == [], violations
    page.context.close()


@pytest.mark.browser
def test_page_and_index_open_offline_and_pass_axe(exported, chromium, axe_path):
    out, _, page_path = exported
    for path in (page_path, out / "index.html"):
        page, log = open_offline(chromium, path)
        if path == page_path:
            page.locator(".widget-slider").first.wait_for(state="attached", timeout=15000)
            assert page.locator("img").count() >= 2
        assert log.ok, log.report()
        violations = axe_violations(page, axe_path)
        assert serious(violations) == [], (path.name, violations)
        assert page.evaluate("() => document.documentElement.lang") == "en"
        page.context.close()


@pytest.mark.browser
def test_pdf_has_one_page_per_slide(executed, tmp_path):
    from pypdf import PdfReader

    if not Path("/usr/bin/chromium").is_file() and "CHROMIUM_PATH" not in __import__("os").environ:
        pytest.skip("Chromium not found at /usr/bin/chromium")
    from aftercare.export.pdf import export_pdf

    slides = export_pdf(None, tmp_path, kind="slides", executed=[executed])
    assert len(PdfReader(slides[0].path).pages) == FIXTURE_SLIDES
    pages = export_pdf(None, tmp_path, kind="html", executed=[executed])
    reader = PdfReader(pages[0].path)
    assert 1 <= len(reader.pages) <= 3
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Fixture deck" in text
    assert not list(tmp_path.glob(".*.tmp"))


def _blocks_page(blocks: int, *, area: bool) -> str:
    """A page of ``blocks`` 40 px blocks, 20 px apart, or 10 px apart when ``html.tight``."""
    declared = ' data-print-area-mm="182x273"' if area else ""
    return (
        f"<!DOCTYPE html><html{declared}><head><style>"
        "@page { size: A4; margin: 12mm 14mm; } body { margin: 0; }"
        "p { height: 40px; margin: 0 0 20px; } html.tight p { margin: 0 0 10px; }"
        f"</style></head><body>{'<p>block</p>' * blocks}</body></html>"
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    ("blocks", "pages_loose", "pages_fit"),
    [(10, 1, 1), (19, 2, 1), (40, 3, 2)],  # 1,032 px a page: 19 x 60 = 1,140; 19 x 50 = 950
)
def test_a_page_that_declares_its_printed_area_gets_tight_spacing_if_that_saves_a_page(
    blocks, pages_loose, pages_fit
):
    import io

    from pypdf import PdfReader

    from aftercare.export.pdf import print_many

    if not Path("/usr/bin/chromium").is_file() and "CHROMIUM_PATH" not in __import__("os").environ:
        pytest.skip("Chromium not found at /usr/bin/chromium")
    pdfs = print_many([_blocks_page(blocks, area=a) for a in (False, True)], slides=False)
    pages = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs]
    assert pages == [pages_loose, pages_fit]


# -- the export folder: manifest, --force, what was replaced -------------------------------------


@pytest.fixture
def export_cli(executed, monkeypatch, capsys):
    """``python -m aftercare export ...`` in-process, reusing the fixture executed once."""
    from aftercare.__main__ import main

    monkeypatch.setattr(
        "aftercare.export.notebooks.execute_notebooks", lambda paths, **kw: [executed]
    )

    def run(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _manifest(folder: Path) -> dict:
    return json.loads((folder / ".aftercare-export.json").read_text(encoding="utf-8"))


@needs_assets
def test_export_keeps_a_manifest_and_says_what_it_replaced(export_cli, tmp_path):
    out = tmp_path / "course"
    code, _, err = export_cli("export", "slides", FIXTURE, "--out", out)
    assert code == 0 and "replaced" not in err
    manifest = _manifest(out)
    assert manifest["format"] == "aftercare-export" and manifest["version"] == 1
    assert manifest["files"]["deck.slides.html"] == {
        "kind": "slides",
        "title": "Fixture deck: cooling after needling",
        "source": "deck.ipynb",
    }
    assert set(manifest["files"]) == {"deck.slides.html", "index.html", "assets"}
    code, _, err = export_cli("export", "slides", FIXTURE, "--out", out)
    assert code == 0
    assert "replaced 3 file(s) from an earlier export: assets, deck.slides.html, index.html" in err
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    code, _, err = export_cli("export", "html", FIXTURE, "--out", out)
    assert code == 2 and "notes.txt" in err and "--force" in err
    assert not (out / "deck.html").exists()
    (out / "deck.html").write_text("my own page", encoding="utf-8")
    code, _, err = export_cli("export", "html", FIXTURE, "--out", out, "--force")
    assert code == 0, err
    assert "replaced 1 file(s) that aftercare had not written (--force): deck.html" in err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert set(_manifest(out)["files"]) == {"deck.slides.html", "deck.html", "index.html", "assets"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="deck.slides.html"' in index and 'href="deck.html"' in index
    assert "notes.txt" not in index


ORDINARY_NAMES = ["Lesson (1).ipynb", "Aula_revisão.ipynb", "week 2 – cold & heat.ipynb"]


@needs_assets
def test_ordinary_notebook_names_export_with_manifest_index_and_force(
    executed, monkeypatch, capsys, tmp_path, chromium
):
    """Spaces, parentheses, non-ASCII letters: decks, pages, manifest, index links, --force."""
    import dataclasses
    from urllib.parse import unquote, urlparse

    from aftercare.__main__ import main

    source = tmp_path / "notebooks"
    source.mkdir()
    for name in ORDINARY_NAMES:
        shutil.copy(FIXTURE, source / name)
    monkeypatch.setattr(
        "aftercare.export.notebooks.execute_notebooks",
        lambda paths, **kw: [dataclasses.replace(executed, path=Path(p)) for p in paths],
    )
    out = tmp_path / "Curso (2026) – exportação"

    def export(*extra):
        code = main(["export", "all", *map(str, source.glob("*.ipynb")), "--out", str(out), *extra])
        return code, capsys.readouterr().err

    code, err = export()
    assert code == 0, err
    stems = [Path(n).stem for n in ORDINARY_NAMES]
    expected = {f"{s}{suffix}" for s in stems for suffix in (".slides.html", ".html")}
    assert set(_manifest(out)["files"]) == expected | {"index.html", "assets"}
    assert expected <= {p.name for p in out.iterdir()}
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]+)"', index)
    assert sorted(unquote(h) for h in hrefs) == sorted(expected)
    assert all(" " not in h and "(" not in h for h in hrefs)  # percent-encoded
    # A second export and --force over a foreign file both work with these names.
    code, err = export()
    assert code == 0 and "replaced 8 file(s) from an earlier export" in err, err
    (out / "Lesson (1).html").unlink()
    (out / "Lesson (1).html").write_text("my own page", encoding="utf-8")
    (out / ".aftercare-export.json").write_text("{not json", encoding="utf-8")
    code, err = export()
    assert code == 2 and "--force" in err
    code, err = export("--force")
    assert code == 0, err
    assert "Lesson (1).html" in _manifest(out)["files"]
    # Each link of the index opens its deck or page in Chromium from file://.
    page, log = open_offline(chromium, out / "index.html")
    for href in hrefs:
        with page.expect_navigation():
            page.click(f'a[href="{href}"]')
        page.wait_for_load_state("networkidle")  # its fonts and scripts, all from file://
        assert Path(unquote(urlparse(page.url).path)).name == unquote(href)
        assert "Fixture deck" in page.title()
        page.go_back()
    page.context.close()
    assert log.ok, log.report()


@needs_assets
def test_an_earlier_manifest_layout_is_still_read(export_cli, tmp_path):
    out = tmp_path / "course"
    out.mkdir()
    (out / "deck.slides.html").write_text("an older deck", encoding="utf-8")
    old = {"deck.slides.html": {"title": "Old", "kind": "slides", "source": "deck.ipynb"}}
    (out / ".aftercare-export.json").write_text(json.dumps(old), encoding="utf-8")
    code, _, err = export_cli("export", "slides", FIXTURE, "--out", out)
    assert code == 0, err
    assert "replaced 1 file(s) from an earlier export: deck.slides.html" in err


@needs_assets
def test_pdf_export_is_recorded_in_the_manifest(export_cli, tmp_path, monkeypatch):
    import aftercare.export.pdf as pdf

    monkeypatch.setattr(pdf, "print_many", lambda pages, **kw: [b"%PDF-1.4 fake"] * len(pages))
    out = tmp_path / "pdfs"
    code, _, err = export_cli("export", "pdf", FIXTURE, "--out", out)
    assert code == 0, err
    assert _manifest(out)["files"] == {
        "deck.slides.pdf": {
            "kind": "slides pdf",
            "title": "Fixture deck: cooling after needling",
            "source": "deck.ipynb",
        }
    }
    assert sorted(p.name for p in out.iterdir()) == [".aftercare-export.json", "deck.slides.pdf"]
