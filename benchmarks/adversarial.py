"""Time and peak memory of the command line on every adversarial input (tests/adversarial/).

Each case runs as its own process (``python -m aftercare handout ...``) with its address space
capped at 1 GiB; wall time is measured around the process and its peak resident memory is read
from ``os.wait4``. Prints one row per input class: cases, slowest and median wall time, largest
peak memory, and how many ended with exit 2 and one line on stderr.

    .venv/bin/python benchmarks/adversarial.py            # every stored case plus generated ones
    .venv/bin/python benchmarks/adversarial.py --quick    # at most 3 cases per class
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "adversarial"
PATIENT = ROOT / "tests" / "fixtures" / "patient_en.json"
LIMIT = 1 << 30


def run(args: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB, exit status and stderr of one capped CLI process."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "aftercare", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            preexec_fn=cap,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err.read()


def cases(tmp: Path) -> dict[str, list[list[str]]]:
    table = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
    sheet = str(tmp / "sheet.html")
    seed = (ROOT / "data" / "protocols" / "seed-article.yaml").read_text(encoding="utf-8")
    out: dict[str, list[list[str]]] = {"patient file (stored)": [], "protocol file (stored)": []}
    for case in table["patient"]:
        if case.get("expect") != "ok":
            path = CORPUS / "patients" / case["file"]
            out["patient file (stored)"].append(["handout", "--patient", str(path), "--out", sheet])
    for case in table["protocol"]:
        path = CORPUS / "protocols" / case["file"]
        out["protocol file (stored)"].append(
            ["handout", "--patient", str(PATIENT), "--out", sheet, "--protocol", str(path)]
        )
    edits = []
    for number, case in enumerate(table["protocol_edit"]):
        path = tmp / f"edit{number}.yaml"
        path.write_text(seed.replace(case["old"], case["new"], 1), encoding="utf-8")
        edits.append(
            ["handout", "--patient", str(PATIENT), "--out", sheet, "--protocol", str(path)]
        )
    out["protocol edit (YAML 1.1, types, duplicates)"] = edits
    fifo = tmp / "patient.fifo"
    os.mkfifo(fifo)
    big = tmp / "big.json"
    big.write_bytes(b" " * 2_000_000)
    deep = tmp / "deep.json"
    deep.write_text('{"needled_at": "09:00", "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    deep_yaml = tmp / "deep.yaml"
    deep_yaml.write_text("rules: " + "[" * 200_000 + "]" * 200_000 + "\n")
    huge = tmp / "huge.json"
    huge.write_text('{"needled_at": "' + "x" * 900_000 + '"}')
    out["special file (device, FIFO, 2 MB)"] = [
        ["handout", "--patient", p, "--out", sheet] for p in ("/dev/zero", str(fifo), str(big))
    ]
    out["deep nesting (200,000 levels)"] = [
        ["handout", "--patient", str(deep), "--out", sheet],
        ["handout", "--patient", str(PATIENT), "--out", sheet, "--protocol", str(deep_yaml)],
    ]
    out["900 KB value"] = [["handout", "--patient", str(huge), "--out", sheet]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="at most 3 cases per class")
    options = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"# {os.cpu_count()} CPUs, load average {load:.1f} at start; address space cap 1 GiB")
    print(
        f"{'input class':46} {'cases':>5} {'median s':>9} {'max s':>7} {'peak MB':>8} {'one line, exit 2':>17}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, runs in cases(Path(tmp)).items():
            runs = runs[:3] if options.quick else runs
            results = [run(args) for args in runs]
            good = sum(1 for _, _, code, err in results if code == 2 and err.count("\n") == 1)
            times = [r[0] for r in results]
            print(
                f"{name:46} {len(runs):5d} {statistics.median(times):9.2f} {max(times):7.2f} "
                f"{max(r[1] for r in results):8.0f} {good:>11d}/{len(runs)}"
            )


if __name__ == "__main__":
    main()
