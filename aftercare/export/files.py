"""Write output files safely: to a temporary file in the same folder, then moved into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import AftercareError

__all__ = ["OutputExistsError", "write_atomic", "check_writable"]


class OutputExistsError(AftercareError):
    """The output file exists and ``force`` was not given."""


def check_writable(path: Path, *, force: bool) -> None:
    """Raise :class:`OutputExistsError` if ``path`` exists and ``force`` is false."""
    if path.exists() and not force:
        raise OutputExistsError(
            f"{path} already exists; not overwriting it. Use --force to replace it, "
            "or choose another --out file."
        )
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder; --out must name a file")


def write_atomic(path: str | Path, data: str | bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, and a failed write leaves any old file intact.
    With ``force=False`` an existing file is an error.
    """
    path = Path(path)
    check_writable(path, force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        if not force and path.exists():  # appeared while we were writing
            raise OutputExistsError(f"{path} already exists; not overwriting it (use --force)")
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path
