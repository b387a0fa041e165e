"""Render executed notebooks as offline reveal.js decks or static pages, plus an index page.

Shared by :mod:`aftercare.export.slides`, :mod:`aftercare.export.html` and
:mod:`aftercare.export.pdf`. The templates in ``templates/`` extend nbconvert's ``reveal`` and
``lab`` templates: mermaid is dropped, Font Awesome is linked locally, images get alt text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..resources import shipped
from .assets import ASSETS_DIRNAME, asset_urls, copy_assets
from .files import write_atomic
from .manifest import ManifestEntry, record_files
from .names import Kind, output_name_for
from .notebooks import ExecutedNotebook

__all__ = [
    "Kind",
    "ExportedFile",
    "render_notebook",
    "write_exports",
    "write_index",
    "TEMPLATE_DIR",
]

TEMPLATE_DIR = shipped("export", "templates")
#: The decks' logical size in CSS pixels. reveal.js scales it to the screen, about 0.96 at
#: both 1280 x 720 and 1024 x 768, so a deck reads the same on a 16:9 and a 4:3 projector.
SLIDE_WIDTH, SLIDE_HEIGHT = 1024, 720
#: Shown when a chart carries no alt text of its own (see docs: set output metadata "alt").
FALLBACK_ALT = "Chart from the notebook (no text description was supplied with this chart)"
_REMOVE_CELL_TAGS = {"remove-cell", "remove_cell"}
_REMOVE_INPUT_TAGS = {"remove-input", "remove_input", "hide-input", "hide_input"}


@dataclass(frozen=True)
class ExportedFile:
    """One written deck or page."""

    source: Path
    title: str
    kind: str
    path: Path


def _exporter(kind: Kind, asset_prefix: str, include_code: bool):
    from nbconvert import HTMLExporter, SlidesExporter
    from traitlets.config import Config

    urls = asset_urls(asset_prefix)
    section = "SlidesExporter" if kind == "slides" else "HTMLExporter"
    config = Config()
    for trait, value in urls.exporter_config().items():
        config[section][trait] = value
    if kind == "slides":
        config.SlidesExporter.reveal_url_prefix = urls.reveal_prefix
        config.SlidesExporter.reveal_theme = "white"  # other themes @import Google Fonts
        config.SlidesExporter.font_awesome_url = urls.font_awesome
        config.SlidesExporter.reveal_width = str(SLIDE_WIDTH)
        config.SlidesExporter.reveal_height = str(SLIDE_HEIGHT)
    config[section].exclude_input = not include_code
    config[section].exclude_input_prompt = kind == "slides"
    config[section].exclude_output_prompt = kind == "slides"
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = _REMOVE_CELL_TAGS
    config.TagRemovePreprocessor.remove_input_tags = _REMOVE_INPUT_TAGS
    cls = SlidesExporter if kind == "slides" else HTMLExporter
    template = "offline_slides.html.j2" if kind == "slides" else "offline_page.html.j2"
    exporter = cls(config=config, template_file=template, extra_template_paths=[str(TEMPLATE_DIR)])
    return exporter, urls


def render_notebook(
    executed: ExecutedNotebook,
    kind: Kind,
    *,
    asset_prefix: str = "assets",
    include_code: bool | None = None,
) -> str:
    """Render one executed notebook as an offline deck (``"slides"``) or page (``"html"``).

    Code input is hidden in decks and shown in pages unless ``include_code`` says otherwise.
    Apps and quizzes are shown in their static form, long output is split over slides, and the
    title names the protocol (:func:`aftercare.export.slidefit.prepare_notebook`).
    """
    from ..present import HOUSE_CSS
    from .slidefit import prepare_notebook

    if include_code is None:
        include_code = kind == "html"
    exporter, urls = _exporter(kind, asset_prefix, include_code)
    resources = {
        "metadata": {"name": executed.title, "path": str(executed.path.parent)},
        "aftercare": {
            "font_awesome_url": urls.font_awesome,
            "fallback_alt": FALLBACK_ALT,
            "house_css": HOUSE_CSS,
        },
    }
    node = prepare_notebook(executed.node, kind, executed.protocol)
    body, _ = exporter.from_notebook_node(node, resources=resources)
    return body


def output_name(executed: ExecutedNotebook, kind: Kind) -> str:
    return output_name_for(executed.stem, kind)


def write_exports(
    executed: list[ExecutedNotebook],
    kind: Kind,
    out_dir: Path,
    *,
    include_code: bool | None = None,
    index: bool = True,
) -> list[ExportedFile]:
    """Copy the assets into ``out_dir`` once, write one file per notebook, update the index."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    written = []
    for item in executed:
        target = out_dir / output_name(item, kind)
        write_atomic(target, render_notebook(item, kind, include_code=include_code))
        written.append(ExportedFile(item.path, item.title, kind, target))
    if index:
        write_index(out_dir, written)
    return written


def write_index(out_dir: Path, new: list[ExportedFile]) -> Path:
    """Write ``out_dir/index.html`` linking every deck and page exported into ``out_dir``.

    Earlier exports into the same folder are remembered in its manifest
    (:mod:`aftercare.export.manifest`), so exporting slides and then pages gives one index
    listing both.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    written = {
        item.path.name: ManifestEntry(kind=item.kind, title=item.title, source=item.source.name)
        for item in new
    }
    written["index.html"] = ManifestEntry(kind="index")
    if (out_dir / ASSETS_DIRNAME).is_dir():
        written[ASSETS_DIRNAME] = ManifestEntry(kind="assets")
    entries = record_files(out_dir, written)
    entries = {
        name: e
        for name, e in entries.items()
        if e.kind in ("slides", "html") and (out_dir / name).is_file()
    }
    kind_label = {"slides": "slides", "html": "notebook page"}
    items = [
        {"href": name, "title": e.title, "kind": kind_label[e.kind], "file": e.source}
        for name, e in sorted(entries.items(), key=lambda kv: (kv[1].source, kv[1].kind))
    ]
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"])
    )
    html = env.get_template("suite_index.html.j2").render(
        lang="en",
        title="Aftercare after dry needling: slides and notebooks",
        intro="Each link opens offline, straight from this folder.",
        items=items,
    )
    return write_atomic(out_dir / "index.html", html)
