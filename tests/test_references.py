"""aftercare.present.references: a notebook's References, from data/sources.csv, text and outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aftercare.errors import DataError, InputError
from aftercare.present import SLIDE_BREAK, References, reference_list, references
from aftercare.present.references import (
    REF_LINES_PER_PART,
    _entry_lines,
    citations_in,
    ids_shown_in,
    notebook_citations,
)
from aftercare.sources import load_sources


def _notebook(folder, *markdown: str, name: str = "nb.ipynb"):
    cells = [{"cell_type": "markdown", "source": text, "metadata": {}} for text in markdown]
    cells.append({"cell_type": "code", "source": "x = 1  # [bugaj1975] in code is not a citation"})
    path = folder / name
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}))
    return path


def test_citations_in_text_keep_first_order_and_skip_links():
    text = "A [otte2002] and [pai-seed], again [otte2002]; a [link](otte2002.html) is not one."
    assert citations_in(text) == ("otte2002", "pai-seed")


def test_ids_shown_in_outputs_are_whole_words_only():
    texts = ["[sources: wang2021, pai-seed]", "wang2022nma", "xotte2002 and otte2002x", "seed"]
    assert ids_shown_in(texts) == {"wang2021", "pai-seed", "wang2022nma"}


def test_list_is_full_citations_sorted_once_each():
    sources = load_sources()
    refs = reference_list(["pai-seed", "bleakley2006", "pai-seed", "otte2002"])
    assert refs.ids == ("bleakley2006", "otte2002", "pai-seed")
    markup = refs._repr_html_()
    for source_id in refs.ids:
        assert source_id in markup
        assert sources[source_id].full().split(".")[0] in str(refs)
    assert str(refs).startswith("References: 3 sources")
    assert "confidence: low" in str(refs)  # pai-seed is a low-confidence source


def test_long_lists_are_split_into_parts_that_each_fit_a_slide():
    every = list(load_sources())
    refs = reference_list(every)
    assert len(refs.parts) > 1 and refs._repr_html_().count(SLIDE_BREAK) == len(refs.parts) - 1
    listed = [i for part in refs.parts for i in ids_shown_in([part])]
    assert sorted(listed) == sorted(every), "every id once, across the parts"
    sources = load_sources()
    for part in refs.parts:
        ids = [i for i in every if f"<b>{i}</b>" in part]
        assert sum(_entry_lines(sources[i]) for i in ids) <= REF_LINES_PER_PART
    numbers = [part.split('start="')[1].split('"')[0] for part in refs.parts[1:]]
    assert numbers and all(int(n) > 1 for n in numbers), "numbering carries over"


def test_unknown_id_is_a_clear_error():
    with pytest.raises(DataError, match="no-such-id"):
        reference_list(["pai-seed", "no-such-id"])


def test_notebook_citations_come_from_markdown_only(tmp_path):
    path = _notebook(tmp_path, "# T\n\nIce [pai-seed] [otte2002].", "More [pai-seed].")
    assert notebook_citations(path) == ("pai-seed", "otte2002")


def test_notebook_citing_an_unknown_id_names_the_notebook_and_id(tmp_path):
    path = _notebook(tmp_path, "Wrong [smith1999].", name="07_talk.ipynb")
    with pytest.raises(DataError, match=r"07_talk.ipynb cites smith1999"):
        notebook_citations(path)


def test_missing_or_broken_notebook_names_the_argument(tmp_path):
    with pytest.raises(InputError, match="notebook"):
        notebook_citations(tmp_path / "missing.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(InputError, match="notebook"):
        notebook_citations(broken)


def test_references_join_text_and_shown_ids(tmp_path):
    path = _notebook(tmp_path, "Wait [pai-seed].")
    refs = references(path, shown=["Why: ... [sources: bleakley2006, janwantanakul2009]"])
    assert refs.ids == ("bleakley2006", "janwantanakul2009", "pai-seed")


@pytest.mark.parametrize("history", [True, False], ids=["with-history", "nbval-no-history"])
def test_references_read_what_the_kernel_displayed_and_skip_earlier_lists(
    tmp_path, monkeypatch, history
):
    """In a kernel, the ids come from the results shown so far (IPython's Out, or without
    history, as nbval runs cells, the watch_results hook); an earlier References output is not
    a citation, so re-running the cell does not keep stale ids."""
    from IPython.core.interactiveshell import InteractiveShell

    from aftercare.present.references import watch_results

    monkeypatch.chdir(tmp_path)
    _notebook(tmp_path, "Text cites [pai-seed].")
    shell = InteractiveShell.instance()
    try:
        watch_results(shell)  # what importing aftercare.present does in a kernel
        shell.run_cell(
            "from aftercare.present import references, text_report", store_history=history
        )
        shell.run_cell("text_report('A step [sources: otte2002]')", store_history=history)
        shell.run_cell("text_report('Another [sources: bugaj1975]')", store_history=history)
        result = shell.run_cell("references('nb.ipynb')", store_history=history)
        assert isinstance(result.result, References)
        assert result.result.ids == ("bugaj1975", "otte2002", "pai-seed")
        _notebook(tmp_path, "Now cites [myrer2001] instead.")
        again = shell.run_cell("references('nb.ipynb')", store_history=history).result
        assert again.ids == ("bugaj1975", "myrer2001", "otte2002"), "no earlier list read back"
    finally:
        InteractiveShell.clear_instance()


def test_live_slideshows_hide_the_list_and_say_where_it_is():
    """RISE cannot split the list into slides, so notebooks/rise.css hides it live and shows a
    note; the notebook (house styles) hides the note and shows the list."""
    from aftercare.present import HOUSE_CSS
    from aftercare.present.references import LIVE_NOTE_CLASS

    markup = reference_list(["pai-seed", "bleakley2006"])._repr_html_()
    assert markup.count(f'class="{LIVE_NOTE_CLASS}"') == 1
    assert f".{LIVE_NOTE_CLASS} {{ display: none; }}" in HOUSE_CSS
    rise = (Path(__file__).resolve().parents[1] / "notebooks" / "rise.css").read_text()
    assert re.search(r"\.reveal ol\.aftercare-refs \{\s*display: none;", rise)
    assert re.search(rf"\.reveal \.{LIVE_NOTE_CLASS} \{{\s*display: block;", rise)
