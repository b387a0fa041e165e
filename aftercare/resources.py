"""Where the package's own files are: in a checkout, or inside an installed wheel.

What ships in the wheel (found with :mod:`importlib.resources`, so a plain ``pip install`` of
the wheel works from any folder): the code, the data tables (``data/`` of the repository,
installed as ``aftercare/_data``), the handout and export templates, the translation catalogues
and the chart canvas's front end. The patient file's JSON Schema needs no file: it is generated
from the model (``python -m aftercare schema``).

What lives only in a checkout of the repository: the teaching notebooks (``notebooks/``) and the
offline browser assets of the slide and page exports (``js/node_modules``, from npm). An
installed package without its checkout says so in one line, naming what is missing and how to
get it, instead of looking beside site-packages.

Examples
--------
>>> shipped("export", "templates").is_dir()
True
>>> checkout_dir("notebooks") is None or checkout_dir("notebooks").is_dir()
True
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from .errors import AftercareError

__all__ = [
    "DISTRIBUTION",
    "MissingFilesError",
    "shipped",
    "checkout_root",
    "checkout_dir",
    "require_checkout_dir",
]

#: The name ``pip install`` takes (pyproject.toml's ``[project] name``); the import package is
#: ``aftercare``, a name an unrelated project holds on PyPI.
DISTRIBUTION = "aftercare-dry-needling"


class MissingFilesError(AftercareError):
    """A folder that lives only in a checkout of the repository is not there."""


def shipped(*parts: str) -> Path:
    """Path of a file or folder inside the installed package (it need not exist).

    Raises
    ------
    MissingFilesError
        When the package is not installed as plain files (for example imported from a zip).
    """
    root = files("aftercare")
    if not isinstance(root, Path):
        raise MissingFilesError(
            f"aftercare is installed as {root!r}, not as plain files; install the wheel with pip"
        )
    return root.joinpath(*parts)


@cache
def checkout_root() -> Path | None:
    """The repository root when the package runs from a checkout, else ``None``.

    A checkout is recognised by its ``pyproject.toml`` naming the project beside the package.
    """
    root = shipped().parent
    pyproject = root / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    except OSError:
        return None
    return root if f'name = "{DISTRIBUTION}"' in text else None


def checkout_dir(*parts: str) -> Path | None:
    """A folder of the checkout (``notebooks``, ``js/node_modules``...), or ``None`` without one."""
    root = checkout_root()
    return None if root is None else root.joinpath(*parts)


def require_checkout_dir(*parts: str, what: str, instead: str) -> Path:
    """Like :func:`checkout_dir`, but a missing checkout is a one-line error.

    Parameters
    ----------
    parts : str
        The folder inside the repository, e.g. ``"notebooks"``.
    what : str
        What the folder holds, for the message (``"the teaching notebooks"``).
    instead : str
        What to do without a checkout, for the message.

    Raises
    ------
    MissingFilesError
        When the package runs from an installed wheel, which does not ship that folder.
    """
    path = checkout_dir(*parts)
    if path is None:
        raise MissingFilesError(
            f"{'/'.join(parts)}/ ({what}) is not part of the installed package: use a checkout "
            f"of the aftercare repository, or {instead}"
        )
    return path
