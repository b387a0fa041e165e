"""The patient-sheet dashboard: a thin form over the handout writer (aftercare.sheet.handout)."""

from __future__ import annotations

import pytest

from aftercare.sheet.app import PatientSheetApp


@pytest.fixture
def app(tmp_path):
    return PatientSheetApp(out_dir=tmp_path / "sheets", protocol="seed-article")


def test_the_form_is_the_handouts_patient_file_and_preview(app):
    record = app.record()
    assert record.needled_at == "09:00" and record.factors == []
    app.controls["raynauds"].value = True
    app.controls["clinic_name"].value = "Riverside Physio"
    assert app.record().factors == ["raynauds"]
    assert "Riverside Physio" in app.preview.value and "srcdoc" in app.preview.value
    assert app.message.value == ""


def test_writing_uses_the_handout_writer_and_never_overwrites(app, tmp_path):
    app.file_name.value = "sheet-a"
    path = app.write("html")
    assert path == tmp_path / "sheets" / "sheet-a.html" and path.is_file()
    assert "Written:" in app.message.value and "download=" in app.message.value
    first = path.read_text(encoding="utf-8")
    app.controls["diabetes"].value = True
    assert app.write("html") is None
    assert "already exists" in app.message.value and path.read_text(encoding="utf-8") == first
    app.replace.value = True
    assert app.write("html") == path and path.read_text(encoding="utf-8") != first


@pytest.mark.parametrize(
    ("control", "value", "words"),
    [("needled_at", "25:00", "needled_at"), ("needled_at", "", "needled_at")],
)
def test_a_bad_entry_is_one_line_naming_the_field(app, control, value, words):
    app.controls[control].value = value
    assert words in app.message.value and "\n" not in app.message.value
    assert app.write("html") is None and "Not written" in app.message.value


def test_a_file_name_with_folders_is_refused(app, tmp_path):
    app.file_name.value = "../elsewhere"
    assert app.write("html") is None and "plain name" in app.message.value
    assert not (tmp_path / "elsewhere.html").exists()
