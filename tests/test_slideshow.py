"""Presenting from a working copy (aftercare.slideshow): what is copied, what is never replaced."""

from __future__ import annotations

import json

import pytest

from aftercare.slideshow import PresentError, find_notebooks, present, working_copy


def test_a_notebook_is_found_by_number_name_or_path_and_a_wrong_one_is_one_line(tmp_path):
    three = find_notebooks(["03"])[0]
    assert three.name == "03_icing_timeline_planner.ipynb"
    assert find_notebooks([str(three)]) == [three.resolve()]
    with pytest.raises(PresentError, match=r"'42' not found; allowed: a notebook number \(00"):
        find_notebooks(["42"])
    with pytest.raises(PresentError, match="is the course folder"):
        present(["03"], three.parent, open_browser=False)


def test_the_copy_carries_rise_css_drops_the_pairing_and_the_course_is_not_written(tmp_path):
    source = find_notebooks(["03"])[0]
    before = source.read_bytes()
    copies, notes = working_copy([source], tmp_path)
    assert [c.name for c in copies] == [source.name] and notes == []
    assert (tmp_path / "rise.css").read_bytes() == (source.parent / "rise.css").read_bytes()
    assert "jupytext" not in json.loads(copies[0].read_text())["metadata"]
    assert source.read_bytes() == before


def test_a_copy_the_presenter_changed_is_kept_not_replaced(tmp_path):
    source = find_notebooks(["03"])[0]
    working_copy([source], tmp_path)
    assert working_copy([source], tmp_path)[1] == []  # unchanged: replaced quietly
    copy = tmp_path / source.name
    copy.write_text(copy.read_text().replace("planner", "planner (my notes)", 1))
    notes = working_copy([source], tmp_path)[1]
    kept = [p for p in tmp_path.glob("03_*.ipynb") if p != copy]
    assert len(kept) == 1 and "my notes" in kept[0].read_text()
    assert notes == [f"kept your changed copy as {kept[0]}"]
    assert "my notes" not in copy.read_text()
