"""Browser helpers for the export tests: Debian Chromium through Playwright, offline, plus axe.

Load the fixtures with ``pytest_plugins = ["browser_fixtures"]``: ``chromium`` (session scope;
skips with a clear reason when no Chromium is installed) and ``axe_path``. Then use
:func:`open_offline` to load an exported file from ``file://`` with every
non-file request blocked, then :func:`axe_violations` to run axe-core on the page.

    from browser import axe_violations, open_offline, serious

    pytest_plugins = ["browser_fixtures"]

    @pytest.mark.browser
    def test_page(chromium, tmp_path):
        page, log = open_offline(chromium, path)
        assert log.ok, log.report()
        assert serious(axe_violations(page)) == []
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from aftercare.export.assets import axe_script
from aftercare.export.browser import block_network, launch_chromium

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SERIOUS = ("serious", "critical")


def system_chromium():
    """Playwright + Debian Chromium, headless, with the exporter's flags (the package's own
    :func:`aftercare.export.browser.launch_chromium`)."""
    return launch_chromium()


@dataclass
class PageLog:
    """What happened while a page loaded: blocked, failed requests, console errors."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.blocked or self.failed or self.errors)

    def report(self) -> str:
        return (
            f"blocked (non-file) requests: {self.blocked}\nfailed requests: {self.failed}\n"
            f"console/page errors: {self.errors}"
        )


def _failed(request, failed: list[str]) -> None:
    """Note a failed request, unless it is a file that is there and whose load was cancelled
    because the page moved on (a font still loading when a test follows a link)."""
    if request.failure == "net::ERR_ABORTED" and request.url.startswith("file://"):
        from urllib.parse import unquote, urlparse

        if Path(unquote(urlparse(request.url).path)).is_file():
            return
    failed.append(f"{request.url} ({request.failure})")


def open_offline(
    browser,
    path: Path,
    *,
    query: str = "",
    settle_ms: int = 300,
    viewport: dict | None = None,
    idle: bool = True,
):
    """Open ``path`` from ``file://`` with the network blocked; return ``(page, PageLog)``.

    Waits for the load event and network idle; for reveal.js decks also for ``Reveal.isReady()``.
    """
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    page = context.new_page()
    log = PageLog()
    block_network(context, log.blocked)  # the context: popups (speaker view) too
    page.on("requestfailed", lambda r: _failed(r, log.failed))
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.goto(Path(path).resolve().as_uri() + query, wait_until="load")
    if idle:
        page.wait_for_load_state("networkidle")
    if page.evaluate("() => !!document.querySelector('.reveal .slides')"):
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20000)
    page.wait_for_timeout(settle_ms)
    return page, log


def axe_violations(page, axe: Path | None = None, *, wcag_only: bool = False) -> list[dict]:
    """Run axe-core (WCAG 2 A/AA and best-practice rules) on the page; return its violations.

    ``wcag_only`` runs only the WCAG 2.0/2.1 A and AA rules (faster on long pages).
    ``preload: false`` stops axe from re-fetching stylesheets with XMLHttpRequest, which
    Chromium refuses for ``file://`` pages (it would log a CORS error that is axe's, not ours).
    """
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(axe or axe_script()))
    return page.evaluate(
        """async (wcagOnly) => {
            const options = {resultTypes: ['violations'], preload: false};
            if (wcagOnly) {
                options.runOnly = {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']};
            }
            const result = await axe.run(document, options);
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        wcag_only,
    )


def serious(violations: list[dict]) -> list[dict]:
    """Only the serious and critical violations."""
    return [v for v in violations if v["impact"] in SERIOUS]


def deck_axe_violations(page, axe: Path | None = None) -> list[dict]:
    """axe on every slide of a reveal.js deck (hidden slides are not checked by axe)."""
    found: list[dict] = []
    page.evaluate("() => Reveal.configure({transition: 'none'})")
    slides = page.evaluate("() => Reveal.getSlides().map(s => Reveal.getIndices(s))")
    for index in slides:
        page.evaluate("([h, v]) => Reveal.slide(h, v || 0)", [index["h"], index.get("v") or 0])
        page.wait_for_timeout(50)
        for v in axe_violations(page, axe):
            v["slide"] = index
            found.append(v)
    return found


# -- static scan ----------------------------------------------------------------------------

_EXTERNAL = [
    re.compile(r"<script[^>]+src=[\"']?(https?:)?//", re.I),
    re.compile(r"<link[^>]+href=[\"']?(https?:)?//", re.I),
    re.compile(r"@import\s+(url\()?[\"']?(https?:)?//", re.I),
    re.compile(r"url\([\"']?(https?:)?//[^)]*\.(woff2?|ttf|otf|eot|css)", re.I),
    re.compile(r"import\s+[\w{}\s,*]*\s+from\s+[\"'](https?:)?//", re.I),
]


def external_references(text: str) -> list[str]:
    """``http(s)://`` or ``//`` scripts, stylesheets, @imports, fonts and ES imports in text."""
    return [m.group(0)[:120] for pattern in _EXTERNAL for m in pattern.finditer(text)]


# -- decks: every step fits, nothing dead looks live --------------------------------------------

#: JavaScript: what of the slide on show leaves the slide's box or scrolls inside it. Works on
#: any reveal.js deck (exported, or RISE inside JupyterLab): the box is ``.reveal .slides``,
#: which reveal.js sizes to the deck and scales to the window. Hidden fragments, speaker notes
#: and zero-size elements are ignored. Returns a list of short descriptions (empty: it fits).
FIT_PROBLEMS = """() => {
  const slides = document.querySelector('.reveal .slides');
  const shown = [...document.querySelectorAll('.reveal .slides section.present')]
    .filter(s => !s.querySelector('section.present'));
  const slide = shown[shown.length - 1];
  if (!slides || !slide) return ['no slide on show'];
  const box = slides.getBoundingClientRect();
  const scale = box.width / (slides.offsetWidth || box.width);
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
    ? '.' + String(el.className).trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const text = (el) => (el.innerText || el.textContent || '').trim().slice(0, 50);
  for (const el of [slide, ...slide.querySelectorAll('*')]) {
    if (el.closest('aside.notes')) continue;
    if (el.closest('.fragment:not(.visible)')) continue;
    // An app's tab content that scrolls on a live slide says so (its hint line); what it
    // holds is measured by the app's own test, scrolled into view.
    if (el.parentElement && el.parentElement.closest('.aftercare-scroll')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const over = Math.max(r.bottom - box.bottom, r.right - box.right, box.left - r.left,
                          box.top - r.top) / scale;
    if (over > 1) problems.push(`${name(el)} reaches ${Math.round(over)} px past the slide: ${text(el)}`);
    const scrolls = /(auto|scroll)/.test(style.overflowY + style.overflowX);
    if (scrolls && !el.classList.contains('aftercare-scroll') && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)) {
      problems.push(`${name(el)} scrolls: ${text(el)}`);
    }
  }
  return problems.slice(0, 3);
}"""

#: JavaScript: form controls in the content that are enabled, in the page and in every slide
#: (reveal.js's own navigation arrows, which work, are not content). ``<details>`` works offline
#: and is not counted.
ENABLED_CONTROLS = """() => {
  const selector = 'input, select, textarea, button, [role="slider"], [role="checkbox"], '
    + '[role="button"], [role="textbox"], [role="spinbutton"], [role="combobox"], '
    + '[role="radio"], [role="switch"], [contenteditable="true"]';
  const content = document.querySelector('.reveal .slides') || document.body;
  return [...content.querySelectorAll(selector)]
    .filter(el => !el.closest('.reveal > .controls, aside.notes'))
    .filter(el => !(el.disabled || el.getAttribute('aria-disabled') === 'true'))
    .map(el => el.outerHTML.slice(0, 120));
}"""


def deck_fit_problems(page, *, open_details: bool = True) -> list[str]:
    """Step through every slide and fragment of the reveal.js deck in ``page`` from the start;
    return where a step leaves the slide or scrolls (also with every ``<details>`` opened).

    The whole walk runs in the page (one call): reveal.js updates the fragments' classes at
    once with transitions off, so each step is measured right after ``Reveal.next()``.
    """
    return page.evaluate(
        """([fitProblems, openDetails]) => {
          const check = eval(fitProblems);
          Reveal.configure({transition: 'none', backgroundTransition: 'none'});
          Reveal.slide(0, 0, -1);
          const problems = [];
          const seen = new Set();
          for (let step = 0; step < 2000; step++) {
            const where = JSON.stringify(Reveal.getIndices());
            if (seen.has(where)) break;
            seen.add(where);
            for (const p of check()) problems.push(`${where}: ${p}`);
            const closed = openDetails
              ? [...Reveal.getCurrentSlide().querySelectorAll('details:not([open])')] : [];
            if (closed.length) {
              closed.forEach(d => { d.open = true; });
              for (const p of check()) problems.push(`${where} with its answers open: ${p}`);
              closed.forEach(d => { d.open = false; });
            }
            if (Reveal.isLastSlide() && !Reveal.availableFragments().next) break;
            Reveal.next();
          }
          return problems;
        }""",
        [FIT_PROBLEMS, open_details],
    )


# -- decks: chart text on screen ------------------------------------------------------------


def deck_chart_text(page) -> list[dict]:
    """Every chart image of the reveal.js deck in ``page``, measured on screen as the deck shows it.

    For each ``<img>`` of an output (the slide it is on brought up, its fragments shown):
    ``natural`` and ``shown``, its width in image pixels and in CSS pixels on screen (after
    reveal.js scales the slide to the window), and ``text_px``, the smallest text of the chart
    in image pixels, which the exporter writes as ``data-text-px``
    (:func:`aftercare.charts.style.smallest_text_px`; ``None`` when an image lacks it).
    ``screen_px`` is ``text_px * shown / natural``: the smallest chart text as seen.
    """
    return page.evaluate(
        """async () => {
          Reveal.configure({transition: 'none', backgroundTransition: 'none'});
          const found = [];
          const images = [...document.querySelectorAll('.reveal .slides .jp-RenderedImage img')];
          for (const img of images) {
            const where = Reveal.getIndices(img.closest('section'));
            Reveal.slide(where.h, where.v || 0, 1000);
            await img.decode();
            const box = img.getBoundingClientRect();
            const textPx = img.dataset.textPx === undefined ? null : Number(img.dataset.textPx);
            const scale = box.width / img.naturalWidth;
            found.push({
              slide: `${where.h}/${where.v || 0}`,
              alt: (img.alt || '').slice(0, 60),
              natural: img.naturalWidth,
              shown: Math.round(box.width * 10) / 10,
              text_px: textPx,
              screen_px: textPx === null ? null : Math.round(textPx * scale * 100) / 100,
            });
          }
          Reveal.slide(0, 0);
          return found;
        }"""
    )
