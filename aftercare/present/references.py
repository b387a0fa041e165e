"""A notebook's References section, made from ``data/sources.csv`` so it cannot drift.

A notebook cites sources in two ways: in its text, as ``[source-id]``, and in what its cells
show (plan steps, rule tables, quiz answers, case discussions, chart captions all print the ids
their content rests on). :func:`references` lists every one of those ids once, in full citation
form, with its kind and confidence:

* the ids cited in the notebook's markdown are read from the notebook file itself;
* the ids its outputs show are read from the results the kernel has displayed so far
  (IPython's ``Out``, and a ``post_run_cell`` hook for runs without history such as nbval's),
  so the list follows the outputs of *this* run, including a clinic's own protocol.

Call it in the last cell, after the rest of the notebook has run; that call also notes the
notebook as finished for the learner's completion record (:mod:`aftercare.checkin`). The result is made of parts
(:class:`~.parts.Parts`): one list in a notebook, one slide per part in an exported deck, so the
deck's last slides are the references.

Examples
--------
>>> from aftercare.present.references import citations_in
>>> citations_in("Soreness fell fastest at 6-12 h [diciolla2021]; see [pai-seed].")
('diciolla2021', 'pai-seed')
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..checkin import report_finished
from ..errors import DataError, InputError
from ..sources import Source, load_sources
from .parts import Parts

__all__ = [
    "CITATION",
    "References",
    "citations_in",
    "ids_shown_in",
    "notebook_citations",
    "references",
    "reference_list",
    "watch_results",
]

#: A citation in markdown: ``[source-id]`` not followed by ``(`` (which would be a link).
CITATION = re.compile(r"\[([a-z][a-z0-9-]+)\](?!\()")
#: A note that only a live RISE slideshow shows (notebooks/rise.css), where the list is hidden
#: because it cannot be split into slides there; notebooks and exported decks show the list.
LIVE_NOTE_CLASS = "aftercare-refs-live"
#: Estimated lines one part (one slide) of the list holds, below the heading.
REF_LINES_PER_PART = 15
#: Lines the sentence above the list takes in the first part.
INTRO_LINES = 3
#: Characters in one line of a reference on a slide (an estimate for splitting, not a layout).
REF_CHARS_PER_LINE = 110


class References(Parts):
    """The References list (a :class:`~.parts.Parts`), with the ids it lists in ``ids``."""

    def __init__(self, parts: list[str], text: str, ids: tuple[str, ...]) -> None:
        super().__init__(parts, text)
        self.ids = ids


def citations_in(text: str) -> tuple[str, ...]:
    """The ``[source-id]`` citations in a text, each once, in order of first citation."""
    return tuple(dict.fromkeys(CITATION.findall(text)))


def _id_pattern(ids: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")


def ids_shown_in(texts: Iterable[str], sources: Mapping[str, Source] | None = None) -> set[str]:
    """The source ids that appear as words in some texts (HTML or plain).

    Examples
    --------
    >>> sorted(ids_shown_in(["Why: the article [sources: pai-seed, bleakley2006]"]))
    ['bleakley2006', 'pai-seed']
    """
    sources = load_sources() if sources is None else sources
    pattern = _id_pattern(sources)
    return {match for text in texts for match in pattern.findall(text)}


def notebook_citations(notebook: str | Path) -> tuple[str, ...]:
    """The ids cited in a notebook's markdown cells, in order of first citation.

    Raises
    ------
    aftercare.errors.InputError
        If the file does not exist or is not a notebook (JSON with cells).
    aftercare.errors.DataError
        If the notebook cites an id that is not in ``data/sources.csv`` (naming the id and the
        notebook).
    """
    path = Path(notebook)
    try:
        node = json.loads(path.read_text(encoding="utf-8"))
        cells = node["cells"]
    except FileNotFoundError:
        raise InputError(
            "notebook",
            str(notebook),
            f"a notebook file (.ipynb) in the working folder {Path.cwd()}",
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise InputError("notebook", str(notebook), "a Jupyter notebook (.ipynb) file") from None
    text = "\n".join(
        "".join(cell.get("source", ""))
        for cell in cells
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown"
    )
    ids = citations_in(text)
    _require_known(
        ids, lambda unknown: f"{path.name} cites {', '.join(unknown)}, which is not a source id"
    )
    return ids


def _require_known(ids: Iterable[str], message) -> dict[str, Source]:
    """The sources table, or a DataError whose message ``message(unknown_ids)`` gives."""
    sources = load_sources()
    unknown = [i for i in ids if i not in sources]
    if unknown:
        raise DataError(
            "data/sources.csv",
            message(unknown),
            column="id",
            allowed="ids listed in data/sources.csv",
        )
    return sources


#: Where a kernel keeps the results its cells displayed (see :func:`watch_results`).
_RESULTS_ATTR = "_aftercare_displayed_results"


def _keep_result(shell: Any, result: Any) -> None:
    value = getattr(result, "result", None)
    if value is not None and not isinstance(value, References):
        getattr(shell, _RESULTS_ATTR).append(value)


def watch_results(shell: Any = None) -> None:
    """Keep every cell's displayed result in the running IPython kernel, for :func:`references`.

    IPython's ``Out`` holds them only when the cells run with history (JupyterLab, nbconvert);
    nbval runs them without, so ``Out`` keeps just the last one. A ``post_run_cell`` hook keeps
    them either way. Importing this module calls it once in a kernel; with no kernel it does
    nothing.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # not imported: not in a kernel, nothing to watch
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or hasattr(shell, _RESULTS_ATTR):
        return
    setattr(shell, _RESULTS_ATTR, [])
    shell.events.register("post_run_cell", lambda result: _keep_result(shell, result))


def _shown_by_kernel() -> list[str]:
    """Text (HTML and plain) of every result the running IPython kernel has displayed."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook stack
        return []
    shell = get_ipython()
    if shell is None:
        return []
    values = [*dict(shell.user_ns.get("Out", {})).values(), *getattr(shell, _RESULTS_ATTR, [])]
    texts: list[str] = []
    seen: set[int] = set()
    for value in values:
        if isinstance(value, References) or id(value) in seen:
            continue  # an earlier run of this cell: its list is not a citation
        seen.add(id(value))
        data, _ = shell.display_formatter.format(value)
        texts.extend(str(data[key]) for key in ("text/html", "text/plain") if key in data)
    return texts


def _entry_html(source: Source) -> str:
    return (
        f"<li><b>{html.escape(source.id)}</b>: {html.escape(source.full())} "
        f'<span class="aftercare-src">({html.escape(source.kind)}; confidence: '
        f"{html.escape(source.confidence)})</span></li>"
    )


def _entry_lines(source: Source) -> int:
    chars = len(source.id) + len(source.full()) + len(source.kind) + 25
    return -(-chars // REF_CHARS_PER_LINE)


def reference_list(ids: Iterable[str], *, lines_per_part: int = REF_LINES_PER_PART) -> References:
    """Full citations for some source ids, sorted by id, in parts that each fit a slide.

    Parameters
    ----------
    ids : iterable of str
        Source ids (each must be in ``data/sources.csv``); repeats are listed once.
    lines_per_part : int
        Estimated lines of text one part holds.

    Raises
    ------
    aftercare.errors.DataError
        If an id is not in ``data/sources.csv``.

    Examples
    --------
    >>> refs = reference_list(["pai-seed", "bleakley2006", "pai-seed"])
    >>> refs.ids
    ('bleakley2006', 'pai-seed')
    >>> print(refs)  # doctest: +ELLIPSIS
    References: 2 sources (data/sources.csv).
    [bleakley2006] Bleakley CM, McDonough SM, MacAuley DC (2006). Cryotherapy for acute ankle ...
    [pai-seed] Pai MYB (year not visible). Is it okay to put ice on the area after dry ...
    """
    wanted = sorted(set(ids))
    sources = _require_known(wanted, lambda unknown: f"unknown source id {unknown[0]!r}")
    chosen = [sources[i] for i in wanted]
    intro = (
        f"<p>{len(chosen)} source{'s' if len(chosen) != 1 else ''}: every id this notebook "
        "cites in its text or shows in its outputs, in full from <code>data/sources.csv</code>, "
        "with the kind of source and its confidence (high, medium, low) as judged in the "
        "evidence brief.</p>"
        f'<p class="{LIVE_NOTE_CLASS}">The list is longer than one live slide, so the slideshow '
        "hides it: read it in the notebook, or on the last slides of the exported deck.</p>"
    )
    groups: list[list[Source]] = [[]]
    used = INTRO_LINES  # the first part also holds the intro
    for source in chosen:
        lines = _entry_lines(source)
        if groups[-1] and used + lines > lines_per_part:
            groups.append([])
            used = 0
        groups[-1].append(source)
        used += lines
    parts = []
    start = 1
    for n, group in enumerate(groups):
        first = f' start="{start}"' if start != 1 else ""
        items = "".join(_entry_html(s) for s in group)
        parts.append((intro if n == 0 else "") + f'<ol class="aftercare-refs"{first}>{items}</ol>')
        start += len(group)
    text = "\n".join(
        [f"References: {len(chosen)} source{'s' if len(chosen) != 1 else ''} (data/sources.csv)."]
        + [f"[{s.id}] {s.full()} ({s.kind}; confidence: {s.confidence})" for s in chosen]
    )
    return References(parts, text, tuple(s.id for s in chosen))


def references(notebook: str | Path, *, shown: Iterable[str] | None = None) -> References:
    """The References section of a notebook: every source id it cites, in full.

    Parameters
    ----------
    notebook : str or pathlib.Path
        The notebook file (``"01_dry_needling_and_soreness.ipynb"``; a kernel runs in the
        notebook's folder). Its markdown is read for ``[source-id]`` citations.
    shown : iterable of str, optional
        Texts the notebook's outputs showed. By default, the results the running kernel has
        displayed (IPython's ``Out``), so call this in the last cell.

    Returns
    -------
    References
        Parts: the list in full citation form, sorted by id; ``.ids`` holds the ids.

    Raises
    ------
    aftercare.errors.InputError
        If the notebook file cannot be read.
    aftercare.errors.DataError
        If the notebook cites an id missing from ``data/sources.csv``.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> cell = {"cell_type": "markdown", "source": "Wait a few hours [pai-seed].", "metadata": {}}
    >>> _ = (folder / "nb.ipynb").write_text(json.dumps({"cells": [cell]}))
    >>> references(folder / "nb.ipynb", shown=["[sources: bleakley2006]"]).ids
    ('bleakley2006', 'pai-seed')
    """
    cited = notebook_citations(notebook)
    texts = _shown_by_kernel() if shown is None else list(shown)
    result = reference_list([*cited, *ids_shown_in(texts)])
    if shown is None:
        # The last cell ran: the notebook counts as finished in the learner's record (or the
        # room's, in a classroom). A failure is a notice, never an error in the notebook.
        notice = report_finished(Path(notebook).name)
        if notice:
            print(notice, file=sys.stderr)
    return result


watch_results()
