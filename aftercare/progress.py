"""What a learner has done: quiz answers and finished notebooks, in one SQLite file.

The same store serves two places:

* **self-study** (outside a classroom): each answer to a self-check question and each notebook
  run to its last cell go to a file in the learner's own folder,
  ``~/.aftercare/progress.sqlite`` (:func:`local_store_path`). ``AFTERCARE_RECORD=off`` turns
  this off (the one setting); ``AFTERCARE_RECORD_FILE`` names another file. ``python -m
  aftercare record`` prints a completion record from it.
* **the classroom's room service** (:mod:`aftercare.classroom.room`): the answers of the whole
  class, with a "session" the instructor starts afresh before each check-in.

An answer is one record: question id, chosen option, right or not, time and learner. Nothing
else from a notebook is stored: no patient data and no free text.

Every write is one SQLite transaction, so a full disk or a locked database refuses the new
answer (:class:`ProgressError`, one line) and never damages the answers already stored.

Examples
--------
>>> import tempfile, pathlib
>>> store = ProgressStore(pathlib.Path(tempfile.mkdtemp()) / "progress.sqlite")
>>> store.add_answer("learner01", "cool-session-cap", 1, True)
1
>>> store.add_answer("learner02", "cool-session-cap", 0, False)
2
>>> [(q.question_id, q.answered, q.option_counts) for q in store.summary()]
[('cool-session-cap', 2, {0: 1, 1: 1})]
>>> store.new_session() > 1, store.summary()
(True, ())
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AftercareError

__all__ = [
    "RECORD_ENV",
    "RECORD_FILE_ENV",
    "ProgressError",
    "ProgressStore",
    "QuestionSummary",
    "LearnerRecord",
    "local_store_path",
    "recording_enabled",
    "learner_name",
]

#: Environment variable that turns the self-study record off (``off``, ``0``, ``no``, ``false``).
RECORD_ENV = "AFTERCARE_RECORD"
#: Environment variable naming another file for the self-study record.
RECORD_FILE_ENV = "AFTERCARE_RECORD_FILE"
_OFF = {"off", "0", "no", "false"}
#: How long a writer waits for a lock held by another writer before giving up [ms].
_BUSY_TIMEOUT_MS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    learner TEXT NOT NULL,
    question_id TEXT NOT NULL,
    option_index INTEGER NOT NULL CHECK (option_index >= 0),
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_session ON answers (session_id, question_id);
CREATE TABLE IF NOT EXISTS finished (
    learner TEXT NOT NULL,
    notebook TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (learner, notebook)
);
"""


class ProgressError(AftercareError):
    """The progress file could not be read or written (full disk, locked, not writable)."""


def recording_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the self-study record is on (it is, unless ``AFTERCARE_RECORD=off``).

    Examples
    --------
    >>> recording_enabled({}), recording_enabled({"AFTERCARE_RECORD": "off"})
    (True, False)
    """
    env = os.environ if environ is None else environ
    return env.get(RECORD_ENV, "on").strip().lower() not in _OFF


def local_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """The self-study record's file: ``AFTERCARE_RECORD_FILE`` or ``~/.aftercare/progress.sqlite``.

    Examples
    --------
    >>> local_store_path({"AFTERCARE_RECORD_FILE": "/tmp/mine.sqlite"})
    PosixPath('/tmp/mine.sqlite')
    """
    env = os.environ if environ is None else environ
    if env.get(RECORD_FILE_ENV):
        return Path(env[RECORD_FILE_ENV]).expanduser()
    return Path.home() / ".aftercare" / "progress.sqlite"


def learner_name() -> str:
    """The learner's name for a self-study record: the account running the kernel."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return f"uid{os.getuid()}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class QuestionSummary:
    """One question's answers in a session: each learner counted once, by their last answer.

    ``option_counts`` maps an option's index to how many learners chose it; ``names`` (filled
    only when asked for) maps each learner to the option they chose.
    """

    question_id: str
    answered: int
    correct: int
    option_counts: dict[int, int]
    first_at: str
    names: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LearnerRecord:
    """One learner's record across all sessions: questions answered (first answers), how many of
    those were right at the first try, notebooks finished, and the first and last activity."""

    learner: str
    answered: int
    correct_first_try: int
    notebooks: tuple[str, ...]
    first_at: str
    last_at: str


class ProgressStore:
    """Answers and finished notebooks in one SQLite file (created with its folder on first use).

    Parameters
    ----------
    path : pathlib.Path
        The database file. Its folder is created (mode 0700) when missing.
    write_ahead_log : bool
        Keep the file in SQLite's write-ahead-log mode (the room service's store, written by
        many at once): a commit waits for one disk sync instead of the rollback journal's
        several (and its file made and deleted), and reading never waits for a write. Every
        commit is still synced before it returns. Off for a learner's own file, which may be
        on a network folder, where the write-ahead log does not work.
    """

    def __init__(self, path: str | Path, *, write_ahead_log: bool = False):
        self.path = Path(path)
        self.write_ahead_log = write_ahead_log
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000)
            try:
                if write_ahead_log:  # kept in the file
                    db.execute("PRAGMA journal_mode = WAL")
                db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
            finally:
                db.close()
            with self._connect() as db:
                if db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0:
                    db.execute("INSERT INTO sessions (started_at) VALUES (?)", (_now(),))
        except (OSError, sqlite3.Error) as exc:
            raise ProgressError(f"{self.path}: cannot open the progress file ({exc})") from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            if self.write_ahead_log:
                db.execute("PRAGMA synchronous = FULL")  # each commit on disk before it returns
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def _write(self, sql: str, args: tuple) -> int:
        return self._write_all(sql, [args])[0]

    def _write_all(self, sql: str, rows: Sequence[tuple]) -> list[int]:
        """Run ``sql`` for each row in one transaction (all or none); the rows' ids."""
        try:
            with self._connect() as db:
                return [db.execute(sql, args).lastrowid for args in rows]
        except sqlite3.Error as exc:
            raise ProgressError(f"{self.path}: not stored ({exc})") from None

    # -- writing -----------------------------------------------------------------------------
    def current_session(self) -> int:
        """The id of the session that answers go to now (the newest one)."""
        with self._read() as db:
            return db.execute("SELECT MAX(id) FROM sessions").fetchone()[0]

    def new_session(self) -> int:
        """Start a fresh count: later answers go to a new session (earlier ones are kept)."""
        return self._write("INSERT INTO sessions (started_at) VALUES (?)", (_now(),))

    def add_answer(self, learner: str, question_id: str, option_index: int, correct: bool) -> int:
        """Store one answer in the current session; returns its row id.

        Raises
        ------
        ProgressError
            When it cannot be stored (full disk, a lock held too long); nothing else changes.
        """
        return self.add_answers([(learner, question_id, option_index, correct)])[0]

    def add_answers(self, answers: Sequence[tuple[str, str, int, bool]]) -> list[int]:
        """Store several answers ``(learner, question_id, option_index, correct)`` in one
        transaction (one commit, so one wait for the disk); returns their row ids.

        All or none: when they cannot be stored, none is, and those stored before are kept.

        Raises
        ------
        ProgressError
            When they cannot be stored (full disk, a lock held too long).
        """
        now = _now()
        return self._write_all(
            "INSERT INTO answers (session_id, learner, question_id, option_index, correct, "
            "answered_at) VALUES ((SELECT MAX(id) FROM sessions), ?, ?, ?, ?, ?)",
            [
                (learner, question_id, int(option_index), int(bool(correct)), now)
                for learner, question_id, option_index, correct in answers
            ],
        )

    def add_finished(self, learner: str, notebook: str) -> None:
        """Note that ``learner`` ran ``notebook`` to its last cell (first and latest time kept)."""
        now = _now()
        self._write(
            "INSERT INTO finished (learner, notebook, first_at, last_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (learner, notebook) DO UPDATE SET last_at = excluded.last_at",
            (learner, notebook, now, now),
        )

    # -- reading -----------------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise ProgressError(f"{self.path}: cannot read the progress file ({exc})") from None
        try:
            yield db
        except sqlite3.Error as exc:
            raise ProgressError(f"{self.path}: cannot read the progress file ({exc})") from None
        finally:
            db.close()

    def answer_count(self) -> int:
        """How many answers are stored, in all sessions."""
        with self._read() as db:
            return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def summary(
        self, session: int | None = None, *, named: bool = False
    ) -> tuple[QuestionSummary, ...]:
        """Each question answered in a session (default: the current one), in the order asked.

        Each learner counts once per question, with their latest answer.
        """
        with self._read() as db:
            if session is None:
                session = db.execute("SELECT MAX(id) FROM sessions").fetchone()[0]
            rows = db.execute(
                "SELECT a.question_id, a.learner, a.option_index, a.correct, f.first_at "
                "FROM answers a JOIN ("
                "  SELECT question_id, learner, MAX(id) AS last_id FROM answers"
                "  WHERE session_id = ? GROUP BY question_id, learner) l ON a.id = l.last_id "
                "JOIN (SELECT question_id, MIN(answered_at) AS first_at FROM answers"
                "  WHERE session_id = ? GROUP BY question_id) f ON f.question_id = a.question_id "
                "ORDER BY f.first_at, a.question_id, a.learner",
                (session, session),
            ).fetchall()
        by_question: dict[str, list[tuple]] = {}
        for row in rows:
            by_question.setdefault(row[0], []).append(row)
        out = []
        for question_id, answers in by_question.items():
            counts: dict[int, int] = {}
            for _q, _learner, option, _correct, _first in answers:
                counts[option] = counts.get(option, 0) + 1
            out.append(
                QuestionSummary(
                    question_id=question_id,
                    answered=len(answers),
                    correct=sum(a[3] for a in answers),
                    option_counts=dict(sorted(counts.items())),
                    first_at=answers[0][4],
                    names={a[1]: a[2] for a in answers} if named else {},
                )
            )
        return tuple(out)

    def records(self) -> tuple[LearnerRecord, ...]:
        """Every learner's record (all sessions), sorted by name."""
        with self._read() as db:
            firsts = db.execute(
                "SELECT a.learner, COUNT(*), SUM(a.correct) FROM answers a JOIN ("
                "  SELECT learner, question_id, MIN(id) AS first_id FROM answers"
                "  GROUP BY learner, question_id) f ON a.id = f.first_id GROUP BY a.learner"
            ).fetchall()
            times = db.execute(
                "SELECT learner, MIN(t), MAX(t) FROM ("
                "  SELECT learner, answered_at AS t FROM answers UNION ALL"
                "  SELECT learner, first_at FROM finished UNION ALL"
                "  SELECT learner, last_at FROM finished) GROUP BY learner"
            ).fetchall()
            notebooks = db.execute(
                "SELECT learner, notebook FROM finished ORDER BY learner, notebook"
            ).fetchall()
        answered = {row[0]: (row[1], row[2] or 0) for row in firsts}
        finished: dict[str, list[str]] = {}
        for learner, notebook in notebooks:
            finished.setdefault(learner, []).append(notebook)
        return tuple(
            LearnerRecord(
                learner=learner,
                answered=answered.get(learner, (0, 0))[0],
                correct_first_try=answered.get(learner, (0, 0))[1],
                notebooks=tuple(finished.get(learner, ())),
                first_at=first,
                last_at=last,
            )
            for learner, first, last in sorted(times)
        )

    def finished_notebooks(self, learner: str) -> dict[str, tuple[str, str]]:
        """The notebooks ``learner`` finished: name -> (first, latest) time."""
        with self._read() as db:
            rows = db.execute(
                "SELECT notebook, first_at, last_at FROM finished WHERE learner = ? "
                "ORDER BY notebook",
                (learner,),
            ).fetchall()
        return {name: (first, last) for name, first, last in rows}
