"""Packaging stays consistent: environment.yml names pyproject's dependencies; data ships."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from aftercare.resources import DISTRIBUTION

ROOT = Path(__file__).resolve().parents[1]
# PyPI name -> conda-forge name, where they differ.
CONDA_NAME = {
    "pyyaml": "pyyaml",
    "jupyterlab-rise": "jupyterlab_rise",
    # conda-forge's "playwright" is the Node tool; the Python library is "playwright-python".
    "playwright": "playwright-python",
}
# The image's JupyterHub stays on the chart's major version (tests/test_kubernetes.py checks).
PINNED_FOR_THE_CHART = {".binder/environment.yml": {"jupyterhub"}}


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.mark.parametrize("path", ["environment.yml", ".binder/environment.yml"])
def test_environment_yml_matches_pyproject(path):
    project = _pyproject()["project"]
    env = yaml.safe_load((ROOT / path).read_text())
    conda = {}
    for item in env["dependencies"]:
        if isinstance(item, str):
            req = Requirement(
                item.replace("=", "==", 1)
                if "=" in item and not any(op in item for op in (">=", "<=", "=="))
                else item
            )
            conda[req.name.lower()] = str(req.specifier)
    for dep in project["dependencies"]:
        req = Requirement(dep)
        name = CONDA_NAME.get(req.name.lower(), req.name.lower())
        assert name in conda, f"environment.yml lacks {name} (pyproject: {dep})"
        if name in PINNED_FOR_THE_CHART.get(path, ()):
            # Narrower than pyproject's range, never outside it.
            assert set(req.specifier) <= set(Requirement(f"x{conda[name]}").specifier), name
            continue
        assert conda[name] == str(req.specifier), f"{name}: {conda[name]} vs {req.specifier}"
    extra = (
        set(conda)
        - {
            CONDA_NAME.get(Requirement(d).name.lower(), Requirement(d).name.lower())
            for d in project["dependencies"]
        }
        - {"python", "pip", "nodejs"}
    )
    assert not extra, f"environment.yml has dependencies pyproject.toml lacks: {extra}"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python=3.11"
    assert project["requires-python"] == ">=3.11"
    pip_items = [i for d in env["dependencies"] if isinstance(d, dict) for i in d["pip"]]
    if path == "environment.yml":  # conda users: one command from a clone
        assert '-e ".[dev]"' in pip_items
    else:  # repo2docker builds the environment before the repository is in the image
        assert not pip_items, "the package is installed by .binder/postBuild, not here"
        post_build = (ROOT / ".binder" / "postBuild").read_text()
        assert "pip install --no-cache-dir -c requirements.lock.txt -e ." in post_build
        assert "npm ci --prefix js" in post_build


def test_wheel_carries_the_data_folder():
    config = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert config["force-include"]["data"] == "aftercare/_data"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "./scripts/test"
    assert command in readme
    assert any(line.strip().startswith(("exec " + command, command)) for line in ci.splitlines())


# Run inside the fresh environment, from a folder outside the checkout: a library plan and a
# patient sheet, each written to a file, and the one-line errors for what the wheel does not ship.
_OUTSIDE = """
import json, subprocess, sys
from pathlib import Path

import aftercare
from aftercare import Patient, plan_icing
from aftercare.data import data_dir
from aftercare.sheet.patient_file import EXAMPLE

site = Path(sys.prefix).resolve()
assert Path(aftercare.__file__).resolve().is_relative_to(site), aftercare.__file__
assert data_dir().resolve().is_relative_to(site), data_dir()
plan = plan_icing(Patient(needled_at="09:00", diabetes=True), "seed-article")
Path("plan.txt").write_text(plan.schedule_text(), encoding="utf-8")
Path("patient.json").write_text(json.dumps(EXAMPLE), encoding="utf-8")
for lang in ("en", "pt-BR"):
    subprocess.run(
        [sys.executable, "-m", "aftercare", "handout", "--patient", "patient.json",
         "--out", f"sheet-{lang}.html", "--lang", lang],
        check=True, capture_output=True,
    )
import nbformat
nbformat.write(nbformat.v4.new_notebook(), "n.ipynb")
for command in (["export", "html", "--out", "x"], ["export", "html", "--out", "x", "n.ipynb"]):
    done = subprocess.run([sys.executable, "-m", "aftercare", *command], capture_output=True, text=True)
    print(done.returncode, done.stderr.strip().replace("\\n", " | "))
"""


@pytest.mark.slow
def test_the_wheel_works_outside_the_checkout(tmp_path):
    """Build the wheel, install it into a fresh virtual environment and use it from elsewhere.

    The fresh environment borrows the third-party dependencies of this one (a ``.pth`` line to
    its site-packages; installing matplotlib, pandas... again would take minutes), but not
    aftercare: this environment's aftercare is an editable install, whose hook is a ``.pth``
    file that a borrowed folder does not run. So the aftercare imported is the wheel's.
    """
    import subprocess
    import sys
    import sysconfig
    import venv
    import zipfile

    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob(f"{DISTRIBUTION.replace('-', '_')}-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "aftercare/_data/sources.csv" in names
    assert "aftercare/sheet/templates/handout.html.j2" in names
    assert any(n.startswith("aftercare/sheet/locale/pt_BR/") for n in names)
    assert not any(n.startswith(("notebooks/", "js/", "tests/")) for n in names)

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        check=True,
        timeout=300,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AFTERCARE_", "PYTHON"))}
    done = subprocess.run(
        [python, "-c", _OUTSIDE], cwd=work, env=clean, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "Barrier" in (work / "plan.txt").read_text(encoding="utf-8")
    for lang, words in (("en", "Riverside Physio"), ("pt-BR", 'lang="pt-BR"')):
        assert words in (work / f"sheet-{lang}.html").read_text(encoding="utf-8")
    no_notebooks, no_assets = done.stdout.strip().splitlines()
    assert no_notebooks.startswith("2 ") and "notebooks/ (the teaching notebooks)" in no_notebooks
    assert "name the notebooks" in no_notebooks and "Traceback" not in no_notebooks
    assert no_assets.startswith("2 ") and "js/node_modules" in no_assets
    assert "AFTERCARE_NODE_MODULES" in no_assets and "Traceback" not in no_assets


# --- the lock ---------------------------------------------------------------------------------

LOCK = ROOT / "requirements.lock.txt"


def _locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"requirements.lock.txt: {line} is not an exact pin"
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def _declared() -> list[Requirement]:
    project = _pyproject()["project"]
    return [
        Requirement(d) for d in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]


def test_the_lock_pins_every_dependency_and_dev_extra_within_its_bounds():
    locked = _locked()
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in locked, f"requirements.lock.txt lacks {req.name}; run ./scripts/lock"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock.txt pins {req.name}=={locked[name]}, outside pyproject's "
            f"{req.specifier}; run ./scripts/lock"
        )
    assert canonicalize_name(DISTRIBUTION) not in locked  # the project itself is installed -e


def test_upper_bounds_where_the_code_relies_on_internals():
    spec = {canonicalize_name(r.name): r.specifier for r in _declared()}
    # The RISE shim and the widget manager's stand-ins are written against these majors.
    assert not spec["jupyterlab"].contains("5.0.0") and spec["jupyterlab"].contains("4.9")
    assert not spec["ipywidgets"].contains("9.0.0") and spec["ipywidgets"].contains("8.9")
    assert not spec["jupyterlab-rise"].contains("0.44.0") and spec["jupyterlab-rise"].contains(
        "0.43.9"
    )


def test_jupytext_is_the_version_that_wrote_the_notebook_pairs():
    """Another jupytext rewrites every .py twin's header, so pre-commit fails on a fresh clone."""
    import re

    (pin,) = (r for r in _declared() if r.name == "jupytext")
    written = {
        re.search(r"jupytext_version: (\S+)", p.read_text(encoding="utf-8"))[1]
        for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py")
    }
    assert len(written) == 1, f"the notebook pairs were written by several jupytexts: {written}"
    assert str(pin.specifier) == f"=={written.pop()}"


def test_this_environment_was_installed_from_the_lock():
    """scripts/setup.sh (and so ./scripts/lab, ./scripts/test and CI) installs with the lock."""
    from importlib.metadata import PackageNotFoundError, version

    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert '-c "$LOCK" -e ".[dev]"' in setup
    off = {}
    for name, pinned in _locked().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # a platform-only package (the lock is for x86-64 Linux)
        if installed != pinned:
            off[name] = f"{installed} installed, {pinned} locked"
    assert not off, f"this environment does not match requirements.lock.txt: {off}"


# --- the release: licence, metadata, twine ----------------------------------------------------


def test_distribution_name_licence_and_urls():
    project = _pyproject()["project"]
    assert project["name"] == DISTRIBUTION
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "License :: " not in " ".join(project["classifiers"])  # PEP 639: the expression only
    assert all(url.startswith("https://") for url in project["urls"].values())
    assert f"pip install {DISTRIBUTION}" in (ROOT / "README.md").read_text()


@pytest.mark.slow
def test_the_sdist_and_wheel_pass_twine_check_strict(tmp_path):
    """Build both offline with the project's backend and check them as PyPI's upload would."""
    import subprocess
    import sys
    import tarfile
    import zipfile

    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    stem = DISTRIBUTION.replace("-", "_")
    (sdist,) = tmp_path.glob(f"{stem}-*.tar.gz")
    (wheel,) = tmp_path.glob(f"{stem}-*.whl")
    twine = Path(sys.executable).with_name("twine")
    checked = subprocess.run(
        [str(twine), "check", "--strict", str(sdist), str(wheel)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout
    with zipfile.ZipFile(wheel) as whl:
        (meta,) = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = whl.read(meta).decode()
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in whl.namelist())
    assert f"Name: {DISTRIBUTION}\n" in metadata
    assert "License-Expression: MIT\n" in metadata and "License-File: LICENSE\n" in metadata
    assert "Project-URL: " in metadata and "Classifier: Framework :: Jupyter" in metadata
    with tarfile.open(sdist) as tar:
        assert any(n.endswith("/LICENSE") for n in tar.getnames())
