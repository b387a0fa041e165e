"""Exports: offline reveal.js decks, static pages, PDFs and patient handouts.

Everything written here opens from ``file://`` with the network off: browser assets come from
``js/node_modules`` (``npm ci --prefix js``) and are copied beside the output once.

Modules: :mod:`.assets` (npm assets), :mod:`.notebooks` (in-memory execution),
:mod:`.render` / :mod:`.slides` / :mod:`.html` / :mod:`.pdf` (exports), :mod:`.handout`,
:mod:`.patient_file`, :mod:`.red_flags`, :mod:`.i18n` (patient sheets), :mod:`.browser`
(system Chromium), :mod:`.files` (atomic writes). Names below are loaded on first use, so
``import aftercare.export`` stays light (no nbconvert, nbformat or Playwright).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "SETUP_COMMAND",
    "AssetsMissingError",
    "ExportError",
    "OutputExistsError",
    "PatientFileError",
    "copy_assets",
    "execute_notebook",
    "find_notebooks",
    "write_atomic",
    "export_slides",
    "export_html",
    "export_pdf",
    "write_handout",
    "write_sheet",
    "render_handout",
    "load_patient_file",
    "load_red_flags",
]

_WHERE = {
    "SETUP_COMMAND": "assets",
    "AssetsMissingError": "assets",
    "copy_assets": "assets",
    "ExportError": "notebooks",
    "execute_notebook": "notebooks",
    "find_notebooks": "notebooks",
    "OutputExistsError": "files",
    "write_atomic": "files",
    "export_slides": "slides",
    "export_html": "html",
    "export_pdf": "pdf",
    "write_handout": "handout",
    "write_sheet": "handout",
    "render_handout": "handout",
    "PatientFileError": "patient_file",
    "load_patient_file": "patient_file",
    "load_red_flags": "red_flags",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
