"""Prepare an executed notebook for a deck or a page: static apps, parts on slides, protocol.

Three things happen to the in-memory copy before nbconvert renders it:

* **Nothing looks live that is not.** An app or quiz output carries a static form beside its
  widget view (``image/png`` for the chart, ``text/html`` with a note that it is interactive in
  JupyterLab, then its text). The widget view is dropped so the static form shows; no form
  control of an app or quiz reaches the export. (Other widgets keep their saved snapshot; the
  templates disable their controls and label them.)
* **Every step fits a slide** (decks only). Output made of parts (:mod:`aftercare.present`:
  long tables, plan reports, quiz questions, an app's text) is split at each
  :data:`~aftercare.present.SLIDE_BREAK` into cells of its own, each a sub-slide headed
  "... (continued)".
* **The protocol is named.** The first markdown cell (the title slide) gets a line naming the
  protocol the notebook ran with: its title, name, version and effective date.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import nbformat

from ..present import SLIDE_BREAK, protocol_line, split_parts

__all__ = ["prepare_notebook", "WIDGET_VIEW", "STATIC_NOTE_CLASS"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATIC_NOTE_CLASS = "aftercare-note"
_HEADING = re.compile(r"^\s{0,3}(#{1,3})\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _static_outputs(output: Any) -> list[Any]:
    """An app or quiz output as static outputs: the chart image, then the HTML (note, text)."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data or "text/html" not in data:
        return [output]
    metadata = output.get("metadata", {})
    result = []
    if "image/png" in data:
        alt = metadata.get("image/png", {}).get("alt") or data.get("text/plain", "")
        result.append(
            nbformat.v4.new_output(
                "display_data",
                data={"image/png": data["image/png"], "text/plain": "Chart"},
                metadata={"image/png": {"alt": alt}},
            )
        )
    result.append(
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": data["text/html"], "text/plain": data.get("text/plain", "")},
        )
    )
    return result


def _split_html(output: Any) -> list[Any]:
    """One output per part of an HTML output made of parts (the house styles go with each)."""
    data = output.get("data", {})
    markup = data.get("text/html")
    if isinstance(markup, list):
        markup = "".join(markup)
    if not isinstance(markup, str) or SLIDE_BREAK not in markup:
        return [output]
    style, _, _ = markup.partition("</style>") if markup.startswith("<style>") else ("", "", "")
    style = style + "</style>" if style else ""
    parts = split_parts(markup[len(style) :] if style else markup)
    return [
        nbformat.v4.new_output(
            output.get("output_type", "display_data"),
            data={"text/html": style + part, "text/plain": ""},
            **(
                {"execution_count": output.get("execution_count")}
                if "execution_count" in output
                else {}
            ),
        )
        for part in parts
    ]


def _slide_type(cell: Any) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def _continued(heading: str | None) -> Any:
    text = f"{heading} (continued)" if heading else "(continued)"
    cell = nbformat.v4.new_markdown_cell(f'<p class="aftercare-continued">{text}</p>')
    cell.metadata["slideshow"] = {"slide_type": "subslide"}
    return cell


def _split_cells(cells: list[Any]) -> list[Any]:
    """Cut code cells whose outputs hold several parts into one cell per slide."""
    result: list[Any] = []
    heading: str | None = None
    for cell in cells:
        if cell.cell_type == "markdown" and _slide_type(cell) != "notes":
            found = _HEADING.findall(cell.source)
            if found:
                heading = re.sub(r"[*_`]", "", found[0][1]).strip()
        if cell.cell_type != "code":
            result.append(cell)
            continue
        groups: list[list[Any]] = [[]]
        for output in cell.get("outputs", []):
            pieces = _split_html(output)
            groups[-1].append(pieces[0])
            for piece in pieces[1:]:
                groups.append([piece])
        first = copy.deepcopy(cell)
        first.outputs = groups[0]
        result.append(first)
        for group in groups[1:]:
            result.append(_continued(heading))
            follow = nbformat.v4.new_code_cell("")
            follow.metadata = {
                "slideshow": {"slide_type": "-"},
                "tags": list(cell.metadata.get("tags", [])) + ["remove-input"],
            }
            follow.outputs = group
            follow.execution_count = cell.get("execution_count")
            result.append(follow)
    return result


def _name_protocol(cells: list[Any], protocol: Any) -> None:
    line = f'<p class="aftercare-protocol">{protocol_line(protocol)}</p>'
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.rstrip() + "\n\n" + line
            return


def prepare_notebook(node: Any, kind: str, protocol: Any = None) -> Any:
    """A copy of an executed notebook, ready to render as a deck (``"slides"``) or a page.

    Parameters
    ----------
    node : nbformat.NotebookNode
        The executed notebook (not modified).
    kind : {"slides", "html"}
        Decks also get their long outputs split over slides.
    protocol : aftercare.protocol.Protocol, optional
        The protocol the notebook ran with, named on the title slide or heading.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    >>> from aftercare import load_protocol
    >>> prepare_notebook(nb, "slides", load_protocol("early-cold")).cells[0].source.count("early-cold")
    1
    """
    node = copy.deepcopy(node)
    for cell in node.cells:
        if cell.cell_type == "code":
            cell.outputs = [piece for o in cell.get("outputs", []) for piece in _static_outputs(o)]
    if not any(
        WIDGET_VIEW in o.get("data", {})
        for c in node.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    ):
        # No widget is shown any more: leave out the saved state and with it the widget renderer.
        node.metadata.pop("widgets", None)
    if kind == "slides":
        node.cells = _split_cells(node.cells)
    if protocol is not None:
        _name_protocol(node.cells, protocol)
    return node
