"""Write output files safely: to a temporary file in the same folder, then moved into place.

A reader never sees a half-written file; a failed write (full disk, read-only folder) leaves
any old file as it was and no temporary file behind, and becomes an :class:`OutputWriteError`
naming the file and the reason. Files get the permissions the user's umask allows, never more
than the file they replace had (a 0600 sheet stays 0600); temporary files are 0600.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from ..errors import AftercareError, clip

__all__ = [
    "OutputExistsError",
    "OutputWriteError",
    "OutputPathError",
    "write_atomic",
    "check_writable",
    "describe_os_error",
    "same_path",
    "file_mode",
]


class OutputExistsError(AftercareError):
    """The output file exists and ``force`` was not given."""


class OutputWriteError(AftercareError):
    """An output could not be written (full disk, read-only or missing folder, ...)."""


class OutputPathError(AftercareError):
    """``--out`` names a place an output cannot or must not go (the message says why)."""


_HINTS = {
    errno.ENOSPC: "the disk is full; free some space or choose another --out",
    errno.EDQUOT: "the disk quota is used up; free some space or choose another --out",
    errno.EACCES: "the folder is not writable for you; choose another --out",
    errno.EPERM: "the folder is not writable for you; choose another --out",
    errno.EROFS: "the folder is on a read-only file system; choose another --out",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENOENT: "the folder does not exist",
}


def describe_os_error(exc: OSError) -> str:
    """One line: the operating system's reason and what to do about it."""
    if exc.strerror:
        reason = exc.strerror
    else:  # e.g. shutil.Error, whose text lists every file that failed
        reason = clip(" ".join(str(exc).split()), 200) or type(exc).__name__
    hint = _HINTS.get(exc.errno or -1)
    return f"{reason} ({hint})" if hint else reason


def _umask() -> int:
    # Linux shows the umask in /proc; elsewhere it can only be read by setting it.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(path: Path) -> int:
    """Permissions for a new ``path``: ``0o666`` less the umask, and no more than an old file's.

    Examples
    --------
    >>> oct(file_mode(Path("no-such-file.html")) & 0o600)
    '0o600'
    """
    mode = 0o666 & ~_umask()
    try:
        mode &= os.stat(path).st_mode & 0o777
    except OSError:
        pass
    return mode


def same_path(a: Path, b: Path) -> bool:
    """True if ``a`` and ``b`` name the same file or folder (also through links)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_writable(path: Path, *, force: bool) -> None:
    """Raise :class:`OutputExistsError` if ``path`` exists and ``force`` is false."""
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder; --out must name a file")
    if path.exists() and not force:
        raise OutputExistsError(
            f"{path} already exists; not overwriting it. Use --force to replace it, "
            "or choose another --out file."
        )


def write_atomic(path: str | Path, data: str | bytes, *, force: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, and a failed write leaves any old file intact.
    With ``force=False`` an existing file is an error. An operating-system failure becomes an
    :class:`OutputWriteError` naming the file.
    """
    path = Path(path)
    check_writable(path, force=force)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputWriteError(f"cannot write {path}: {describe_os_error(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, file_mode(path))
        if not force and path.exists():  # appeared while we were writing
            raise OutputExistsError(f"{path} already exists; not overwriting it (use --force)")
        os.replace(tmp_name, path)
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputWriteError(f"cannot write {path}: {describe_os_error(exc)}") from None
        raise
    return path
