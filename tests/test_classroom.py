"""The classroom's settings, JupyterHub configuration, course copy and command line (no hub).

The running classroom (logins, isolation, the browser) is tested in tests/e2e/test_classroom_hub.py.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from aftercare.__main__ import main
from aftercare.classroom import ClassroomError, ClassroomSettings, learner_names
from aftercare.classroom.accounts import COURSE_MARKER, check_reachable, copy_course, prepare_state
from aftercare.classroom.hub import START_PAGE, hub_config, startup_lines
from aftercare.classroom.settings import (
    INSTRUCTOR_PASSWORD_ENV,
    PASSWORD_ENV,
    class_password,
    default_course_dir,
    instructor_password,
)
from aftercare.errors import InputError

SECRET = "correct-horse-battery"


def _settings(tmp_path, **options) -> ClassroomSettings:
    options.setdefault("users", 3)
    options.setdefault("port", 8000)
    return ClassroomSettings.build(state=tmp_path / "state", **options)


def _config(settings, as_root=False):
    return hub_config(
        settings,
        class_pw=SECRET,
        instructor_pw="i" * 40,
        as_root=as_root,
        hub_port=18081,
        proxy_api_port=18082,
        proxy=Path("/bin/configurable-http-proxy"),
    )


def test_learner_names_are_numbered_with_a_fixed_width():
    assert learner_names(2) == ["learner01", "learner02"]
    assert learner_names(9)[-1] == "learner09"
    names = learner_names(100)
    assert names[0] == "learner001" and names[-1] == "learner100" and len(set(names)) == 100


@pytest.mark.parametrize(
    "environ, problem",
    [
        ({}, f"set {PASSWORD_ENV}"),
        ({PASSWORD_ENV: "   "}, f"set {PASSWORD_ENV}"),
        ({PASSWORD_ENV: "seven77"}, "holds 7 characters; allowed: at least 8"),
        ({PASSWORD_ENV: " padded-password "}, "without spaces at either end"),
    ],
)
def test_the_class_password_must_be_set_and_long_enough(environ, problem):
    with pytest.raises(ClassroomError) as error:
        class_password(environ)
    message = str(error.value)
    assert problem in message and "\n" not in message
    for value in environ.values():
        if value.strip():
            assert value.strip() not in message  # never printed


def test_a_good_class_password_is_returned():
    assert class_password({PASSWORD_ENV: SECRET}) == SECRET


def test_the_instructor_password_is_generated_once_and_kept_private(tmp_path):
    first, where = instructor_password(tmp_path, SECRET, {})
    assert len(first) >= 32 and first != SECRET
    path = Path(where)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, _ = instructor_password(tmp_path, SECRET, {})
    assert again == first  # a restart keeps it


def test_the_instructor_password_from_the_environment_is_checked(tmp_path):
    chosen = "x" * 32
    assert instructor_password(tmp_path, SECRET, {INSTRUCTOR_PASSWORD_ENV: chosen}) == (
        chosen,
        INSTRUCTOR_PASSWORD_ENV,
    )
    with pytest.raises(ClassroomError, match="at least 32"):
        instructor_password(tmp_path, SECRET, {INSTRUCTOR_PASSWORD_ENV: "short"})
    same = "y" * 40
    with pytest.raises(ClassroomError, match="must differ"):
        instructor_password(tmp_path, same, {INSTRUCTOR_PASSWORD_ENV: same})


@pytest.mark.parametrize(
    "options, field",
    [
        ({"users": 0}, "--users"),
        ({"users": 1000}, "--users"),
        ({"port": 0}, "--port"),
        ({"port": 70000}, "--port"),
        ({"idle_minutes": 0}, "--idle-minutes"),
    ],
)
def test_out_of_range_options_name_the_option(tmp_path, options, field):
    with pytest.raises(InputError, match=field):
        _settings(tmp_path, **options)


def test_tls_files_go_together_and_must_exist(tmp_path):
    with pytest.raises(ClassroomError, match="go together"):
        _settings(tmp_path, ssl_cert=tmp_path / "cert.pem")
    with pytest.raises(ClassroomError, match="--ssl-cert .*no such file"):
        _settings(tmp_path, ssl_cert=tmp_path / "cert.pem", ssl_key=tmp_path / "key.pem")


def test_a_course_without_notebooks_is_refused(tmp_path):
    with pytest.raises(ClassroomError, match="no notebooks"):
        _settings(tmp_path, course=tmp_path)


def test_the_hub_uses_jupyterhubs_own_pieces(tmp_path):
    settings = _settings(tmp_path)
    c = _config(settings)
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000/"
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy

    # JupyterHub's shared-password login and its proxy, each with a small subclass (login.py,
    # service.py), configured through the upstream classes' own settings.
    assert issubclass(c.JupyterHub.authenticator_class, SharedPasswordAuthenticator)
    assert c.SharedPasswordAuthenticator.user_password == SECRET
    assert c.Authenticator.allowed_users == {"learner01", "learner02", "learner03"}
    assert c.Authenticator.admin_users == {"instructor"}
    assert issubclass(c.JupyterHub.proxy_class, ConfigurableHTTPProxy)
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:18082"
    assert c.JupyterHub.hub_port == 18081 and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Spawner.default_url == START_PAGE == "/lab/tree/notebooks/00_start_here.ipynb"
    assert c.CourseSpawner.run_as_users is False
    # Everything the hub keeps lives under the state folder.
    state = str(settings.state)
    for value in (
        c.JupyterHub.db_url,
        c.JupyterHub.cookie_secret_file,
        c.ConfigurableHTTPProxy.pid_file,
        c.CourseSpawner.home_root,
    ):
        assert state in value
    assert _config(settings, as_root=True).CourseSpawner.run_as_users is True


def test_idle_servers_are_culled_after_the_configured_time(tmp_path):
    c = _config(_settings(tmp_path, idle_minutes=20))
    service = {s["name"]: s for s in c.JupyterHub.services}["idle-culler"]
    assert service["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert "--timeout=1200" in service["command"]
    role = {r["name"]: r for r in c.JupyterHub.load_roles}["idle-culler"]
    assert role["services"] == ["idle-culler"]
    assert "delete:servers" in role["scopes"] and "admin:users" not in role["scopes"]


def test_the_room_service_lets_learners_post_and_only_the_instructor_read(tmp_path):
    from aftercare.classroom.room import SCOPE_ANSWER, SCOPE_NAMES, SCOPE_READ

    settings = _settings(tmp_path)
    c = _config(settings)
    room = {s["name"]: s for s in c.JupyterHub.services}["room"]
    assert room["url"].startswith("http://127.0.0.1:")
    assert room["command"][1:3] == ["-m", "aftercare.classroom.room"]
    assert room["command"][-1] == str(settings.state / "room" / "room.sqlite")
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["room-learner"]["users"] == settings.learners
    assert SCOPE_READ not in roles["room-learner"]["scopes"]
    assert SCOPE_NAMES not in roles["room-learner"]["scopes"]
    assert roles["room-instructor"]["users"] == ["instructor"]
    assert {SCOPE_READ, SCOPE_NAMES} <= set(roles["room-instructor"]["scopes"])
    assert set(c.JupyterHub.custom_scopes) == {SCOPE_ANSWER, SCOPE_READ, SCOPE_NAMES}
    # A learner's kernels inherit the server's token: it may post answers, nothing more.
    assert SCOPE_ANSWER in c.Spawner.server_token_scopes
    assert SCOPE_READ not in c.Spawner.server_token_scopes
    assert c.Spawner.environment["AFTERCARE_ROOM_URL"] == room["url"] + "/services/room/"


def test_the_hubs_database_keeps_a_write_ahead_log(tmp_path):
    import sqlite3

    from sqlalchemy import create_engine, text

    c = _config(_settings(tmp_path))
    assert c.JupyterHub.db_url.startswith("sqlite:///")
    # What JupyterHub makes of db_kwargs: an engine whose connections are made by the factory.
    engine = create_engine(f"sqlite:///{tmp_path / 'hub.sqlite'}", **c.JupyterHub.db_kwargs)
    with engine.connect() as db:
        assert db.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    engine.dispose()
    assert sqlite3.connect(tmp_path / "hub.sqlite").execute("PRAGMA journal_mode").fetchone() == (
        "wal",
    )


def test_a_server_tokens_use_is_written_once_per_login_day(tmp_path):
    """JupyterHub's own activity check, with the classroom's resolution."""
    import logging
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from jupyterhub.app import JupyterHub
    from jupyterhub.handlers.base import BaseHandler
    from jupyterhub.singleuser.extension import JupyterHubSingleUser

    settings = _settings(tmp_path, login_hours=8)
    prepare_state(settings.state)  # JupyterHub wants the extra-settings file it is given
    c = _config(settings)
    assert JupyterHub(config=c).activity_resolution == 8 * 3600
    hub = SimpleNamespace(
        settings={"activity_resolution": c.JupyterHub.activity_resolution},
        log=logging.getLogger("test"),
    )
    started = datetime(2026, 1, 5, 8, 0)
    token = SimpleNamespace(last_activity=None)
    # The server's activity report as it starts is the token's first use: written.
    assert BaseHandler._record_activity(hub, token, started)
    # Its reports every 5 minutes and its kernels' answers later that day: not written.
    interval_s = JupyterHubSingleUser().hub_activity_interval
    for seconds in (interval_s, 2 * interval_s, 7 * 3600):
        assert not BaseHandler._record_activity(hub, token, started + timedelta(seconds=seconds))
    assert token.last_activity == started
    # After a login day it is written again.
    later = started + timedelta(hours=8, seconds=1)
    assert BaseHandler._record_activity(hub, token, later)
    assert token.last_activity == later


def test_tls_is_passed_to_jupyterhub(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert"), key.write_text("key")
    settings = _settings(tmp_path, ip="192.0.2.10", ssl_cert=cert, ssl_key=key)
    c = _config(settings)
    assert c.JupyterHub.bind_url == "https://192.0.2.10:8000/"
    assert (c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key) == (str(cert), str(key))
    lines = startup_lines(settings, as_root=True, instructor_from=INSTRUCTOR_PASSWORD_ENV)
    assert not any("without TLS" in line for line in lines)


def test_start_up_warns_about_the_network_without_tls_and_about_isolation(tmp_path):
    settings = _settings(tmp_path, ip="0.0.0.0")
    lines = startup_lines(settings, as_root=False, instructor_from="/state/hub/pw")
    text = "\n".join(lines)
    assert "warning: the classroom is open to the network" in text
    assert "add --ssl-cert and --ssl-key" in text
    assert "learners are NOT isolated from each other's files" in text
    root = "\n".join(startup_lines(_settings(tmp_path), as_root=True, instructor_from="X"))
    assert "warning" not in root and "their own system user" in root


def test_the_course_is_copied_once_and_never_over_a_learners_work(tmp_path):
    home = tmp_path / "learner01"
    home.mkdir()
    assert copy_course(default_course_dir(), home) is True
    copied = sorted(p.name for p in (home / "notebooks").glob("*.ipynb"))
    assert copied == sorted(p.name for p in default_course_dir().glob("*.ipynb"))
    notebook = json.loads((home / "notebooks" / "03_icing_timeline_planner.ipynb").read_text())
    assert "jupytext" not in notebook["metadata"]  # no .py twin appears in the learner's folder
    assert notebook["cells"]  # the stored outputs come along: it reads well before it runs
    mine = home / "notebooks" / "03_icing_timeline_planner.ipynb"
    mine.write_text("my work")
    (home / "notebooks" / "00_start_here.ipynb").unlink()
    assert copy_course(default_course_dir(), home) is False
    assert mine.read_text() == "my work"
    assert not (home / "notebooks" / "00_start_here.ipynb").exists()
    assert (home / COURSE_MARKER).is_file()


def test_the_state_folder_keeps_the_hub_private(tmp_path):
    state = tmp_path / "state"
    prepare_state(state)
    assert stat.S_IMODE((state / "hub").stat().st_mode) == 0o700
    assert stat.S_IMODE(state.stat().st_mode) == 0o711
    assert stat.S_IMODE((state / "home").stat().st_mode) == 0o711
    extra = state / "hub" / "jupyterhub_config.py"
    extra.write_text("c.JupyterHub.log_level = 'DEBUG'\n")
    prepare_state(state)
    assert "DEBUG" in extra.read_text()  # an administrator's extras are kept


def test_a_private_folder_above_the_state_is_named(tmp_path):
    private = tmp_path / "private"
    (private / "state").mkdir(parents=True)
    private.chmod(0o700)
    try:
        with pytest.raises(ClassroomError, match=f"{private} does not let other users through"):
            check_reachable(private / "state", "their folders")
    finally:
        private.chmod(0o755)


@pytest.mark.parametrize(
    "argv, environ, problem",
    [
        (["--users", "2"], {}, f"error: set {PASSWORD_ENV}"),
        (["--users", "0"], {PASSWORD_ENV: SECRET}, "error: --users = 0 is not allowed"),
        (
            ["--users", "2", "--ssl-key", "k.pem"],
            {PASSWORD_ENV: SECRET},
            "error: --ssl-cert and --ssl-key go together",
        ),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(argv, environ, problem, monkeypatch, capsys):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    assert main(["classroom", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(problem) and err.count("\n") == 1, err


def test_the_state_folder_is_ignored_by_git():
    root = Path(__file__).resolve().parents[1]
    assert "/.classroom/" in (root / ".gitignore").read_text().split()


def test_the_kubernetes_values_match_the_one_machine_classroom():
    import yaml

    root = Path(__file__).resolve().parents[1]
    values = yaml.safe_load((root / "deploy" / "zero-to-jupyterhub" / "values.yaml").read_text())
    hub = values["hub"]["config"]
    assert hub["JupyterHub"]["authenticator_class"] == "shared-password"
    assert hub["Authenticator"]["admin_users"] == ["instructor"]
    assert hub["Authenticator"]["allowed_users"] == learner_names(30)
    assert "SharedPasswordAuthenticator" not in hub  # passwords: a secrets file, never here
    single = values["singleuser"]
    assert single["defaultUrl"] == START_PAGE
    assert "copy_course" in " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert values["cull"] == {"enabled": True, "timeout": 3600, "every": 300, "users": False}
    assert values["proxy"]["https"]["enabled"] is True


def test_a_python_in_a_private_folder_is_not_usable_by_other_users(tmp_path):
    import sys

    from aftercare.classroom.interpreter import learner_python, usable_by_others

    private = tmp_path / "private"
    private.mkdir()
    tool = private / "tool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    tmp_path.chmod(0o755)
    private.chmod(0o700)
    try:
        assert not usable_by_others(tool)
        private.chmod(0o711)
        assert usable_by_others(tool) is all(
            p.stat().st_mode & stat.S_IXOTH for p in tool.resolve().parents
        )
    finally:
        private.chmod(0o755)
    # Without root every server runs as this user, with this interpreter.
    assert learner_python(tmp_path, as_root=False).executable == sys.executable


def test_the_instructor_lands_on_the_admin_page_and_learners_on_their_own_server():
    from types import SimpleNamespace

    from aftercare.classroom.hub import landing_url

    def handler(admin: bool | None) -> SimpleNamespace:
        user = None if admin is None else SimpleNamespace(admin=admin)
        return SimpleNamespace(current_user=user, hub=SimpleNamespace(base_url="/hub/"))

    assert landing_url(handler(True)) == "/hub/admin"
    assert landing_url(handler(False)) == ""  # JupyterHub's default: the learner's own server
    assert landing_url(handler(None)) == ""
    page = Path(__file__).parents[1] / "aftercare" / "classroom" / "templates" / "page.html"
    assert 'user-redirect/lab">My JupyterLab' in page.read_text(encoding="utf-8")


def test_the_course_is_copied_as_committed_not_as_a_trainer_ran_it(tmp_path):
    import subprocess

    from aftercare.classroom.accounts import committed_course
    from aftercare.classroom.course import COURSE_FILES

    course = tmp_path / "course"
    course.mkdir()
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (course / "01_x.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    for name in COURSE_FILES:
        (course / name).write_text(f"{name} as committed\n", encoding="utf-8")
    git = ["git", "-C", str(course), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "course"], check=True)
    ran = dict(notebook, metadata={"trainer_ran_it": True})
    (course / "01_x.ipynb").write_text(json.dumps(ran), encoding="utf-8")
    (course / "rise.css").write_text("a trainer's edit\n", encoding="utf-8")
    state = tmp_path / "state"
    state.mkdir()
    snapshot = committed_course(course, state)
    assert snapshot == state / "course" and (snapshot.stat().st_mode & 0o777) == 0o755
    (tmp_path / "home").mkdir()
    assert copy_course(snapshot, tmp_path / "home")
    copied = json.loads((tmp_path / "home" / "notebooks" / "01_x.ipynb").read_text())
    assert copied["metadata"] == {}
    assert (tmp_path / "home" / "notebooks" / "rise.css").read_text() == "rise.css as committed\n"
    # The trainer's working files are untouched.
    assert json.loads((course / "01_x.ipynb").read_text())["metadata"] == {"trainer_ran_it": True}
