"""Rich output in parts: one block in a notebook, one slide per part in an exported deck.

A notebook shows a long table or a list of steps as one block. On a projected slide the same
content must be split: :class:`Parts` holds the blocks (each complete HTML: a whole table, a
whole list) and joins them with :data:`SLIDE_BREAK`, an HTML comment that JupyterLab ignores and
that the deck exporter (:mod:`aftercare.export.slidefit`) splits on, putting each part on its
own slide. A long table stays one ``<table>`` (one ``<tbody>`` per part, the marker between
them), so its columns line up in a notebook and on a live slide; :func:`split_parts` makes each
part a complete table for a deck, its header row repeated on every slide.

Every part also has a plain-text form (``text/plain``) for terminals and for nbval, which
compares it with the stored output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

__all__ = ["SLIDE_BREAK", "Parts", "split_parts", "sources_text", "sources_html", "HOUSE_CSS"]

#: Marker between the parts of one output; the deck exporter starts a new slide at each.
SLIDE_BREAK = "<!-- aftercare:slide-break -->"

#: Styles for tables, captions and plan reports; the same rules ship in the exported decks.
HOUSE_CSS = """
table.aftercare-table { border-collapse: collapse; margin: 0.3em auto 0.6em 0; font-size: 0.95em;
  table-layout: auto; }
table.aftercare-table caption { text-align: left; font-weight: bold; padding: 0.2em 0; }
table.aftercare-table th, table.aftercare-table td { border-bottom: 1px solid #c8c8c8;
  padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
table.aftercare-table thead th { border-bottom: 2px solid #555555; background: #eef2f7; }
table.aftercare-table td.aftercare-num, table.aftercare-table th.aftercare-num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.aftercare-quiz ol { list-style-type: upper-alpha; }
.aftercare-src { color: #4d4d4d; font-size: 0.9em; }
ol.aftercare-refs { font-size: 0.85em; padding-left: 1.8em; }
ol.aftercare-refs li { margin: 0.15em 0; }
.aftercare-refs-live { display: none; }
.aftercare-caption { margin: 0.2em 0 0.6em; color: #222222; }
.aftercare-verdict-box { border-left: 6px solid; padding: 0.1em 0.6em; margin: 0.3em 0; }
.aftercare-steps li, .aftercare-flags li { margin: 0.2em 0; }
.aftercare-note { border-left: 4px solid #1b4f8a; padding: 0.2em 0.6em; color: #1b1b1b;
  background: #f2f6fb; }
""".strip()


_TABLE_OPEN = re.compile(r"<table\b[^>]*>")
_CAPTION = re.compile(r"<caption\b.*?</caption>\s*", re.S)


def split_parts(markup: str) -> list[str]:
    """The parts of an HTML output (one item when it holds no :data:`SLIDE_BREAK`).

    A break inside a table (between two of its ``<tbody>``) ends the table in one part and
    starts it again, with its header row but not its caption, in the next.

    Examples
    --------
    >>> split_parts("<p>a</p>" + SLIDE_BREAK + "<p>b</p>")
    ['<p>a</p>', '<p>b</p>']
    >>> split_parts("<table><thead>h</thead><tbody>1</tbody>" + SLIDE_BREAK + "<tbody>2</tbody></table>")
    ['<table><thead>h</thead><tbody>1</tbody></table>', '<table><thead>h</thead><tbody>2</tbody></table>']
    """
    parts, head = [], ""
    for piece in markup.split(SLIDE_BREAK):
        piece = head + piece
        opened = [m for m in _TABLE_OPEN.finditer(piece)]
        head = ""
        if opened and piece.rfind("</table>") < opened[-1].start():  # a table goes on
            start = opened[-1].start()
            head = _CAPTION.sub("", piece[start : piece.index("<tbody", start)], count=1)
            piece += "</table>"
        if piece.strip():
            parts.append(piece)
    return parts


def sources_text(ids: Iterable[str]) -> str:
    """Source ids as readable text: ``("pai-seed", "bleakley2006")`` -> ``pai-seed, bleakley2006``."""
    return ", ".join(str(i) for i in ids)


def sources_html(ids: Iterable[str]) -> str:
    """Source ids as a small grey ``[sources: a, b]`` span (empty when there are none)."""
    text = sources_text(ids)
    if not text:
        return ""
    return f' <span class="aftercare-src">[sources: {html.escape(text)}]</span>'


class Parts:
    """HTML made of parts that a deck shows on successive slides, plus a plain-text form.

    Parameters
    ----------
    parts : sequence of str
        Complete HTML blocks, in order.
    text : str
        The plain-text form (``text/plain``).
    css : bool
        Put the house styles in front of the first part (so a notebook shows them styled).

    Examples
    --------
    >>> out = Parts(["<p>one</p>", "<p>two</p>"], "one two", css=False)
    >>> out._repr_html_().count(SLIDE_BREAK), repr(out)
    (1, 'one two')
    """

    def __init__(self, parts: Sequence[str], text: str, *, css: bool = True) -> None:
        self.parts = tuple(p for p in parts if p.strip())
        self.text = text
        self.css = css

    def _repr_html_(self) -> str:
        style = f"<style>{HOUSE_CSS}</style>" if self.css else ""
        return style + SLIDE_BREAK.join(self.parts)

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __add__(self, other: Parts) -> Parts:
        return Parts(
            [*self.parts, *other.parts], f"{self.text}\n\n{other.text}", css=self.css or other.css
        )
