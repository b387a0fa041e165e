"""The patient aftercare sheet: the patient file, the sheet's content, its translations, its
warning signs and the clinicians' form that writes it.

A sheet is the clinician's instruction to one patient, printed under the clinic's named
protocol. This package holds everything that makes one, apart from the course export
(:mod:`aftercare.export`: decks, pages, PDFs), whose safe file writing and Chromium printing it
uses.

* :mod:`~aftercare.sheet.patient_file`: the patient file (JSON) and its schema;
* :mod:`~aftercare.sheet.content`: what the sheet says, decided once per option (pure);
* :mod:`~aftercare.sheet.handout`: that content translated and rendered to HTML or PDF;
* :mod:`~aftercare.sheet.i18n`: the translation catalogues;
* :mod:`~aftercare.sheet.warning_signs`: the warning signs and where each one sends the patient;
* :mod:`~aftercare.sheet.app`: :class:`PatientSheetApp`, the dashboard form.

``import aftercare.sheet`` stays light: each name loads its module on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "write_handout": "handout",
    "write_sheet": "handout",
    "render_handout": "handout",
    "handout_context": "handout",
    "sheet_content": "content",
    "PatientFile": "patient_file",
    "PatientFileError": "patient_file",
    "load_patient_file": "patient_file",
    "patient_schema": "patient_file",
    "load_red_flags": "warning_signs",
    "warning_signs_table": "warning_signs",
    "languages": "i18n",
    "PatientSheetApp": "app",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
