"""A one- or two-page aftercare sheet for one patient, in English or Brazilian Portuguese.

The sheet shows the ice schedule as clock times (from :func:`aftercare.plan_icing`), how to
apply the ice, what the skin should and should not look like, what to do instead when cold is
not suitable, when to get help (``data/red_flags.yaml``), the clinic's protocol title, version
and date, and that the sheet is education and the clinician's instruction, not individual
medical advice. All wording comes from the translation catalogues (:mod:`.i18n`); all text a
user supplies is HTML-escaped (Jinja2 autoescape). Files are written atomically and an
existing file is kept unless ``force`` is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .files import OutputPathError, check_writable, same_path, write_atomic
from .i18n import get_translator, normalise_lang
from .patient_file import PatientFile, build_patient, load_patient_file

__all__ = ["HandoutResult", "handout_context", "render_handout", "write_handout"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_OUT_SUFFIXES = (".html", ".htm", ".pdf")


@dataclass(frozen=True)
class HandoutResult:
    """What was written: the file, the language and the plan it shows."""

    path: Path
    lang: str
    verdict: str
    sessions: int
    protocol: str


def _fmt_time(clock: str, locale: str) -> str:
    from babel.dates import format_time

    return format_time(dt.time.fromisoformat(clock), format="short", locale=locale)


def _fmt_date(day: dt.date, locale: str, *, short: bool = False) -> str:
    from babel.dates import format_date, format_skeleton

    if short:
        return format_skeleton("MMMEd", day, locale=locale)
    return format_date(day, format="medium", locale=locale)


def handout_context(
    record: PatientFile,
    *,
    lang: str = "en",
    protocol: str | None = None,
    file: str | Path = "<patient>",
) -> dict[str, Any]:
    """Everything the handout template shows, already translated (plain strings)."""
    from .. import compare_alternatives, load_protocol, plan_icing
    from ..factors import load_factors
    from ..therapies import load_therapies
    from .red_flags import load_red_flags

    lang = normalise_lang(lang)
    _ = get_translator(lang)
    locale = _.locale
    patient = build_patient(record, file)
    proto = load_protocol(protocol or record.protocol)
    plan = plan_icing(patient, proto)
    factors = load_factors()

    def factor_label(fid: str) -> str:
        return _(fid, context="factor", default=factors[fid].plain_label)

    # Ice schedule grouped by day, as local clock times.
    days = []
    sessions = plan.sessions
    for day, rows in sessions.groupby("day", sort=True):
        day = int(day)
        date = record.needled_on + dt.timedelta(days=day - 1) if record.needled_on else None
        label = (
            _("ice.day_date", day=day, date=_fmt_date(date, locale, short=True))
            if date
            else _("ice.day", day=day)
        )
        days.append({"label": label, "times": [_fmt_time(t, locale) for t in rows["clock_time"]]})
    example = None
    if len(sessions):
        first = sessions.iloc[0]
        example = _(
            "ice.example",
            start=_fmt_time(first.clock_time, locale),
            end=_fmt_time(first.end_clock_time, locale),
        )
    minutes = f"{plan.session_minutes:g}"

    # Options besides or instead of ice.
    therapies = load_therapies()
    if plan.verdict == "ok":
        table = compare_alternatives(patient, proto)
        options = [
            (r.therapy, r.suitability, r.delivered_by)
            for r in table.itertuples()
            if r.therapy != "ice" and r.suitability == "recommended"
        ]
    else:
        options = [(a.therapy, a.suitability, a.delivered_by) for a in plan.alternatives]

    def therapy_label(tid: str) -> str:
        default = therapies[tid].plain_name if tid in therapies else tid
        return _(tid, context="therapy", default=default)

    self_care = [
        {"text": therapy_label(t), "caution": s == "caution"}
        for t, s, by in options
        if by == "patient"
    ]
    clinician_care = [therapy_label(t) for t, s, by in options if by == "clinician"]

    # When to get help.
    flags = []
    for flag in load_red_flags():
        flags.append(
            {
                "action": flag.action,
                "text": _(flag.id, context="red_flag", default=flag.label),
                "sources": ", ".join(flag.source_ids) if flag.source_ids else _("foot.no_source"),
            }
        )

    sources: list[str] = []
    for ids in [plan.source_ids, *[f.source_ids for f in load_red_flags()]]:
        sources.extend(i for i in ids if i not in sources)

    needled_time = _fmt_time(record.needled_at, locale)
    header = []
    if record.name:
        header.append(_("doc.for", name=record.name))
    if record.site:
        header.append(_("doc.site", site=record.site))
    if record.needled_on:
        header.append(
            _("doc.needled_date", date=_fmt_date(record.needled_on, locale), time=needled_time)
        )
    else:
        header.append(_("doc.needled_time", time=needled_time))
    if record.clinician:
        header.append(_("doc.clinician", clinician=record.clinician))
    if record.clinic_phone:
        header.append(_("doc.clinic_phone", phone=record.clinic_phone))

    barrier = proto.barrier
    return {
        "lang": lang,
        "t": _,
        "title": _("doc.title"),
        "clinic_name": record.clinic_name,
        "header": header,
        "intro": _("intro.sore"),
        "verdict": plan.verdict,
        "minutes": minutes,
        "days": days,
        "example": example,
        "caution_factors": [factor_label(f.factor) for f in plan.flags],
        "avoid_factors": [factor_label(f.factor) for f in plan.flags if f.level == "avoid"],
        "check_minutes": f"{proto.skin_check_minutes:g}",
        "barrier_text": _(barrier, context="barrier", default=proto.barrier_label),
        "self_care": self_care,
        "clinician_care": clinician_care,
        "emergency_flags": [f for f in flags if f["action"] == "emergency"],
        "clinic_flags": [f for f in flags if f["action"] == "clinic"],
        "clinic_phone": record.clinic_phone,
        "note": record.note,
        "protocol_line": _(
            "foot.protocol",
            title=proto.title,
            version=proto.version,
            date=_fmt_date(proto.effective_date, locale),
        ),
        "sources": sources,
        "plan": plan,
    }


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(
    record: PatientFile, lang: str, protocol: str | None, file: str | Path
) -> tuple[str, dict[str, Any]]:
    context = handout_context(record, lang=lang, protocol=protocol, file=file)
    return _environment().get_template("handout.html.j2").render(**context), context


def render_handout(
    record: PatientFile,
    *,
    lang: str = "en",
    protocol: str | None = None,
    file: str | Path = "<patient>",
) -> str:
    """The handout as an HTML page (self-contained: inline CSS, no scripts, no network)."""
    return _render(record, lang, protocol, file)[0]


def write_handout(
    patient_file: str | Path,
    out: str | Path,
    *,
    lang: str = "en",
    protocol: str | None = None,
    force: bool = False,
) -> HandoutResult:
    """Read a patient file and write its aftercare sheet to ``out`` (``.html`` or ``.pdf``).

    Parameters
    ----------
    patient_file : path
        JSON file following ``schemas/patient.schema.json``.
    out : path
        Output file; ``.html`` or ``.pdf`` (printed with the system Chromium).
    lang : {"en", "pt-BR"}
        Language of the sheet.
    protocol : str, optional
        Protocol preset name or YAML path; default: the file's ``protocol`` or the default preset.
    force : bool
        Replace an existing ``out``; without it an existing file is an error.

    Examples
    --------
    >>> write_handout("tests/fixtures/patient_en.json", "sheet.html")  # doctest: +SKIP
    """
    out = Path(out)
    if out.suffix.lower() not in _OUT_SUFFIXES:
        raise InputError("out", str(out), "a file name ending in .html or .pdf")
    if same_path(out, Path(patient_file)):
        raise OutputPathError(
            f"--out {out} is the patient file; choose another file (not even --force "
            "replaces --patient)"
        )
    check_writable(out, force=force)
    if not out.parent.is_dir():
        what = "is a file" if out.parent.exists() else "does not exist"
        raise OutputPathError(
            f"--out {out}: the folder {out.parent} {what}; choose a file in an existing folder"
        )
    record = load_patient_file(patient_file)
    html, context = _render(record, lang, protocol, patient_file)
    data: str | bytes = html
    if out.suffix.lower() == ".pdf":
        from .pdf import print_html_string_to_pdf

        # Printed from memory: no temporary file holds the patient's sheet.
        data = print_html_string_to_pdf(html)
    write_atomic(out, data, force=force)
    plan = context["plan"]
    return HandoutResult(out, context["lang"], plan.verdict, len(plan.sessions), plan.protocol.name)
