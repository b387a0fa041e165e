"""aftercare.sheet.i18n: the handout catalogues, and the languages they make."""

from __future__ import annotations

import shutil

import pytest

from aftercare.sheet import i18n
from aftercare.sheet.i18n import get_translator, language_names, languages, normalise_lang


@pytest.fixture
def locale_with_spanish(tmp_path, monkeypatch):
    """A copy of the catalogues with one more language folder, ``es``, read instead of the
    package's. Its catalogue is a copy of the Portuguese one: the test is about the mechanism,
    not about the words."""
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    shutil.copytree(locale / "pt_BR", locale / "es")
    (locale / "fr").mkdir()  # a folder without a catalogue is not a language
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    get_translator.cache_clear()
    yield locale
    get_translator.cache_clear()


def test_languages_are_the_catalogue_folders():
    folders = {p.parent.parent.name for p in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/handout.po")}
    assert set(languages().values()) == folders and list(languages())[0] == "en"
    assert languages()["pt-BR"] == "pt_BR"  # the tag is written the web's way
    assert list(language_names()) == list(languages())
    assert language_names()["en"] == "English"
    assert language_names()["pt-BR"] == "Português (Brasil)"
    assert normalise_lang("pt_br") == "pt-BR"
    with pytest.raises(i18n.InputError, match=f"lang = 'xx'.*one of {', '.join(languages())}"):
        normalise_lang("xx")


def test_a_new_language_is_a_new_catalogue_folder(locale_with_spanish):
    """Following docs/extending.md: a folder with its handout.po, and --lang, the sheet app's
    menu and the sheet follow. No code changes."""
    from aftercare.__main__ import parse_args
    from aftercare.sheet.app import PatientSheetApp
    from aftercare.sheet.handout import render_handout
    from aftercare.sheet.patient_file import PatientFile

    assert list(languages()) == ["en", "es", "pt-BR"]
    assert language_names()["es"] == "Español"
    args = parse_args(["handout", "--patient", "p.json", "--out", "s.html", "--lang", "es"])
    assert args.lang == "es"
    assert ("Español", "es") in PatientSheetApp().controls["lang"].options
    html = render_handout(PatientFile.model_validate({"needled_at": "09:30"}), lang="es")
    assert '<html lang="es" ' in html and "PM" not in html  # Babel's Spanish clock: 24 h


def test_an_unknown_language_is_refused_at_the_command_line(capsys):
    from aftercare.__main__ import parse_args

    with pytest.raises(SystemExit):
        parse_args(["handout", "--patient", "p.json", "--out", "s.html", "--lang", "xx"])
    choices = ", ".join(f"'{tag}'" for tag in languages())
    assert f"invalid choice: 'xx' (choose from {choices})" in capsys.readouterr().err
