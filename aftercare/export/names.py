"""The names of the files an export writes, one place for the writers and the manifest.

A leaf module (it imports nothing of aftercare): :mod:`aftercare.export.manifest` plans an
export's outputs by these names before :mod:`~aftercare.export.render` and
:mod:`~aftercare.export.pdf` write them, so neither has to import the other to agree on a name.

Examples
--------
>>> output_name_for("Aula_revisão", "slides"), pdf_name("Lesson (1)", "html")
('Aula_revisão.slides.html', 'Lesson (1).pdf')
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Kind", "BOOK_SITE_FILES", "output_name_for", "pdf_name"]

Kind = Literal["slides", "html"]
_SUFFIX = {"slides": ".slides.html", "html": ".html"}
#: What a book (``export book``) writes besides one page per notebook (``NAME.html``).
BOOK_SITE_FILES = ("index.html", "genindex.html", "search.html", "searchindex.js", "objects.inv")


def output_name_for(stem: str, kind: Kind) -> str:
    """The file name of a notebook's deck (``NAME.slides.html``) or page (``NAME.html``)."""
    return stem + _SUFFIX[kind]


def pdf_name(stem: str, kind: Kind) -> str:
    """The file name of a notebook's PDF: ``NAME.slides.pdf`` (deck) or ``NAME.pdf`` (page)."""
    return stem + (".slides.pdf" if kind == "slides" else ".pdf")
