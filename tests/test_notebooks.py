"""Structure and accessibility checks for the notebook suite (no kernel needed).

Running the notebooks and comparing their outputs is nbval's job:
``pytest --nbval notebooks/ --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg``.
These tests check what nbval cannot: the jupytext pairs are in sync, every cited source exists,
the teaching skeleton is complete (one H1, headings in order, learning objectives, key points,
self-check, the not-medical-advice statement), every cell has slide metadata, and every image has
a text alternative.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
#: The self-check notebook (a quiz: no sources to cite, no evidence section, no app to try), found
#: by its name so that renumbering the notebooks needs no change here.
(SELF_CHECK,) = (p for p in NOTEBOOKS if p.stem.endswith("_self_check"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "notes", "skip"}
STATEMENT = re.compile(r"education, not individual medical advice", re.IGNORECASE)
CITATION = re.compile(r"\[([a-z][a-z0-9-]+)\](?!\()")
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~)")


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _markdown(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _headings(nb) -> list[tuple[int, str]]:
    found = []
    for text in _markdown(nb):
        fenced = False
        for line in text.splitlines():
            if FENCE.match(line.strip()):
                fenced = not fenced
                continue
            match = re.match(r"^(#{1,6})\s+(.*)", line)
            if match and not fenced:
                found.append((len(match.group(1)), match.group(2).strip()))
    return found


def test_suite_is_complete_and_numbered():
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers == [f"{i:02d}" for i in range(len(NOTEBOOKS))], numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_pair_exists_and_is_in_sync(path):
    text_file = path.with_suffix(".py")
    assert text_file.is_file(), f"{text_file.name} missing: run jupytext --sync {path.name}"
    nb, paired = _read(path), jupytext.read(text_file)
    assert nb.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"
    got = [(c.cell_type, c.source.strip()) for c in nb.cells]
    want = [(c.cell_type, c.source.strip()) for c in paired.cells]
    assert got == want, f"{path.name} and {text_file.name} differ: run jupytext --sync"
    for cell, twin in zip(nb.cells, paired.cells, strict=True):
        for key in ("slideshow", "tags"):
            assert cell.metadata.get(key) == twin.metadata.get(key), (
                path.name,
                key,
                cell.source[:40],
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_is_python3(path):
    assert _read(path).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cited_sources_exist(path):
    from aftercare.sources import load_sources

    sources = load_sources()
    cited = {m for text in _markdown(_read(path)) for m in CITATION.findall(text)}
    unknown = sorted(cited - set(sources))
    assert not unknown, f"{path.name} cites ids missing from data/sources.csv: {unknown}"
    if path != SELF_CHECK:
        assert cited, f"{path.name} cites no source"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_h1_and_headings_in_order(path):
    headings = _headings(_read(path))
    assert headings and headings[0][0] == 1, "the first heading must be the H1 title"
    assert sum(1 for level, _ in headings if level == 1) == 1, "exactly one H1"
    for (prev, _), (level, title) in zip(headings, headings[1:], strict=False):
        assert level <= prev + 1, f"heading level jumps from H{prev} to H{level} at {title!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_teaching_skeleton(path):
    nb = _read(path)
    titles = [t.lower() for _, t in _headings(nb)]
    text = "\n".join(_markdown(nb))
    assert "learning objectives" in titles
    assert re.search(r"Estimated time: \d+ minutes", text), "state the estimated time at the top"
    assert any(t.startswith("key points") for t in titles)
    assert any("self-check" in t for t in titles)
    assert any(t.startswith("evidence") for t in titles) or path == SELF_CHECK
    assert STATEMENT.search(nb.cells[0].source), "state 'education, not medical advice' at the top"
    closing = nb.cells[_references_heading(nb) - 1]
    assert STATEMENT.search(closing.source), "and again at the end, before the references"
    assert "<details>" in text and "<summary>" in text, "a Think question with a hidden answer"
    if path != SELF_CHECK:
        assert "**Try 1:**" in text, "numbered tasks beside the app"


def _references_heading(nb) -> int:
    """Index of the markdown cell headed "References" (the notebook's last section)."""
    found = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and re.match(r"^##\s+References\s*$", c.source, re.M)
    ]
    assert len(found) == 1, "one '## References' section"
    return found[0]


def _output_text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        for key in ("text/html", "text/plain"):
            value = output.get("data", {}).get(key, "")
            texts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(texts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ends_with_references_to_every_cited_source(path):
    """The last section lists, from data/sources.csv, every id cited in the text or shown in an
    output, and nothing else; it is generated by aftercare.present.references for this file."""
    from aftercare.present.references import ids_shown_in
    from aftercare.sources import load_sources

    nb = _read(path)
    heading = _references_heading(nb)
    last = nb.cells[-1]
    assert heading == len(nb.cells) - 2 and last.cell_type == "code", "References come last"
    assert last.source.strip() == f'references("{path.name}")'
    cited = {m for text in _markdown(nb) for m in CITATION.findall(text)}
    shown = ids_shown_in(_output_text(c) for c in nb.cells[:-1] if c.cell_type == "code")
    plain = "".join(
        "".join(o["data"]["text/plain"]) for o in last.get("outputs", []) if "data" in o
    )
    listed = set(re.findall(r"^\[([a-z0-9-]+)\] ", plain, re.M))
    assert listed == cited | shown, (
        f"{path.name}: re-execute it; missing {sorted((cited | shown) - listed)}, "
        f"extra {sorted(listed - (cited | shown))}"
    )
    sources = load_sources()
    for source_id in listed:
        assert sources[source_id].full() in plain, f"{source_id} not in full citation form"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_running_times_add_up(path):
    nb = _read(path)
    text = "\n".join(_markdown(nb))
    total = int(re.search(r"Estimated time: (\d+) minutes", text).group(1))
    running = [int(x) for x in re.findall(r"running total (\d+) minutes", text)]
    assert running == sorted(running), "running totals must increase"
    assert running and running[-1] == total, "the last running total equals the estimated time"
    assert 15 <= total <= 30


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_has_slide_metadata(path):
    for cell in _read(path).cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, (path.name, cell.source[:50])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_cells_are_thin(path):
    for cell in _read(path).cells:
        if cell.cell_type == "code" and "hide-input" not in cell.metadata.get("tags", []):
            lines = [x for x in cell.source.splitlines() if x.strip()]
            assert len(lines) <= 4, (path.name, cell.source[:60])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_only_app_cells_skip_output_comparison(path):
    for cell in _read(path).cells:
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            assert re.search(r"\b(PlannerApp|CoolingExplorer|AlternativesApp)\(", cell.source), (
                path.name,
                cell.source[:60],
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_images_have_alt_text(path):
    nb = _read(path)
    for text in _markdown(nb):
        for alt in MD_IMAGE.findall(text):
            assert alt.strip(), f"{path.name}: markdown image without alt text"
        for tag in HTML_IMAGE.findall(text):
            assert re.search(r'alt="[^"]+"', tag), f"{path.name}: <img> without alt"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            meta = output.get("metadata", {})
            alt = meta.get("image/png", {}).get("alt") or meta.get("alt")
            plain = str(data.get("text/plain", ""))
            described = alt or (plain and not plain.startswith("<Figure"))
            assert described, f"{path.name}: chart output without alt text: {cell.source[:60]}"


CHART_CALL = re.compile(
    r"\b(icing_timeline|cooling_curve|alternatives_chart|protocol_comparison)\("
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_charts_show_caption(path):
    """Every chart goes through aftercare.present.show: image with alt text, caption as text."""
    for cell in _read(path).cells:
        if cell.cell_type == "code" and CHART_CALL.search(cell.source):
            assert "show(" in cell.source, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nothing_is_printed_as_code(path):
    """Tables, plans and captions are HTML text (aftercare.present), never print()ed monospace."""
    for cell in _read(path).cells:
        if cell.cell_type == "code":
            assert "print(" not in cell.source, cell.source[:60]
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "stream", (path.name, cell.source[:60])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_timings_are_speaker_notes_not_headings(path):
    for text in _markdown(_read(path)):
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                assert "running total" not in line and "minutes)" not in line, line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_stored(path):
    """Outputs are committed so the suite reads well before it runs, and nbval compares them."""
    code = [c for c in _read(path).cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "execute and store outputs"
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))


def test_start_here_links_every_notebook():
    text = "\n".join(_markdown(_read(NOTEBOOK_DIR / "00_start_here.ipynb")))
    links = dict((target, label) for label, target in re.findall(r"\[([^\]]+)\]\(([^)]+)\)", text))
    for path in NOTEBOOKS[1:]:
        assert path.name in links, f"00_start_here does not link {path.name}"
        assert len(links[path.name].split()) >= 4, f"link text for {path.name} is not descriptive"


def test_acronyms_explained_at_first_use():
    """Each listed acronym, where a notebook uses it, is spelled out in that notebook."""
    terms = {
        "PNS": "post-needling soreness",
        "MTrP": "myofascial trigger point",
        "DOMS": "delayed-onset muscle soreness",
        "VAS": "visual analogue scale",
        "SMD": "standardised mean difference",
        "RCT": "randomised controlled trial",
        "PENS": "percutaneous electrical nerve stimulation",
        "CI": "confidence interval",
    }
    for path in NOTEBOOKS:
        text = " ".join("\n".join(_markdown(_read(path))).split())
        for short, long in terms.items():
            uses = [m.start() for m in re.finditer(rf"\b{short}s?\b", text)]
            if not uses:
                continue
            spelled = text.lower().find(long)
            assert spelled != -1 and spelled < uses[0] + 80, (
                f"{path.name}: explain {short} at first use"
            )


def test_case_notebook_shows_every_case():
    from aftercare.cases import load_cases

    source = "\n".join(c.source for c in _read(NOTEBOOK_DIR / "06_case_studies.ipynb").cells)
    for case in load_cases():
        assert f'get_case("{case.id}")' in source, f"06_case_studies does not show {case.id}"


def test_self_check_notebook_asks_every_question():
    from aftercare.quiz import TOPICS, load_quiz

    source = "\n".join(c.source for c in _read(SELF_CHECK).cells)
    assert len(load_quiz().questions) >= 20
    for topic in TOPICS:
        assert f'quiz("{topic}")' in source, f"{SELF_CHECK.stem} does not ask the {topic} questions"


def test_conversation_notebook_has_its_own_questions_and_uses_the_planner_and_handout():
    """The notebook on the conversation with the patient (issue #14): at least three quiz
    questions of its own, the planner app, the handout command, teach-back and the warning
    signs the sheet prints."""
    from aftercare.quiz import load_quiz

    path = NOTEBOOK_DIR / "07_conversation_with_the_patient.ipynb"
    nb = _read(path)
    source = "\n".join(c.source for c in nb.cells)
    assert len(load_quiz().by_topic("conversation")) >= 3
    assert 'quiz("conversation")' in source
    assert "PlannerApp(" in source and "python -m aftercare handout" in source
    assert "warning_signs_table()" in source and "[ahrq-toolkit]" in source
    for finding in ("[martinpintado2014]", "[martinpintado2018]", "[diciolla2021]"):
        assert finding in source, f"say which study found what: {finding}"


def test_notebook_03_shows_the_basis_of_every_rule():
    """The compact rule table fits a live slide; the bases follow in groups that must cover every
    rule of the protocol, so none is left without its basis."""
    import ast

    from aftercare.protocol import rule_names

    source = (NOTEBOOK_DIR / "03_icing_timeline_planner.py").read_text(encoding="utf-8")
    shown: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "rule_table":
            if len(node.args) > 1:
                shown += ast.literal_eval(node.args[1])
    assert sorted(shown) == sorted(rule_names()), "notebook 03 must give each rule's basis once"
