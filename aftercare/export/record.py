"""A self-study learner's completion record, as a one-page PDF (or HTML).

``python -m aftercare record --out my-record.pdf`` reads the learner's own record
(:mod:`aftercare.progress`, ``~/.aftercare/progress.sqlite``) and prints what it holds: the
notebooks run to their last cell, each with its study time from ``notebooks/README.md``, the
self-check score (answers right at the first try), the protocol the course was studied with, the
suite's version, and the dates. It is a record of study in this copy of the course, not a
certificate: it makes no claim of accreditation or of continuing-education credit.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AftercareError
from ..progress import ProgressStore, learner_name, local_store_path
from ..quiz import load_quiz
from ..resources import require_checkout_dir
from .files import check_writable, write_atomic

__all__ = ["NotebookEntry", "CompletionRecord", "study_plan", "completion_record", "write_record"]

_ROW = re.compile(r"^\|\s*(\d{2})\s*\|\s*(.+?)\s*\|\s*(\d+)\s*min\s*\|\s*$")


class RecordError(AftercareError):
    """The completion record cannot be made (no record yet, unknown output type)."""


@dataclass(frozen=True)
class NotebookEntry:
    """One notebook of the course: number, title, study time [min], and when it was finished."""

    number: str
    title: str
    study_min: int
    finished_on: str | None


@dataclass(frozen=True)
class CompletionRecord:
    """What a completion record shows."""

    learner: str
    notebooks: tuple[NotebookEntry, ...]
    questions: int
    answered: int
    correct_first_try: int
    protocol: str
    suite_version: str
    first_activity: str | None
    last_activity: str | None
    printed_on: str

    @property
    def finished_min(self) -> int:
        """Study time of the finished notebooks [min] (the course's estimates, not a timer)."""
        return sum(n.study_min for n in self.notebooks if n.finished_on)


def study_plan(readme: Path | None = None) -> tuple[tuple[str, str, int], ...]:
    """The course's notebooks and study times, from the table in ``notebooks/README.md``.

    Examples
    --------
    >>> plan = study_plan()
    >>> plan[0][0], plan[0][2] > 0
    ('00', True)
    """
    if readme is None:
        readme = (
            require_checkout_dir(
                "notebooks", what="the teaching notebooks", instead="study in a checkout"
            )
            / "README.md"
        )
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            title = re.sub(r"\s*\(`?data/[^)]*\)", "", match[2]).replace("`", "")
            rows.append((match[1], title, int(match[3])))
    if not rows:
        raise RecordError(f"{readme}: no study-time table (| NN | title | N min |) was found")
    return tuple(rows)


def _day(stamp: str | None) -> str | None:
    return None if stamp is None else stamp[:10]


def completion_record(store: ProgressStore | None = None, *, learner: str | None = None):
    """Gather a learner's completion record from their own progress file."""
    from .. import __version__, load_protocol

    store = store or ProgressStore(local_store_path())
    learner = learner or learner_name()
    records = {r.learner: r for r in store.records()}
    record = records.get(learner)
    finished = store.finished_notebooks(learner)
    by_number = {name[:2]: times for name, times in finished.items()}
    notebooks = tuple(
        NotebookEntry(number, title, minutes, _day(by_number.get(number, (None,))[0]))
        for number, title, minutes in study_plan()
    )
    protocol = load_protocol()
    return CompletionRecord(
        learner=learner,
        notebooks=notebooks,
        questions=len(load_quiz().questions),
        answered=record.answered if record else 0,
        correct_first_try=record.correct_first_try if record else 0,
        protocol=f"{protocol.title} (version {protocol.version}, effective "
        f"{protocol.effective_date})",
        suite_version=__version__,
        first_activity=_day(record.first_at) if record else None,
        last_activity=_day(record.last_at) if record else None,
        printed_on=dt.date.today().isoformat(),
    )


def record_html(record: CompletionRecord, *, name: str | None = None) -> str:
    """The record as a self-contained, printable HTML page."""
    e = html.escape
    rows = "\n".join(
        f"<tr><td>{e(n.number)}</td><td>{e(n.title)}</td><td>{n.study_min} min</td>"
        f"<td>{e(n.finished_on) if n.finished_on else 'not finished'}</td></tr>"
        for n in record.notebooks
    )
    done = sum(1 for n in record.notebooks if n.finished_on)
    who = e(name) if name else e(record.learner)
    period = (
        f"{e(record.first_activity)} to {e(record.last_activity)}"
        if record.first_activity
        else "no activity recorded yet"
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Completion record: aftercare after dry needling</title>
<style>
 @page {{ size: A4; margin: 18mm; }}
 body {{ font: 10pt/1.35 "DejaVu Sans", sans-serif; color: #111; }}
 h1 {{ font-size: 18pt; margin: 0 0 4pt; }}
 table {{ border-collapse: collapse; width: 100%; margin: 8pt 0; }}
 th, td {{ border-bottom: 1px solid #999; padding: 2pt 6pt; text-align: left; }}
 td:nth-child(3), td:nth-child(4), th {{ white-space: nowrap; }}
 .box {{ border: 1.5pt solid #0072B2; padding: 6pt 10pt; margin: 8pt 0; }}
 .small {{ font-size: 9.5pt; color: #333; }}
</style></head><body>
<h1>Completion record</h1>
<p><b>aftercare</b>: a course for health professionals on aftercare after myofascial dry
needling (version {e(record.suite_version)}).</p>
<div class="box">
<p><b>Learner:</b> {who}<br>
<b>Study dates:</b> {period}<br>
<b>Notebooks finished:</b> {done} of {len(record.notebooks)}, about {record.finished_min} minutes
of study by the course's estimates<br>
<b>Self-check:</b> {record.correct_first_try} right at the first try, of {record.answered}
answered ({record.questions} questions in the course)<br>
<b>Protocol studied:</b> {e(record.protocol)}</p>
</div>
<table><thead><tr><th>No.</th><th>Notebook</th><th>Study time</th><th>Finished</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<p class="small">This record lists what was done in this copy of the course, as its own
progress file holds it: a notebook counts as finished when it was run to its last cell, and
study times are the course's estimates, not measured time. It is not a certificate and makes no
claim of accreditation or of continuing-education credit. The course is education, not
individual medical advice. Printed {e(record.printed_on)}.</p>
</body></html>"""


def write_record(out: str | Path, *, force: bool = False, name: str | None = None) -> Path:
    """Write the learner's completion record to ``out`` (``.pdf`` or ``.html``).

    Raises
    ------
    RecordError
        For another file type.
    aftercare.export.files.OutputExistsError
        When ``out`` exists and ``force`` is false.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in {".pdf", ".html"}:
        raise RecordError(f"--out {out}: the record is written as .pdf or .html, not {suffix!r}")
    check_writable(out, force=force)
    page = record_html(completion_record(), name=name)
    if suffix == ".html":
        return write_atomic(out, page, force=force)
    from .pdf import print_html_string_to_pdf

    return write_atomic(out, print_html_string_to_pdf(page), force=force)
