"""What a classroom is: its accounts, address, passwords, state folder and course, validated.

Everything here is checked before JupyterHub starts, so a mistake stops the command with one line
naming the option or variable and what is allowed (never a traceback from inside the hub).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AftercareError, check_number
from ..resources import require_checkout_dir

__all__ = [
    "ClassroomError",
    "ClassroomSettings",
    "PASSWORD_ENV",
    "INSTRUCTOR_PASSWORD_ENV",
    "INSTRUCTOR",
    "MIN_PASSWORD_LENGTH",
    "MIN_INSTRUCTOR_PASSWORD_LENGTH",
    "learner_names",
    "class_password",
    "check_typeable",
    "instructor_password",
    "default_course_dir",
]

#: Environment variable holding the password every learner logs in with.
PASSWORD_ENV = "AFTERCARE_CLASS_PASSWORD"
#: Environment variable holding the instructor's (admin) password; generated when unset.
INSTRUCTOR_PASSWORD_ENV = "AFTERCARE_INSTRUCTOR_PASSWORD"
#: The admin account's name.
INSTRUCTOR = "instructor"
#: JupyterHub's SharedPasswordAuthenticator refuses shorter passwords (``user_password``).
MIN_PASSWORD_LENGTH = 8
#: ... and shorter admin passwords (``admin_password``).
MIN_INSTRUCTOR_PASSWORD_LENGTH = 32
#: Most learners one classroom accepts (names stay three digits at most).
MAX_USERS = 999
#: A room name: the prefix of its learners' system users (``b-learner01``) on a shared server.
_ROOM_NAME = re.compile(r"[a-z][a-z0-9]{0,11}")


class ClassroomError(AftercareError):
    """A classroom option, variable or folder is not usable (the message says what to do)."""


def learner_names(users: int) -> list[str]:
    """The learners' account names: ``learner01`` ... (two digits, three from 100 learners).

    Examples
    --------
    >>> learner_names(3)
    ['learner01', 'learner02', 'learner03']
    >>> learner_names(120)[-1]
    'learner120'
    """
    width = max(2, len(str(users)))
    return [f"learner{i:0{width}d}" for i in range(1, users + 1)]


def default_course_dir() -> Path:
    """The course the learners copy: ``notebooks/`` of the checkout this package runs from.

    Raises
    ------
    MissingFilesError
        When the package runs from an installed wheel, which does not ship the notebooks.
    """
    return require_checkout_dir(
        "notebooks", what="the course notebooks", instead="pass the course folder (--course)"
    )


def class_password(environ: dict[str, str] | None = None) -> str:
    """The class password from ``AFTERCARE_CLASS_PASSWORD``.

    Raises
    ------
    ClassroomError
        When it is unset, blank or shorter than 8 characters (the value is never printed).
    """
    value = (os.environ if environ is None else environ).get(PASSWORD_ENV, "")
    if not value.strip():
        raise ClassroomError(
            f"set {PASSWORD_ENV} to the class password (at least {MIN_PASSWORD_LENGTH} "
            "characters) before starting the classroom"
        )
    check_typeable(PASSWORD_ENV, value)
    if len(value) < MIN_PASSWORD_LENGTH or value != value.strip():
        raise ClassroomError(
            f"{PASSWORD_ENV} holds {len(value)} characters; allowed: at least "
            f"{MIN_PASSWORD_LENGTH}, without spaces at either end"
        )
    return value


def check_typeable(name: str, value: str) -> None:
    """Refuse a password nobody can type into the login form: text that is not UTF-8 (a
    variable holding other bytes) or that holds control characters (a tab, a line break).

    Any other Unicode text is fine: the login compares UTF-8 bytes (:mod:`.login`).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ClassroomError(
            f"{name} is not UTF-8 text; allowed: letters, digits, spaces and signs in any "
            "language, typed in a UTF-8 terminal"
        ) from None
    if not value.isprintable():
        raise ClassroomError(
            f"{name} holds a control character (a tab or a line break), which nobody can type "
            "into the login form; allowed: printable text"
        )


def instructor_password(
    state: Path, class_pw: str, environ: dict[str, str] | None = None
) -> tuple[str, str]:
    """The instructor's password and where it comes from (the variable, or a file in ``state``).

    JupyterHub's shared-password login never lets an admin in with the learners' password
    (anyone who knows that one may log in under any learner's name); it asks for a separate
    admin password of at least 32 characters. Without ``AFTERCARE_INSTRUCTOR_PASSWORD`` one is
    generated once and kept in ``STATE/hub/instructor-password`` (readable only by its owner).
    """
    environ = os.environ if environ is None else environ
    value = environ.get(INSTRUCTOR_PASSWORD_ENV)
    if value is not None:
        if not value.strip():
            raise ClassroomError(
                f"{INSTRUCTOR_PASSWORD_ENV} is blank; set it to a password of at least "
                f"{MIN_INSTRUCTOR_PASSWORD_LENGTH} characters, or unset it to have one generated"
            )
        check_typeable(INSTRUCTOR_PASSWORD_ENV, value)
        if value != value.strip():
            raise ClassroomError(f"{INSTRUCTOR_PASSWORD_ENV}: allowed without spaces at either end")
        if len(value) < MIN_INSTRUCTOR_PASSWORD_LENGTH:
            raise ClassroomError(
                f"{INSTRUCTOR_PASSWORD_ENV} holds {len(value)} characters; allowed: at least "
                f"{MIN_INSTRUCTOR_PASSWORD_LENGTH} (or leave it unset to have one generated)"
            )
        if value == class_pw:
            raise ClassroomError(
                f"{INSTRUCTOR_PASSWORD_ENV} must differ from {PASSWORD_ENV} (the learners' one)"
            )
        return value, INSTRUCTOR_PASSWORD_ENV
    path = state / "hub" / "instructor-password"
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if len(stored) >= MIN_INSTRUCTOR_PASSWORD_LENGTH and stored != class_pw:
            return stored, str(path)
    stored = secrets.token_urlsafe(30)  # 40 characters
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(stored + "\n")
    return stored, str(path)


def _is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return ip == "localhost"


@dataclass(frozen=True)
class ClassroomSettings:
    """A validated classroom: ``learner01`` ... ``learnerNN`` plus ``instructor``.

    Parameters
    ----------
    users : int
        Number of learners, 1 to 999.
    port : int
        Port the hub's proxy listens on (the address learners open), 1 to 65535.
    ip : str
        Address to listen on; ``127.0.0.1`` (this machine only) by default. Any other address
        opens the classroom to a network: use TLS there.
    state : Path
        Folder holding the hub's database, cookie secret and every learner's folder.
    ssl_cert, ssl_key : Path or None
        TLS certificate and key (PEM), given together; passed to JupyterHub.
    idle_minutes : float
        A learner's server idle this long is stopped (their files stay), 1 to 10080.
    course : Path
        Folder whose notebooks every learner copies at first login.
    room : str
        Name of this classroom on a server that runs more than one: its learners' system users
        are ``ROOM-learner01`` ... (as root); "" (the default) for plain ``learner01`` ...
    login_hours : float
        How long a login lasts (the hub's cookie and the servers' tokens), 1 to 168 hours;
        12 by default, one class day.
    prestart : bool
        Start every learner's server as soon as the hub is up (:mod:`.prestart`).

    Examples
    --------
    >>> s = ClassroomSettings.build(users=2, port=8000)
    >>> s.accounts, s.url, s.open_to_network
    (['learner01', 'learner02', 'instructor'], 'http://127.0.0.1:8000/', False)
    """

    users: int
    port: int
    ip: str = "127.0.0.1"
    state: Path = field(default_factory=lambda: Path(".classroom"))
    ssl_cert: Path | None = None
    ssl_key: Path | None = None
    idle_minutes: float = 60
    course: Path = field(default_factory=default_course_dir)
    room: str = ""
    login_hours: float = 12
    prestart: bool = False

    @classmethod
    def build(
        cls,
        *,
        users: int,
        port: int,
        ip: str = "127.0.0.1",
        state: Path | str = ".classroom",
        ssl_cert: Path | str | None = None,
        ssl_key: Path | str | None = None,
        idle_minutes: float = 60,
        course: Path | str | None = None,
        room: str = "",
        login_hours: float = 12,
        prestart: bool = False,
    ) -> ClassroomSettings:
        """Check every option and return the settings (raises :class:`InputError` or
        :class:`ClassroomError` with one line naming the option)."""
        users = int(check_number("--users", users, low=1, high=MAX_USERS))
        port = int(check_number("--port", port, low=1, high=65535))
        idle_minutes = check_number("--idle-minutes", idle_minutes, low=1, high=7 * 24 * 60)
        login_hours = check_number("--login-hours", login_hours, low=1, high=7 * 24)
        if room and not _ROOM_NAME.fullmatch(room):
            raise ClassroomError(
                f"--room {room!r} is not a room name; allowed: 1 to 12 lower-case letters and "
                "digits, starting with a letter"
            )
        if not ip or any(c.isspace() for c in ip):
            raise ClassroomError(f"--ip {ip!r} is not an address; allowed: an IP or host name")
        if (ssl_cert is None) != (ssl_key is None):
            raise ClassroomError("--ssl-cert and --ssl-key go together: give both or neither")
        cert = key = None
        if ssl_cert is not None:
            cert, key = Path(ssl_cert).resolve(), Path(ssl_key).resolve()
            for option, path in (("--ssl-cert", cert), ("--ssl-key", key)):
                if not path.is_file():
                    raise ClassroomError(f"{option} {path}: no such file")
        course_dir = Path(course).resolve() if course else default_course_dir()
        if not any(course_dir.glob("*.ipynb")):
            raise ClassroomError(
                f"--course {course_dir}: no notebooks there (the learners' copy of the course)"
            )
        return cls(
            users=users,
            port=port,
            ip=ip,
            state=Path(state).resolve(),
            ssl_cert=cert,
            ssl_key=key,
            idle_minutes=idle_minutes,
            course=course_dir,
            room=room,
            login_hours=login_hours,
            prestart=bool(prestart),
        )

    @property
    def learners(self) -> list[str]:
        """``learner01`` ... ``learnerNN``."""
        return learner_names(self.users)

    @property
    def accounts(self) -> list[str]:
        """Every account: the learners, then ``instructor``."""
        return [*self.learners, INSTRUCTOR]

    def system_user(self, account: str) -> str:
        """The system user an account's server runs as (as root): ``learner01`` or, in a named
        room, ``ROOM-learner01``.

        Examples
        --------
        >>> s = ClassroomSettings.build(users=1, port=8000, room="b")
        >>> s.system_user("learner01"), s.system_user("instructor")
        ('b-learner01', 'b-instructor')
        """
        return f"{self.room}-{account}" if self.room else account

    @property
    def tls(self) -> bool:
        return self.ssl_cert is not None

    @property
    def open_to_network(self) -> bool:
        """True when ``ip`` is not a loopback address."""
        return not _is_loopback(self.ip)

    @property
    def url(self) -> str:
        """The address learners open."""
        host = self.ip if ":" not in self.ip else f"[{self.ip}]"
        if self.ip in ("0.0.0.0", "::", ""):
            host = "THIS-MACHINE"
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/"

    @property
    def hub_dir(self) -> Path:
        """The hub's private files: database, cookie secret, proxy pid, instructor password."""
        return self.state / "hub"

    @property
    def home_root(self) -> Path:
        """Parent of every learner's folder (``STATE/home/learner01`` ...)."""
        return self.state / "home"
