"""The patient-sheet dashboard: a thin form over the handout writer (aftercare.sheet.handout)."""

from __future__ import annotations

import pytest

from aftercare.sheet.app import PatientSheetApp


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
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
    assert "text-decoration:underline" in app.message.value  # the link looks like a link
    first = path.read_text(encoding="utf-8")
    app.controls["diabetes"].value = True
    second = app.write("html")  # the name is taken: a new name, the first sheet kept
    assert second == tmp_path / "sheets" / "sheet-a-2.html"
    assert "kept" in app.message.value and path.read_text(encoding="utf-8") == first


def test_sheets_get_names_unique_to_patient_and_time_and_a_second_patient_is_written(app):
    first = app.write("html")
    app.controls["raynauds"].value = True
    second = app.write("html")
    assert first is not None and second is not None and first != second
    assert first.name.startswith("aftercare-sheet-") and first.suffix == ".html"
    assert first.stem.split("-")[-1] != second.stem.split("-")[-1]  # the patients' codes differ
    assert len(list(first.parent.glob("*.html"))) == 2


def test_the_folder_is_outside_the_repository_by_default_and_remembered(tmp_path, monkeypatch):
    from aftercare.resources import checkout_root

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = PatientSheetApp(protocol="seed-article")
    assert app.out_dir == tmp_path / "home" / "aftercare-sheets"
    root = checkout_root()
    assert root is None or root not in app.out_dir.parents
    app.folder.value = str(tmp_path / "clinic sheets")
    assert app.write("html").parent == tmp_path / "clinic sheets"
    assert PatientSheetApp(protocol="seed-article").out_dir == tmp_path / "clinic sheets"


def test_a_folder_that_cannot_be_made_is_one_line(app, tmp_path):
    (tmp_path / "a-file").write_text("x")
    app.folder.value = str(tmp_path / "a-file" / "sheets")
    assert app.write("html") is None
    assert "Not written" in app.message.value and "\n" not in app.message.value


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
