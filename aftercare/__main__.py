"""Command line: ``python -m aftercare export ...`` and ``python -m aftercare handout ...``.

Examples
--------
python -m aftercare export slides --out exports/            # every notebook in notebooks/
python -m aftercare export slides --out exports/ --protocol my-clinic   # the clinic's protocol
python -m aftercare export html --out exports/ notebooks/03_icing_timeline_planner.ipynb
python -m aftercare export pdf --from slides --out exports/pdf
python -m aftercare export book --out site/                 # the course as a static website
python -m aftercare handout --patient patient.json --out sheet.html --lang pt-BR
python -m aftercare handout --patient patient.json --out record.pdf --copy clinician --clock 24h
python -m aftercare schema > schemas/patient.schema.json
AFTERCARE_CLASS_PASSWORD=... python -m aftercare classroom --users 20 --port 8000
python -m aftercare present 03                              # live slides from a working copy

Options may come before or after the notebooks (argparse's intermixed parsing). Every failure
(a bad patient file or protocol, a missing asset folder, an existing output without --force, a
read-only folder, a full disk) prints one line on stderr naming the file, the field and what is
allowed, and exits with status 2; never a traceback. SIGINT, SIGTERM and SIGHUP stop the
command cleanly (temporary files removed; status 130, 143, 129).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["main", "build_parser"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; allowed: 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .sheet.i18n import languages

    parser = argparse.ArgumentParser(
        prog="python -m aftercare",
        description="Export the aftercare teaching notebooks, or write a patient aftercare sheet.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parser.set_defaults(_commands=commands)

    export = commands.add_parser(
        "export",
        help="execute notebooks and export offline slides, pages or PDFs",
        description="Execute notebooks in memory (the notebook files are not changed) and "
        "write offline reveal.js decks, static pages or PDFs into --out, with the "
        "browser assets copied once into OUT/assets (needs `npm ci --prefix js`).",
    )
    export.add_argument(
        "kind",
        choices=["slides", "html", "pdf", "all", "book"],
        help="slides: reveal.js decks + index.html; html: whole notebooks as "
        "pages + index.html; pdf: PDFs through Chromium; all: slides and "
        "html (each notebook executed once); book: the course as a website (Jupyter Book)",
    )
    export.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebook files or folders (default: every notebook in notebooks/)",
    )
    export.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="output folder (created if needed)"
    )
    export.add_argument(
        "--from",
        dest="pdf_from",
        choices=["slides", "html"],
        default="slides",
        help="for pdf: print the decks (one page per slide, default) or the whole-notebook pages",
    )
    code = export.add_mutually_exclusive_group()
    code.add_argument(
        "--code",
        dest="code",
        action="store_true",
        default=None,
        help="show code cells' input (default: hidden on slides, shown on pages and in the book)",
    )
    code.add_argument("--no-code", dest="code", action="store_false", help="hide code cells' input")
    export.add_argument(
        "--force",
        action="store_true",
        help="export into a folder that holds files aftercare did not write (files with the "
        "same names are replaced)",
    )
    export.add_argument(
        "--timeout",
        type=_positive_int,
        default=600,
        metavar="SECONDS",
        help="longest time one cell may run (default 600)",
    )
    export.add_argument(
        "--protocol",
        default=None,
        metavar="NAME_OR_PATH",
        help="protocol preset name or YAML file the notebooks run with (default: "
        "$AFTERCARE_PROTOCOL, else the default preset); named on every title slide",
    )
    export.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="notebooks to execute at once (default: CPUs, at most 4)",
    )

    handout = commands.add_parser(
        "handout",
        help="write a patient aftercare sheet (HTML or PDF)",
        description="Write a one- or two-page aftercare sheet from a patient file (JSON; "
        "schema in schemas/patient.schema.json).",
    )
    handout.add_argument(
        "--patient", required=True, type=Path, metavar="FILE.json", help="the patient file"
    )
    handout.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE.html|FILE.pdf",
        help="the sheet to write (.html or .pdf)",
    )
    handout.add_argument(
        "--lang",
        default="en",
        choices=list(languages()),
        help="language of the sheet: a catalogue in aftercare/sheet/locale (default en)",
    )
    handout.add_argument(
        "--protocol",
        default=None,
        metavar="NAME_OR_PATH",
        help="protocol preset name or YAML file (default: the patient file's "
        "'protocol', else $AFTERCARE_PROTOCOL, else the default preset)",
    )
    handout.add_argument(
        "--copy",
        default="patient",
        choices=["patient", "clinician"],
        help="patient (default): no source ids; clinician: every source id and basis, "
        "for the record",
    )
    handout.add_argument(
        "--clock",
        default=None,
        choices=["12h", "24h"],
        help="clock style of the times (default: the language's usual one, e.g. 12h for en, "
        "24h for pt-BR)",
    )
    handout.add_argument("--force", action="store_true", help="replace --out if it exists")

    commands.add_parser(
        "schema",
        help="print the JSON Schema of the patient file (with an example and the factor ids)",
    )
    _add_classroom_parser(commands)
    record = commands.add_parser(
        "record",
        help="print your completion record (notebooks finished, self-check score, dates)",
        description="Write a one-page completion record from your own progress file "
        "(~/.aftercare/progress.sqlite, or AFTERCARE_RECORD_FILE): the notebooks you ran to "
        "their last cell with their study times, your self-check score, the protocol and the "
        "suite's version, and the dates. It is a record of study, not a certificate.",
    )
    record.add_argument("--out", required=True, type=Path, help="the record, .pdf or .html")
    record.add_argument("--name", help="your name as it should appear (default: your account)")
    record.add_argument("--force", action="store_true", help="replace --out if it exists")

    _add_present_parser(commands)
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse a command line; a command's options may come before or after its positionals.

    ``export slides --out DIR NOTEBOOK`` is how people type it: argparse alone would take the
    empty notebook list before ``--out`` and then refuse NOTEBOOK as unrecognized, so each
    command's own arguments are parsed with ``parse_intermixed_args``.
    """
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = parser.get_default("_commands").choices
    at = next((i for i, a in enumerate(argv) if a in commands), None)
    if at is None or any(a.startswith("-") for a in argv[:at]):
        return parser.parse_args(argv)  # usage, --help or an error, as argparse words them
    args = commands[argv[at]].parse_intermixed_args(argv[at + 1 :])
    args.command = argv[at]
    return args


def _add_classroom_parser(commands) -> None:
    room = commands.add_parser(
        "classroom",
        help="run JupyterHub for a class: one JupyterLab and course copy per learner",
        description="Start JupyterHub for learner01 ... learnerNN and an instructor (admin). "
        "Learners log in with the password in AFTERCARE_CLASS_PASSWORD (8+ characters). "
        "'classroom reset NAME ...' gives learners a fresh copy of the course, keeping their "
        "earlier folder. Details and sizing: docs/classroom.md.",
    )
    room.add_argument(
        "action",
        nargs="?",
        default="start",
        choices=("start", "reset"),
        help="start (default) the classroom, or reset the named learners' copy of the course",
    )
    room.add_argument(
        "names", nargs="*", metavar="NAME", help="with reset: the learners, e.g. learner03"
    )
    room.add_argument("--users", type=int, metavar="N", help="number of learners (to start)")
    room.add_argument("--port", type=int, default=8000, help="port to open (default 8000)")
    room.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only); a room network "
        "address needs --ssl-cert and --ssl-key",
    )
    room.add_argument("--ssl-cert", type=Path, metavar="FILE", help="TLS certificate (PEM)")
    room.add_argument("--ssl-key", type=Path, metavar="FILE", help="TLS private key (PEM)")
    room.add_argument(
        "--state",
        type=Path,
        default=Path(".classroom"),
        metavar="DIR",
        help="folder for the database, cookie secret and learners' folders (default .classroom)",
    )
    room.add_argument(
        "--idle-minutes",
        type=float,
        default=60,
        metavar="MIN",
        help="stop a learner's server after this long idle; files stay (default 60)",
    )
    room.add_argument(
        "--prestart",
        action="store_true",
        help="start every learner's server as soon as the hub is up, a few at a time, so a "
        "class logging in at once finds them running",
    )
    room.add_argument(
        "--login-hours",
        type=float,
        default=12,
        metavar="H",
        help="how long a login lasts (default 12: one class day)",
    )
    room.add_argument(
        "--room",
        default="",
        metavar="NAME",
        help="a second classroom on this server: its learners' system users are NAME-learner01 "
        "... (as root); lower-case letters and digits",
    )


def _add_present_parser(commands) -> None:
    show = commands.add_parser(
        "present",
        help="present notebooks as live slides from a working copy (the course is not changed)",
        description="Copy the notebooks (with rise.css) into a working folder, start JupyterLab "
        "on it (127.0.0.1), run them there and open the first as a full-screen RISE slideshow "
        "whose apps respond. The course's notebooks are never written. Stop with Ctrl+C.",
    )
    show.add_argument(
        "notebooks", nargs="+", metavar="NOTEBOOK", help="a number (03), a name or a .ipynb path"
    )
    show.add_argument(
        "--folder",
        type=Path,
        metavar="DIR",
        help="working folder (default: presenting/ of the checkout, git-ignored)",
    )
    show.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    show.add_argument(
        "--no-browser", action="store_true", help="print the slideshow's address, open nothing"
    )
    show.add_argument("--limit", type=int, metavar="S", help=argparse.SUPPRESS)  # tests


def _present(args: argparse.Namespace) -> int:
    from .slideshow import present

    def say(line: str) -> None:
        print(line, flush=True)

    return present(
        args.notebooks,
        args.folder,
        port=args.port,
        open_browser=not args.no_browser,
        limit_s=args.limit,
        say=say,
    )


def _classroom(args: argparse.Namespace) -> int:
    from .classroom import ClassroomError, ClassroomSettings, run_classroom

    if args.action == "reset":
        return _classroom_reset(args)
    if args.names:
        raise ClassroomError(f"unexpected {args.names[0]!r}: names go with 'classroom reset'")
    if args.users is None:
        raise ClassroomError("--users N is required to start a classroom (1 to 999 learners)")
    settings = ClassroomSettings.build(
        users=args.users,
        port=args.port,
        ip=args.ip,
        state=args.state,
        ssl_cert=args.ssl_cert,
        ssl_key=args.ssl_key,
        idle_minutes=args.idle_minutes,
        prestart=args.prestart,
        login_hours=args.login_hours,
        room=args.room,
    )
    return run_classroom(settings)


def _classroom_reset(args: argparse.Namespace) -> int:
    from .classroom import ClassroomError
    from .classroom.accounts import committed_course, reset_learner
    from .classroom.settings import default_course_dir

    if not args.names:
        raise ClassroomError("name the learners to reset, e.g. classroom reset learner03")
    state = args.state.resolve()
    # The fresh copy is of the course as committed, as at every start.
    course = committed_course(default_course_dir(), state)
    for name in args.names:
        print(reset_learner(state, course, name))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export.manifest import open_export_folder, planned_outputs, record_files
    from .export.notebooks import execute_notebooks, find_notebooks
    from .export.render import write_exports

    start = time.perf_counter()
    from .export.assets import copy_assets
    from .export.notebooks import resolve_protocol

    paths = find_notebooks(args.notebooks or None)
    # Fail on a bad protocol, a bad output folder or missing assets before spending time on
    # execution.
    protocol, _ = resolve_protocol(args.protocol)
    if args.kind == "book":
        from .export.book import planned_book_outputs  # stops here without Jupyter Book

        planned = planned_book_outputs(paths)
    else:
        planned = planned_outputs(paths, args.kind, args.pdf_from)
    folder = open_export_folder(args.out, force=args.force, sources=paths, planned=planned)
    if args.kind not in ("pdf", "book"):
        copy_assets(args.out)
    print(
        f"protocol: {protocol.title} ({protocol.name}, version {protocol.version})",
        file=sys.stderr,
    )
    executed = execute_notebooks(
        paths,
        jobs=args.jobs,
        timeout=args.timeout,
        progress=lambda path: print(f"running {path} ...", file=sys.stderr),
        protocol=args.protocol,
    )
    written = []
    if args.kind in ("slides", "all"):
        written += write_exports(executed, "slides", args.out, include_code=args.code)
    if args.kind in ("html", "all"):
        written += write_exports(
            executed, "html", args.out, include_code=True if args.code is None else args.code
        )
    if args.kind == "book":
        from .export.book import write_book

        written += write_book(executed, args.out, include_code=args.code is not False)
    if args.kind == "pdf":
        from .export.pdf import export_pdf

        written += export_pdf(None, args.out, kind=args.pdf_from, executed=executed)
        titled = {
            item.path.name: planned[item.path.name].model_copy(update={"title": item.title})
            for item in written
        }
        record_files(args.out, titled)
    for item in written:
        print(f"{item.path}  ({item.kind}: {item.title})")
    if args.kind not in ("pdf", "book"):
        print(f"{args.out / 'index.html'}  (index)")
    for line in folder.replaced_report():
        print(line, file=sys.stderr)
    print(f"done: {len(written)} file(s) in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def _handout(args: argparse.Namespace) -> int:
    from .sheet.handout import write_handout

    result = write_handout(
        args.patient,
        args.out,
        lang=args.lang,
        protocol=args.protocol,
        force=args.force,
        copy=args.copy,
        clock=args.clock,
    )
    print(
        f"{result.path}  ({result.lang}; {result.copy} copy; protocol {result.protocol}; "
        f"verdict {result.verdict}; {result.sessions} earliest ice time(s))"
    )
    return 0


class _Stopped(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP so that cleanup code runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _stop_cleanly_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while the command runs (default: instant death,
    which would leave temporary files and a browser behind)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _Stopped(signum)

    wanted = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, stop) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _one_line(text: str) -> str:
    """``text`` on one line: control characters (newlines, terminal escapes) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _fail(message: str, status: int = 2) -> int:
    print(f"error: {_one_line(message)}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or a failed write)."""
    from .errors import AftercareError

    args = parse_args(argv)
    try:
        with _stop_cleanly_on_signals():
            if args.command == "export":
                return _export(args)
            if args.command == "handout":
                return _handout(args)
            if args.command == "classroom":
                return _classroom(args)
            if args.command == "record":
                from .export.record import write_record

                print(write_record(args.out, force=args.force, name=args.name))
                return 0

            if args.command == "present":
                return _present(args)
            from .sheet.patient_file import patient_schema

            print(json.dumps(patient_schema(), indent=2, ensure_ascii=False))
            return 0
    except AftercareError as exc:
        return _fail(str(exc))
    except OSError as exc:  # a failure outside the files aftercare writes itself
        from .export.files import describe_os_error

        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{describe_os_error(exc)}")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except _Stopped as stop:
        print(f"stopped by signal {signal.Signals(stop.signum).name}", file=sys.stderr)
        return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main())
