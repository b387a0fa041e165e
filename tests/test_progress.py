"""A learner's progress: the SQLite store, where an answer goes, and the completion record."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

from aftercare import checkin
from aftercare.classroom.room import POSTS_PER_MINUTE, Room
from aftercare.export.record import completion_record, record_html, study_plan, write_record
from aftercare.progress import ProgressError, ProgressStore
from aftercare.quiz import load_quiz

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def record_file(tmp_path, monkeypatch):
    path = tmp_path / "home" / ".aftercare" / "progress.sqlite"
    monkeypatch.setenv("AFTERCARE_RECORD", "on")
    monkeypatch.setenv("AFTERCARE_RECORD_FILE", str(path))
    monkeypatch.delenv("AFTERCARE_ROOM_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    return path


# -- the store --------------------------------------------------------------------------------


def test_each_learner_counts_once_per_question_with_their_latest_answer(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    store.add_answer("a", "cool-session-cap", 0, False)
    store.add_answer("a", "cool-session-cap", 1, True)  # changed their mind
    store.add_answer("b", "cool-session-cap", 2, False)
    (summary,) = store.summary(named=True)
    assert summary.answered == 2
    assert summary.option_counts == {1: 1, 2: 1}
    assert summary.names == {"a": 1, "b": 2}
    assert summary.correct == 1


def test_a_new_session_starts_a_fresh_count_and_keeps_the_records(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    store.add_answer("a", "cool-session-cap", 1, True)
    first = store.current_session()
    store.new_session()
    assert store.summary() == ()
    assert store.summary(first)[0].answered == 1
    assert store.answer_count() == 1
    assert store.records()[0].answered == 1


def test_records_score_the_first_try_and_list_finished_notebooks(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    store.add_answer("a", "cool-session-cap", 0, False)
    store.add_answer("a", "cool-session-cap", 1, True)
    store.add_answer("a", "pns-bruising", 0, True)
    store.add_finished("a", "03_icing_timeline_planner.ipynb")
    store.add_finished("a", "03_icing_timeline_planner.ipynb")
    (record,) = store.records()
    assert (record.answered, record.correct_first_try) == (2, 1)
    assert record.notebooks == ("03_icing_timeline_planner.ipynb",)


@pytest.mark.parametrize("write_ahead_log", [False, True])
def test_a_locked_database_refuses_the_new_answer_and_keeps_the_old_ones(
    tmp_path, monkeypatch, write_ahead_log
):
    import aftercare.progress as progress

    monkeypatch.setattr(progress, "_BUSY_TIMEOUT_MS", 200)
    store = ProgressStore(tmp_path / "p.sqlite", write_ahead_log=write_ahead_log)
    store.add_answer("a", "cool-session-cap", 1, True)
    holder = sqlite3.connect(tmp_path / "p.sqlite", isolation_level=None)
    assert holder.execute("PRAGMA journal_mode").fetchone()[0] == (
        "wal" if write_ahead_log else "delete"
    )
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProgressError, match="not stored .*locked"):
            store.add_answer("b", "cool-session-cap", 0, False)
        with pytest.raises(ProgressError, match="not stored .*locked"):
            store.add_answers([("b", "cool-session-cap", 0, False), ("c", "pns-bruising", 0, True)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.answer_count() == 1
    store.add_answers([("b", "cool-session-cap", 0, False), ("c", "pns-bruising", 0, True)])
    assert [q.answered for q in store.summary()] == [2, 1]


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "--mount", "--map-root-user", "true"]
    if subprocess.run(probe, capture_output=True).returncode != 0:
        probe = ["unshare", "--mount", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


_FILL = """
import sys
from aftercare.progress import ProgressError, ProgressStore
store = ProgressStore(sys.argv[1] + "/p.sqlite", write_ahead_log=sys.argv[2] == "wal")
stored = 0
try:
    for n in range(100000):
        store.add_answer(f"learner{n:05d}" + "x" * 200, "cool-session-cap", n % 4, n % 4 == 1)
        stored += 1
except ProgressError as exc:
    print("refused:", exc, file=sys.stderr)
print(stored, store.answer_count())
"""


@pytest.mark.skipif(not _can_mount(), reason="no mount namespaces here")
@pytest.mark.parametrize(("journal", "disk_kb"), [("rollback", 64), ("wal", 256)])
def test_a_full_disk_refuses_the_new_answer_and_loses_none_stored(tmp_path, journal, disk_kb):
    folder = tmp_path / "disk"
    folder.mkdir()
    user = (
        []
        if subprocess.run(["id", "-u"], capture_output=True, text=True).stdout == "0\n"
        else ["--map-root-user"]
    )
    # (the write-ahead log's own files need more room before the first answer)
    mount = f'mount -t tmpfs -o size={disk_kb}k tmpfs "$1" && shift && exec "$@"'
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", *user, "sh", "-c", mount, "sh"]
        + [str(folder), sys.executable, "-c", _FILL, str(folder), journal],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "refused:" in result.stderr and "full" in result.stderr
    stored, counted = map(int, result.stdout.split())
    assert stored > 0
    assert counted == stored  # every answer it said it stored is there, no more


# -- where an answer goes ---------------------------------------------------------------------


def test_outside_a_classroom_an_answer_goes_to_the_learners_own_record_and_nowhere_else(
    record_file, monkeypatch
):
    def no_network(*args, **kwargs):
        raise AssertionError("nothing may be sent outside a classroom")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    notices = []
    checkin.report_answer("cool-session-cap", 1, True, notify=notices.append)
    assert checkin.report_finished("08_self_check.ipynb") is None
    assert notices == []
    store = ProgressStore(record_file)
    assert store.summary()[0].option_counts == {1: 1}
    assert list(store.finished_notebooks(store.records()[0].learner)) == ["08_self_check.ipynb"]


def test_the_one_setting_turns_the_record_off(record_file, monkeypatch):
    monkeypatch.setenv("AFTERCARE_RECORD", "off")
    checkin.report_answer("cool-session-cap", 1, True)
    assert checkin.report_finished("08_self_check.ipynb") is None
    assert not record_file.exists()


def test_a_record_that_cannot_be_written_is_a_notice_not_an_error(record_file, monkeypatch):
    monkeypatch.setenv("AFTERCARE_RECORD_FILE", "/proc/no-such-folder/progress.sqlite")
    notices = []
    checkin.report_answer("cool-session-cap", 1, True, notify=notices.append)
    assert len(notices) == 1 and notices[0].startswith("Your own record was not updated")


def test_in_a_classroom_a_room_that_does_not_answer_gives_the_learner_a_notice(
    record_file, monkeypatch
):
    monkeypatch.setenv("AFTERCARE_ROOM_URL", "http://127.0.0.1:9/services/room/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "learner-token")
    got = threading.Event()
    notices = []

    def notify(text):
        notices.append(text)
        got.set()

    checkin.report_answer("cool-session-cap", 1, True, notify=notify)  # returns at once
    assert got.wait(10)
    assert notices[0].startswith("The room did not record this answer")
    assert not record_file.exists()  # in a classroom the answer goes to the room only


def test_the_quiz_widget_reports_a_checked_answer(record_file):
    from aftercare.widgets.quiz import QuizApp

    app = QuizApp(ids=["cool-session-cap"])
    card = app.widget.children[0]
    choice, button = card.children[1], card.children[2]
    button.click()  # no option chosen: nothing is reported
    assert not record_file.exists()
    choice.value = app.questions[0].correct_index
    button.click()
    (summary,) = ProgressStore(record_file).summary()
    assert summary.correct == 1


def _stand_in_room(status: int, heard: list):
    """A room on loopback that answers every POST with ``status``, noting what it heard."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class StandInRoom(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            heard.append((self.path, self.headers["Authorization"], body))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"message": "instructor may not do this here"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInRoom)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _presence_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "aftercare-room-here"]


def test_in_a_classroom_an_open_quiz_says_its_learner_is_here_and_nothing_more(monkeypatch):
    from aftercare.widgets.quiz import CLASSROOM_NOTE, QuizApp

    heard: list[tuple[str, str, bytes]] = []
    server = _stand_in_room(200, heard)
    monkeypatch.setattr(checkin, "PRESENCE_INTERVAL_S", 0.2)
    monkeypatch.setenv("AFTERCARE_ROOM_URL", f"http://127.0.0.1:{server.server_port}/room/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "learner-token")
    try:
        widget = QuizApp(ids=["cool-session-cap"]).widget
        assert CLASSROOM_NOTE in widget.children[0].value  # the learner is told what is sent
        assert QuizApp(topic="cooling").widget is not widget
        assert checkin.start_presence()
        assert len(_presence_threads()) == 1  # two quizzes and a call: one thread in the kernel
        deadline = time.monotonic() + 10
        while len(heard) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        checkin.stop_presence()
        server.shutdown()
    assert len(heard) >= 3  # at once, then every PRESENCE_INTERVAL_S
    assert set(heard) == {("/room/api/here", "token learner-token", b"{}")}
    assert _presence_threads() == []  # stopped


def test_a_notebook_the_room_refuses_as_not_a_learners_stops_saying_it_is_here(monkeypatch):
    heard: list[tuple[str, str, bytes]] = []
    server = _stand_in_room(403, heard)
    monkeypatch.setattr(checkin, "PRESENCE_INTERVAL_S", 0.05)
    env = {
        "AFTERCARE_ROOM_URL": f"http://127.0.0.1:{server.server_port}/room/",
        "JUPYTERHUB_API_TOKEN": "instructor-token",
    }
    try:
        assert checkin.start_presence(env)
        deadline = time.monotonic() + 10
        while _presence_threads() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _presence_threads() == []
    finally:
        checkin.stop_presence()
        server.shutdown()
    assert len(heard) == 1


def test_outside_a_classroom_nothing_says_anyone_is_here(record_file, monkeypatch):
    from aftercare.widgets.quiz import CLASSROOM_NOTE, QuizApp

    def no_network(*args, **kwargs):
        raise AssertionError("nothing may be sent outside a classroom")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert checkin.start_presence() is False
    widget = QuizApp(ids=["cool-session-cap"]).widget
    assert all(CLASSROOM_NOTE not in getattr(child, "value", "") for child in widget.children)
    assert not any(t.name == "aftercare-room-here" for t in threading.enumerate())


# -- the room's rules, without a hub ----------------------------------------------------------


@pytest.fixture
def room(tmp_path):
    return Room(tmp_path / "room.sqlite")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "JSON object"),
        ({"question": "no-such-question", "option": 0}, "unknown question"),
        ({"question": "cool-session-cap", "option": 9}, "is not one of 0-"),
        ({"question": "cool-session-cap", "option": True}, "is not one of 0-"),
        ({"question": "cool-session-cap", "option": "1"}, "is not one of 0-"),
        ({"question": "cool-session-cap", "option": 1, "comment": "hi"}, "only 'question'"),
        ({"question": "cool-session-cap", "option": 1, "patient": "x"}, "only 'question'"),
    ],
)
def test_the_room_refuses_anything_but_a_known_question_and_option(room, body, reason):
    from tornado.web import HTTPError

    with pytest.raises(HTTPError) as error:
        room.check_answer(body)
    assert error.value.status_code == 400
    assert reason in error.value.reason
    assert "\n" not in error.value.reason


def test_the_room_works_out_whether_an_answer_is_right(room):
    question = load_quiz().get("cool-session-cap")
    right = room.check_answer({"question": question.id, "option": question.correct_index})
    assert right == (question.id, question.correct_index, True)
    wrong = (question.correct_index + 1) % len(question.options)
    assert room.check_answer({"question": question.id, "option": wrong})[2] is False


def test_posting_is_limited_per_learner(room):
    assert all(room.allow_post("a", now=100.0) for _ in range(POSTS_PER_MINUTE))
    assert not room.allow_post("a", now=100.5)
    assert room.allow_post("b", now=100.5)  # another learner is not held back
    assert room.allow_post("a", now=161.0)  # a minute later


def test_the_class_records_are_one_csv_row_per_learner(room):
    room.store.add_answer("learner01", "cool-session-cap", 1, True)
    room.store.add_finished("learner02", "01_dry_needling_and_soreness.ipynb")
    lines = room.records_csv().splitlines()
    assert lines[0].startswith("learner,questions_answered,correct_at_first_try")
    assert [line.split(",")[0] for line in lines[1:]] == ["learner01", "learner02"]


# -- the completion record --------------------------------------------------------------------


def test_the_study_plan_is_the_notebooks_readme_table():
    plan = study_plan()
    notebooks = sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [number for number, _, _ in plan] == notebooks
    assert all(minutes > 0 for _, _, minutes in plan)


def test_the_completion_record_shows_what_the_learner_did(record_file):
    checkin.report_finished("03_icing_timeline_planner.ipynb")
    question = load_quiz().get("cool-session-cap")
    checkin.report_answer(question.id, question.correct_index, True)
    record = completion_record()
    finished = [n.number for n in record.notebooks if n.finished_on]
    assert finished == ["03"]
    assert (record.answered, record.correct_first_try) == (1, 1)
    page = record_html(record, name="Dr Ana Souza")
    assert "Dr Ana Souza" in page
    words = " ".join(page.split())
    assert "It is not a certificate and makes no claim of accreditation" in words
    assert "education, not individual medical advice" in words


@pytest.mark.browser
def test_the_completion_record_prints_to_one_pdf_page(record_file, tmp_path):
    from browser import CHROMIUM

    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    checkin.report_finished("01_dry_needling_and_soreness.ipynb")
    out = write_record(tmp_path / "my-record.pdf", name="Learner One")
    reader = PdfReader(out)
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Completion record" in text and "Learner One" in text
    with pytest.raises(Exception, match="exists"):
        write_record(out)


def test_the_record_is_written_as_pdf_or_html_only(record_file, tmp_path):
    from aftercare.export.record import RecordError

    with pytest.raises(RecordError, match=r"\.pdf or \.html"):
        write_record(tmp_path / "record.docx")
