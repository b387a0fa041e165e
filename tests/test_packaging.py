"""Packaging stays consistent: environment.yml names pyproject's dependencies; data ships."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
# PyPI name -> conda-forge name, where they differ.
CONDA_NAME = {"pyyaml": "pyyaml", "jupyterlab-rise": "jupyterlab_rise"}


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
        assert "pip install --no-cache-dir --no-deps -e ." in post_build
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
