"""Deck preparation (aftercare.export.slidefit), issue 22 item 5: a part that continues over
slides carries its section's heading with "(cont.)", a short slide goes with a neighbour where
the two fit, and a long table is one table in the notebook but complete tables on slides."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from aftercare import Patient, load_protocol, plan_icing
from aftercare.export.slidefit import prepare_notebook
from aftercare.present import plan_report, rule_table


def _cell(kind: str, source: str = "", slide: str = "-", html: str | None = None):
    cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide}
    if html is not None:
        cell.outputs = [new_output("display_data", data={"text/html": html, "text/plain": ""})]
    return cell


def _slides(node) -> list[list]:
    slides: list[list] = []
    for cell in node.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide"):
            slides.append([])
        slides[-1].append(cell)
    return slides


def _html(cells) -> str:
    text = []
    for cell in cells:
        text.append(cell.source)
        text.extend(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))
    return "\n".join(text)


def _deck(*cells):
    return prepare_notebook(new_notebook(cells=list(cells)), "slides")


def test_a_continued_part_carries_its_sections_heading_and_cont():
    rules = rule_table(load_protocol("seed-article"))
    node = _deck(
        _cell("md", "# Protocol\n\nIntro.", slide="slide"),
        _cell("md", "## The rules\n\nEvery rule with its basis:", slide="subslide"),
        _cell("code", "rule_table(protocol)", html=rules._repr_html_()),
    )
    slides = _slides(node)
    assert len(slides) == 1 + len(rules.row_groups)
    for slide in slides[2:]:
        label = re.findall(r'<p class="aftercare-continued">([^<]*)</p>', _html(slide))
        assert label == ["The rules (cont.)"]  # the last heading before, not the cell's first
        # Each slide holds one whole table with its header row.
        body = _html(slide)
        assert body.count("<table") == body.count("</table>") == 1
        assert "<th" in body and "<caption" not in body


def test_a_short_part_joins_the_part_it_leads_into():
    """The first part of a plan report (protocol, verdict, sessions: about three lines and no
    heading) no longer has a slide of its own."""
    report = plan_report(plan_icing(Patient(needled_at="09:00"), "seed-article"))
    node = _deck(
        _cell("md", "## Case 1\n\nA story.", slide="slide"),
        _cell("code", "plan_report(plan)", slide="subslide", html=report._repr_html_()),
    )
    slides = _slides(node)
    assert len(slides) == len(report.parts)  # one fewer than its parts, plus the story slide
    assert "Verdict: OK" in _html(slides[1]) and "<b>Steps</b>" in _html(slides[1])
    assert "aftercare-continued" not in _html(slides[1])  # the label of the part taken in went


def test_a_short_slide_goes_onto_the_one_before_as_a_fragment():
    node = _deck(
        _cell("md", "## Case\n\nA story in a few words.", slide="slide"),
        _cell("code", "case.reveal()", slide="subslide", html="<p>Show the discussion.</p>"),
        _cell("md", "## Next\n\nMore.", slide="slide"),
    )
    slides = _slides(node)
    assert len(slides) == 2
    assert "Show the discussion" in _html(slides[0])
    assert slides[0][-1].metadata["slideshow"]["slide_type"] == "fragment"


def test_a_short_slide_stays_when_it_does_not_fit_beside_its_neighbours():
    long_text = "<p>" + "word " * 2000 + "</p>"
    node = _deck(
        _cell("md", "## Case", slide="slide"),
        _cell("code", "x", html=long_text),
        _cell("code", "y", slide="subslide", html="<p>Short.</p>"),
    )
    assert len(_slides(node)) == 2
    # A short slide with a heading of its own keeps it: it starts something.
    node = _deck(
        _cell("md", "## One\n\nText.", slide="slide"),
        _cell("md", "### Two", slide="subslide"),
    )
    assert len(_slides(node)) == 2


def test_the_notebook_is_not_changed():
    cell = _cell("code", "x", slide="subslide", html="<p>Short.</p>")
    nb = new_notebook(cells=[_cell("md", "## A", slide="slide"), cell])
    before = nbformat.writes(nb)
    prepare_notebook(nb, "slides")
    assert nbformat.writes(nb) == before


def test_an_apps_static_chart_keeps_its_alt_text_and_text_size():
    """The size of the chart's smallest text goes with its image into the deck (the template
    writes it as ``data-text-px``; tests/test_deck_fit.py measures it on screen)."""
    from aftercare.charts.style import smallest_text_px
    from aftercare.widgets import PlannerApp

    app = PlannerApp(needled_at="09:00")
    data, metadata = app._repr_mimebundle_()
    assert metadata["image/png"]["text_px"] == smallest_text_px(app.figure) > 0
    cell = _cell("code", "PlannerApp()", slide="subslide")
    cell.outputs = [new_output("display_data", data=data, metadata=metadata)]
    (image, _) = _deck(cell).cells[0].outputs
    assert image.metadata["image/png"] == metadata["image/png"]
