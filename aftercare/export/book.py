"""The course as a website: a Jupyter Book (1.x) built from the executed notebooks.

``python -m aftercare export book --out site/`` writes a static site that opens from ``file://``
(a USB stick) or any static host (GitHub Pages, a clinic's intranet). Jupyter Book is the field's
standard for publishing a notebook course (QuantEcon and Neuromatch publish theirs with it); it
builds from the stored outputs (no execution of its own).

Before the build, each executed notebook is prepared like a page export
(:func:`aftercare.export.slidefit.prepare_notebook`: apps and quizzes in their static form, the
protocol named) and then:

* facilitator notes (cells whose slide type is ``notes``) become a folded "Facilitator notes"
  dropdown;
* every chart becomes an ``<img>`` with its alt text (Jupyter Book would write ``alt="..."``
  with the output's plain text, often ``<Figure size ...>``);
* widget views and saved widget state are dropped, so no widget renderer is loaded from a CDN.

The site has no CDN references: sphinx-book-theme ships its fonts and scripts, MathJax is not
loaded (the notebooks hold no math), and the build fails if a page links a script, stylesheet or
font from the network.

Examples
--------
>>> from aftercare.export.book import book_source_notebook
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Say hello.")])
>>> nb.cells[0].metadata["slideshow"] = {"slide_type": "notes"}
>>> book_source_notebook(nb).cells[0].source.splitlines()[0]
'````{admonition} Facilitator notes'
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from .files import OutputWriteError, describe_os_error
from .notebooks import ExecutedNotebook, ExportError
from .render import FALLBACK_ALT, ExportedFile, output_name_for
from .slidefit import WIDGET_VIEW, prepare_notebook

__all__ = [
    "BOOK_TITLE",
    "book_source_notebook",
    "write_book",
    "planned_book_outputs",
    "external_resources",
]

BOOK_TITLE = "Aftercare after dry needling"
_NOTES_TITLE = "Facilitator notes"
_IMAGE_TYPES = ("image/png", "image/jpeg")
#: What a book folder holds besides the pages: Sphinx's search, index and theme files.
# A script, stylesheet, font or image loaded from the network (links to sources are fine).
_EXTERNAL = re.compile(
    r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']?(?:https?:)?//[^"'\s>]+"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//[^"'\s>]+"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//[^"')\s]+"""
    r"""|url\(["']?(?:https?:)?//[^"')\s]+""",
    re.IGNORECASE,
)


def _notes_cell(cell: Any) -> Any:
    """A facilitator-notes cell as a folded admonition (a dropdown; closed until clicked)."""
    body = cell.source.strip()
    fence = "`" * max(4, 1 + max((len(m) for m in re.findall(r"`+", body)), default=0))
    return nbformat.v4.new_markdown_cell(
        f"{fence}{{admonition}} {_NOTES_TITLE}\n:class: dropdown, aftercare-notes\n\n"
        f"{body}\n{fence}"
    )


def _alt_text(output: Any, cell: Any, mimetype: str) -> str:
    """The alt text the page and deck templates use (aftercare_blocks.j2 ``image_tag``)."""
    alt = output.get("metadata", {}).get(mimetype, {}).get("alt") or cell.metadata.get("alt")
    if not alt:
        text = output.get("data", {}).get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else text
        if text and not text.startswith(("<Figure", "<IPython")) and text != "Chart":
            alt = text
    return str(alt or FALLBACK_ALT)


def _book_output(output: Any, cell: Any) -> Any | None:
    """An output as the book shows it: images with alt text, no widget views (None: drop)."""
    data = output.get("data")
    if not data:
        return output
    data = {k: v for k, v in data.items() if k != WIDGET_VIEW}
    for mimetype in _IMAGE_TYPES:
        if mimetype in data:
            encoded = (
                "".join(data[mimetype]) if isinstance(data[mimetype], list) else data[mimetype]
            )
            alt = html.escape(_alt_text(output, cell, mimetype), quote=True)
            tag = f'<img src="data:{mimetype};base64,{encoded.strip()}" alt="{alt}">'
            data = {"text/html": tag, "text/plain": data.get("text/plain", "")}
            break
    if set(data) <= {"text/plain"} and WIDGET_VIEW in output.get("data", {}):
        return None  # a widget's "IntSlider(...)" text alone says nothing to a reader
    result = copy.deepcopy(output)
    result["data"] = data
    result["metadata"] = {}
    return result


def book_source_notebook(node: Any, *, include_code: bool = True) -> Any:
    """A prepared notebook (see :func:`prepare_notebook`) as the book's source: notes folded,
    images with alt text, no widget state; without ``include_code`` no code input is shown
    (cells tagged ``hide-input`` are folded either way)."""
    node = copy.deepcopy(node)
    node.metadata.pop("widgets", None)
    cells = []
    for cell in node.cells:
        slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if cell.cell_type == "markdown" and slide_type == "notes":
            cells.append(_notes_cell(cell))
            continue
        if cell.cell_type == "code":
            outputs = [_book_output(o, cell) for o in cell.get("outputs", [])]
            cell.outputs = [o for o in outputs if o is not None]
            if not include_code:
                cell.metadata["tags"] = [*cell.metadata.get("tags", []), "remove-input"]
        cells.append(cell)
    node.cells = cells
    return node


def _intro(executed: list[ExecutedNotebook]) -> str:
    protocol = next((e.protocol for e in executed if e.protocol is not None), None)
    from ..present import protocol_line

    chapters = "\n".join(f"1. [{e.title}]({e.stem}.ipynb)" for e in executed)
    named = f"\n\n{protocol_line(protocol)}" if protocol is not None else ""
    return f"""# {BOOK_TITLE}

A course for clinicians on the hours and days after myofascial dry needling: when ice may
start, for how long, with what barrier, which patient factors call for caution or rule cold
out, and how heat, massage and stretching compare.

**Education, not individual medical advice.** The course teaches a protocol; it does not
replace the clinician's judgement for a particular patient.{named}

This is the read-only edition. The apps and quizzes show their opening state as a picture and
are interactive in JupyterLab: open the notebooks there to use them. Facilitator notes are
folded away under "{_NOTES_TITLE}".

## Chapters

{chapters}
"""


def _config(static_dir: Path, *, partial: bool) -> str:
    from ..present import HOUSE_CSS

    (static_dir / "aftercare.css").write_text(HOUSE_CSS + _BOOK_CSS, encoding="utf-8")
    templates = static_dir.parent / "_templates"
    templates.mkdir(exist_ok=True)
    (templates / "aftercare-brand.html").write_text(
        '<nav aria-label="Course home">{% include "navbar-logo.html" %}</nav>\n', encoding="utf-8"
    )
    config = {
        "title": BOOK_TITLE,
        "author": "aftercare contributors",
        "copyright": "",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "html": {
            "use_repository_button": False,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "home_page_in_navbar": True,
            "extra_footer": "Education, not individual medical advice.",
        },
        "launch_buttons": {"notebook_interface": "classic", "thebe": False, "binderhub_url": ""},
        "sphinx": {
            "config": {
                # Jupyter Book's own list without sphinx-thebe, which puts an unpkg.com
                # script URL into every page (sphinx-comments adds nothing unless configured).
                "extensions": [
                    "sphinx_togglebutton",
                    "sphinx_copybutton",
                    "myst_nb",
                    "jupyter_book",
                    "sphinx_comments",
                    "sphinx_external_toc",
                    "sphinx_design",
                    "sphinx_book_theme",
                ],
                "html_context": {"default_mode": "light"},
                # The theme's sidebar, with the book's title inside a landmark (axe "region").
                "templates_path": ["_templates"],
                "html_sidebars": {
                    "**": [
                        "aftercare-brand.html",
                        "icon-links.html",
                        "search-button-field.html",
                        "sbt-sidebar-nav.html",
                    ]
                },
                "html_static_path": ["_static"],
                "html_css_files": ["aftercare.css"],
                "html_copy_source": False,
                "html_show_sourcelink": False,
                "html_show_copyright": False,
                "html_theme_options": {
                    "use_download_button": False,
                    "use_fullscreen_button": False,
                },
                "nb_render_markdown_format": "myst",
                # A book of some notebooks only: links to the others stay plain text.
                "suppress_warnings": ["myst.xref_missing"] if partial else [],
            },
        },
    }
    return json.dumps(config, indent=1)  # JSON is YAML


# The folded facilitator notes read as an aside.
_BOOK_CSS = """
.admonition.aftercare-notes > .admonition-title { font-style: italic; }
"""


def planned_book_outputs(notebooks: list[Path]) -> dict[str, Any]:
    """What ``export book`` writes for ``notebooks`` (before the build: pages and search).

    Raises :class:`ExportError` when Jupyter Book is not installed, before any notebook runs.
    """
    import importlib.util

    from .manifest import planned_outputs

    if importlib.util.find_spec("jupyter_book") is None:
        raise ExportError(
            "export book needs Jupyter Book 1 (jupyter-book<2), a dependency of aftercare: "
            "run ./scripts/setup.sh, or pip install -e . in the checkout"
        )
    return planned_outputs(notebooks, "book")


def external_resources(site: Path) -> list[str]:
    """``file: match`` for every script, stylesheet, font or image a page of ``site`` would load
    from the network."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".css", ".js") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(site)}: {m[:120]}" for m in _EXTERNAL.findall(text)]
    return found


def _build(source: Path, build: Path) -> Path:
    """Run ``jupyter-book build`` (strict: warnings are errors); return the HTML folder."""
    command = [
        sys.executable,
        "-c",
        "from jupyter_book.cli.main import main; main()",
        "build",
        str(source),
        "--path-output",
        str(build),
        "--warningiserror",
        "--keep-going",
        "--quiet",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        text = re.sub(r"\x1b\[[0-9;]*m", "", done.stderr + done.stdout)
        lines = [line for line in text.splitlines() if line.strip()]
        problem = next((line for line in lines if "WARNING" in line or "rror" in line), "")
        raise ExportError(
            f"jupyter-book could not build the site (exit {done.returncode}): "
            f"{problem or (lines[-1] if lines else 'no output')}"
        )
    return build / "_build" / "html"


def write_book(
    executed: list[ExecutedNotebook], out_dir: Path, *, include_code: bool = True
) -> list[ExportedFile]:
    """Build the book from ``executed`` notebooks and copy the site into ``out_dir``.

    Returns one :class:`ExportedFile` per chapter page, plus the home page (``index.html``).
    Records every top-level file and folder of the site in ``out_dir``'s manifest.

    Raises
    ------
    ExportError
        The build failed, or a page would load something from the network.
    """
    from .manifest import ManifestEntry, record_files

    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="aftercare-book-") as tmp:
        source = Path(tmp) / "book"
        (source / "_static").mkdir(parents=True)
        for item in executed:
            prepared = prepare_notebook(item.node, "html", item.protocol)
            book = book_source_notebook(prepared, include_code=include_code)
            nbformat.write(book, source / f"{item.stem}.ipynb")
        (source / "index.md").write_text(_intro(executed), encoding="utf-8")
        toc = {
            "format": "jb-book",
            "root": "index",
            "chapters": [{"file": item.stem} for item in executed],
        }
        (source / "_toc.yml").write_text(json.dumps(toc, indent=1), encoding="utf-8")
        partial = {p.name for p in executed[0].path.parent.glob("*.ipynb")} != {
            item.path.name for item in executed
        }
        (source / "_config.yml").write_text(
            _config(source / "_static", partial=partial), encoding="utf-8"
        )
        site = _build(source, Path(tmp) / "out")
        (site / ".buildinfo").unlink(missing_ok=True)
        external = external_resources(site)
        if external:
            raise ExportError(
                f"the book would load {len(external)} file(s) from the network, e.g. "
                f"{external[0]}; it must open offline"
            )
        names = sorted(p.name for p in site.iterdir())
        try:
            for name in names:
                target = out_dir / name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                if (site / name).is_dir():
                    shutil.copytree(site / name, target)
                else:
                    shutil.copy2(site / name, target)
        except OSError as exc:
            raise OutputWriteError(
                f"cannot write the book into {out_dir}: {describe_os_error(exc)}"
            ) from None
    sources = {output_name_for(item.stem, "html"): item for item in executed}
    record_files(
        out_dir,
        {
            name: ManifestEntry(
                kind="book",
                title=sources[name].title if name in sources else "",
                source=sources[name].path.name if name in sources else "",
            )
            for name in names
        },
    )
    home = ExportedFile(Path("index.md"), BOOK_TITLE, "book", out_dir / "index.html")
    written = [home]
    written += [
        ExportedFile(item.path, item.title, "book", out_dir / output_name_for(item.stem, "html"))
        for item in executed
    ]
    return written
