"""Exports: offline reveal.js decks, static pages, PDFs and patient handouts.

Everything written here opens from ``file://`` with the network off: browser assets come from
``js/node_modules`` (``npm ci --prefix js``) and are copied beside the output once.

This subpackage imports nbconvert and Playwright lazily; ``import aftercare`` never loads it.
"""

from __future__ import annotations

from .assets import SETUP_COMMAND, AssetsMissingError, copy_assets
from .files import OutputExistsError, write_atomic
from .notebooks import ExportError, execute_notebook, find_notebooks

__all__ = [
    "SETUP_COMMAND",
    "AssetsMissingError",
    "ExportError",
    "OutputExistsError",
    "copy_assets",
    "execute_notebook",
    "find_notebooks",
    "write_atomic",
    "export_slides",
    "export_html",
    "export_pdf",
]


def export_slides(*args, **kwargs):
    """See :func:`aftercare.export.slides.export_slides`."""
    from .slides import export_slides as impl

    return impl(*args, **kwargs)


def export_html(*args, **kwargs):
    """See :func:`aftercare.export.html.export_html`."""
    from .html import export_html as impl

    return impl(*args, **kwargs)


def export_pdf(*args, **kwargs):
    """See :func:`aftercare.export.pdf.export_pdf`."""
    from .pdf import export_pdf as impl

    return impl(*args, **kwargs)
