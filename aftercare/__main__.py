"""Command line: ``python -m aftercare export ...`` and ``python -m aftercare handout ...``.

Examples
--------
python -m aftercare export slides --out exports/            # every notebook in notebooks/
python -m aftercare export slides --out exports/ --protocol my-clinic   # the clinic's protocol
python -m aftercare export html --out exports/ notebooks/03_icing_timeline_planner.ipynb
python -m aftercare export pdf --from slides --out exports/pdf
python -m aftercare handout --patient patient.json --out sheet.html --lang pt-BR
python -m aftercare schema > schemas/patient.schema.json

Options may come before or after the notebooks (argparse's intermixed parsing). Errors in
the input (a bad patient file, a missing asset folder, an existing output without --force)
print one message on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
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
        choices=["slides", "html", "pdf", "all"],
        help="slides: reveal.js decks + index.html; html: whole notebooks as "
        "pages + index.html; pdf: PDFs through Chromium; all: slides and "
        "html (each notebook executed once)",
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
        help="show code cells' input (default: hidden on slides, shown on pages)",
    )
    code.add_argument("--no-code", dest="code", action="store_false", help="hide code cells' input")
    export.add_argument(
        "--timeout",
        type=int,
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
        type=int,
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
        "--lang", default="en", choices=["en", "pt-BR"], help="language of the sheet (default en)"
    )
    handout.add_argument(
        "--protocol",
        default=None,
        metavar="NAME_OR_PATH",
        help="protocol preset name or YAML file (default: the patient file's "
        "'protocol', else $AFTERCARE_PROTOCOL, else the default preset)",
    )
    handout.add_argument("--force", action="store_true", help="replace --out if it exists")

    commands.add_parser(
        "schema",
        help="print the JSON Schema of the patient file (with an example and the factor ids)",
    )
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


def _export(args: argparse.Namespace) -> int:
    from .export.notebooks import execute_notebooks, find_notebooks
    from .export.render import write_exports

    start = time.perf_counter()
    from .export.assets import copy_assets
    from .export.notebooks import resolve_protocol

    paths = find_notebooks(args.notebooks or None)
    # Fail on a bad protocol or missing assets before spending time on execution.
    protocol, _ = resolve_protocol(args.protocol)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.kind != "pdf":
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
    if args.kind == "pdf":
        from .export.pdf import export_pdf

        written += export_pdf(None, args.out, kind=args.pdf_from, executed=executed)
    for item in written:
        print(f"{item.path}  ({item.kind}: {item.title})")
    if args.kind != "pdf":
        print(f"{args.out / 'index.html'}  (index)")
    print(f"done: {len(written)} file(s) in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def _handout(args: argparse.Namespace) -> int:
    from .export.handout import write_handout

    result = write_handout(
        args.patient, args.out, lang=args.lang, protocol=args.protocol, force=args.force
    )
    print(
        f"{result.path}  ({result.lang}; protocol {result.protocol}; verdict {result.verdict}; "
        f"{result.sessions} ice session(s))"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    from .errors import AftercareError

    args = parse_args(argv)
    try:
        if args.command == "export":
            return _export(args)
        if args.command == "handout":
            return _handout(args)
        from .export.patient_file import patient_schema

        print(json.dumps(patient_schema(), indent=2, ensure_ascii=False))
        return 0
    except AftercareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
