"""A one- or two-page aftercare sheet for one patient, in English or Brazilian Portuguese.

Everything the sheet decides comes from one language-neutral structure,
:func:`.content.sheet_content` (each option allowed, with care or ruled out, its reasons and
only the advice that applies while it is open); this module translates and renders it. The sheet
says first that ice is optional (where ice is open), then names in a "Do not use" box every
self-care option this patient must not use, with its plain reason and, where only a helper is
missing, what would change it. It shows the earliest times ice may be used as clock times, how
to apply it, what the skin should and should not look like, each present factor's advice about
the options still open (``data/factor_advice.csv``), what else can help (with heat's safety
lines under heat), a part for the carer where a condition needs one, when to get help
(``data/red_flags.yaml``), the clinic's protocol title (in the sheet's language where the
protocol gives one), version and date, and that the sheet is education and the clinician's
instruction, not individual medical advice.

Two copies: ``copy="patient"`` (the default) carries no source ids and names the options the
clinic gives only as "ask at your next visit"; ``copy="clinician"`` adds an alert for a needled
site with a clot, infection, cancer or broken skin (``data/site_alerts.csv``), the clinic's
options with their status, and every source id and, in a closing "for the record" section, the
basis of every rule, level and warning sign used. All wording comes from the translation
catalogues (:mod:`.i18n`); all text a user supplies is HTML-escaped (Jinja2 autoescape). Files
are written atomically and an existing file is kept unless ``force`` is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, InputError, check_choice
from ..export.files import OutputPathError, check_writable, same_path, write_atomic
from ..resources import shipped
from .content import SheetContent, sheet_content
from .i18n import get_translator, normalise_lang
from .patient_file import PatientFile, build_patient, load_patient_file

__all__ = [
    "COPIES",
    "CLOCKS",
    "HandoutResult",
    "handout_context",
    "render_handout",
    "write_handout",
    "write_sheet",
]

_TEMPLATES = shipped("sheet", "templates")
_OUT_SUFFIXES = (".html", ".htm", ".pdf")
#: ``patient``: no source ids; ``clinician``: every id and basis, for the record.
COPIES = ("patient", "clinician")
#: Clock styles; ``None`` takes the language's usual one (12h for en, 24h for pt-BR).
CLOCKS = ("12h", "24h")
_CLOCK_PATTERNS = {"12h": "h:mm a", "24h": "HH:mm"}


@dataclass(frozen=True)
class HandoutResult:
    """What was written: the file, the language, the copy and the plan it shows."""

    path: Path
    lang: str
    verdict: str
    sessions: int
    protocol: str
    copy: str = "patient"


def _fmt_time(clock: str | dt.time, locale: str, style: str | None) -> str:
    from babel.dates import format_time

    time = dt.time.fromisoformat(clock) if isinstance(clock, str) else clock
    pattern = _CLOCK_PATTERNS[style] if style else "short"
    return format_time(time, format=pattern, locale=locale)


def _fmt_date(day: dt.date, locale: str, *, short: bool = False) -> str:
    from babel.dates import format_date, format_skeleton

    if short:
        return format_skeleton("MMMEd", day, locale=locale)
    return format_date(day, format="medium", locale=locale)


def _ids(ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(ids)


def _grouped(pairs: Any) -> list[dict[str, Any]]:
    """``(text, factor label)`` pairs as ``{"text", "factors"}``, each text once, in order."""
    groups: dict[str, list[str]] = {}
    for text, label in pairs:
        labels = groups.setdefault(text, [])
        if label not in labels:
            labels.append(label)
    return [{"text": text, "factors": labels} for text, labels in groups.items()]


def handout_context(
    record: PatientFile,
    *,
    lang: str = "en",
    protocol: str | None = None,
    file: str | Path = "<patient>",
    copy: str = "patient",
    clock: str | None = None,
) -> dict[str, Any]:
    """Everything the handout template shows, already translated (plain strings).

    Parameters
    ----------
    record : PatientFile
    lang : str
        A language tag of :func:`aftercare.sheet.i18n.languages` ("en", "pt-BR"...).
    protocol : str, optional
        Preset name or YAML path; default: the record's ``protocol`` or the default preset.
    file : path
        The patient file's name, for error messages.
    copy : {"patient", "clinician"}
        The patient copy has no source ids; the clinician copy shows every id and basis.
    clock : {"12h", "24h"} or None
        Clock style; ``None`` for the language's usual one.
    """
    from .. import load_protocol, plan_icing
    from ..factors import load_factors
    from ..therapies import load_therapies
    from .warning_signs import sheet_flags
    from .what_is_normal import sheet_normal_items

    lang = normalise_lang(lang)
    check_choice("copy", copy, COPIES)
    if clock is not None:
        check_choice("clock", clock, CLOCKS)
    clinician = copy == "clinician"
    _ = get_translator(lang)
    locale = _.locale
    patient = build_patient(record, file)
    try:
        proto = load_protocol(protocol or record.protocol)
    except DataError as exc:
        if protocol or not record.protocol or exc.file == "data/protocols":
            raise
        # A protocol path named in the patient file: say which file and field named it.
        raise DataError(str(file), str(exc), column="protocol") from None
    plan = plan_icing(patient, proto)
    factors = load_factors()
    therapies = load_therapies()

    def time_text(value: str | dt.time) -> str:
        return _fmt_time(value, locale, clock)

    def factor_label(fid: str) -> str:
        return _(fid, context="factor", default=factors[fid].plain_label)

    def therapy_label(tid: str) -> str:
        default = therapies[tid].plain_name if tid in therapies else tid
        return _(tid, context="therapy", default=default)

    values = {
        "skin_check_minutes": f"{proto.skin_check_minutes:g}",
        "session_minutes": f"{plan.session_minutes:d}",
        "max_session_minutes": f"{proto.max_session_minutes:g}",
    }
    content = sheet_content(plan)

    def line_items(lines: Any) -> list[dict[str, Any]]:
        """Advice lines, translated, with the option each speaks of (for ``data-option``)."""
        return [
            {
                "option": line.option,
                "text": _.data(line.text, context="factor.advice", **values),
                "factors": [factor_label(f) for f in line.factors],
                "sources": _ids(line.source_ids),
            }
            for line in lines
        ]

    def reasons(option: Any, *, level: str) -> list[dict[str, Any]]:
        return _grouped(
            (_.data(d.reason, context="reason"), factor_label(d.factor))
            for d in option.decisions
            if d.level == level
        )

    def sources_of(decisions: Any) -> str:
        return _ids(tuple(dict.fromkeys(s for d in decisions for s in d.source_ids)))

    # Do not use: every self-care option this patient must avoid, with its plain reasons, and
    # what would change it where only a helper is missing.
    do_not_use = [
        {
            "id": option.option,
            "name": _(option.option, context="therapy.avoid"),
            "reasons": reasons(option, level="avoid"),
            "sources": sources_of(d for d in option.decisions if d.level == "avoid"),
            "choice": any(d.protocol_choice for d in option.decisions if d.level == "avoid"),
            "next_step": option.needs_helper_only,
        }
        for option in content.options
        if option.ruled_out and option.delivered_by == "patient"
    ]
    ice = content.option("ice")

    # The earliest ice times grouped by day, as local clock times.
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
        days.append({"label": label, "times": [time_text(t) for t in rows["clock_time"]]})
    example = None
    if len(sessions):
        first = sessions.iloc[0]
        example = _(
            "ice.example",
            start=time_text(first.clock_time),
            end=time_text(first.end_clock_time),
        )
    wake = patient.awake_from or proto.day_starts
    sleep = patient.asleep_from or proto.night_starts

    # Options besides or instead of ice that this patient may use, each with its own advice.
    self_care = [
        {
            "id": option.option,
            "text": therapy_label(option.option),
            "caution": option.status == "with_care",
            "sources": _ids(option.source_ids),
            "lines": line_items(option.lines),
        }
        for option in content.options
        if option.delivered_by == "patient" and option.option != "ice" and not option.ruled_out
    ]
    # Options the clinician gives: decided in full on the clinician copy only.
    clinic_options = [
        {
            "id": option.option,
            "text": therapy_label(option.option),
            "status": option.status,
            "reasons": reasons(option, level="avoid") + reasons(option, level="caution"),
            "sources": sources_of(option.decisions) or _ids(option.source_ids),
        }
        for option in content.options
        if option.delivered_by == "clinician"
    ]

    # When to get help: the signs for this patient, each under the heading of its action.
    shown_flags = sheet_flags(patient.present_factors, {alt.therapy for alt in plan.do_not_use})
    flags = [
        {
            "id": flag.id,
            "action": flag.action,
            "text": _(flag.id, context="red_flag", **flag.values()),
            "sources": _ids(flag.source_ids) if flag.source_ids else _("foot.no_source"),
        }
        for flag in shown_flags
    ]
    # What is normal after needling (and, where ice has a plan, when to use it again).
    normal_items = sheet_normal_items({"ice"} if plan.verdict != "avoid" and days else set())
    normal = [
        {"id": item.id, "text": _(item.id, context="normal"), "sources": _ids(item.source_ids)}
        for item in normal_items
    ]

    needled_time = time_text(record.needled_at)
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

    return {
        "lang": lang,
        "t": _,
        "copy": copy,
        "clinician": clinician,
        "title": _("doc.title"),
        "clinic_name": record.clinic_name,
        "header": header,
        "intro": _("intro.sore"),
        "verdict": plan.verdict,
        "minutes": f"{plan.session_minutes:d}",
        "per_day": f"{proto.max_sessions_per_day:d}",
        "days": days,
        "example": example,
        "waking": _("ice.waking", wake=time_text(wake), sleep=time_text(sleep)),
        "do_not_use": do_not_use,
        "ice_open": not ice.ruled_out,
        "ice_lines": line_items(ice.lines),
        "health": line_items(content.general),
        "carer": line_items(content.carer),
        "site_alerts": [
            {
                "label": factors[alert.factor].clinician_label,
                "check": alert.check,
                "note": alert.note,
                "sources": _ids(alert.source_ids),
            }
            for alert in content.site_alerts
        ]
        if clinician
        else [],
        "caution_factors": [factor_label(f.factor) for f in plan.flags],
        "check_minutes": f"{proto.skin_check_minutes:g}",
        # A barrier's sentence is in every catalogue (no English fallback on a translated sheet).
        "barrier_text": _(proto.barrier, context="barrier"),
        "self_care": self_care,
        "clinic_options": clinic_options if clinician else [],
        "ask_at_visit": any(o["status"] != "ruled_out" for o in clinic_options),
        "heat_minutes": f"{proto.heat_max_minutes:g}",
        "emergency_flags": [f for f in flags if f["action"] == "emergency"],
        "doctor_flags": [f for f in flags if f["action"] == "doctor_today"],
        "clinic_flags": [f for f in flags if f["action"] == "clinic"],
        "normal": normal,
        "clinic_phone": record.clinic_phone,
        "note": record.note,
        "protocol_line": _(
            "foot.protocol",
            title=proto.title_in(lang),
            version=proto.version,
            date=_fmt_date(proto.effective_date, locale),
        ),
        "record": _record(plan, shown_flags, factors, content) if clinician else None,
        "sources": list(
            dict.fromkeys(
                [
                    *plan.source_ids,
                    *(i for f in shown_flags for i in f.source_ids),
                    *(i for item in normal_items for i in item.source_ids),
                ]
            )
        ),
        "plan": plan,
        "content": content,
    }


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items()) or "none"
    return str(value)


def _record(plan: Any, red_flags: Any, factors: Any, content: SheetContent) -> list[dict[str, Any]]:
    """The clinician copy's "for the record" rows: item, basis, sources, protocol's choice.

    The basis texts are the data files' own (English) wording. The first two rows list every
    condition screened, present and absent.
    """
    proto = plan.protocol
    present = [factors[f].clinician_label for f, found in content.screened if found]
    absent = [factors[f].clinician_label for f, found in content.screened if not found]
    rows: list[dict[str, Any]] = [
        {
            "item": "Conditions screened: present",
            "basis": "; ".join(present) or "none",
            "sources": "",
            "choice": False,
        },
        {
            "item": "Conditions screened: absent",
            "basis": "; ".join(absent) or "none",
            "sources": "",
            "choice": False,
        },
    ]
    for alert in content.site_alerts:
        rows.append(
            {
                "item": f"Needled site: {factors[alert.factor].clinician_label} "
                f"({alert.check} to check)",
                "basis": alert.note
                + (
                    "" if alert.confirmed else " No dry-needling safety guidance read: unconfirmed."
                ),
                "sources": _ids(alert.source_ids) or "none found",
                "choice": False,
            }
        )
    for entry in proto.rule_table():
        rule = proto.rule(entry["rule"])
        rows.append(
            {
                "item": f"{entry['rule']} = {_value_text(entry['value'])}",
                "basis": entry["basis"],
                "sources": _ids(entry["source_ids"]),
                "choice": rule.protocol_choice,
            }
        )
    for flag in plan.flags:
        rows.append(
            {
                "item": f"{flag.label}: ice {flag.level}",
                "basis": flag.reason,
                "sources": _ids(flag.source_ids),
                "choice": False,
            }
        )
    for alt in plan.assessments:
        for lim in alt.limits:
            if alt.therapy == "ice":
                continue
            rows.append(
                {
                    "item": f"{factors[lim.factor].clinician_label}: {alt.therapy} {lim.level}",
                    "basis": lim.plain_reason
                    + (" Supervision rule: no helper recorded." if lim.supervision else ""),
                    "sources": _ids(lim.source_ids or factors[lim.factor].source_ids),
                    "choice": lim.protocol_choice,
                }
            )
    said = {row["basis"] for row in rows}
    for step in plan.instructions:
        if step.reason in said:  # a step that rests on a rule already listed
            continue
        said.add(step.reason)
        rows.append(
            {
                "item": str(step),
                "basis": step.reason,
                "sources": _ids(step.source_ids),
                "choice": False,
            }
        )
    for flag in red_flags:
        rows.append(
            {
                "item": f"Warning sign ({flag.action}): {flag.label_text()}",
                "basis": " ".join(flag.basis.split()) + f" Confidence: {flag.confidence}.",
                "sources": _ids(flag.source_ids) or "none found",
                "choice": flag.protocol_choice,
            }
        )
    return rows


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(record: PatientFile, **options: Any) -> tuple[str, dict[str, Any]]:
    context = handout_context(record, **options)
    return _environment().get_template("handout.html.j2").render(**context), context


def render_handout(
    record: PatientFile,
    *,
    lang: str = "en",
    protocol: str | None = None,
    file: str | Path = "<patient>",
    copy: str = "patient",
    clock: str | None = None,
) -> str:
    """The handout as an HTML page (self-contained: inline CSS, no scripts, no network).

    Options as in :func:`handout_context`.
    """
    return _render(record, lang=lang, protocol=protocol, file=file, copy=copy, clock=clock)[0]


def write_handout(
    patient_file: str | Path,
    out: str | Path,
    *,
    lang: str = "en",
    protocol: str | None = None,
    force: bool = False,
    copy: str = "patient",
    clock: str | None = None,
) -> HandoutResult:
    """Read a patient file and write its aftercare sheet to ``out`` (``.html`` or ``.pdf``).

    Parameters
    ----------
    patient_file : path
        JSON file following ``schemas/patient.schema.json``.
    out : path
        Output file; ``.html`` or ``.pdf`` (printed with the system Chromium).
    lang : str
        A language tag of :func:`aftercare.sheet.i18n.languages` ("en", "pt-BR"...).
        Language of the sheet.
    protocol : str, optional
        Protocol preset name or YAML path; default: the file's ``protocol`` or the default preset.
    force : bool
        Replace an existing ``out``; without it an existing file is an error.
    copy : {"patient", "clinician"}
        ``patient`` (default): no source ids; ``clinician``: every source id and basis.
    clock : {"12h", "24h"} or None
        Clock style; default the language's usual one (12h for en, 24h for pt-BR).

    Examples
    --------
    >>> write_handout("tests/fixtures/patient_en.json", "sheet.html")  # doctest: +SKIP
    """
    out = _out_path(out)
    if same_path(out, Path(patient_file)):
        raise OutputPathError(
            f"--out {out} is the patient file; choose another file (not even --force "
            "replaces --patient)"
        )
    return _write(
        lambda: load_patient_file(patient_file),
        out,
        file=patient_file,
        lang=lang,
        protocol=protocol,
        force=force,
        copy=copy,
        clock=clock,
    )


def write_sheet(
    record: PatientFile,
    out: str | Path,
    *,
    source: str = "the form",
    lang: str = "en",
    protocol: Any = None,
    force: bool = False,
    copy: str = "patient",
    clock: str | None = None,
) -> HandoutResult:
    """Write the aftercare sheet of a patient record already read (for example from a form) to
    ``out``, as :func:`write_handout` does for a file; ``source`` names the record in errors."""
    return _write(
        lambda: record,
        _out_path(out),
        file=source,
        lang=lang,
        protocol=protocol,
        force=force,
        copy=copy,
        clock=clock,
    )


def _out_path(out: str | Path) -> Path:
    out = Path(out)
    if out.suffix.lower() not in _OUT_SUFFIXES:
        raise InputError("out", str(out), "a file name ending in .html or .pdf")
    return out


def _write(
    read: Callable[[], PatientFile],
    out: Path,
    *,
    file: str | Path,
    lang: str,
    protocol: Any,
    force: bool,
    copy: str,
    clock: str | None,
) -> HandoutResult:
    """Check ``out`` and the options, then read the record, render it and write it atomically."""
    check_writable(out, force=force)
    if not out.parent.is_dir():
        what = "is a file" if out.parent.exists() else "does not exist"
        raise OutputPathError(
            f"--out {out}: the folder {out.parent} {what}; choose a file in an existing folder"
        )
    check_choice("copy", copy, COPIES)
    if clock is not None:
        check_choice("clock", clock, CLOCKS)
    record = read()
    html, context = _render(record, lang=lang, protocol=protocol, file=file, copy=copy, clock=clock)
    data: str | bytes = html
    if out.suffix.lower() == ".pdf":
        from ..export.pdf import print_html_string_to_pdf

        # Printed from memory: no temporary file holds the patient's sheet.
        data = print_html_string_to_pdf(html)
    write_atomic(out, data, force=force)
    plan = context["plan"]
    return HandoutResult(
        out, context["lang"], plan.verdict, len(plan.sessions), plan.protocol.name, copy
    )
