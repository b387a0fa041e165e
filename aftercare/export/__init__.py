"""Exports of the course: offline reveal.js decks, static pages and PDFs.

Everything written here opens from ``file://`` with the network off: browser assets come from
``js/node_modules`` (``npm ci --prefix js``) and are copied beside the output once.

Modules: :mod:`.assets` (npm assets), :mod:`.notebooks` (in-memory execution),
:mod:`.render` / :mod:`.slides` / :mod:`.html` / :mod:`.pdf` (exports), :mod:`.browser`
(system Chromium), :mod:`.files` (atomic writes). The patient sheet is its own package,
:mod:`aftercare.sheet`, which uses the last two. Names below are loaded on first use, so
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
}

# The patient sheet moved to its own package (aftercare.sheet); these names stay here for
# existing callers.
_MOVED = (
    "write_handout",
    "write_sheet",
    "render_handout",
    "PatientFileError",
    "load_patient_file",
    "load_red_flags",
)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    if name in _MOVED:
        return getattr(import_module("aftercare.sheet"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
