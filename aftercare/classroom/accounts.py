"""The learners' folders, their copy of the course, and (as root) one system user each.

Layout of the state folder (``--state``, default ``.classroom/``)::

    STATE/              mode 0711: learners may pass through, not list
      hub/              mode 0700: database, cookie secret, proxy pid, instructor password,
                        room-key (marks this classroom's system users), jupyterhub_config.py
                        (an administrator's extra settings, empty at first)
      home/             mode 0711
        learner01/      mode 0700, owned by learner01 (as root): HOME and Lab's root folder
          notebooks/    the learner's own copy of the course, made at first login
          .aftercare-course   marks the copy as made: it is never made again, so nothing the
                              learner wrote is overwritten (``classroom reset learner01`` makes
                              a fresh copy, keeping the old folder)

When the classroom runs as root, every account gets a system user of the same name (``ROOM-``
before it in a named room), made with ``useradd`` (no password, no login shell, comment
``aftercare classroom,ROOM-KEY``); each learner's server runs as that user, so one learner's code
cannot read another learner's folder. Root makes a learner's folder and nothing inside it: the
course copy and a reset run as the learner (:func:`as_learner`).
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

from . import course as course_module
from .course import COURSE_MARKER, copy_course
from .settings import ClassroomError

__all__ = [
    "USER_COMMENT",
    "COURSE_MARKER",
    "running_as_root",
    "ensure_system_user",
    "room_key",
    "check_reachable",
    "prepare_state",
    "make_home",
    "as_learner",
    "prepare_home",
    "reset_learner",
    "copy_course",
    "committed_course",
]

#: GECOS comment of the system users the classroom makes (it only reuses users that carry it).
USER_COMMENT = "aftercare classroom"
#: Longest a copy or reset of one learner's course may take [s] (a copy takes well under 1 s).
_AS_LEARNER_TIMEOUT_S = 120


def running_as_root() -> bool:
    """True when this process may create users and start servers as them."""
    return os.geteuid() == 0


def ensure_system_user(name: str, home: Path, room_key: str) -> pwd.struct_passwd:
    """Return the system user ``name``, making it with ``useradd`` when it does not exist.

    The user's comment says it is the classroom's and which classroom it belongs to
    (``aftercare classroom,ROOM-KEY``, :func:`room_key`). A user of that name that the classroom
    did not make, or that another classroom on this server made, is never used; a user made by
    an earlier version (no key) is claimed for this classroom.

    Raises
    ------
    ClassroomError
        When ``useradd`` fails or the name belongs to someone else.
    """
    if not _exists(name):
        _user_command("useradd", name, home, room_key)
    entry = pwd.getpwnam(name)
    maker, _, key = entry.pw_gecos.partition(",")
    if maker != USER_COMMENT:
        raise ClassroomError(
            f"a system user {name!r} already exists and was not made by the classroom "
            f"(its comment is {entry.pw_gecos!r}); rename that user or run the classroom "
            "as a non-root user"
        )
    if not key:
        _user_command("usermod", name, home, room_key)
    elif key != room_key:
        raise ClassroomError(
            f"the system user {name!r} belongs to another classroom on this server (another "
            "state folder); give this one its own accounts with --room NAME (its learners then "
            f"run as NAME-{name})"
        )
    return entry


def room_key(state: Path) -> str:
    """This classroom's key, kept in ``STATE/hub/room-key``: it marks the system users it made."""
    path = state / "hub" / "room-key"
    if not path.is_file():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(8) + "\n")
    return path.read_text(encoding="utf-8").strip()


def _user_command(tool: str, name: str, home: Path, key: str) -> None:
    """``useradd`` (a new system user) or ``usermod`` (claim one), with the classroom's comment."""
    comment = ["--comment", f"{USER_COMMENT},{key}"]
    if tool == "useradd":
        command = [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            str(home),
            "--shell",
            "/usr/sbin/nologin",
            *comment,
            name,
        ]
    else:
        command = ["usermod", *comment, name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ClassroomError(
            f"{tool} not found: as root the classroom makes one system user per learner "
            "(Debian: apt-get install passwd)"
        ) from None
    if done.returncode != 0 and not (tool == "useradd" and _exists(name)):
        # (useradd: another classroom may have just made it; the caller checks whose it is)
        problem = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        raise ClassroomError(f"{tool} {name} failed: {problem}")


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


def _committed(path: Path) -> bytes:
    """``path`` as committed when it lies in a git checkout, else as it is on disk."""
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
        return shown.stdout
    return path.read_bytes()


def committed_course(course: Path, state: Path) -> Path:
    """The course as committed, in ``STATE/course``: what every learner's copy is made from.

    A trainer who ran and saved a notebook in the checkout (outputs, widget state, their own
    edits) never hands that run to the learners: each file of the course
    (:func:`aftercare.classroom.course.course_files`) is taken from git's ``HEAD`` when the
    course folder is a checkout, else as it is. The folder is root's (0755 folders, 0644 files)
    in the classroom's own state, written afresh at each start; no learner can change it.
    """
    snapshot = state / "course"
    names = course_module.course_files(course)
    _make_dir(snapshot, 0o755)
    for old in snapshot.iterdir():
        if old.name not in names and old.is_file() and not old.is_symlink():
            old.unlink()
    for name in names:
        target = snapshot / name
        tmp = snapshot / f".{name}.tmp"
        tmp.unlink(missing_ok=True)
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(_committed(course / name))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    return snapshot


def make_home(home: Path, owner: pwd.struct_passwd | None) -> None:
    """Make a learner's folder (mode 0700, owned by ``owner``); touch nothing inside it.

    The folder's parent (``STATE/home``) belongs to root, so only the hub can put a folder or a
    link there; a link is refused all the same.
    """
    try:
        os.mkdir(home, 0o700)
    except FileExistsError:
        pass
    if not stat.S_ISDIR(os.lstat(home).st_mode):
        raise ClassroomError(f"{home} is not a folder (a link or a file): move it away")
    if owner is not None:
        os.chown(home, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    os.chmod(home, 0o700)


def as_learner(
    task: str,
    course: Path,
    home: Path,
    owner: pwd.struct_passwd | None,
    python: str | None = None,
) -> str:
    """Run :mod:`.course`'s ``copy`` or ``reset`` on ``home`` as the learner; its one-line result.

    With an ``owner`` (the hub runs as root), a child process made with the learner's user, group
    and no other groups runs ``python -I -S -c <course.py>``: root itself never opens, follows or
    changes anything inside a learner's folder, so a link the learner planted there leads only
    where the learner could write anyway. ``python`` is the learners' interpreter (one they may
    run); the module is passed as text, so the learner need not read the package. Without an
    ``owner`` the hub's user is the learner's, and the work is done here.

    Raises
    ------
    ClassroomError
        With the child's one-line reason, when the copy or reset fails.
    """
    if owner is None:
        try:
            if task == "copy":
                return "copied" if course_module.copy_course(course, home) else "kept"
            return f"reset {course_module.reset_course(course, home)}".rstrip()
        except (course_module.CourseError, OSError) as exc:
            raise ClassroomError(f"{home}: {exc}") from None
    source = Path(course_module.__file__).read_text(encoding="utf-8")
    done = subprocess.run(
        [python or sys.executable, "-I", "-S", "-c", source, task, str(course), str(home)],
        user=owner.pw_uid,
        group=owner.pw_gid,
        extra_groups=[],
        umask=0o022,
        cwd="/",
        env={"HOME": str(home), "LANG": "C.UTF-8", "PATH": os.defpath},
        capture_output=True,
        text=True,
        timeout=_AS_LEARNER_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        problem = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise ClassroomError(f"{task} as {owner.pw_name} in {home} failed: {problem}")
    return done.stdout.strip()


def prepare_home(
    home: Path, course: Path, owner: pwd.struct_passwd | None, python: str | None = None
) -> bool:
    """Make a learner's folder and, as the learner (:func:`as_learner`), their copy of the course.

    Returns True when the course was copied now, False when the folder already had it.
    """
    make_home(home, owner)
    return as_learner("copy", course, home, owner, python) == "copied"


#: Accounts a classroom has: learner01 ... learner999 and the instructor.
_ACCOUNT_NAME = re.compile(r"learner\d{2,3}|instructor")


def reset_learner(state: Path, course: Path, name: str) -> str:
    """Give ``name`` a fresh copy of the course, keeping their folder (``classroom reset``).

    As root the work is done as the learner (:func:`as_learner`): the system user that owns
    their folder, which must be one this classroom made (its room key). Their earlier
    ``notebooks`` is renamed ``notebooks-before-reset-YYYYmmdd-HHMMSS``, never deleted. Returns
    one line saying what was done.

    Raises
    ------
    ClassroomError
        For a name that is not an account, a learner who has no folder yet, or a folder whose
        owner is not this classroom's user.
    """
    from .interpreter import learner_python

    if not _ACCOUNT_NAME.fullmatch(name):
        raise ClassroomError(
            f"{name!r} is not a classroom account; allowed: learner01 ... learner999, instructor"
        )
    home = state / "home" / name
    if home.is_symlink() or not home.is_dir():
        raise ClassroomError(f"{name} has no folder {home} yet (a learner's first login makes it)")
    as_root = running_as_root()
    owner = None
    if as_root:
        owner = _classroom_owner(home, room_key(state))
    python = learner_python(state, as_root=as_root).executable
    result = as_learner("reset", course, home, owner, python)
    kept = result.removeprefix("reset").strip()
    where = home / course_module.COURSE_FOLDER
    if kept:
        return (
            f"{name}: a fresh copy of the course in {where}; their earlier folder is kept as {kept}"
        )
    return f"{name}: a fresh copy of the course in {where}"


def _classroom_owner(home: Path, key: str) -> pwd.struct_passwd:
    """The system user owning ``home``, when this classroom made it (else ClassroomError)."""
    uid = home.lstat().st_uid
    try:
        owner = pwd.getpwuid(uid)
    except KeyError:
        owner = None
    if owner is None or uid == 0 or owner.pw_gecos != f"{USER_COMMENT},{key}":
        raise ClassroomError(
            f"{home} is owned by user {owner.pw_name if owner else uid}, not by one of this "
            "classroom's users; is --state the classroom's?"
        )
    return owner
