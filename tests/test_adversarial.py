"""The adversarial corpus (tests/adversarial/): every bad input ends in one named line, exit 2.

Stored cases are listed in ``tests/adversarial/cases.toml``; cases too big or too strange to
store (devices, FIFOs, folders, 2 MB files, 200,000-deep nesting, megabyte values, a read-only
or full disk) are made here. Each runs through the command line in-process; a sample of the
dangerous ones also runs as a real process with its address space capped at 1 GiB and its peak
memory read back (the issue saw 9 GB from /dev/zero and 5.5 GB from an alias bomb).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from aftercare.data import MAX_FILE_BYTES, data_path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "adversarial"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
PATIENT = ROOT / "tests" / "fixtures" / "patient_en.json"
#: Longest message allowed besides the file name: field, about 80 characters of value, reason.
MESSAGE_CHARS = 400


@pytest.fixture
def cli(capsys):
    """``python -m aftercare ...`` in-process: returns (returncode, stdout, stderr)."""
    from aftercare.__main__ import main

    def run(*args: str | Path) -> SimpleNamespace:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run


def assert_named_error(run: SimpleNamespace, file: str | Path, words=()) -> str:
    """Exit 2 and exactly one stderr line ``error: FILE...`` containing every word."""
    assert run.returncode == 2, (run.returncode, run.stderr[-2000:])
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr[:2000]
    line = lines[0]
    assert line.startswith("error: "), line
    assert str(file) in line, line
    assert len(line) - len(str(file)) <= MESSAGE_CHARS, f"{len(line)} characters: {line[:300]}"
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    return line


def _ids(cases: list[dict], key: str) -> list[str]:
    return [case[key] for case in cases]


# -- stored cases -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["patient"], ids=_ids(CASES["patient"], "file"))
def test_patient_file_corpus(case, tmp_path, cli):
    source = CORPUS / "patients" / case["file"]
    out = tmp_path / "sheet.html"
    run = cli("handout", "--patient", source, "--out", out)
    if case.get("expect") == "ok":
        assert run.returncode == 0, run.stderr
        html = out.read_text(encoding="utf-8")
        assert all(word in html for word in case["words"]), case
    else:
        assert_named_error(run, source, case["words"])
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == (["sheet.html"] if out.exists() else [])


@pytest.mark.parametrize("case", CASES["protocol"], ids=_ids(CASES["protocol"], "file"))
def test_protocol_file_corpus(case, tmp_path, cli):
    source = CORPUS / "protocols" / case["file"]
    out = tmp_path / "sheet.html"
    run = cli("handout", "--patient", PATIENT, "--out", out, "--protocol", source)
    assert_named_error(run, source.name, case["words"])
    assert not out.exists()


def seed_text() -> str:
    return data_path("protocols", "seed-article.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES["protocol_edit"], ids=_ids(CASES["protocol_edit"], "name"))
def test_protocol_edit_corpus(case, tmp_path, cli):
    text = seed_text()
    assert case["old"] in text, "the corpus no longer matches data/protocols/seed-article.yaml"
    clinic = tmp_path / "my-clinic.yaml"
    clinic.write_text(text.replace(case["old"], case["new"], 1), encoding="utf-8")
    out = tmp_path / "sheet.html"
    line = assert_named_error(
        cli("handout", "--patient", PATIENT, "--out", out, "--protocol", clinic),
        "my-clinic.yaml",
        case["words"],
    )
    assert "line " in line  # every protocol error points at a line of the file
    assert not out.exists()


# -- made here ----------------------------------------------------------------------------------


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "patient.fifo"
    os.mkfifo(path)
    return path


def _special_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Inputs that are not regular files, or too big: path and the expected words."""
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    link = tmp_path / "zero-link.json"
    link.symlink_to("/dev/zero")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    return {
        "dev_zero": (Path("/dev/zero"), "a device or socket, not a regular file"),
        "fifo": (_fifo(tmp_path), "a FIFO (named pipe), not a regular file"),
        "symlink_to_dev_zero": (link, "a device or socket, not a regular file"),
        "folder": (folder, "is a folder"),
        "too_big": (big, f"the largest file read is {MAX_FILE_BYTES:,} bytes"),
        "missing": (tmp_path / "no-such.json", "file not found"),
    }


@pytest.mark.parametrize(
    "kind", ["dev_zero", "fifo", "symlink_to_dev_zero", "folder", "too_big", "missing"]
)
def test_special_patient_and_protocol_files(kind, tmp_path, cli):
    path, words = _special_files(tmp_path)[kind]
    out = tmp_path / "sheet.html"
    assert_named_error(cli("handout", "--patient", path, "--out", out), path, [words])
    run = cli("handout", "--patient", PATIENT, "--out", out, "--protocol", path)
    assert_named_error(run, path.name, [words])
    assert not out.exists()


def test_deep_nesting_is_refused_without_recursion_error(tmp_path, cli):
    deep_json = tmp_path / "deep.json"
    deep_json.write_text(
        '{"needled_at": "09:00", "note": ' + "[" * 200_000 + "]" * 200_000 + "}", "utf-8"
    )
    out = tmp_path / "sheet.html"
    assert_named_error(cli("handout", "--patient", deep_json, "--out", out), deep_json, ["32"])
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("rules: " + "[" * 200_000 + "]" * 200_000 + "\n", "utf-8")
    run = cli("handout", "--patient", PATIENT, "--out", out, "--protocol", deep_yaml)
    assert_named_error(run, "deep.yaml", ["nested more than 32 levels", "line 1"])


def test_megabyte_values_are_quoted_short(tmp_path, cli):
    huge = "x" * 900_000
    patient = tmp_path / "patient.json"
    patient.write_text('{"needled_at": "' + huge + '"}', "utf-8")
    out = tmp_path / "sheet.html"
    line = assert_named_error(cli("handout", "--patient", patient, "--out", out), patient)
    assert line.count("x") < 100
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text(seed_text().replace("value: 20\n", f"value: {huge}\n", 1), "utf-8")
    run = cli("handout", "--patient", PATIENT, "--out", out, "--protocol", clinic)
    line = assert_named_error(run, "clinic.yaml", ["rules.max_session_minutes.value"])
    assert line.count("x") < 100


def test_control_characters_in_names_stay_on_one_line(tmp_path, cli):
    patient = tmp_path / "new\nline\x1b[31m.json"
    patient.write_text('{"needled_at": 1}', "utf-8")
    run = cli("handout", "--patient", patient, "--out", tmp_path / "sheet.html")
    assert_named_error(run, "new\\nline\\x1b[31m.json", ["needled_at"])


# -- output side: handout ------------------------------------------------------------------------


def test_handout_output_errors(tmp_path, cli):
    existing = tmp_path / "sheet.html"
    existing.write_text("old sheet", "utf-8")
    assert_named_error(
        cli("handout", "--patient", PATIENT, "--out", existing), existing, ["already exists"]
    )
    same = tmp_path / "patient.html"
    shutil.copy(PATIENT, same)
    run = cli("handout", "--patient", same, "--out", same, "--force")
    assert_named_error(run, same, ["is the patient file"])
    assert same.read_bytes() == PATIENT.read_bytes()
    under_file = existing / "sheet.html"
    assert_named_error(
        cli("handout", "--patient", PATIENT, "--out", under_file), under_file, ["is a file"]
    )
    folder = tmp_path / "folder.html"
    folder.mkdir()
    run = cli("handout", "--patient", PATIENT, "--out", folder, "--force")
    assert_named_error(run, folder, ["is a folder"])
    assert existing.read_text("utf-8") == "old sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "folder.html",
        "patient.html",
        "sheet.html",
    ]


@pytest.mark.parametrize(
    ("err", "words"),
    [
        (errno.EACCES, ["Permission denied", "not writable"]),
        (errno.ENOSPC, ["No space left on device", "the disk is full"]),
        (errno.EROFS, ["Read-only file system", "read-only"]),
    ],
)
def test_handout_write_failures_simulated(err, words, tmp_path, cli, monkeypatch):
    """Failures simulated by monkeypatching (root may write anywhere): see the tmpfs test too."""
    out = tmp_path / "sheet.html"
    out.write_text("old sheet", "utf-8")
    out.chmod(0o600)
    real_fsync = os.fsync

    def failing(fd):
        real_fsync(fd)
        raise OSError(err, os.strerror(err))

    target = "fsync" if err == errno.ENOSPC else None
    if target:
        monkeypatch.setattr(os, "fsync", failing)
    else:
        monkeypatch.setattr(
            tempfile,
            "mkstemp",
            lambda *a, **k: (_ for _ in ()).throw(OSError(err, os.strerror(err))),
        )
    run = cli("handout", "--patient", PATIENT, "--out", out, "--force")
    assert_named_error(run, out, ["cannot write", *words])
    assert out.read_text("utf-8") == "old sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.html"]


def _can_mount() -> bool:
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return False
    probe = ["unshare", "--mount", "--map-root-user", "true"]
    if os.geteuid() == 0:
        probe = ["unshare", "--mount", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="no mount namespaces here")


def run_on_tmpfs(folder: Path, options: str, *args: str | Path) -> SimpleNamespace:
    """Run the CLI in a private mount namespace with a tmpfs (``options``) mounted on ``folder``."""
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    mount = 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"'
    command = ["unshare", "--mount", "--propagation", "private", *user, "sh", "-c", mount, "sh"]
    command += [options, str(folder), sys.executable, "-m", "aftercare", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    return SimpleNamespace(returncode=done.returncode, stdout=done.stdout, stderr=done.stderr)


@needs_mount
def test_handout_on_a_full_and_a_read_only_disk(tmp_path):
    """A real full disk (a one-page, 4 KB tmpfs) and a real read-only one (tmpfs mounted ro)."""
    full = tmp_path / "full"
    full.mkdir()
    out = full / "sheet.html"
    run = run_on_tmpfs(full, "size=4k", "handout", "--patient", PATIENT, "--out", out)
    assert_named_error(run, out, ["No space left on device", "the disk is full"])
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    out = readonly / "sheet.html"
    run = run_on_tmpfs(readonly, "ro,size=1m", "handout", "--patient", PATIENT, "--out", out)
    assert_named_error(run, out, ["Read-only file system"])


# -- output side: export (no notebook is executed: every check comes first) ------------------------

needs_assets = pytest.mark.skipif(
    not (ROOT / "js" / "node_modules" / "reveal.js" / "package.json").is_file(),
    reason="npm assets missing: run `npm ci --prefix js`",
)
DECK = ROOT / "tests" / "fixtures" / "deck.ipynb"


def test_export_output_errors(tmp_path, cli):
    existing = tmp_path / "existing.txt"
    existing.write_text("mine", "utf-8")
    run = cli("export", "slides", DECK, "--out", existing)
    assert_named_error(run, existing, ["is a file", "names a folder"])
    run = cli("export", "slides", DECK, "--out", existing / "sub")
    assert_named_error(run, existing / "sub", ["cannot be a folder", "is a file"])
    run = cli("export", "slides", "--out", ROOT / "notebooks", "--force")
    assert_named_error(run, ROOT / "notebooks", ["folder of the notebooks"])
    run = cli("export", "slides", DECK, "--out", DECK.parent, "--force")
    assert_named_error(run, DECK.parent, ["folder of the notebooks"])
    foreign = tmp_path / "course"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("my notes", "utf-8")
    run = cli("export", "slides", DECK, "--out", foreign)
    assert_named_error(
        run, foreign, ["1 file(s) that aftercare did not write", "notes.txt", "--force"]
    )
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    assert existing.read_text("utf-8") == "mine"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", ["not an aftercare export manifest", "Invalid JSON"]),
        ("[]", ["not an aftercare export manifest"]),
        ('{"x.html": {"kind": "rootkit"}}', ["not an aftercare export manifest", "kind"]),
        (
            '{"format": "aftercare-export", "version": 1, "files": '
            '{"../../etc/passwd": {"kind": "html"}}}',
            ["'../../etc/passwd', which is not a file name"],
        ),
        ('{"format": "aftercare-export", "version": 1, "files": {}}' + " " * 2_000_000, ["2,"]),
        (b"\xff\xfe{}", ["not UTF-8"]),
    ],
    ids=["not-json", "list", "bad-kind", "path-name", "too-big", "not-utf8"],
)
def test_export_refuses_a_damaged_manifest(content, words, tmp_path, cli):
    out = tmp_path / "course"
    out.mkdir()
    manifest = out / ".aftercare-export.json"
    if isinstance(content, bytes):
        manifest.write_bytes(content)
    else:
        manifest.write_text(content, "utf-8")
    run = cli("export", "slides", DECK, "--out", out)
    assert_named_error(run, manifest, [*words, "--force"])


def test_export_refuses_a_fifo_manifest(tmp_path, cli):
    out = tmp_path / "course"
    out.mkdir()
    os.mkfifo(out / ".aftercare-export.json")
    run = cli("export", "slides", DECK, "--out", out)
    assert_named_error(run, out / ".aftercare-export.json", ["FIFO"])


@needs_assets
@needs_mount
def test_export_on_a_full_and_a_read_only_disk(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    run = run_on_tmpfs(full, "size=64k", "export", "slides", DECK, "--out", full / "course")
    line = assert_named_error(run, full / "course", ["No space left on device", "the disk is full"])
    assert "running" not in run.stderr, line  # failed before executing any notebook
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    course = readonly / "course"
    run = run_on_tmpfs(readonly, "ro,size=1m", "export", "slides", DECK, "--out", course)
    assert_named_error(run, course, ["Read-only file system"])


# -- real processes, memory capped ---------------------------------------------------------------


#: Runs the CLI in a child of a fresh, small interpreter and reports that child's peak memory.
#: A child forked straight from pytest would count pytest's own resident pages (hundreds of MB
#: late in a full run) in its peak, since Linux keeps the peak across fork and exec.
_CAPPED = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "aftercare", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_capped(args: list[str | Path], tmp_path: Path) -> SimpleNamespace:
    """The CLI as a real process: address space capped at 1 GiB; returns its peak memory too."""
    usage = tmp_path / "usage"
    usage.unlink(missing_ok=True)
    with open(tmp_path / "stdout", "w+") as out, open(tmp_path / "stderr", "w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CAPPED, str(usage), *map(str, args)],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
        )
        timer = threading.Timer(120, proc.kill)  # a guard against a hang, not a speed test
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        returncode, maxrss_kb = map(int, usage.read_text().split())
        return SimpleNamespace(
            returncode=returncode,
            stdout=out.read(),
            stderr=err.read(),
            peak_mb=maxrss_kb / 1024,
        )


def test_dangerous_inputs_as_real_processes(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"needled_at": "09:00", "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    bomb = next(c for c in CASES["protocol_edit"] if c["name"] == "alias_bomb_in_a_protocol")
    bomb_file = tmp_path / "bomb.yaml"  # before: 120 s and 2.6 GB, then killed
    bomb_file.write_text(seed_text().replace(bomb["old"], bomb["new"], 1), "utf-8")
    sheet = tmp_path / "sheet.html"
    cases = [
        (["handout", "--patient", "/dev/zero", "--out", sheet], "/dev/zero"),
        (["handout", "--patient", _fifo(tmp_path), "--out", sheet], "patient.fifo"),
        (["handout", "--patient", deep, "--out", sheet], "deep.json"),
        (["handout", "--patient", CORPUS / "patients" / "huge_integer.json", "--out", sheet], ""),
        (["handout", "--patient", PATIENT, "--out", sheet, "--protocol", bomb_file], "bomb.yaml"),
    ]
    for args, file in cases:
        run = run_capped(args, tmp_path)
        assert_named_error(run, file)
        assert run.peak_mb < 400, (args, run.peak_mb)
    assert not sheet.exists()
