"""A learner's copy of the course: which files it holds, made once, and made afresh on request.

:data:`COURSE_FILES` is the one list of what a learner gets besides the notebooks themselves
(``tests/test_classroom.py`` compares it with what the notebooks reference and with what the
course folder holds). :func:`copy_course` makes the copy once and never over the learner's
work; :func:`reset_course` keeps the learner's folder under another name and makes a fresh one.

The classroom runs this module as the learner's own system user, never as root: the hub starts
``python -I -S -c <this file> copy COURSE HOME`` with the learner's user and group (see
:func:`aftercare.classroom.accounts.prepare_home`), so a link the learner planted in their folder
leads only where the learner could write anyway. That is why the module uses the standard
library only: the learner's interpreter runs it without importing the package.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

__all__ = [
    "COURSE_MARKER",
    "COURSE_FILES",
    "NOT_COPIED",
    "CourseError",
    "course_files",
    "copy_course",
    "reset_course",
]

#: File in a learner's folder saying their copy of the course was made (it is never made again).
COURSE_MARKER = ".aftercare-course"
#: The folder of the learner's copy, inside their home.
COURSE_FOLDER = "notebooks"
#: What a learner's copy holds besides the notebooks (``*.ipynb``), and why each file is there.
COURSE_FILES = {
    "README.md": "the course's own introduction: what each notebook teaches and how to run it",
    "rise.css": "jupyterlab-rise loads it from the notebook's folder: the rules that fit live "
    "slides to a projector (long code wraps, charts keep to the slide's height)",
}
#: Files of the course folder a learner does not get, and why (glob patterns).
NOT_COPIED = {
    "*.py": "the jupytext twins the maintainers review; a learner works in the notebook",
    "nbval_sanitize.cfg": "the test suite's settings for comparing notebook outputs",
}


class CourseError(Exception):
    """The copy cannot be made (the message names the file and what to do)."""


def course_files(course: Path) -> list[str]:
    """Names of the files a learner's copy holds: every notebook, then :data:`COURSE_FILES`.

    Raises
    ------
    CourseError
        When a file of :data:`COURSE_FILES` is missing from ``course``.
    """
    missing = [name for name in COURSE_FILES if not (course / name).is_file()]
    if missing:
        raise CourseError(f"{course}: missing {', '.join(missing)} (part of every learner's copy)")
    return [p.name for p in sorted(course.glob("*.ipynb"))] + list(COURSE_FILES)


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``; never through a link, never over an existing file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    descriptor = os.open(path, flags, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _learner_copy(source: Path) -> bytes:
    """A file as the learner gets it: a notebook loses its jupytext pairing (no ``.py`` twin)."""
    if source.suffix != ".ipynb":
        return source.read_bytes()
    notebook = json.loads(source.read_text(encoding="utf-8"))
    notebook.get("metadata", {}).pop("jupytext", None)
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def copy_course(course: Path, home: Path) -> bool:
    """Copy the course (:func:`course_files`) into ``home/notebooks``, once.

    Files already there are never replaced; the marker ``.aftercare-course`` records the copy
    so a restart or a deleted notebook does not bring it back over the learner's work. Nothing
    is written through a link: a ``notebooks`` that is a link is refused, and each file is
    created with ``O_EXCL | O_NOFOLLOW``.

    Returns True when the course was copied now, False when the marker says it was before.

    Raises
    ------
    CourseError
        When ``home/notebooks`` is a link or not a folder, or a course file is missing.

    Examples
    --------
    >>> import tempfile
    >>> from aftercare.classroom.settings import default_course_dir
    >>> home = Path(tempfile.mkdtemp())
    >>> copy_course(default_course_dir(), home), copy_course(default_course_dir(), home)
    (True, False)
    >>> sorted(p.name for p in (home / "notebooks").iterdir() if p.suffix != ".ipynb")
    ['README.md', 'rise.css']
    """
    marker = home / COURSE_MARKER
    if os.path.lexists(marker):
        return False
    names = course_files(course)
    target = home / COURSE_FOLDER
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise CourseError(
            f"{target} is not a folder (a link or a file): move it away, or have the "
            "instructor reset this learner's copy"
        )
    target.mkdir(mode=0o755, exist_ok=True)
    for name in names:
        if not os.path.lexists(target / name):
            _write_new(target / name, _learner_copy(course / name))
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    _write_new(marker, f"course copied from {course} on {stamp}\n".encode())
    return True


def reset_course(course: Path, home: Path, now: dt.datetime | None = None) -> str:
    """Give a learner a fresh copy: keep their folder under a dated name, then copy again.

    Nothing of the learner's is deleted: ``notebooks`` becomes
    ``notebooks-before-reset-YYYYmmdd-HHMMSS`` (a link is renamed, never followed) and the
    marker is removed, so :func:`copy_course` makes a whole new copy.

    Returns the name the earlier folder is kept under ("" when there was none).
    """
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = ""
    if os.path.lexists(home / COURSE_FOLDER):
        kept = f"{COURSE_FOLDER}-before-reset-{stamp}"
        if os.path.lexists(home / kept):
            raise CourseError(f"{home / kept} exists already; try again in a second")
        os.rename(home / COURSE_FOLDER, home / kept)
    if os.path.lexists(home / COURSE_MARKER):
        os.unlink(home / COURSE_MARKER)
    copy_course(course, home)
    return kept


def main(argv: list[str]) -> int:
    """``copy COURSE HOME`` or ``reset COURSE HOME``: one line on stdout, or one on stderr."""
    if len(argv) != 3 or argv[0] not in ("copy", "reset"):
        print("usage: copy|reset COURSE HOME", file=sys.stderr)
        return 2
    task, course, home = argv[0], Path(argv[1]), Path(argv[2])
    try:
        if task == "copy":
            print("copied" if copy_course(course, home) else "kept")
        else:
            print(f"reset {reset_course(course, home)}".rstrip())
    except (CourseError, OSError) as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
