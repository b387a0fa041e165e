"""Presentable output: tables as formatted HTML, plans and captions as text, not code reprs."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare import Patient, load_protocol, plan_icing
from aftercare.present import (
    SLIDE_BREAK,
    Table,
    caption_html,
    effect_table,
    factor_table,
    format_value,
    plan_report,
    points_table,
    rule_comparison,
    rule_table,
    sessions_sentence,
    sessions_table,
    split_parts,
    text_report,
)

#: What code-like output looks like: a tuple or list repr, a float with ".0", HH:MM:SS, "...".
CODE_LIKE = re.compile(r"\('[^']*',?\)|\['[a-z0-9-]+'|\b\d+\.0\b|\b\d\d:\d\d:\d\d\b|\.\.\.")


def _cells(table: Table) -> list[str]:
    return [str(v) for v in table.frame.to_numpy().ravel()]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (20.0, "20"),
        (2.5, "2.5"),
        (3, "3"),
        (dt.time(7, 0), "07:00"),
        (("pai-seed",), "pai-seed"),
        (("pai-seed", "bleakley2006"), "pai-seed, bleakley2006"),
        (None, ""),
        (float("nan"), ""),
        (True, "yes"),
        ({"superficial_nerve": 10.0, "neuropathy": 15}, "superficial_nerve: 10; neuropathy: 15"),
        ({}, "none"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_whole_numbers_never_show_point_zero(number):
    text = format_value(number)
    assert not text.endswith(".0")
    assert float(text) == pytest.approx(number, rel=1e-5, abs=1e-5)


def test_rule_table_is_readable():
    protocol = load_protocol("seed-article")
    table = rule_table(protocol)
    assert list(table.frame.columns) == ["Rule", "Value", "Basis", "Sources"]
    values = dict(zip(table.frame["Rule"], table.frame["Value"], strict=True))
    assert values["Longest ice session (max_session_minutes)"] == "20 min"
    assert values["Wait before the first ice (wait_hours)"] == "3 h"
    assert values["Patient awake from (default) (day_starts)"] == "07:00"
    assert values["Between ice and skin (barrier)"] == "a thin damp towel"
    # The basis in full, and the sources as words, in the HTML and in the text.
    barrier_basis = " ".join(protocol.rule("barrier").basis.split())
    html = table._repr_html_()
    assert barrier_basis.replace("'", "&#x27;") in html and barrier_basis in repr(table)
    assert "pai-seed, damptowel-study, ichikawa2024" in html
    for cell in _cells(table):
        assert not CODE_LIKE.search(cell), cell
    assert "<th" in html and not re.search(r"<th[^>]*>\s*0\s*</th>", html)  # no index column
    assert ' id="' not in html  # several tables on one page must not share ids


def test_rule_table_follows_the_protocol():
    early = rule_table(load_protocol("early-cold"))
    assert "0 h" in early.frame["Value"].tolist()
    both = rule_comparison(load_protocol("seed-article"), load_protocol("early-cold"))
    row = both.frame.set_index("Rule").loc["Wait before the first ice"]
    assert row.tolist() == ["3 h", "0 h"]


def test_sessions_table_shows_clock_times_and_whole_minutes():
    plan = plan_icing(Patient(needled_at="09:00"), "seed-article")
    table = sessions_table(plan, day=1)
    assert table.frame.columns.tolist() == [
        "Session",
        "Start",
        "End",
        "Minutes",
        "Between ice and skin",
    ]
    assert table.frame.iloc[0].tolist() == ["1", "12:00", "12:20", "20", "a thin damp towel"]
    assert len(table.frame) == (plan.sessions["day"] == 1).sum()
    assert "aftercare-num" in table._repr_html_()  # numbers right-aligned


def test_other_tables_have_no_code_like_cells():
    for table in (factor_table(), effect_table()):
        for cell in _cells(table):
            assert not CODE_LIKE.search(cell), cell
    # Measured values keep their column's precision ("1.0" beside "0.7"), nothing else.
    for cell in _cells(points_table()):
        assert not CODE_LIKE.search(cell) or re.fullmatch(r"\d+\.\d", cell), cell
    spreads = points_table().frame["Spread (±)"].tolist()
    assert "1.0" in spreads and "0.7" in spreads  # one precision within a measured column


def test_a_long_table_is_one_table_in_a_notebook_and_parts_in_a_deck():
    table = factor_table()
    html = table._repr_html_()
    # One <table> (its columns line up), its rows in one <tbody> per slide-sized part.
    assert html.count("<table") == 1 and html.count("<thead") == 1
    assert len(table.row_groups) >= 2
    assert html.count(SLIDE_BREAK) == len(table.row_groups) - 1
    assert html.count("<tbody") == len(table.row_groups)
    # A deck (split_parts) gets complete tables, each with the header row again.
    parts = split_parts(html)
    assert len(parts) == len(table.row_groups)
    header = re.findall(r"<th[^>]*>([^<]*)</th>", parts[0])
    assert header == list(table.frame.columns)
    for part in parts:
        assert part.count("<table") == part.count("</table>") == 1
        assert re.findall(r"<th[^>]*>([^<]*)</th>", part) == header
    # Every row is in exactly one part, in order.
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", p) for p in parts]
    ncol = len(table.frame.columns)
    labels = [html_lib.unescape(part[i]) for part in rows for i in range(0, len(part), ncol)]
    assert labels == table.frame["Factor"].tolist()


def test_the_rules_table_is_one_table():
    """Issue 22: it rendered as two tables with their own column widths, misaligned."""
    table = rule_table(load_protocol("seed-article"))
    assert len(table.row_groups) >= 2  # long enough to continue over slides in a deck
    html = table._repr_html_()
    assert html.count("<table") == 1 and html.count("</table>") == 1
    assert html.count("<caption") <= 1
    assert len(split_parts(html)) == len(table.row_groups)


def test_short_tables_are_one_part():
    assert len(Table(pd.DataFrame({"a": [1, 2]})).parts) == 1


def test_plan_report_reads_as_text_with_reasons_and_sources():
    plan = plan_icing(Patient(needled_at="09:00", diabetes=True), "seed-article")
    report = plan_report(plan)
    html = report._repr_html_()
    assert "Verdict: CAUTION" in html and "Why:" in html and "[sources: pai-seed" in html
    assert "Protocol: " in html and "version 1.0" in html and "effective 2026-11-27" in html
    assert len(report.parts) >= 2
    # Steps continue their numbering across parts.
    starts = re.findall(r'<ol class="aftercare-steps"(?: start="(\d+)")?>', html)
    items = [html.split('<ol class="aftercare-steps"')[n + 1].count("<li>") for n in range(2)]
    assert starts[0] == "" and starts[1] == str(1 + items[0])
    assert "['" not in repr(report) and "('" not in repr(report)


def test_plan_words_for_avoid_and_for_no_wait():
    avoid = plan_icing(Patient(raynauds=True), "seed-article")
    assert sessions_sentence(avoid) == "No ice plan: ice is ruled out for this patient."
    assert "No ice plan" in plan_report(avoid)._repr_html_()
    early = plan_icing(Patient(needled_at="09:00"), "early-cold")
    assert "with no wait after needling" in sessions_sentence(early)
    assert "0-hour" not in sessions_sentence(early)


def test_text_report_and_caption_are_html_text():
    out = text_report("Case 1: A title\n\nA story that goes\non two lines.\n\nDecision: what now?")
    html = out._repr_html_()
    assert "<p><b>Case 1: A title</b></p><p>A story that goes on two lines.</p>" in html
    assert repr(out).startswith("Case 1: A title")

    class Fig:
        caption = "A <chart> caption"

    assert caption_html(Fig()) == '<p class="aftercare-caption">A &lt;chart&gt; caption</p>'


def test_plan_report_parts_follow_the_length_of_the_steps():
    """Long steps take a part to themselves; no part holds more estimated lines than a slide."""
    from aftercare.present.plans import STEP_LINES_PER_PART, _step_chunks, _step_lines

    plan = plan_icing(Patient(needled_at="09:00", superficial_nerve=True), "seed-article")
    chunks = _step_chunks(plan.instructions, STEP_LINES_PER_PART)
    assert [s for chunk in chunks for s in chunk] == list(plan.instructions)
    for chunk in chunks:
        assert len(chunk) == 1 or sum(_step_lines(s) for s in chunk) <= STEP_LINES_PER_PART
    assert len(_step_chunks(plan.instructions, 1000)) == 1


def test_every_rule_has_a_label_and_no_label_is_for_a_rule_that_does_not_exist():
    from aftercare.present.tables import RULE_LABELS
    from aftercare.protocol import rule_names

    assert sorted(RULE_LABELS) == sorted(rule_names())
