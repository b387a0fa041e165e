"""Nothing misread, overwritten, leaked or left behind: protocols that cannot go stale, private
sheets, clean stops on signals, presets a clinic adds, and a browser that stays off the network.

(The bad-input corpus is in test_adversarial.py.)
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from clinic_preset import clinic_preset_text, minimal_clinic_preset_text

from aftercare import DataError, Patient, list_protocols, load_protocol, plan_icing
from aftercare.protocol import Protocol, Rule
from aftercare.sheet.handout import write_handout

ROOT = Path(__file__).resolve().parents[1]
PATIENT = ROOT / "tests" / "fixtures" / "patient_en.json"


# -- point 4: protocols are immutable, caches cannot go stale -------------------------------------


def test_a_copy_plans_with_its_own_values_not_the_parents_cache():
    seed = load_protocol()
    diabetic = Patient(needled_at="09:00", diabetes=True)
    before = plan_icing(diabetic, seed)  # fills seed's cache for this factor set
    assert before.verdict == "caution" and len(before.sessions) > 0
    strict = seed.model_copy(update={"factor_levels": {"diabetes": "avoid"}})
    after = plan_icing(diabetic, strict)
    assert after.verdict == "avoid" and after.sessions.empty
    assert strict.factor_level("diabetes") == "avoid" and seed.factor_level("diabetes") != "avoid"
    assert plan_icing(diabetic, seed).verdict == "caution"  # the parent is unchanged


def test_factor_levels_are_read_only():
    protocol = load_protocol().model_copy(update={"factor_levels": {"raynauds": "caution"}})
    with pytest.raises(TypeError):
        protocol.factor_levels["raynauds"] = "banana"
    with pytest.raises(Exception, match="frozen"):
        protocol.factor_levels = {}
    assert protocol.factor_level("raynauds") == "caution"


def test_copies_are_validated_like_files():
    seed = load_protocol()
    bare = Rule(value="none", source_ids=("pai-seed",), basis="no towel")
    with pytest.raises(DataError, match=r"rules\.barrier\.value.*'none'"):
        seed.model_copy(update={"rules": seed.rules.model_copy(update={"barrier": bare})})
    with pytest.raises(DataError, match=r"factor_levels\.diabetes.*'banana'"):
        seed.model_copy(update={"factor_levels": {"diabetes": "banana"}})
    with pytest.raises(DataError, match=r"unknown factor 'flu'"):
        seed.model_copy(update={"factor_levels": {"flu": "avoid"}})


def test_plan_icing_refuses_a_protocol_that_was_never_validated():
    seed = load_protocol()
    data = seed.model_dump()
    data["rules"]["max_session_minutes"]["value"] = 90
    built = Protocol(**data)  # pydantic checks types, not the protocol's ranges
    with pytest.raises(DataError, match=r"max_session_minutes.*1 to 60"):
        plan_icing(Patient(), built)
    unchecked = Protocol.model_construct(**{**seed.__dict__, "factor_levels": {"x": "avoid"}})
    with pytest.raises(DataError, match="unknown factor 'x'"):
        plan_icing(Patient(), unchecked)
    fine = Protocol(**seed.model_dump())
    assert plan_icing(Patient(), fine).sessions.equals(plan_icing(Patient(), seed).sessions)


def test_copies_share_nothing_mutable():
    seed = load_protocol()
    assert copy.deepcopy(seed) is seed  # immutable: nothing to copy
    shallow = copy.copy(seed)
    assert shallow == seed
    with pytest.raises(TypeError):
        shallow.factor_levels["diabetes"] = "ok"


# -- point 6: privacy -----------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o027, 0o640)])
def test_sheets_follow_the_umask(umask, mode, tmp_path):
    old = os.umask(umask)
    try:
        out = write_handout(PATIENT, tmp_path / "sheet.html").path
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == mode


def test_replacing_a_private_sheet_keeps_it_private(tmp_path):
    out = tmp_path / "sheet.html"
    out.write_text("old", "utf-8")
    out.chmod(0o600)
    old = os.umask(0o022)
    try:
        write_handout(PATIENT, out, force=True)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o600
    assert "Care after dry needling" in out.read_text("utf-8")


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_printing_leaves_nothing_behind(signum, status, tmp_path, chromium_path):
    """Stopped while Chromium prints the sheet: no sheet, no temporary file, no browser left."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    # A short TMPDIR of its own (Chromium's socket paths must stay under 108 bytes).
    tmp = Path(tempfile.mkdtemp(prefix="ac-"))
    try:
        _stop_while_printing(signum, status, tmp_path, out_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _stop_while_printing(signum, status, tmp_path, out_dir, tmp):
    secret = tmp_path / "patient.json"
    secret.write_text(PATIENT.read_text("utf-8").replace("Right upper trapezius", "SECRET-SITE"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aftercare", "handout", "--patient", secret, "--out"]
        + [out_dir / "sheet.pdf"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    browser: list[int] = []
    while not browser and proc.poll() is None and time.monotonic() < deadline:
        browser = [p for p in _descendants(proc.pid) if "chromium" in _cmdline(p)]
        time.sleep(0.05)
    assert browser, "Chromium never started"
    time.sleep(0.3)  # let it load the page
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    assert list(out_dir.iterdir()) == []
    time.sleep(0.5)
    left = [p for p in browser if Path(f"/proc/{p}").exists() and "chromium" in _cmdline(p)]
    assert left == [], "Chromium processes were left running"
    leftovers = [p for p in tmp.rglob("*") if p.is_file()]
    assert not any(b"SECRET-SITE" in p.read_bytes() for p in leftovers), leftovers
    assert list(tmp.iterdir()) == [], list(tmp.rglob("*"))


@pytest.fixture
def chromium_path():
    from aftercare.export.browser import BrowserMissingError, chromium_path

    try:
        return chromium_path()
    except BrowserMissingError as exc:
        pytest.skip(str(exc))


# -- point 7: the browser stays off the network ---------------------------------------------------


def _strace_wrapper(tmp_path: Path, chromium: Path) -> tuple[Path, Path]:
    log = tmp_path / "trace.log"
    wrapper = tmp_path / "chromium-under-strace"
    wrapper.write_text(
        "#!/bin/sh\nexec strace -f -qq -e trace=connect,sendto,sendmsg,sendmmsg "
        f'-o {log} {chromium} "$@"\n'
    )
    wrapper.chmod(0o700)
    return wrapper, log


def _network_calls(log: Path) -> list[tuple[str, str]]:
    """(call, result) for every connect/send* that names an IPv4 or IPv6 address."""
    pending: dict[str, str] = {}
    calls = []
    for line in log.read_text(errors="replace").splitlines():
        pid, _, rest = line.partition(" ")
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest.removesuffix("<unfinished ...>")
            continue
        match = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
        if match:
            rest = pending.pop(pid, "") + match.group(1)
        if "AF_INET" in rest:
            call, _, result = rest.rpartition(" = ")
            calls.append((call, result))
    return calls


def _loopback(call: str) -> bool:
    return bool(re.search(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"', call))


@pytest.mark.skipif(
    shutil.which("strace") is None, reason="strace not installed (setup.sh adds it)"
)
@pytest.mark.parametrize("namespace", [True, False], ids=["network-namespace", "switches-only"])
def test_printing_makes_no_dns_lookup_and_no_outside_connection(
    namespace, tmp_path, monkeypatch, chromium_path
):
    """strace -f every connect/sendto/sendmsg of Chromium while it prints a sheet.

    With or without the network namespace: no DNS (port 53) at all, and no data sent to an
    address off this machine. In the namespace every outside connect also fails.
    """
    from aftercare.export import browser

    if namespace and browser.network_namespace_command() is None:
        pytest.skip("network namespaces are not allowed here")
    if not namespace:
        monkeypatch.setattr(browser, "network_namespace_command", lambda: None)
    wrapper, log = _strace_wrapper(tmp_path, chromium_path)
    monkeypatch.setenv("CHROMIUM_PATH", str(wrapper))
    out = write_handout(PATIENT, tmp_path / "sheet.pdf").path
    assert out.read_bytes().startswith(b"%PDF")
    assert "connect(" in log.read_text(), "strace saw nothing: is ptrace allowed?"
    calls = _network_calls(log)
    assert not [c for c, _ in calls if "htons(53)" in c], "a DNS lookup was attempted"
    outside = [(c, r) for c, r in calls if not _loopback(c)]
    sent = [c for c, r in outside if c.startswith(("sendto", "sendmsg", "sendmmsg"))]
    assert sent == [], sent
    tcp_or_ok = [c for c, r in outside if c.startswith("connect") and not r.startswith("-1")]
    if namespace:
        assert tcp_or_ok == [], tcp_or_ok
    else:  # only Chromium's IPv6 reachability probe: a UDP connect, which sends nothing
        assert all("sin6_port=htons(443)" in c for c in tcp_or_ok), tcp_or_ok


# -- point 8: tests do not depend on the presets a clinic has added --------------------------------


def test_a_clinic_preset_added_as_the_readme_says_is_listed(data_copy):
    """README: copy seed-article.yaml to my-clinic.yaml, change name, title, version, date."""
    shipped = sorted(p.name for p in (ROOT / "data" / "protocols").iterdir())
    presets = data_copy / "protocols"
    edited = clinic_preset_text(
        title="My clinic: source-article protocol", version="2.3", effective_date="2027-01-15"
    )
    assert "name: my-clinic\n" in edited and 'version: "2.3"' in edited
    (presets / "my-clinic.yaml").write_text(edited, "utf-8")
    assert "my-clinic" in list_protocols()
    assert set(list_protocols()) >= {"my-clinic", "seed-article", "early-cold"}
    with pytest.raises(DataError) as info:
        load_protocol("no-such-preset")
    assert ", ".join(list_protocols()) in str(info.value)
    clinic = load_protocol("my-clinic")
    assert clinic.max_session_minutes == 15 and clinic.version == "2.3"
    from aftercare.widgets import PlannerApp

    app = PlannerApp()
    assert "my-clinic" in [value for _, value in app.controls["protocol"].options]
    app.controls["protocol"].value = "my-clinic"
    assert set(app.plan.sessions.minutes) == {15}
    assert sorted(p.name for p in (ROOT / "data" / "protocols").iterdir()) == shipped


@pytest.mark.slow
def test_the_preset_tests_pass_with_a_minimal_clinic_preset_in_data(tmp_path):
    """The third time a clinic's preset broke the suite was a one-line ``title:``, which the
    format allows. Put the least a clinic may write (seed-article.yaml with its name, a one-line
    title and one value changed) into data/protocols as my-clinic.yaml and run every test that
    is parametrized over the presets: each must collect my-clinic and pass."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "protocols" / "my-clinic.yaml").write_text(
        minimal_clinic_preset_text("my-clinic"), encoding="utf-8"
    )
    env = {**os.environ, "AFTERCARE_DATA": str(data), "HYPOTHESIS_PROFILE": "dev"}
    env.pop("AFTERCARE_PROTOCOL", None)
    preset_tests = [
        "tests/test_protocol.py::test_every_preset_is_a_usable_protocol",
        "tests/test_packs.py::test_every_preset_uses_a_known_pack_and_a_prescribable_barrier",
        "tests/test_planner_wording.py",
        "tests/test_charts.py::test_timeline_alt_text_matches_any_plan",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *preset_tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "test_every_preset_is_a_usable_protocol[my-clinic] PASSED" in done.stdout
    assert "test_every_preset_uses_a_known_pack_and_a_prescribable_barrier[my-clinic] PASSED" in (
        done.stdout
    )
