"""Configure and run JupyterHub for a classroom (``python -m aftercare classroom``).

The pieces are JupyterHub's own: the hub, ``configurable-http-proxy`` (npm, from
``js/node_modules``), ``SharedPasswordAuthenticator`` (:mod:`.login`: UTF-8 comparison and
throttling) and ``jupyterhub-idle-culler`` as a hub service. :func:`hub_config` turns
:class:`~aftercare.classroom.settings.ClassroomSettings` into a traitlets ``Config``;
:func:`run_classroom` checks everything (the port first), prints what the room is, and runs the
hub in this process until Ctrl+C (or SIGTERM), which stops every learner's server, the culler
and the proxy within 10 s (:mod:`.service`). Work stays in the state folder and is there again
on the next start.

References
----------
JupyterHub documentation, "Configuration basics", "Authenticators" (shared password),
"Services" and "Spawners" (LocalProcessSpawner); jupyterhub-idle-culler README.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..checkin import ROOM_URL_ENV
from ..export.assets import node_modules_dir
from .accounts import (
    check_reachable,
    committed_course,
    ensure_system_user,
    prepare_state,
    room_key,
    running_as_root,
)
from .interpreter import LearnerPython, learner_python
from .room import CUSTOM_SCOPES, SCOPE_ANSWER, SCOPE_NAMES, SCOPE_READ, SERVICE_NAME
from .settings import (
    INSTRUCTOR,
    PASSWORD_ENV,
    ClassroomError,
    ClassroomSettings,
    class_password,
    instructor_password,
)

__all__ = [
    "hub_config",
    "proxy_command",
    "check_port_free",
    "room_db",
    "startup_lines",
    "run_classroom",
    "START_PAGE",
    "STOP_TIMEOUTS_S",
]

#: The page each learner opens on.
START_PAGE = "/lab/tree/notebooks/00_start_here.ipynb"
#: Scopes the idle culler needs (jupyterhub-idle-culler README), not more.
_CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]
#: Spawning 25 servers at once on 2 cores takes a while: wait this long before giving up [s].
_START_TIMEOUT_S = 300
#: How long a stop waits for each learner's server after SIGINT, then SIGTERM, then SIGKILL,
#: and for the hub's whole clean-up before it kills what is left [s] (Ctrl+C or SIGTERM stops
#: everything within 10 s; :class:`~aftercare.classroom.service.ClassroomHub`).
STOP_TIMEOUTS_S = {"interrupt": 1, "term": 4, "kill": 1, "cleanup": 8}
#: HSTS under TLS: browsers keep to https for this host for a year (RFC 6797).
_HSTS = "max-age=31536000"


def proxy_command() -> Path:
    """The ``configurable-http-proxy`` that ``npm ci --prefix js`` installed.

    Raises
    ------
    ClassroomError
        When it is not installed.
    """
    path = node_modules_dir() / ".bin" / "configurable-http-proxy"
    if not path.exists():
        raise ClassroomError(
            f"configurable-http-proxy not found at {path}; install it with: npm ci --prefix js "
            "(./scripts/setup.sh does this)"
        )
    return path


def check_port_free(ip: str, port: int) -> None:
    """Raise :class:`ClassroomError` (one line) unless ``ip:port`` can be listened on now.

    JupyterHub would start anyway and only its proxy would log the clash; this check runs
    before anything starts. It binds the address as the hub's servers do (tornado's
    ``bind_sockets``, with ``SO_REUSEADDR`` like the proxy) and lets it go at once.
    """
    from tornado.netutil import bind_sockets

    try:
        sockets = bind_sockets(port, address=ip)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ClassroomError(
                f"--port {port}: {ip}:{port} is already in use (another classroom or server "
                "listens there); choose another port or stop that one"
            ) from None
        if exc.errno == errno.EACCES:
            raise ClassroomError(
                f"--port {port}: not allowed to listen there (ports below 1024 need root); "
                "choose a port from 1024"
            ) from None
        raise ClassroomError(
            f"--ip {ip} --port {port}: cannot listen there ({exc.strerror or exc})"
        ) from None
    for sock in sockets:
        sock.close()


def hub_config(
    settings: ClassroomSettings,
    *,
    class_pw: str,
    instructor_pw: str,
    as_root: bool,
    hub_port: int,
    proxy_api_port: int,
    proxy: Path | None = None,
    learner: LearnerPython | None = None,
    room_port: int = 8083,
):
    """The JupyterHub configuration of a classroom.

    Parameters
    ----------
    settings : ClassroomSettings
        Accounts, address, TLS, state folder, idle time and course.
    class_pw, instructor_pw : str
        The learners' password and the instructor's (admin) password.
    as_root : bool
        Run each learner's server as their own system user.
    hub_port, proxy_api_port, room_port : int
        Free ports on 127.0.0.1 for the hub's API, the proxy's API and the room service.
    proxy : Path, optional
        The ``configurable-http-proxy`` executable (default: :func:`proxy_command`).
    learner : LearnerPython, optional
        The interpreter the learners' servers run (default: this one).

    Returns
    -------
    traitlets.config.Config

    Examples
    --------
    >>> s = ClassroomSettings.build(users=2, port=8000, state="/tmp/room")
    >>> c = hub_config(s, class_pw="a" * 8, instructor_pw="b" * 32, as_root=False,
    ...                hub_port=8081, proxy_api_port=8082, proxy=Path("chp"))
    >>> sorted(c.Authenticator.allowed_users), sorted(c.Authenticator.admin_users)
    (['learner01', 'learner02'], ['instructor'])
    >>> c.JupyterHub.bind_url, c.JupyterHub.db_url
    ('http://127.0.0.1:8000/', 'sqlite:////tmp/room/hub/jupyterhub.sqlite')
    """
    from traitlets.config import Config

    from .login import ClassroomAuthenticator
    from .service import ClassroomProxy, HubDatabase
    from .spawner import CourseSpawner

    c = Config()
    hub = settings.hub_dir
    scheme = "https" if settings.tls else "http"
    host = f"[{settings.ip}]" if ":" in settings.ip else settings.ip
    c.JupyterHub.bind_url = f"{scheme}://{host}:{settings.port}/"
    if settings.tls:
        c.JupyterHub.ssl_cert = str(settings.ssl_cert)
        c.JupyterHub.ssl_key = str(settings.ssl_key)
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = hub_port
    c.JupyterHub.db_url = f"sqlite:///{hub / 'jupyterhub.sqlite'}"
    # JupyterHub writes its database at logins, spawns and activity reports, and when it notes
    # a token's use (activity_resolution, below): in write-ahead-log mode such a commit need
    # not wait for the disk (see HubDatabase for what that trades).
    c.JupyterHub.db_kwargs = {"connect_args": {"check_same_thread": False, "factory": HubDatabase}}
    c.JupyterHub.cookie_secret_file = str(hub / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub / "jupyterhub.pid")
    # Extra JupyterHub settings an administrator may keep with the state (empty at first).
    c.JupyterHub.config_file = str(hub / "jupyterhub_config.py")
    c.JupyterHub.cleanup_servers = True  # Ctrl+C stops the learners' servers; files stay
    # A login lasts one class day (the hub's cookie, and the servers' OAuth tokens, which
    # default to the same lifetime); cookies go with same-site requests and top-level links only.
    # (cookie_max_age_days only bounds what the hub accepts: the cookies' own expiry comes from
    # cookie_options, which JupyterHub also hands to the learners' servers for theirs.)
    login_days = settings.login_hours / 24
    c.JupyterHub.cookie_max_age_days = login_days
    tornado_settings = {"cookie_options": {"samesite": "Lax", "expires_days": login_days}}
    if settings.tls:
        tornado_settings["headers"] = {"Strict-Transport-Security": _HSTS}
    c.JupyterHub.tornado_settings = tornado_settings
    # The last use of a token (and, for tokens other than a server's and for the hub's own
    # pages, the user's last activity) is written at most once per login day, not every 30 s:
    # each such write (a commit, then JupyterHub's SELECT 1 check of the connection it takes
    # next) cost the hub about 1 ms more CPU when the room had it check a learner's token, one
    # learner after another. A learner's server token is then written once, by the activity
    # report the server sends as it starts; its answers to check-in questions write nothing.
    # What the idle culler and the admin page go by (each server's last activity, from the
    # servers' reports and the proxy every 5 minutes) is not affected; see "Activity times are
    # kept to the login day" in docs/classroom.md.
    c.JupyterHub.activity_resolution = round(settings.login_hours * 3600)

    c.JupyterHub.proxy_class = ClassroomProxy
    c.ConfigurableHTTPProxy.command = [str(proxy or proxy_command())]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(hub / "proxy.pid")

    c.JupyterHub.authenticator_class = ClassroomAuthenticator
    c.SharedPasswordAuthenticator.user_password = class_pw
    c.SharedPasswordAuthenticator.admin_password = instructor_pw
    c.Authenticator.allowed_users = set(settings.learners)
    c.Authenticator.admin_users = {INSTRUCTOR}

    c.JupyterHub.spawner_class = CourseSpawner
    c.CourseSpawner.home_root = str(settings.home_root)
    c.CourseSpawner.course_dir = str(settings.course)
    c.CourseSpawner.run_as_users = as_root
    c.CourseSpawner.system_user_prefix = settings.system_user("")
    c.LocalProcessSpawner.interrupt_timeout = STOP_TIMEOUTS_S["interrupt"]
    c.LocalProcessSpawner.term_timeout = STOP_TIMEOUTS_S["term"]
    c.LocalProcessSpawner.kill_timeout = STOP_TIMEOUTS_S["kill"]
    learner = learner or LearnerPython(sys.executable)
    c.Spawner.cmd = [learner.executable, "-m", "jupyterhub.singleuser"]
    # Kernel websockets authenticate with the token JupyterLab gets in its page, not the cookie:
    # all servers share one origin, so a cookie-only websocket could be opened from a page in
    # another learner's server (JupyterHub's own advice where subdomains are not used).
    c.Spawner.environment = {**learner.env, "JUPYTERHUB_ALLOW_WEBSOCKET_COOKIE_AUTH": "0"}
    c.Spawner.default_url = START_PAGE
    c.Spawner.args = [
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=",
    ]
    c.Spawner.start_timeout = _START_TIMEOUT_S
    c.Spawner.http_timeout = _START_TIMEOUT_S
    # The kernel must keep its inline/widget backends; nothing else leaks from the hub's shell.
    c.Spawner.env_keep = ["LANG", "LC_ALL", "PATH", "VIRTUAL_ENV", "AFTERCARE_DATA"]

    culler = [
        sys.executable,
        "-m",
        "jupyterhub_idle_culler",
        f"--timeout={round(settings.idle_minutes * 60)}",
        f"--cull-every={max(30, min(300, round(settings.idle_minutes * 60 / 4)))}",
    ]
    room_url = f"http://127.0.0.1:{room_port}"
    c.JupyterHub.services = [
        {"name": "idle-culler", "command": culler},
        {
            # The room: the class's answers to check-in questions, for the instructor.
            "name": SERVICE_NAME,
            "url": room_url,
            "command": [
                sys.executable,
                "-m",
                "aftercare.classroom.room",
                "--db",
                str(room_db(settings)),
            ],
            "display": True,
            "oauth_no_confirm": True,
            "oauth_client_allowed_scopes": [SCOPE_READ, SCOPE_NAMES],
        },
    ]
    # The instructor lands on the admin page; every page's bar links to "My JupyterLab".
    c.JupyterHub.default_url = landing_url
    c.JupyterHub.template_paths = [str(Path(__file__).with_name("templates"))]
    access_room = f"access:services!service={SERVICE_NAME}"
    c.JupyterHub.custom_scopes = CUSTOM_SCOPES
    c.JupyterHub.load_roles = [
        {"name": "idle-culler", "scopes": _CULLER_SCOPES, "services": ["idle-culler"]},
        {"name": "room-learner", "scopes": [SCOPE_ANSWER, access_room], "users": settings.learners},
        {
            "name": "room-instructor",
            "scopes": [SCOPE_READ, SCOPE_NAMES, access_room],
            "users": [INSTRUCTOR],
        },
    ]
    # A learner's server token (which its kernels inherit) may post that learner's answers to
    # the room, and nothing more than JupyterHub's default server token may do besides.
    c.Spawner.server_token_scopes = [
        "users:activity!user",
        "access:servers!server",
        SCOPE_ANSWER,
        access_room,
    ]
    c.Spawner.environment[ROOM_URL_ENV] = f"{room_url}/services/{SERVICE_NAME}/"
    if settings.prestart:
        from .prestart import prestart_role, prestart_service

        c.JupyterHub.services.append(prestart_service(settings.learners))
        c.JupyterHub.load_roles.append(prestart_role())
    return c


def room_db(settings: ClassroomSettings) -> Path:
    """The room service's answers: ``STATE/room/room.sqlite`` (kept across restarts)."""
    return settings.state / "room" / "room.sqlite"


def landing_url(handler) -> str:
    """Where a user lands after login: the admin page for the instructor (an admin), else their
    own server as JupyterHub does by default (an empty answer)."""
    user = handler.current_user
    return f"{handler.hub.base_url}admin" if user is not None and user.admin else ""


def startup_lines(settings: ClassroomSettings, *, as_root: bool, instructor_from: str) -> list[str]:
    """What the command prints before the hub starts: the room, its address, its warnings."""
    learners = settings.learners
    names = learners[0] if len(learners) == 1 else f"{learners[0]} ... {learners[-1]}"
    where = f"the file {instructor_from}" if os.sep in instructor_from else f"${instructor_from}"
    lines = [
        f"aftercare classroom: {len(learners)} learner(s) ({names}) and {INSTRUCTOR} (admin)",
        f"  open {settings.url} ; learners log in with the class password (${PASSWORD_ENV})",
        f"  instructor: log in as {INSTRUCTOR!r} with the password in {where}; "
        f"admin page {settings.url}hub/admin",
        f"  state (database, cookie secret, learners' folders): {settings.state}",
        f"  the room (the class's answers, live): {settings.url}services/{SERVICE_NAME}/",
        f"  idle servers stop after {settings.idle_minutes:g} minutes (their files stay)",
    ]
    if as_root:
        lines.append(
            "  each learner's server runs as their own system user, so learners cannot read "
            "each other's files"
        )
        if settings.room:
            lines.append(
                f"  room {settings.room!r}: its system users are "
                f"{settings.system_user(learners[0])} ... {settings.system_user(INSTRUCTOR)}"
            )
    else:
        lines.append(
            "warning: not running as root, so every learner's server runs as "
            f"{_user_name()}: learners are NOT isolated from each other's files (run as root "
            "to give each learner their own system user)"
        )
    if settings.open_to_network and not settings.tls:
        lines.append(
            f"warning: the classroom is open to the network at {settings.url} without TLS: "
            "passwords and work cross the network in clear text; add --ssl-cert and --ssl-key"
        )
    if settings.prestart:
        from .prestart import default_concurrency

        lines.append(
            f"  starting every learner's server now, {default_concurrency()} at a time "
            "(--prestart), so each finds JupyterLab running at login"
        )
    lines.append("  stop with Ctrl+C; everyone's work is kept and is there again on restart")
    return lines


def _user_name() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def run_classroom(
    settings: ClassroomSettings,
    *,
    environ: dict[str, str] | None = None,
    echo: Callable[[str], None] | None = None,
) -> int:
    """Check everything, print the room, then run JupyterHub here until it is stopped.

    Once JupyterHub has stopped (Ctrl+C or SIGTERM: every server, the culler and the proxy
    stopped) the process ends with status 0 without tearing down the interpreter.

    Raises
    ------
    ClassroomError
        On a missing or short password, a missing proxy, an unreachable state folder, or a
        system user that the classroom did not make; nothing is started then.
    """
    from jupyterhub.utils import random_port

    from .service import ClassroomHub, running_classroom, stop_leftover_proxy

    echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    class_pw = class_password(environ)
    running = running_classroom(settings.hub_dir / "jupyterhub.pid")
    if running:
        raise ClassroomError(
            f"a classroom already runs on --state {settings.state} (process {running}); stop it "
            f"(Ctrl+C, or kill -TERM {running}) or choose another --state"
        )
    leftover = stop_leftover_proxy(settings.hub_dir / "proxy.pid")
    if leftover:
        echo(f"  stopped the proxy (process {leftover}) an earlier, killed run left behind")
    check_port_free(settings.ip, settings.port)
    proxy = proxy_command()
    as_root = running_as_root()
    if as_root:
        check_reachable(settings.state, f"their folders in {settings.state}")
        check_reachable(Path(sys.prefix), f"the Python environment {sys.prefix}")
        check_reachable(settings.course, f"the course in {settings.course}")
    prepare_state(settings.state)
    # Learners get the course as committed, never a trainer's saved run of it.
    settings = dataclasses.replace(
        settings, course=committed_course(settings.course, settings.state)
    )
    learner = learner_python(settings.state, as_root=as_root)
    instructor_pw, instructor_from = instructor_password(settings.state, class_pw, environ)
    if as_root:
        key = room_key(settings.state)
        for name in settings.accounts:
            ensure_system_user(settings.system_user(name), settings.home_root / name, key)
    config = hub_config(
        settings,
        class_pw=class_pw,
        instructor_pw=instructor_pw,
        as_root=as_root,
        hub_port=random_port(),
        proxy_api_port=random_port(),
        proxy=proxy,
        learner=learner,
        room_port=random_port(),
    )
    config.ClassroomHub.cleanup_timeout_s = STOP_TIMEOUTS_S["cleanup"]
    for line in startup_lines(settings, as_root=as_root, instructor_from=instructor_from):
        echo(line)
    if learner.note:
        echo(f"  note: {learner.note}")
    hub = ClassroomHub.instance(config=config)
    try:
        ClassroomHub.launch_instance([])
    finally:
        # Stopped while starting (a signal, a failure), JupyterHub's clean-up never ran.
        hub.kill_leftovers()
    # Everything is stopped and the database committed. Tearing down the interpreter (its
    # JupyterHub, pandas and matplotlib modules) took another 5 to 20 s on a busy 2-core
    # machine, so end here: a stop takes seconds, not half a minute.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
