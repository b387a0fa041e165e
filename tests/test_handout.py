"""Patient handouts: content, plain language, languages, escaping, safe writing, file errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser import axe_violations, open_offline, serious
from markupsafe import escape
from readability import SYLLABLE_SOURCE, fk_grade, patient_text

from aftercare.export.files import OutputExistsError, OutputWriteError
from aftercare.factors import factor_ids
from aftercare.packs import prescribable_barriers
from aftercare.sheet.handout import handout_context, render_handout, write_handout
from aftercare.sheet.i18n import DATA_CONTEXTS, CatalogueError, get_translator, languages
from aftercare.sheet.patient_file import (
    PatientFile,
    PatientFileError,
    load_patient_file,
    patient_schema,
)
from aftercare.sheet.warning_signs import load_red_flags, sheet_flags
from aftercare.sources import get_source

# Fixtures "chromium" and "axe_path".
pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "patient_en.json"
SCHEMA_PATH = ROOT / "schemas" / "patient.schema.json"  # the committed copy
BASE = {"needled_at": "09:30", "hours_since_needling": 0.5}
PATIENTS = {
    "ok": {**BASE},
    "caution": {
        **BASE,
        "factors": ["diabetes", "superficial_nerve"],
        "awake_from": "06:30",
        "asleep_from": "22:00",
    },
    "avoid": {**BASE, "factors": ["raynauds"]},
    "avoid_and_bleeding": {
        **BASE,
        "factors": ["cold_urticaria", "bleeding_risk"],
        "clinic_phone": "555-0100",
    },
}


def write_json(tmp_path: Path, data: dict, name: str = "patient.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def render(data: dict, lang: str = "en", **kw) -> str:
    return render_handout(PatientFile.model_validate(data), lang=lang, **kw)


def section(html: str, heading_id: str) -> str:
    """The HTML of the sheet's section labelled by ``heading_id`` ("" when absent)."""
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def cli(capsys):
    """Run ``python -m aftercare ...`` in-process; returns (exit status, stdout, stderr)."""
    from aftercare.__main__ import main

    def run(*args: str) -> SimpleNamespace:
        code = main(list(args))
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run


def test_cli_process_exits_2_without_traceback(tmp_path):
    path = write_json(tmp_path, {**BASE, "skinfold_mm": "thick"})
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "aftercare",
            "handout",
            "--patient",
            str(path),
            "--out",
            str(tmp_path / "out.html"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("error: ") and "field 'skinfold_mm'" in run.stderr
    assert str(path) in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.html").exists()


# -- content ----------------------------------------------------------------------------------


def test_sheet_shows_clock_times_protocol_and_disclaimer():
    from aftercare import Patient, load_protocol, plan_icing

    html = render(PATIENTS["caution"])
    plan = plan_icing(
        Patient(
            **{k: v for k, v in PATIENTS["caution"].items() if k != "factors"},
            diabetes=True,
            superficial_nerve=True,
        )
    )
    first = plan.sessions.iloc[0]
    hour, minute = map(int, first.clock_time.split(":"))
    shown = f"{(hour - 1) % 12 + 1}:{minute:02d}\u202f{'AM' if hour < 12 else 'PM'}"
    assert shown in html or shown.replace("\u202f", " ") in html
    proto = load_protocol()
    assert proto.title in html.replace("&#39;", "'")
    assert f"Version {proto.version}" in html
    assert "does not replace medical advice" in html
    assert "general health teaching" in html and "for learning" not in html
    assert "Take extra care with ice" in html and "Diabetes" in html
    assert "Look at your skin every 5 minutes" in html


def test_avoid_sheet_has_no_ice_times_and_offers_alternatives():
    html = render(PATIENTS["avoid"])
    box = section(html, "h-dont")
    assert "Ice or cold packs." in box and "Earliest times" not in html
    assert "Cold can close down the small blood vessels in your skin." in box
    assert "What to do instead of ice" in html
    assert "Raynaud" in html
    assert "Gentle stretches." in html


def test_red_flags_come_from_data_with_sources():
    flags = {f.id: f for f in load_red_flags()}
    assert flags["chest_breathing"].action == "emergency"
    assert {"weagle2021", "irmedj2022"} <= set(flags["chest_breathing"].source_ids)
    infection = flags["infection"]
    # No needling source reports infection: the sign rests on NHS skin-infection advice, says
    # so, and is rated low.
    assert infection.source_ids == ("nhs-cellulitis",) and infection.confidence == "low"
    assert "no needling source names these signs" in " ".join(infection.basis.split())
    html = render(PATIENTS["ok"])
    assert "chest pain" in html and "fever" in html
    assert "weagle2021" not in html  # the patient copy shows no source ids
    record = render(PATIENTS["ok"], copy="clinician")
    assert "weagle2021" in record and "nhs-cellulitis" in record


def test_red_flag_without_source_must_be_unconfirmed(data_copy):
    from aftercare.errors import DataError

    path = data_copy / "red_flags.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("source_ids: [nhs-cellulitis]", "source_ids: []"),
        encoding="utf-8",
    )
    load_red_flags.cache_clear()
    try:
        with pytest.raises(DataError, match="unconfirmed"):
            load_red_flags()
    finally:
        load_red_flags.cache_clear()


def test_no_name_written_unless_given():
    html = render(PATIENTS["ok"])
    assert "For:" not in html
    html = render({**PATIENTS["ok"], "name": "Ana Example"})
    assert "For: Ana Example" in html


# -- safety content: factor instructions, "Do not use", warning signs -------------------------

ALL_FACTORS = list(factor_ids())  # every factor of data/factors.csv
#: The ten profiles of the issue's closing table.
PROFILES = {
    "no factor": {},
    "diabetes": {"factors": ["diabetes"]},
    "neuropathy alone": {"factors": ["neuropathy"]},
    "neuropathy with helper": {"factors": ["neuropathy"], "has_helper": True},
    "Raynaud's": {"factors": ["raynauds"]},
    "DVT": {"factors": ["dvt_at_site"]},
    "bleeding risk": {"factors": ["bleeding_risk"]},
    "cognitive impairment": {"factors": ["cognitive_impairment"]},
    "superficial nerve": {"factors": ["superficial_nerve"]},
    "every factor": {"factors": ALL_FACTORS},
}


@pytest.mark.parametrize("lang", list(languages()))
@pytest.mark.parametrize("helper", [False, True])
def test_each_factors_advice_reaches_the_sheet_while_its_option_is_open(lang, helper):
    """Every row of data/factor_advice.csv is printed, in the sheet's language, exactly when
    its option is not ruled out for that patient."""
    from aftercare.advice import ANY, load_advice

    tr = get_translator(lang)
    for factor in sorted({a.factor for a in load_advice()}):
        record = {**BASE, "factors": [factor], "has_helper": helper}
        html = render(record, lang=lang)
        context = handout_context(PatientFile.model_validate(record), lang=lang)
        ruled_out = context["content"].ruled_out
        values = {
            "skin_check_minutes": "5",
            "session_minutes": f"{context['plan'].session_minutes}",
        }
        for row in load_advice():
            if row.factor != factor:
                continue
            text = escape(tr.data(row.text, context="factor.advice", **values))
            open_ = row.option == ANY or row.option not in ruled_out
            assert (text in html) == open_, (lang, factor, row.option, helper)


@pytest.mark.parametrize(
    ("profile", "avoided", "reason"),
    [
        (
            "neuropathy alone",
            {"ice", "heat"},
            "You may not feel it when heat is burning your skin.",
        ),
        ("DVT", {"heat", "massage"}, "Rubbing over a blood clot in a vein is not safe."),
        ("bleeding risk", {"heat"}, "Heat can make bleeding or a bruise worse."),
        ("cognitive impairment", {"ice", "heat"}, "It may be hard to notice or to say when heat"),
        ("Raynaud's", {"ice"}, "Cold can close down the small blood vessels in your skin."),
        ("neuropathy with helper", {"heat"}, "You may not feel it when heat is burning your skin."),
    ],
)
def test_do_not_use_box_names_each_avoided_option_with_its_reason(profile, avoided, reason):
    from aftercare.therapies import load_therapies

    html = render({**BASE, **PROFILES[profile]})
    box, offered = section(html, "h-dont"), section(html, "h-alt")
    tr = get_translator("en")
    self_care = [t for t, row in load_therapies().items() if row.delivered_by == "patient"]
    for therapy in self_care:
        name = escape(tr(therapy, context="therapy.avoid"))
        assert (name in box) == (therapy in avoided), (therapy, box)
        if therapy in avoided:
            assert escape(tr(therapy, context="therapy")) not in offered
    assert escape(reason) in box
    if "heat" in avoided:
        assert "Put a towel between the heat and your skin." not in html
    if "ice" in avoided:
        assert "Earliest times" not in html


def test_no_do_not_use_box_when_nothing_is_ruled_out_and_heat_has_its_safety_lines():
    html = render({**BASE})
    assert 'id="h-dont"' not in html
    offered = section(html, "h-alt")
    for line in (
        "Make it warm, not hot.",
        "Put a towel between the heat and your skin.",
        "Keep it on for 20 minutes or less.",
        "Look at your skin after 5 minutes.",
        "Never use heat while you sleep, and never lie on a heat pack.",
    ):
        assert line in offered, line


def test_sheet_says_ice_is_optional_and_times_are_earliest():
    html = render({**BASE})
    assert "Ice is optional. You do not have to use it." in html
    assert "They are the earliest times, not times you must use ice." in html
    assert "no more than 4 times a day" in html
    assert re.search(r"This plan counts on you sleeping from 11:00\sPM to 7:00\sAM", html)
    assert "Use ice at the times below" not in html


def test_supervision_is_explained_on_the_sheet():
    alone = section(render({**BASE, **PROFILES["neuropathy alone"]}), "h-dont")
    assert "Someone needs to stay with you and look at your skin the whole time" in alone
    helped = render({**BASE, **PROFILES["neuropathy with helper"]})
    assert "Someone needs to stay with you" not in helped
    assert "Earliest times" in helped  # ice allowed with care when someone stays


@pytest.mark.parametrize("lang", list(languages()))
def test_warning_signs_each_with_what_to_do(lang):
    html = render({**BASE, "clinic_phone": "555-0100"}, lang=lang)
    tr = get_translator(lang)
    call = section(html, "h-call")
    emergency, clinic = call.split(escape(tr("call.clinic_phone", phone="555-0100")))
    assert escape(tr("call.emergency")) in emergency
    flags = {f.id: f for f in load_red_flags()}
    for flag_id in ("chest_breathing", "bleeding_wont_stop"):
        assert flags[flag_id].action == "emergency"
        assert escape(tr(flag_id, context="red_flag", **flags[flag_id].values())) in emergency
    for flag_id in ("faint_drowsy", "bruise_growing", "nerve_after_needling"):
        assert flags[flag_id].action == "clinic"
        assert escape(tr(flag_id, context="red_flag")) in clinic
    if lang == "en":
        assert "do not drive until it passes" in clinic
        assert "above all if you take a blood thinner" in clinic
        assert "from the needling itself" in clinic
        assert "even the next day" in emergency and "2 hours" not in call


def test_red_flags_cite_only_what_their_sources_say():
    flags = {f.id: f for f in load_red_flags()}
    chest = flags["chest_breathing"]
    # Each timing and site comes with the case report that gives it (sources.csv notes).
    timings = {
        "2 hours": "radiolcr-pneumothorax",
        "day after": "weagle2021",
        "back of the neck": "evms-pneumothorax",
    }
    for words, source_id in timings.items():
        assert words in chest.basis and source_id in chest.source_ids, words
    assert "about 2 hours" in get_source("radiolcr-pneumothorax").note
    assert "neck" in get_source("evms-pneumothorax").note
    assert chest.protocol_choice  # the front of the chest and the shoulders are its addition
    for flag in flags.values():
        assert flag.source_ids or flag.confidence == "unconfirmed"


# -- copies, languages, clock -----------------------------------------------------------------


def _visible_text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", list(languages()))
@pytest.mark.parametrize("profile", ["no factor", "neuropathy alone", "DVT", "every factor"])
def test_patient_copy_has_no_source_ids_and_clinician_copy_has_all(lang, profile):
    from aftercare.sources import load_sources

    data = {**BASE, **PROFILES[profile]}
    patient = _visible_text(render(data, lang=lang))
    words = set(re.findall(r"[\w.-]+", patient))
    assert not words & set(load_sources()), words & set(load_sources())
    tr = get_translator(lang)
    assert tr("foot.no_source") not in patient and tr("foot.sources") not in patient
    clinician_html = render(data, lang=lang, copy="clinician")
    record = _visible_text(clinician_html)
    plan = handout_context(PatientFile.model_validate(data), lang=lang)["plan"]
    shown = sheet_flags(set(data.get("factors", ())), {a.therapy for a in plan.do_not_use})
    for source_id in {*plan.source_ids, *(i for f in shown for i in f.source_ids)}:
        assert source_id in record, source_id
    for rule in plan.protocol.rule_table():
        assert escape(rule["basis"]) in clinician_html, rule["rule"]
    assert escape(tr("record.choice")) in record
    # A sign with no source says so on the clinician copy.
    assert (escape(tr("foot.no_source")) in record) == any(not f.source_ids for f in shown)


def _refused_by_argparse(capsys, option: str, value: str) -> None:
    from aftercare.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(["handout", "--patient", str(FIXTURE), "--out", "x.html", option, value])
    assert info.value.code == 2 and option in capsys.readouterr().err


def test_clinician_copy_from_the_command_line(tmp_path, cli, capsys):
    out = tmp_path / "record.html"
    run = cli("handout", "--patient", str(FIXTURE), "--out", str(out), "--copy", "clinician")
    assert run.returncode == 0 and "clinician copy" in run.stdout
    assert escape("For the clinician's record") in out.read_text(encoding="utf-8")
    _refused_by_argparse(capsys, "--copy", "doctor")


def test_portuguese_sheet_has_no_english_title_and_plain_titles_still_work(tmp_path):
    from aftercare import load_protocol

    proto = load_protocol()
    pt_title = proto.title_translations["pt-BR"]
    html = render(PATIENTS["caution"], lang="pt-BR")
    assert escape(pt_title) in html and escape(proto.title) not in html
    assert escape(proto.title) in render(PATIENTS["caution"])
    text = proto.source_path().read_text(encoding="utf-8")
    start, end = text.index("title:"), text.index("version:")
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text(text[:start] + 'title: "Clínica Sol: gelo opcional"\n' + text[end:])
    assert load_protocol(clinic).title_in("pt-BR") == "Clínica Sol: gelo opcional"
    html = render({**PATIENTS["ok"], "protocol": str(clinic)}, lang="pt-BR")
    assert "Clínica Sol: gelo opcional" in html


@pytest.mark.parametrize(
    ("lang", "clock", "shown", "hidden"),
    [
        ("en", None, r"12:30\sPM, 2:30\sPM", "14:30"),
        ("en", "24h", "12:30, 14:30", "PM"),
        ("pt-BR", None, "12:30, 14:30", "PM"),
        ("pt-BR", "12h", r"12:30\sPM, 2:30\sPM", "14:30"),
    ],
)
def test_clock_style_per_language_and_on_request(lang, clock, shown, hidden):
    times = section(render(PATIENTS["ok"], lang=lang, clock=clock), "h-ice")
    assert re.search(shown, times) and hidden not in times


def test_clock_option_on_the_command_line(tmp_path, cli, capsys):
    out = tmp_path / "sheet.html"
    run = cli("handout", "--patient", str(FIXTURE), "--out", str(out), "--clock", "24h")
    assert run.returncode == 0, run.stderr
    assert "13:00" in out.read_text(encoding="utf-8")
    _refused_by_argparse(capsys, "--clock", "25h")


#: Words that would assume the reader's gender (masculine and feminine forms).
GENDERED = (
    "acordado", "acordada", "sozinho", "sozinha", "cansado", "cansada", "tonto", "tonta",
    "sonolento", "sonolenta", "deitado", "deitada", "sentado", "sentada", "obrigado",
    "obrigada", "preocupado", "preocupada", "atento", "atenta", "o paciente", "a paciente",
    "seu médico", "sua médica",
)  # fmt: skip


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_portuguese_wording_does_not_assume_the_readers_gender(profile):
    text = _visible_text(render({**BASE, **PROFILES[profile]}, lang="pt-BR")).lower()
    found = [w for w in GENDERED if re.search(rf"\b{w}\b", text)]
    assert not found, found


# -- plain language ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(PROFILES))
def test_english_sheet_reads_at_or_below_grade_8(case):
    text = patient_text(render({**BASE, **PROFILES[case]}))
    grade = fk_grade(text)
    print(f"{case}: Flesch-Kincaid grade {grade:.1f} (syllables: {SYLLABLE_SOURCE})")
    assert len(text.split()) > 150
    assert grade <= 8.0, text


# -- languages --------------------------------------------------------------------------------


def test_portuguese_sheet_is_in_portuguese():
    html = render(PATIENTS["caution"], lang="pt-BR")
    assert '<html lang="pt-BR" ' in html
    for phrase in (
        "Se você quiser usar gelo",
        "O gelo é opcional",
        "Horários mais cedo",
        "Nunca coloque gelo direto na pele",
        "Quando pedir ajuda",
        "Ligue 192",
        "não substitui uma orientação médica",
    ):
        assert phrase in html, phrase
    assert "When to use ice" not in html


def test_catalogues_are_complete_and_placeholders_match():
    from aftercare.factors import factor_ids
    from aftercare.therapies import load_therapies

    en = get_translator("en")
    others = [get_translator(lang) for lang in languages() if lang != "en"]
    assert others, "at least one translation besides English"
    for tr in others:
        keys = {k for k in tr.messages if k[0] not in DATA_CONTEXTS}
        assert set(en.messages) == keys, tr.lang  # data text is English in data/
        for key in en.messages:
            assert en.messages[key] and tr.messages[key], (tr.lang, key)
            assert en.placeholders(key[1], key[0]) == tr.placeholders(key[1], key[0]), key
    for tr in (en, *others):
        for barrier in prescribable_barriers():
            assert tr.has(barrier, "barrier"), (tr.lang, barrier)
        for flag in load_red_flags():
            assert tr.has(flag.id, "red_flag"), flag.id
        for factor in factor_ids():
            assert tr.has(factor, "factor"), factor
        for therapy, row in load_therapies().items():
            assert tr.has(therapy, "therapy"), therapy
            if row.delivered_by == "patient":
                assert tr.has(therapy, "therapy.avoid"), therapy
    assert {"en", "pt-BR"} <= set(languages())


def test_every_data_text_has_its_translation():
    """Factor advice and plain reasons reach a translated sheet through its catalogue."""
    from aftercare.advice import load_advice
    from aftercare.factors import load_factors
    from aftercare.instructions import load_steps

    texts = {("factor.advice", a.text) for a in load_advice()}
    texts |= {
        ("reason", lim.plain_reason) for f in load_factors().values() for lim in f.limits.values()
    }
    texts.add(("reason", load_steps()["no_helper"].fill({})))
    for lang in languages():
        tr = get_translator(lang)
        for context, text in texts:
            translated = tr.data(
                text, context=context, skin_check_minutes="5", session_minutes="10"
            )
            assert translated and "{" not in translated, (lang, text)
            if lang == "en":
                assert translated == text.format(skin_check_minutes="5", session_minutes="10")
            else:
                assert translated != text, (lang, text)
    # An untranslated data text is refused, never printed in English on a translated sheet.
    with pytest.raises(CatalogueError, match="no translation for the data text"):
        get_translator("pt-BR").data("A new instruction nobody translated.", context="reason")


def test_catalogues_are_read_from_po_files_not_compiled():
    locale = ROOT / "aftercare" / "sheet" / "locale"
    assert (locale / "en" / "LC_MESSAGES" / "handout.po").is_file()
    assert (locale / "pt_BR" / "LC_MESSAGES" / "handout.po").is_file()
    assert not list(locale.rglob("*.mo"))


# -- escaping ---------------------------------------------------------------------------------


def test_user_text_is_escaped():
    evil = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b>'
    data = {
        **PATIENTS["caution"],
        "name": evil,
        "site": evil,
        "clinic_name": evil,
        "clinic_phone": "<img src=x onerror=alert(1)>",
        "clinician": evil,
        "note": evil,
    }
    for lang in languages():
        html = render(data, lang=lang)
        assert "<script>alert" not in html and "<b onmouseover" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert html.count("<script") == 0  # the sheet itself has no scripts


# -- writing ----------------------------------------------------------------------------------


def test_existing_file_kept_without_force(tmp_path, cli):
    out = tmp_path / "sheet.html"
    out.write_text("old sheet", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="--force"):
        write_handout(FIXTURE, out)
    assert out.read_text(encoding="utf-8") == "old sheet"
    run = cli("handout", "--patient", str(FIXTURE), "--out", str(out))
    assert run.returncode == 2 and "already exists" in run.stderr and "Traceback" not in run.stderr
    assert out.read_text(encoding="utf-8") == "old sheet"
    run = cli("handout", "--patient", str(FIXTURE), "--out", str(out), "--force")
    assert run.returncode == 0, run.stderr
    assert "Care after dry needling" in out.read_text(encoding="utf-8")


def test_write_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "sheet.html"
    out.write_text("old sheet", encoding="utf-8")
    moves = []
    real_replace = os.replace

    def failing_replace(src, dst):
        moves.append((Path(src), Path(dst)))
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(
        OutputWriteError, match=r"cannot write .*sheet\.html: disk full \(simulated\)"
    ):
        write_handout(FIXTURE, out, force=True)
    assert out.read_text(encoding="utf-8") == "old sheet"
    assert moves and moves[0][0].parent == out.parent and moves[0][1] == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.html"]  # temp file removed
    monkeypatch.setattr(os, "replace", real_replace)
    write_handout(FIXTURE, out, force=True)
    assert "Care after dry needling" in out.read_text(encoding="utf-8")


def test_output_must_be_html_or_pdf(tmp_path, cli):
    run = cli("handout", "--patient", str(FIXTURE), "--out", str(tmp_path / "sheet.docx"))
    assert run.returncode == 2 and "out" in run.stderr and ".html or .pdf" in run.stderr


# -- patient file errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"hours_since_needling": 1}, "needled_at", "required"),
        ({**BASE, "needled_at": "9.30"}, "needled_at", "HH:MM"),
        ({**BASE, "skinfold_mm": 500}, "skinfold_mm", "80"),
        ({**BASE, "hours_since_needling": -1}, "hours_since_needling", "0"),
        ({**BASE, "factors": ["diabetes", "frostbite"]}, "factors[1]", "raynauds"),
        ({**BASE, "factors": "diabetes"}, "factors", "valid array"),
        ({**BASE, "colour": "blue"}, "colour", "allowed fields"),
        ({**BASE, "awake_from": "07:00", "asleep_from": "07:00"}, "asleep_from", "at least 4"),
        ({**BASE, "awake_from": "23:00"}, "asleep_from", "Give asleep_from too"),
        ({**BASE, "awake_from": "07:00:00", "asleep_from": "23:00"}, "awake_from", "HH:MM"),
        ({**BASE, "has_helper": "yes"}, "has_helper", "boolean"),
        ({**BASE, "needled_on": "27/11/2026"}, "needled_on", "date"),
    ],
)
def test_bad_patient_file_names_field_and_file(tmp_path, cli, data, field, words):
    path = write_json(tmp_path, data)
    with pytest.raises(PatientFileError) as info:
        write_handout(path, tmp_path / "out.html")
    message = str(info.value)
    assert str(path) in message and f"field '{field}'" in message and words in message, message
    run = cli("handout", "--patient", str(path), "--out", str(tmp_path / "out.html"))
    assert run.returncode == 2
    assert f"field '{field}'" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.html").exists()


def test_unreadable_patient_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"needled_at": "09:00",}', encoding="utf-8")
    with pytest.raises(PatientFileError, match=r"bad\.json: not valid JSON.*line 1"):
        load_patient_file(bad)
    with pytest.raises(PatientFileError, match="file not found"):
        load_patient_file(tmp_path / "missing.json")
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(PatientFileError, match="JSON object"):
        load_patient_file(bad)


def test_unknown_protocol_is_a_clear_error(tmp_path, cli):
    run = cli(
        "handout",
        "--patient",
        str(FIXTURE),
        "--out",
        str(tmp_path / "s.html"),
        "--protocol",
        "no-such-protocol",
    )
    assert run.returncode == 2 and "no-such-protocol" in run.stderr
    assert "Traceback" not in run.stderr


def test_committed_schema_matches_model_and_validates_fixture():
    import jsonschema

    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == patient_schema(), (
        "regenerate: python -m aftercare schema > schemas/patient.schema.json"
    )
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    jsonschema.validate(fixture, committed)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**fixture, "needled_at": "25:00"}, committed)


# -- in Chromium ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(languages()))
def test_handout_passes_axe(tmp_path, chromium, axe_path, lang):
    out = tmp_path / f"sheet-{lang}.html"
    write_handout(FIXTURE, out, lang=lang)
    page, log = open_offline(chromium, out)
    assert log.ok, log.report()
    violations = axe_violations(page, axe_path)
    assert serious(violations) == [], violations
    assert page.evaluate("() => document.documentElement.lang") == lang
    page.context.close()


@pytest.mark.browser
def test_handout_pdf_is_one_or_two_pages_and_fills_page_one(tmp_path, cli):
    from pypdf import PdfReader

    if not Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")).is_file():
        pytest.skip("Chromium not found at /usr/bin/chromium")
    path = write_json(
        tmp_path,
        {
            **PATIENTS["caution"],
            "clinic_name": "Riverside Physio",
            "needled_on": "2026-11-27",
            "note": "Ice only the neck.",
        },
    )
    for lang in languages():
        out = tmp_path / f"sheet-{lang}.pdf"
        run = cli("handout", "--patient", str(path), "--out", str(out), "--lang", lang)
        assert run.returncode == 0, run.stderr
        reader = PdfReader(out)
        assert 1 <= len(reader.pages) <= 2
        text = " ".join(p.extract_text() for p in reader.pages)
        assert get_translator(lang)("call.heading") in text
        # Page 1 is not left half empty: its text runs into the bottom fifth of the page.
        lowest: list[float] = []

        def visit(text, cm, tm, font, size, found=lowest):
            if text.strip():
                found.append(tm[5])

        page = reader.pages[0]
        page.extract_text(visitor_text=visit)
        height = float(page.mediabox.height)
        assert min(lowest) < 0.2 * height, (lang, min(lowest), height)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["patient.json", *(f"sheet-{lang}.pdf" for lang in languages())]
    )


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(languages()))
def test_day_column_does_not_wrap_in_print(tmp_path, chromium, lang):
    out = tmp_path / "sheet.html"
    data = {**PATIENTS["caution"], "needled_on": "2026-11-25", "clinic_name": "Riverside"}
    write_handout(write_json(tmp_path, data), out, lang=lang)
    # A4 less the sheet's 14 mm side margins, at 96 px per inch.
    page, log = open_offline(chromium, out, viewport={"width": 688, "height": 1000})
    page.emulate_media(media="print")
    lines = page.evaluate(
        """() => [...document.querySelectorAll('th[scope="row"]')].map(th => {
            const range = document.createRange();
            range.selectNodeContents(th);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        })"""
    )
    page.context.close()
    assert lines and set(lines) == {1}, lines
