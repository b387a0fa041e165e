"""The learners' folders, their copy of the course, and (as root) one system user each.

Layout of the state folder (``--state``, default ``.classroom/``)::

    STATE/              mode 0711: learners may pass through, not list
      hub/              mode 0700: database, cookie secret, proxy pid, instructor password,
                        jupyterhub_config.py (an administrator's extra settings, empty at first)
      home/             mode 0711
        learner01/      mode 0700, owned by learner01 (as root): HOME and Lab's root folder
          notebooks/    the learner's own copy of the course, made at first login
          .aftercare-course   marks the copy as made: it is never made again, so nothing the
                              learner wrote is overwritten (delete it to get a fresh copy)

When the classroom runs as root, every account gets a system user of the same name, made with
``useradd`` (no password, no login shell, comment ``aftercare classroom``); each learner's
server runs as that user, so one learner's code cannot read another learner's folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from .settings import ClassroomError

__all__ = [
    "USER_COMMENT",
    "COURSE_MARKER",
    "running_as_root",
    "ensure_system_user",
    "check_reachable",
    "prepare_state",
    "prepare_home",
    "copy_course",
]

#: GECOS comment of the system users the classroom makes (it only reuses users that carry it).
USER_COMMENT = "aftercare classroom"
#: File in a learner's folder saying their copy of the course was made.
COURSE_MARKER = ".aftercare-course"
#: The course files a learner gets besides the notebooks.
_COURSE_EXTRAS = ("README.md",)


def running_as_root() -> bool:
    """True when this process may create users and start servers as them."""
    return os.geteuid() == 0


def ensure_system_user(name: str, home: Path) -> pwd.struct_passwd:
    """Return the system user ``name``, making it with ``useradd`` when it does not exist.

    A user of that name that the classroom did not make (another comment) is never used.

    Raises
    ------
    ClassroomError
        When ``useradd`` fails or the name belongs to someone else.
    """
    if not _exists(name):
        _useradd(name, home)
    entry = pwd.getpwnam(name)
    if entry.pw_gecos.split(",")[0] != USER_COMMENT:
        raise ClassroomError(
            f"a system user {name!r} already exists and was not made by the classroom "
            f"(its comment is {entry.pw_gecos!r}); rename that user or run the classroom "
            "as a non-root user"
        )
    return entry


def _useradd(name: str, home: Path) -> None:
    command = [
        "useradd",
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        str(home),
        "--shell",
        "/usr/sbin/nologin",
        "--comment",
        USER_COMMENT,
        name,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ClassroomError(
            "useradd not found: as root the classroom makes one system user per learner "
            "(Debian: apt-get install passwd)"
        ) from None
    if done.returncode != 0 and not _exists(name):  # another classroom may have just made it
        problem = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        raise ClassroomError(f"useradd {name} failed: {problem}")


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def check_reachable(path: Path, why: str) -> None:
    """Raise :class:`ClassroomError` unless every folder above ``path`` lets other users through.

    As root the learners' servers run as other users: they must reach their folders under
    ``--state`` and read the Python environment and the course.
    """
    path = path.resolve()
    for folder in [path, *path.parents]:
        if not folder.exists():
            continue
        mode = folder.stat().st_mode
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            raise ClassroomError(
                f"{folder} does not let other users through (mode {stat.filemode(mode)}), so the "
                f"learners' system users cannot reach {why}; run chmod o+x {folder} or choose "
                "another folder"
            )


def _make_dir(path: Path, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, mode)


#: Written once into STATE/hub/jupyterhub_config.py: the place for an administrator's extras.
_EXTRA_CONFIG = """\
# Extra JupyterHub settings for this classroom, loaded after the ones
# `python -m aftercare classroom` sets (see docs/classroom.md). For example:
# c.JupyterHub.log_level = "DEBUG"
"""


def prepare_state(state: Path) -> None:
    """Make the state folder's skeleton with its modes (an existing one is kept as it is)."""
    _make_dir(state, 0o711)
    _make_dir(state / "hub", 0o700)
    _make_dir(state / "home", 0o711)
    extra = state / "hub" / "jupyterhub_config.py"
    if not extra.exists():
        extra.write_text(_EXTRA_CONFIG, encoding="utf-8")


def prepare_home(home: Path, course: Path, owner: pwd.struct_passwd | None) -> bool:
    """Make a learner's folder (mode 0700, owned by ``owner``) and copy the course once.

    Returns True when the course was copied now, False when the folder already had it.
    """
    _make_dir(home, 0o700)
    copied = copy_course(course, home)
    if owner is not None:
        for folder, dirs, files in os.walk(home):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.lchown(name, owner.pw_uid, owner.pw_gid)
    return copied


def committed_text(path: Path) -> str:
    """``path`` as committed when it lies in a git checkout (a trainer's unsaved or saved run
    of a notebook never reaches the learners), else as it is on disk."""
    try:
        shown = subprocess.run(
            ["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        shown = None
    if shown is not None and shown.returncode == 0:
        return shown.stdout.decode("utf-8")
    return path.read_text(encoding="utf-8")


def copy_course(course: Path, home: Path) -> bool:
    """Copy the course's notebooks, as committed (:func:`committed_text`), and its README
    into ``home/notebooks``, once.

    Files already there are never replaced; the marker ``.aftercare-course`` records the copy
    so a restart or a deleted notebook does not bring it back over the learner's work. The
    copies drop the jupytext pairing metadata: a learner's notebook has no ``.py`` twin.

    Examples
    --------
    >>> import tempfile
    >>> from aftercare.classroom.settings import default_course_dir
    >>> home = Path(tempfile.mkdtemp())
    >>> copy_course(default_course_dir(), home), copy_course(default_course_dir(), home)
    (True, False)
    >>> (home / "notebooks" / "00_start_here.ipynb").is_file()
    True
    """
    marker = home / COURSE_MARKER
    if marker.exists():
        return False
    target = home / "notebooks"
    target.mkdir(exist_ok=True)
    for source in sorted(course.glob("*.ipynb")):
        destination = target / source.name
        if destination.exists():
            continue
        notebook = json.loads(committed_text(source))
        notebook.get("metadata", {}).pop("jupytext", None)
        destination.write_text(
            json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    for name in _COURSE_EXTRAS:
        if (course / name).is_file() and not (target / name).exists():
            shutil.copyfile(course / name, target / name)
    marker.write_text(
        f"course copied from {course} on {dt.datetime.now().isoformat(timespec='seconds')}\n",
        encoding="utf-8",
    )
    return True
