"""Patient handouts: content, plain language, languages, escaping, safe writing, file errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser import axe_violations, open_offline, serious
from readability import SYLLABLE_SOURCE, fk_grade, patient_text

from aftercare.export.files import OutputExistsError, OutputWriteError
from aftercare.export.handout import render_handout, write_handout
from aftercare.export.i18n import LANGUAGES, get_translator
from aftercare.export.patient_file import (
    SCHEMA_PATH,
    PatientFile,
    PatientFileError,
    load_patient_file,
    patient_schema,
)
from aftercare.export.red_flags import load_red_flags

# Fixtures "chromium" and "axe_path".
pytest_plugins = ["browser_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "patient_en.json"
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
    assert "This sheet is for learning" in html
    assert "Take extra care with ice" in html and "Diabetes" in html
    assert "Look at your skin every 5 minutes" in html


def test_avoid_sheet_has_no_ice_times_and_offers_alternatives():
    html = render(PATIENTS["avoid"])
    assert "Do not use ice" in html and "Put ice on at" not in html
    assert "What to do instead of ice" in html
    assert "Raynaud" in html
    assert "Gentle stretches." in html


def test_red_flags_come_from_data_with_sources():
    flags = {f.id: f for f in load_red_flags()}
    assert flags["chest_breathing"].action == "emergency"
    assert {"weagle2021", "irmedj2022"} <= set(flags["chest_breathing"].source_ids)
    infection = flags["infection"]
    assert infection.source_ids == () and infection.confidence == "unconfirmed"
    assert "No dry-needling-specific source found" in infection.basis
    html = render(PATIENTS["ok"])
    assert "chest pain" in html and "fever" in html
    assert "weagle2021" in html
    assert "No source about dry needling was found for this sign." in html


def test_red_flag_without_source_must_be_unconfirmed(data_copy):
    from aftercare.errors import DataError

    path = data_copy / "red_flags.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("confidence: unconfirmed", "confidence: medium"),
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


# -- plain language ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(PATIENTS))
def test_english_sheet_reads_at_or_below_grade_8(case):
    text = patient_text(render(PATIENTS[case]))
    grade = fk_grade(text)
    print(f"{case}: Flesch-Kincaid grade {grade:.1f} (syllables: {SYLLABLE_SOURCE})")
    assert len(text.split()) > 150
    assert grade <= 8.0, text


# -- languages --------------------------------------------------------------------------------


def test_portuguese_sheet_is_in_portuguese():
    html = render(PATIENTS["caution"], lang="pt-BR")
    assert '<html lang="pt-BR">' in html
    for phrase in (
        "Quando usar gelo",
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

    en, pt = get_translator("en"), get_translator("pt-BR")
    assert set(en.messages) == set(pt.messages)
    for key in en.messages:
        assert en.messages[key] and pt.messages[key], key
        assert en.placeholders(key[1], key[0]) == pt.placeholders(key[1], key[0]), key
    for tr in (en, pt):
        for flag in load_red_flags():
            assert tr.has(flag.id, "red_flag"), flag.id
        for factor in factor_ids():
            assert tr.has(factor, "factor"), factor
        for therapy in load_therapies():
            assert tr.has(therapy, "therapy"), therapy
    assert set(LANGUAGES) == {"en", "pt-BR"}


def test_catalogues_are_read_from_po_files_not_compiled():
    locale = ROOT / "aftercare" / "export" / "locale"
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
    for lang in LANGUAGES:
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
        ({**BASE, "awake_from": "07:00", "asleep_from": "07:00"}, "asleep_from", "different"),
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
    jsonschema = pytest.importorskip("jsonschema")
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
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
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
def test_handout_pdf_is_one_or_two_pages(tmp_path, cli):
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
    for lang in LANGUAGES:
        out = tmp_path / f"sheet-{lang}.pdf"
        run = cli("handout", "--patient", str(path), "--out", str(out), "--lang", lang)
        assert run.returncode == 0, run.stderr
        reader = PdfReader(out)
        assert 1 <= len(reader.pages) <= 2
        text = " ".join(p.extract_text() for p in reader.pages)
        assert ("When to get help" if lang == "en" else "Quando pedir ajuda") in text
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "patient.json",
        "sheet-en.pdf",
        "sheet-pt-BR.pdf",
    ]
