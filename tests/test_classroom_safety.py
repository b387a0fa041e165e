"""A classroom to trust, without starting a hub: the course copy as the learner (planted links),
the course list, passwords and login throttling, cookies, the port check, the stop budget,
rooms' system users and the reset command.

The running hub (the same properties through a learner's own token, the login form, SIGTERM)
is tested in tests/e2e/test_classroom_hub.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from aftercare.__main__ import main
from aftercare.classroom import ClassroomError, ClassroomSettings
from aftercare.classroom.accounts import (
    ensure_system_user,
    make_home,
    prepare_home,
    reset_learner,
    room_key,
)
from aftercare.classroom.course import (
    COURSE_FILES,
    COURSE_MARKER,
    NOT_COPIED,
    copy_course,
    course_files,
)
from aftercare.classroom.hub import STOP_TIMEOUTS_S, check_port_free, hub_config
from aftercare.classroom.interpreter import learner_python
from aftercare.classroom.login import LoginThrottle, same_password
from aftercare.classroom.settings import (
    INSTRUCTOR_PASSWORD_ENV,
    PASSWORD_ENV,
    class_password,
    default_course_dir,
    instructor_password,
)

AS_ROOT = os.geteuid() == 0
as_root_only = pytest.mark.skipif(not AS_ROOT, reason="learners have their own users only as root")
COURSE = default_course_dir()
UNICODE_PASSWORD = "Fisioterapia-ção"


# -- the course: one list, compared with what the notebooks reference ------------------------


def _references(notebook: Path) -> set[str]:
    """Relative files a notebook's Markdown links to or shows (markdown-it-py's tokens), and
    RISE's stylesheet when the notebook is set up for live slides."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    found: set[str] = set()
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        targets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", source)  # raw HTML
        for token in parser.parse(source):
            for child in token.children or []:
                if child.type in ("link_open", "image"):
                    targets.append(child.attrGet("href") or child.attrGet("src") or "")
        for target in targets:
            path = target.split("#")[0].split("?")[0]
            if path and not re.match(r"[a-z]+:", path):  # not http:, mailto:, data:
                found.add(path)
    if "rise" in nb["metadata"]:  # jupyterlab-rise loads rise.css from the notebook's folder
        found.add("rise.css")
    return found


def test_the_course_list_holds_everything_the_notebooks_reference():
    listed = set(course_files(COURSE))
    referenced = set().union(*(_references(nb) for nb in COURSE.glob("*.ipynb")))
    assert "rise.css" in referenced and "03_icing_timeline_planner.ipynb" in referenced
    outside = {r for r in referenced if r.startswith("../") or "/" in r}
    assert not outside, f"notebooks link outside the course folder: {outside}"
    assert referenced <= listed, f"referenced but not copied: {referenced - listed}"


def test_every_file_of_the_course_folder_is_copied_or_left_out_for_a_stated_reason():
    listed = set(course_files(COURSE))
    left_out = {p.name for p in COURSE.iterdir() if any(p.match(g) for g in NOT_COPIED)}
    everything = {p.name for p in COURSE.iterdir() if p.is_file()}
    assert everything == listed | left_out, everything ^ (listed | left_out)
    assert not listed & left_out
    assert all(reason.strip() for reason in (*COURSE_FILES.values(), *NOT_COPIED.values()))


def test_a_learners_copy_is_the_whole_list(tmp_path):
    assert copy_course(COURSE, tmp_path) is True
    copied = sorted(p.name for p in (tmp_path / "notebooks").iterdir())
    assert copied == sorted(course_files(COURSE))
    assert (tmp_path / "notebooks" / "rise.css").read_bytes() == (COURSE / "rise.css").read_bytes()


def test_a_course_without_rise_css_is_refused_in_one_line(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(COURSE / "00_start_here.ipynb", course)
    (course / "README.md").write_text("readme")
    home = tmp_path / "home"
    home.mkdir()
    with pytest.raises(Exception, match="missing rise.css"):
        copy_course(course, home)
    assert not (home / COURSE_MARKER).exists()


# -- root never touches what a learner controls ----------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` with its type, size, mode, times and content digest."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        found[str(path.relative_to(folder))] = (
            stat.S_IFMT(info.st_mode),
            info.st_size,
            info.st_mode,
            info.st_mtime_ns,
            digest,
        )
    return found


@pytest.fixture(scope="module")
def shared_base():
    """A folder every user may pass through (pytest's own is private), with a copy of the
    course and the learners' interpreter (as root, the checkout's may be private)."""
    base = Path(tempfile.mkdtemp(prefix="aftercare-safety-"))
    base.chmod(0o711)
    course = base / "course"
    course.mkdir()
    for name in course_files(COURSE):
        shutil.copy(COURSE / name, course / name)
    for path in (course, *course.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    python = learner_python(base, as_root=AS_ROOT).executable
    try:
        yield base, course, python
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _case(base: Path) -> Path:
    """A fresh folder in ``base`` that the learner's user may pass through."""
    case = Path(tempfile.mkdtemp(dir=base))
    case.chmod(0o711)
    return case


def _plant(home: Path, secret: Path, plant: str) -> None:
    """What a learner can do in their own folder (done here with their user's ids)."""
    notebooks = home / "notebooks"
    if plant == "notebooks -> root-only folder":
        notebooks.rename(home / "my-notebooks")
        (home / COURSE_MARKER).unlink()
        notebooks.symlink_to(secret / "root-only-folder")
    elif plant == "marker -> new file in a root-only folder":
        (home / COURSE_MARKER).unlink()
        (home / COURSE_MARKER).symlink_to(secret / "created-by-root")
    elif plant == "marker -> existing root file":
        (home / COURSE_MARKER).unlink()
        (home / COURSE_MARKER).symlink_to(secret / "shadow")
    elif plant == "notebook -> root file":
        (home / COURSE_MARKER).unlink()
        for name in ("00_start_here.ipynb", "01_dry_needling_and_soreness.ipynb"):
            (notebooks / name).unlink()
        (notebooks / "00_start_here.ipynb").symlink_to(secret / "shadow")
        (notebooks / "01_dry_needling_and_soreness.ipynb").symlink_to(secret / "new-notebook")
    for path in [*home.rglob("*"), home]:
        os.lchown(path, *_ids(home))


def _ids(home: Path) -> tuple[int, int]:
    info = home.lstat()
    return info.st_uid, info.st_gid


PLANTS = [
    "notebooks -> root-only folder",
    "marker -> new file in a root-only folder",
    "marker -> existing root file",
    "notebook -> root file",
]


@as_root_only
@pytest.mark.parametrize("plant", PLANTS)
def test_the_course_copy_never_follows_a_learners_link_as_root(shared_base, plant):
    base, course, python = shared_base
    learner = pwd.getpwnam("nobody")  # any unprivileged user stands for a learner
    case = _case(base)
    secret = case / "secret"  # root's: mode 0700, a file and an empty folder
    (secret / "root-only-folder").mkdir(parents=True)
    (secret / "shadow").write_text("root:x:0:0:root:/root:/bin/bash\n")
    secret.chmod(0o700)
    home = case / "home"
    assert prepare_home(home, course, learner, python) is True  # the first copy, as the learner
    _plant(home, secret, plant)
    before = _snapshot(secret)

    try:
        prepare_home(home, course, learner, python)  # what a restart of their server does
    except ClassroomError as exc:
        assert "\n" not in str(exc)  # e.g. "notebooks is not a folder": the learner's business

    assert _snapshot(secret) == before  # nothing appeared, changed or was truncated
    owners = {p.lstat().st_uid for p in [home, *home.rglob("*")]}
    assert owners == {learner.pw_uid}  # everything in the home was made by the learner


@as_root_only
def test_a_learners_copy_is_made_by_the_learner(shared_base):
    base, course, python = shared_base
    learner = pwd.getpwnam("nobody")
    home = _case(base) / "home"
    assert prepare_home(home, course, learner, python) is True
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in [home, *home.rglob("*")]:
        assert (path.lstat().st_uid, path.lstat().st_gid) == (learner.pw_uid, learner.pw_gid)
    assert sorted(p.name for p in (home / "notebooks").iterdir()) == sorted(course_files(course))
    assert prepare_home(home, course, learner, python) is False  # once only


def test_a_home_that_is_a_link_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "learner01").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ClassroomError, match="not a folder"):
        make_home(tmp_path / "learner01", None)


def test_a_link_in_the_way_of_the_copy_is_not_followed_even_in_process(tmp_path):
    # Without root the copy runs in the hub's own process: the same rules hold there.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    (home / "notebooks").symlink_to(elsewhere)
    with pytest.raises(ClassroomError, match="is not a folder"):
        prepare_home(home, COURSE, None)
    assert list(elsewhere.iterdir()) == []
    (home / "notebooks").unlink()
    (home / "notebooks").mkdir()
    (home / "notebooks" / "rise.css").symlink_to(elsewhere / "planted.css")
    assert prepare_home(home, COURSE, None) is True
    assert list(elsewhere.iterdir()) == []  # the link was left alone, not written through


# -- a fresh copy for a learner, without deleting anything -----------------------------------


def _reset_case(base: Path, course: Path, owner, python) -> Path:
    state = _case(base)
    (state / "home").mkdir(mode=0o711)
    home = state / "home" / "learner03"
    prepare_home(home, course, owner, python)
    (home / "notebooks" / "03_icing_timeline_planner.ipynb").write_text("my own work")
    (home / "notebooks" / "00_start_here.ipynb").unlink()
    if owner is not None:
        os.lchown(home / "notebooks" / "03_icing_timeline_planner.ipynb", *_ids(home))
    return state


def _check_reset(state: Path, course: Path, line: str) -> None:
    home = state / "home" / "learner03"
    kept = re.search(r"kept as (notebooks-before-reset-\d{8}-\d{6})$", line)
    assert kept, line
    assert (home / kept.group(1) / "03_icing_timeline_planner.ipynb").read_text() == "my own work"
    fresh = sorted(p.name for p in (home / "notebooks").iterdir())
    assert fresh == sorted(course_files(course))  # the deleted notebook is back
    assert (home / COURSE_MARKER).is_file()


def test_reset_gives_a_fresh_copy_and_keeps_the_learners_folder(shared_base, monkeypatch):
    base, course, python = shared_base
    owner = pwd.getpwnam("nobody") if AS_ROOT else None
    state = _reset_case(base, course, owner, python)
    if AS_ROOT:
        # "nobody" stands for this classroom's learner: the owner of the folder, with the key.
        (state / "hub").mkdir(mode=0o700)
        key = room_key(state)
        fields = list(owner)
        fields[4] = f"aftercare classroom,{key}"  # pw_gecos
        stand_in = pwd.struct_passwd(fields)
        monkeypatch.setattr(pwd, "getpwuid", lambda uid: stand_in)
    line = reset_learner(state, course, "learner03")
    _check_reset(state, course, line)
    if AS_ROOT:
        home = state / "home" / "learner03"
        assert {p.lstat().st_uid for p in home.rglob("*")} == {owner.pw_uid}


@as_root_only
def test_reset_refuses_a_folder_that_is_not_this_classrooms_users(shared_base):
    base, course, python = shared_base
    state = _reset_case(base, course, pwd.getpwnam("nobody"), python)
    (state / "hub").mkdir(mode=0o700)
    with pytest.raises(ClassroomError, match="not by one of this classroom's users"):
        reset_learner(state, course, "learner03")  # "nobody" carries no classroom key


def test_the_reset_command_names_a_bad_learner_in_one_line(tmp_path, capsys):
    assert main(["classroom", "reset", "../hub", "--state", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: '../hub' is not a classroom account") and err.count("\n") == 1
    assert main(["classroom", "reset", "learner07", "--state", str(tmp_path)]) == 2
    assert "learner07 has no folder" in capsys.readouterr().err


# -- passwords and logins -------------------------------------------------------------------


def test_any_unicode_class_password_is_accepted_and_compared_as_bytes():
    assert class_password({PASSWORD_ENV: UNICODE_PASSWORD}) == UNICODE_PASSWORD
    assert same_password(UNICODE_PASSWORD, UNICODE_PASSWORD)
    decomposed = "Fisioterapia-c\u0327a\u0303o"  # what some keyboards send: combining marks
    assert same_password(decomposed, UNICODE_PASSWORD)
    assert not same_password("Fisioterapia-cao", UNICODE_PASSWORD)
    assert not same_password("", UNICODE_PASSWORD)


def test_the_authenticator_answers_unicode_passwords_without_an_error():
    from aftercare.classroom.login import ClassroomAuthenticator

    auth = ClassroomAuthenticator(
        user_password=UNICODE_PASSWORD, admin_password="ü" * 40, admin_users={"instructor"}
    )

    def login(name, password):
        return asyncio.run(auth.authenticate(None, {"username": name, "password": password}))

    assert login("learner01", UNICODE_PASSWORD) == {
        "name": "learner01",
        "admin": False,
        "groups": [],
    }
    assert login("learner01", "Fisioterapia-çao") is None
    assert login("learner01", "ü" * 40) is None  # the admin password is not a learner's
    assert login("instructor", UNICODE_PASSWORD) is None  # nor the class password an admin's
    assert login("instructor", "ü" * 40)["admin"] is True


@pytest.mark.parametrize(
    "value, problem",
    [
        ("\udcff" + "x" * 10, "is not UTF-8 text"),  # a variable holding other bytes
        ("tab\tinside-it", "holds a control character"),
    ],
)
def test_a_password_nobody_can_type_is_refused_at_start(value, problem):
    with pytest.raises(ClassroomError, match=problem) as error:
        class_password({PASSWORD_ENV: value})
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("value", ["", " ", " " * 40, "\t" * 33])
def test_a_blank_instructor_password_is_refused(tmp_path, value):
    with pytest.raises(ClassroomError, match="blank") as error:
        instructor_password(tmp_path, "class-password", {INSTRUCTOR_PASSWORD_ENV: value})
    assert "\n" not in str(error.value) and not (tmp_path / "hub").exists()


def test_an_instructor_password_with_spaces_at_either_end_is_refused(tmp_path):
    with pytest.raises(ClassroomError, match="without spaces at either end"):
        instructor_password(tmp_path, "class-password", {INSTRUCTOR_PASSWORD_ENV: " " + "x" * 40})


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock_and_throttle():
    """A login throttle on a clock the test moves by hand."""
    clock = _Clock()
    return clock, LoginThrottle(clock=clock)


def test_logins_are_throttled_with_a_growing_wait_per_name_and_per_address(clock_and_throttle):
    clock, throttle = clock_and_throttle
    attacker = ["name:learner01", "address:10.0.0.9"]
    for _ in range(4):
        throttle.failed(attacker)
    assert throttle.wait_s(attacker) == 0  # four mistakes cost nothing
    waits = []
    for _ in range(6):
        throttle.failed(attacker)
        waits.append(throttle.wait_s(attacker))
        clock.now += waits[-1]  # the attacker waits exactly as long as asked
    assert waits == [1, 2, 4, 8, 16, 32]
    throttle.failed(attacker)
    # The name is throttled from any address, the address for any name.
    assert throttle.wait_s(["name:learner01", "address:10.0.0.1"]) == 64
    assert throttle.wait_s(["name:learner02", "address:10.0.0.9"]) == 64
    # Everyone else logs in as usual.
    assert throttle.wait_s(["name:learner02", "address:10.0.0.1"]) == 0


def test_the_wait_is_capped_forgotten_after_an_hour_and_cleared_by_a_success(clock_and_throttle):
    clock, throttle = clock_and_throttle
    keys = ["name:learner05", "address:10.0.0.5"]
    for _ in range(40):
        throttle.failed(keys)
    assert throttle.wait_s(keys) == 300
    clock.now += 3601
    assert throttle.wait_s(keys) == 0
    for _ in range(5):
        throttle.failed(keys)
    assert throttle.wait_s(keys) == 1  # counted from zero again
    throttle.succeeded(keys)
    assert throttle.wait_s(keys) == 0


def test_a_flood_of_made_up_names_cannot_fill_the_hubs_memory():
    throttle = LoginThrottle(max_keys=100)
    for i in range(1000):
        throttle.failed([f"name:made-up-{i}"])
    assert len(throttle._failures) == 100


def test_the_client_address_is_the_one_the_proxy_saw():
    from types import SimpleNamespace

    from tornado.httputil import HTTPHeaders

    from aftercare.classroom.login import client_address

    request = SimpleNamespace(
        headers=HTTPHeaders(
            {"X-Forwarded-For": "203.0.113.7, 192.0.2.1", "X-Real-Ip": "198.51.100.1"}
        ),
        connection=None,
        remote_ip="198.51.100.1",
    )
    # A client can add X-Real-Ip and X-Forwarded-For entries; the proxy appends the last one.
    assert client_address(request) == "192.0.2.1"


# -- cookies, TLS, stopping --------------------------------------------------------------------


def _config(tmp_path, **options):
    settings = ClassroomSettings.build(users=2, port=8000, state=tmp_path / "state", **options)
    return hub_config(
        settings,
        class_pw="class-password",
        instructor_pw="i" * 40,
        as_root=False,
        hub_port=18081,
        proxy_api_port=18082,
        proxy=Path("/bin/configurable-http-proxy"),
    )


def test_logins_last_one_class_day_with_same_site_cookies(tmp_path):
    c = _config(tmp_path)
    assert c.JupyterHub.cookie_max_age_days == 0.5  # 12 hours
    options = c.JupyterHub.tornado_settings["cookie_options"]
    assert options == {"samesite": "Lax", "expires_days": 0.5}
    assert "headers" not in c.JupyterHub.tornado_settings  # no HSTS over plain HTTP
    assert _config(tmp_path, login_hours=8).JupyterHub.cookie_max_age_days == pytest.approx(1 / 3)
    with pytest.raises(Exception, match="--login-hours"):
        _config(tmp_path, login_hours=0)


def test_hsts_under_tls(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert"), key.write_text("key")
    c = _config(tmp_path, ip="192.0.2.10", ssl_cert=cert, ssl_key=key)
    headers = c.JupyterHub.tornado_settings["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(headers["Strict-Transport-Security"].split("=")[1]) >= 86400


def test_the_stop_budget_ends_within_ten_seconds(tmp_path):
    c = _config(tmp_path)
    server = (
        c.LocalProcessSpawner.interrupt_timeout
        + c.LocalProcessSpawner.term_timeout
        + c.LocalProcessSpawner.kill_timeout
    )
    assert server == sum(STOP_TIMEOUTS_S[k] for k in ("interrupt", "term", "kill"))
    # A server's whole stop fits in the clean-up; the clean-up, then killing what is left
    # (0.5 s grace, SIGKILL), fit in 10 s.
    assert server <= STOP_TIMEOUTS_S["cleanup"] and STOP_TIMEOUTS_S["cleanup"] + 1 < 10


def test_a_port_in_use_is_one_line_and_nothing_starts(tmp_path, monkeypatch, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ClassroomError, match=f"127.0.0.1:{port} is already in use"):
            check_port_free("127.0.0.1", port)
        monkeypatch.setenv(PASSWORD_ENV, "class-password")
        state = tmp_path / "state"
        argv = ["classroom", "--users", "2", "--port", str(port), "--state", str(state)]
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --port {port}: 127.0.0.1:{port} is already in use")
    assert err.count("\n") == 1
    assert not state.exists()  # checked before anything was made or started


# -- a second classroom on one server --------------------------------------------------------


def test_a_room_name_is_checked_and_prefixes_the_system_users(tmp_path):
    s = ClassroomSettings.build(users=2, port=8000, state=tmp_path, room="b2")
    assert [s.system_user(a) for a in s.accounts] == [
        "b2-learner01",
        "b2-learner02",
        "b2-instructor",
    ]
    for bad in ("B", "2b", "b-2", "a" * 13):
        with pytest.raises(ClassroomError, match="--room"):
            ClassroomSettings.build(users=2, port=8000, state=tmp_path, room=bad)


@as_root_only
def test_a_system_user_of_another_classroom_is_never_shared(tmp_path):
    name = "acsafety-learner01"
    try:
        mine = ensure_system_user(name, tmp_path / name, "roomkey1")
        assert mine.pw_gecos == "aftercare classroom,roomkey1"
        assert ensure_system_user(name, tmp_path / name, "roomkey1").pw_uid == mine.pw_uid
        with pytest.raises(ClassroomError, match="belongs to another classroom") as error:
            ensure_system_user(name, tmp_path / name, "roomkey2")
        assert "--room NAME" in str(error.value) and "\n" not in str(error.value)
        # A user an earlier version made (no key) is claimed by the first room that starts.
        subprocess.run(["usermod", "--comment", "aftercare classroom", name], check=True)
        ensure_system_user(name, tmp_path / name, "roomkey3")
        assert pwd.getpwnam(name).pw_gecos == "aftercare classroom,roomkey3"
    finally:
        subprocess.run(["userdel", name], capture_output=True, check=False)
