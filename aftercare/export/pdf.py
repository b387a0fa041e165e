"""Print offline decks and pages to PDF with the system Chromium (Playwright ``page.pdf``).

The deck or page is rendered with its assets into a temporary folder, opened from ``file://``
with every non-file request blocked, and printed. Decks use reveal.js's ``?print-pdf`` layout:
one PDF page per slide (fragments are not split and long slides are clipped to one page).
A self-contained page (a patient sheet) is printed from memory, with no file written.
Chromium runs without network access (see :mod:`aftercare.export.browser`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from ..errors import clip
from .browser import block_network, launch_chromium
from .files import write_atomic
from .names import pdf_name
from .notebooks import ExecutedNotebook, ExportError, execute_notebooks, find_notebooks
from .render import ExportedFile, write_exports

__all__ = [
    "export_pdf",
    "pdf_name",
    "print_html_to_pdf",
    "print_html_string_to_pdf",
    "print_many",
]

_WAIT_WIDGETS = """() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  if (views.length === 0) return true;
  return document.querySelectorAll('.jupyter-widgets .widget-box, .jupyter-widgets .widget-slider, '
    + '.jupyter-widgets .widget-output, .jupyter-widgets .widget-inline-hbox').length > 0;
}"""
_WAIT_MATHJAX = """() => new Promise(resolve => {
  if (!window.MathJax || !MathJax.Hub) { resolve(true); return; }
  MathJax.Hub.Queue(() => resolve(true));
})"""


#: CSS px per mm (CSS: 96 px to the inch).
_PX_PER_MM = 96 / 25.4
#: How many printed pages a page's content needs, laid out at the width of the printed area
#: (``data-print-area-mm="WxH"`` on ``<html>``): the bottom of its last part before any part
#: that starts a page of its own (``.record``), over the area's height.
_PAGES_NEEDED = """(heightPx) => {
  const parts = [...document.body.children].filter(e => !e.classList.contains('record'));
  const bottom = Math.max(...parts.map(e => e.getBoundingClientRect().bottom + window.scrollY));
  return Math.ceil(bottom / heightPx);
}"""


def _choose_spacing(page) -> None:
    """Give a page that declares its printed area (``data-print-area-mm``) the class ``tight``
    when that needs fewer pages, so a sheet does not end on a page holding a line or two."""
    area = page.evaluate("() => document.documentElement.dataset.printAreaMm || ''")
    if not area:
        return
    width_mm, height_mm = (float(part) for part in area.split("x"))
    height_px = height_mm * _PX_PER_MM
    page.set_viewport_size({"width": round(width_mm * _PX_PER_MM), "height": round(height_px)})
    loose = page.evaluate(_PAGES_NEEDED, height_px)
    page.evaluate("() => document.documentElement.classList.add('tight')")
    if page.evaluate(_PAGES_NEEDED, height_px) >= loose:
        page.evaluate("() => document.documentElement.classList.remove('tight')")


def print_html_to_pdf(html_path: Path, *, slides: bool, timeout_ms: int = 30000) -> bytes:
    """Open ``html_path`` from ``file://`` (network blocked) in Chromium and return PDF bytes."""
    return print_many([Path(html_path)], slides=slides, timeout_ms=timeout_ms)[0]


def print_html_string_to_pdf(html: str, *, timeout_ms: int = 30000) -> bytes:
    """Print a self-contained HTML page given as text to an A4 PDF; no file is written."""
    return print_many([html], slides=False, timeout_ms=timeout_ms)[0]


def print_many(pages: list[Path | str], *, slides: bool, timeout_ms: int = 30000) -> list[bytes]:
    """Print several offline pages to PDF with one Chromium; returns the PDFs in order.

    Each page is a path to an HTML file (opened from ``file://``) or, as a ``str``, the HTML
    text of a self-contained page (loaded from memory). Playwright's sync API refuses to run
    where an asyncio loop is running (Jupyter, or inside another Playwright session); then the
    printing runs in a worker thread.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print_all(pages, slides, timeout_ms)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print_all, pages, slides, timeout_ms).result()


def _print_all(pages: list[Path | str], slides: bool, timeout_ms: int) -> list[bytes]:
    from playwright.sync_api import Error as PlaywrightError

    try:
        with launch_chromium(isolate_network=True) as browser:
            return [_print(browser, page, slides=slides, timeout_ms=timeout_ms) for page in pages]
    except PlaywrightError as exc:  # Chromium crashed, timed out or could not start
        lines = str(exc).splitlines() or [type(exc).__name__]
        fatal = [line.rsplit("] ", 1)[-1] for line in lines if "FATAL:" in line][:1]
        reason = "; ".join([lines[0], *fatal])
        raise ExportError(f"Chromium could not print the PDF: {clip(reason, 300)}") from None


def _print(browser, source: Path | str, *, slides: bool, timeout_ms: int) -> bytes:
    page = browser.new_page()
    blocked: list[str] = []
    block_network(page, blocked)
    try:
        if isinstance(source, str):
            page.set_content(source, wait_until="load", timeout=timeout_ms)
        else:
            url = Path(source).resolve().as_uri() + ("?print-pdf" if slides else "")
            page.goto(url, wait_until="load", timeout=timeout_ms)
        if slides:
            page.wait_for_function(
                "() => window.Reveal && Reveal.isReady() "
                "&& document.querySelectorAll('.pdf-page').length > 0",
                timeout=timeout_ms,
            )
        try:
            page.wait_for_function(_WAIT_WIDGETS, timeout=10000)
        except Exception:  # a snapshot that cannot render still prints the rest
            pass
        page.evaluate(_WAIT_MATHJAX)
        if slides:  # scale slides taller than a page (e.g. after widgets rendered) to fit it
            page.evaluate("() => window.aftercareFitSlides && window.aftercareFitSlides()")
        page.wait_for_timeout(300)
        if slides:
            data = page.pdf(print_background=True, prefer_css_page_size=True)
        else:
            page.emulate_media(media="print")
            _choose_spacing(page)
            data = page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
            )
    finally:
        page.close()
    if blocked:
        where = "the page" if isinstance(source, str) else str(source)
        raise ExportError(f"{where}: the page asked for network resources: {blocked[:3]}")
    return data


def export_pdf(
    notebooks: list[str | Path] | None,
    out_dir: str | Path,
    *,
    kind: Literal["slides", "html"] = "slides",
    executed: list[ExecutedNotebook] | None = None,
) -> list[ExportedFile]:
    """Write ``OUT/<name>.slides.pdf`` (decks) or ``OUT/<name>.pdf`` (whole notebooks).

    Examples
    --------
    >>> export_pdf(["tests/fixtures/deck.ipynb"], "out")  # doctest: +SKIP
    """
    out_dir = Path(out_dir)
    if executed is None:
        executed = execute_notebooks(find_notebooks(notebooks))
    results = []
    with tempfile.TemporaryDirectory(prefix="aftercare-pdf-") as tmp:
        pages = write_exports(executed, kind, Path(tmp), index=False)
        pdfs = print_many([p.path for p in pages], slides=kind == "slides")
        for item, data in zip(executed, pdfs, strict=True):
            target = out_dir / pdf_name(item.stem, kind)
            write_atomic(target, data)
            results.append(ExportedFile(item.path, item.title, f"{kind} pdf", target))
    return results
