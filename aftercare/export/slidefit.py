"""Prepare an executed notebook for a deck or a page: static apps, parts on slides, protocol.

Three things happen to the in-memory copy before nbconvert renders it:

* **Nothing looks live that is not.** An app or quiz output carries a static form beside its
  widget view (``image/png`` for the chart, ``text/html`` with a note that it is interactive in
  JupyterLab, then its text). The widget view is dropped so the static form shows; no form
  control of an app or quiz reaches the export. (Other widgets keep their saved snapshot; the
  templates disable their controls and label them.)
* **Every step fits a slide** (decks only). Output made of parts (:mod:`aftercare.present`:
  long tables, plan reports, quiz questions, an app's text) is split at each
  :data:`~aftercare.present.SLIDE_BREAK` into cells of its own, each a sub-slide headed with
  the heading of the section it continues and " (cont.)". A part of three lines or fewer
  goes back onto the slide before it when the two fit together.
* **The protocol is named.** The first markdown cell (the title slide) gets a line naming the
  protocol the notebook ran with: its title, name, version and effective date.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

import nbformat

from ..present import SLIDE_BREAK, protocol_line, split_parts
from ..present.tables import LINE_CHARS

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
        image = dict(metadata.get("image/png", {}))
        image["alt"] = image.get("alt") or data.get("text/plain", "")
        result.append(
            nbformat.v4.new_output(
                "display_data",
                data={"image/png": data["image/png"], "text/plain": "Chart"},
                metadata={"image/png": image},
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
    """The title of a continuation slide: ``<section heading> (cont.)``.

    A styled paragraph, not a heading element, so the deck's outline (and the rule that no
    section follows the References) sees one section, not a new one per slide.
    """
    text = f"{html.escape(heading)} (cont.)" if heading else "(cont.)"
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
            if found:  # the last heading of the cell is the section that goes on
                heading = re.sub(r"[*_`]", "", found[-1][1]).strip()
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


#: Estimated text lines a slide holds below its heading at the deck's text size (the tables'
#: own estimate, :data:`aftercare.present.tables.PART_LINES`, less room for the merged label).
SLIDE_LINES = 20
#: A slide of this many estimated lines or fewer, with no heading of its own, is short: about
#: three lines as projected (the estimate rounds each paragraph up to whole lines).
SHORT_LINES = 4
#: An image (a chart, at most 560 px high on a slide) counts as this many lines.
IMAGE_LINES = 20
_BLOCK_END = re.compile(r"</(?:p|li|tr|div|h[1-6]|caption|summary|ul|ol)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_MARKDOWN_MARKS = re.compile(r"[*_`#>|-]+|\[[^\]]*\]\([^)]*\)")


def _text_lines(text: str) -> int:
    """Estimated lines of one block of text, at :data:`~aftercare.present.tables.LINE_CHARS`."""
    chars = len(" ".join(html.unescape(text).split()))
    return -(-chars // LINE_CHARS) if chars else 0


def _html_lines(markup: str) -> int:
    """Estimated lines of an HTML output: each block (paragraph, item, row) from a new line.
    Folded ``<details>`` count open: a step must fit with its answer shown."""
    markup = re.sub(r"<style\b.*?</style>", "", markup, flags=re.S)
    return sum(_text_lines(_TAG.sub(" ", block)) for block in _BLOCK_END.split(markup))


def _cell_lines(cell: Any) -> int:
    """Estimated lines a cell takes on a slide (a heading counts two; an image many)."""
    if _slide_type(cell) in ("notes", "skip"):
        return 0
    if cell.cell_type == "markdown":
        if "aftercare-continued" in cell.source:
            return 2
        paragraphs = re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", cell.source)
        lines = sum(_text_lines(_TAG.sub(" ", _MARKDOWN_MARKS.sub(" ", p))) for p in paragraphs)
        return lines + len(_HEADING.findall(cell.source))
    if cell.cell_type != "code":
        return 0
    lines = 0
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data:
            lines += IMAGE_LINES
        elif "text/html" in data:
            markup = data["text/html"]
            lines += _html_lines("".join(markup) if isinstance(markup, list) else markup)
        elif WIDGET_VIEW in data:
            lines += SLIDE_LINES
        else:
            text = output.get("text") or data.get("text/plain") or ""
            lines += len(("".join(text) if isinstance(text, list) else text).splitlines())
    return lines


def _slides(cells: list[Any]) -> list[list[Any]]:
    """Cells grouped by slide: a group starts at each ``slide`` or ``subslide`` cell."""
    slides: list[list[Any]] = [[]]
    for cell in cells:
        if _slide_type(cell) in ("slide", "subslide") and slides[-1]:
            slides.append([])
        slides[-1].append(cell)
    return slides


def _is_label(cell: Any) -> bool:
    return cell.cell_type == "markdown" and cell.source.startswith(
        '<p class="aftercare-continued">'
    )


def _is_short(slide: list[Any]) -> bool:
    """A sub-slide of :data:`SHORT_LINES` lines or fewer with no heading (a continuation label
    is not one: it goes when the slide merges)."""
    first = slide[0]
    if _slide_type(first) != "subslide":
        return False
    headed = any(c.cell_type == "markdown" and _HEADING.search(c.source) for c in slide)
    content = sum(_cell_lines(c) for c in slide if not _is_label(c))
    return not headed and content <= SHORT_LINES


def _joined(slide: list[Any], onto: list[Any], step: str) -> list[Any]:
    """``slide`` added to the end of ``onto``: its label dropped, its first cell a ``step``."""
    cells = [c for c in slide if not _is_label(c)]
    if cells:
        cells[0] = copy.deepcopy(cells[0])
        cells[0].metadata.setdefault("slideshow", {})["slide_type"] = step
    return [*onto, *cells]


def _merge_short(cells: list[Any]) -> list[Any]:
    """Put each short slide (:func:`_is_short`) with a neighbour where the two fit one slide.

    The part that follows it, when that continues the same output, is taken onto it (its
    "(cont.)" label dropped); else it goes onto the slide before as a fragment, so what a
    trainer reveals step by step still comes in that order.
    """
    slides = _slides(cells)
    merged: list[list[Any]] = []
    index = 0
    while index < len(slides):
        slide = slides[index]
        lines = sum(_cell_lines(c) for c in slide)
        if merged and _is_short(slide):
            after = slides[index + 1] if index + 1 < len(slides) else None
            if (
                after
                and _is_label(after[0])
                and lines + sum(_cell_lines(c) for c in after if not _is_label(c)) <= SLIDE_LINES
            ):
                merged.append(_joined(after, slide, "-"))
                index += 2
                continue
            if sum(_cell_lines(c) for c in merged[-1]) + lines <= SLIDE_LINES:
                merged[-1] = _joined(slide, merged[-1], "fragment")
                index += 1
                continue
        merged.append(slide)
        index += 1
    return [cell for slide in merged for cell in slide]


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
        node.cells = _merge_short(_split_cells(node.cells))
    if protocol is not None:
        _name_protocol(node.cells, protocol)
    return node
