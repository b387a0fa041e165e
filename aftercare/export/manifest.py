"""What ``python -m aftercare export`` wrote into a folder: ``OUT/.aftercare-export.json``.

The manifest lists every file and folder an export wrote (decks, pages, PDFs, ``index.html``,
``assets/``) with its kind, title and source notebook; the index page is built from it. Before
anything is written, :func:`open_export_folder` checks the folder:

* ``--out`` must be a folder (or not exist yet), and not the notebooks' own folder;
* a folder holding files the manifest does not list (files aftercare did not write) is refused
  unless ``force``; so is a manifest that is not one (unreadable, edited, not JSON);
* the planned outputs are recorded first, so an export that stops half-way still owns what it
  wrote; at the end :meth:`ExportFolder.replaced` says which existing files were replaced.

Examples
--------
>>> folder = open_export_folder(Path("exports"), force=False, sources=[])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from ..data import read_text
from ..errors import DataError, clip
from ..resources import checkout_dir
from .assets import ASSETS_DIRNAME
from .files import OutputWriteError, describe_os_error, same_path, write_atomic
from .names import BOOK_SITE_FILES, output_name_for, pdf_name
from .notebooks import ExportError

__all__ = [
    "MANIFEST_NAME",
    "ManifestEntry",
    "ExportFolder",
    "open_export_folder",
    "read_manifest",
    "record_files",
    "planned_outputs",
    "is_plain_name",
]

MANIFEST_NAME = ".aftercare-export.json"


def is_plain_name(name: str) -> bool:
    """A file or folder name inside the export folder: any letters (``Aula_revisão``), spaces
    and punctuation (``Lesson (1)``), but no path separator, no ``.`` or ``..``, no control
    character, at most 255 bytes (the usual file-system limit).

    Examples
    --------
    >>> [is_plain_name(n) for n in ("Lesson (1).html", "Aula_revisão.html", "../x", "..")]
    [True, True, False, False]
    """
    return (
        name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and name.isprintable()
        and len(name.encode("utf-8", "surrogatepass")) <= 255
    )


class ManifestEntry(BaseModel):
    """One file or folder an export wrote."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["slides", "html", "slides pdf", "html pdf", "index", "assets", "book"]
    title: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=500)


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["aftercare-export"]
    version: Literal[1]
    files: dict[str, ManifestEntry]


class _OldManifest(RootModel[dict[str, ManifestEntry]]):
    """The first layout (before version 1): only the decks and pages, name -> entry."""


def read_manifest(out_dir: Path) -> dict[str, ManifestEntry]:
    """The entries of ``out_dir``'s manifest ({} when there is none).

    Raises
    ------
    ExportError
        The manifest is not a regular file of at most 1 MB, not JSON, or not a manifest.
    """
    path = Path(out_dir) / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        text = read_text(path)
        try:
            files = _Manifest.model_validate_json(text, strict=True).files
        except ValidationError:
            files = _OldManifest.model_validate_json(text, strict=True).root
    except DataError as exc:
        raise _bad_manifest(path, exc.problem) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _bad_manifest(
            path, clip(f"{where}: {first['msg']}" if where else first["msg"])
        ) from None
    for name in files:
        if not is_plain_name(name):
            raise _bad_manifest(path, f"it lists {clip(repr(name))}, which is not a file name")
    return files


def _bad_manifest(path: Path, problem: str) -> ExportError:
    return ExportError(
        f"{path} is not an aftercare export manifest ({problem}); it was edited or not written "
        "by aftercare. Use --force to export into this folder anyway (the manifest is "
        "rewritten), or choose another --out folder."
    )


def _write_manifest(out_dir: Path, files: Mapping[str, ManifestEntry]) -> None:
    manifest = _Manifest(format="aftercare-export", version=1, files=dict(sorted(files.items())))
    write_atomic(Path(out_dir) / MANIFEST_NAME, manifest.model_dump_json(indent=1) + "\n")


def record_files(out_dir: Path, new: Mapping[str, ManifestEntry]) -> dict[str, ManifestEntry]:
    """Add ``new`` entries to ``out_dir``'s manifest; returns every entry."""
    files = {**read_manifest(out_dir), **new}
    _write_manifest(out_dir, files)
    return files


@dataclass
class ExportFolder:
    """An export folder checked by :func:`open_export_folder`."""

    path: Path
    #: Names (files and folders) in the folder before the export, and which of them an earlier
    #: export wrote.
    existing: frozenset[str]
    ours: frozenset[str]
    planned: dict[str, ManifestEntry] = field(default_factory=dict)

    def replaced(self, names: Iterable[str]) -> tuple[list[str], list[str]]:
        """Of ``names`` written now, those that existed: (from earlier exports, others)."""
        again = sorted(n for n in set(names) if n in self.existing)
        return [n for n in again if n in self.ours], [n for n in again if n not in self.ours]

    def replaced_report(self, names: Iterable[str] | None = None) -> list[str]:
        """Lines saying which of ``names`` (default: the planned outputs) replaced files (none
        when nothing was replaced)."""
        names = self.planned if names is None else names
        labels = ("from an earlier export", "that aftercare had not written (--force)")
        lines = []
        for label, replaced in zip(labels, self.replaced(names), strict=True):
            if replaced:
                more = f" and {len(replaced) - 5} more" if len(replaced) > 5 else ""
                shown = ", ".join(replaced[:5]) + more
                lines.append(f"replaced {len(replaced)} file(s) {label}: {shown}")
        return lines


def planned_outputs(
    notebooks: Iterable[Path], kind: str, pdf_from: Literal["slides", "html"] = "slides"
) -> dict[str, ManifestEntry]:
    """What ``export KIND`` will write for ``notebooks``: name -> entry (titles come later)."""
    notebooks = list(notebooks)
    if kind == "book":
        planned = {
            output_name_for(p.stem, "html"): ManifestEntry(kind="book", source=p.name)
            for p in notebooks
        }
        return planned | {name: ManifestEntry(kind="book") for name in BOOK_SITE_FILES}
    if kind == "pdf":
        entry_kind = "slides pdf" if pdf_from == "slides" else "html pdf"
        return {
            pdf_name(p.stem, pdf_from): ManifestEntry(kind=entry_kind, source=p.name)
            for p in notebooks
        }
    kinds = ["slides", "html"] if kind == "all" else [kind]
    planned = {
        output_name_for(p.stem, k): ManifestEntry(kind=k, source=p.name)
        for k in kinds
        for p in notebooks
    }
    planned["index.html"] = ManifestEntry(kind="index")
    planned[ASSETS_DIRNAME] = ManifestEntry(kind="assets")
    return planned


def open_export_folder(
    out_dir: Path,
    *,
    force: bool,
    sources: Iterable[Path],
    planned: Mapping[str, ManifestEntry] | None = None,
) -> ExportFolder:
    """Check (and create) the export folder ``out_dir`` and record the ``planned`` outputs.

    Raises
    ------
    ExportError
        ``out_dir`` is a file or inside one; it is the notebooks' folder (even with ``force``);
        it holds files aftercare did not write, or a damaged manifest (unless ``force``).
    OutputWriteError
        The folder cannot be created or the manifest cannot be written.
    """
    out_dir = Path(out_dir)
    for folder in {checkout_dir("notebooks"), *(Path(s).parent for s in sources)} - {None}:
        if same_path(out_dir, folder):
            raise ExportError(
                f"--out {out_dir} is the folder of the notebooks being exported; the exports "
                "would mix with them. Choose another folder (for example exports/)."
            )
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"--out {out_dir} is a file; --out names a folder (created if needed)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        existing = frozenset(p.name for p in out_dir.iterdir()) - {MANIFEST_NAME}
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in out_dir.parents if p.exists() and not p.is_dir()), None)
        raise ExportError(
            f"--out {out_dir} cannot be a folder: {blocker or 'a part of the path'} is a file"
        ) from None
    except OSError as exc:
        raise OutputWriteError(
            f"cannot create the folder {out_dir}: {describe_os_error(exc)}"
        ) from None
    try:
        previous = read_manifest(out_dir)
    except ExportError:
        if not force:
            raise
        previous = {}
    ours = {name: entry for name, entry in previous.items() if name in existing}
    foreign = sorted(existing - set(ours))
    if foreign and not force:
        shown = ", ".join(clip(name, 40) for name in foreign[:3])
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        raise ExportError(
            f"--out {out_dir} holds {len(foreign)} file(s) that aftercare did not write "
            f"({shown}{more}). Choose an empty or new folder, or use --force to export into "
            "it anyway (files with the same names are replaced; others are left alone)."
        )
    plan = dict(planned or {})
    _write_manifest(out_dir, {**ours, **plan})
    return ExportFolder(out_dir, existing, frozenset(ours), plan)
