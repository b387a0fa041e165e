"""The Kubernetes and Binder path, checked against the chart's own files and Playwright's list.

* The values (``deploy/zero-to-jupyterhub/values.yaml``, alone and with everything the documented
  install command adds) merged over the chart's defaults as Helm does, validated against the
  chart's ``values.schema.json`` (chart 4.4.0, ``deploy/zero-to-jupyterhub/chart-4.4.0/``).
* Learners open their persistent home, the install command leaves no placeholder and puts no
  password on the command line, the image's user and JupyterHub fit the chart.
* The Binder image gets the Python Playwright and a Chromium that runs in a container.
* With ``helm-python-sdk`` and the chart's folder in ``AFTERCARE_Z2JH_CHART``: the chart
  rendered by Helm's own engine (skipped otherwise: CI has neither the chart nor a network).
"""

from __future__ import annotations

import base64
import copy
import os
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "zero-to-jupyterhub"
CHART = DEPLOY / "chart-4.4.0"
DOCS = ROOT / "docs" / "classroom.md"


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _coalesce(base: dict, over: dict) -> dict:
    """Helm's merge of values: maps merge key by key, anything else replaces, null removes."""
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _coalesce(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _set(values: dict, assignment: str) -> None:
    """One ``--set key.path=value`` (the forms the docs use: a scalar or ``{a,b}``)."""
    path, _, value = assignment.partition("=")
    parsed = value[1:-1].split(",") if value.startswith("{") and value.endswith("}") else value
    *parents, leaf = path.split(".")
    for key in parents:
        values = values.setdefault(key, {})
    values[leaf] = parsed


def _fenced_commands(program: str) -> list[list[str]]:
    """Every command starting with ``program`` in the docs' bash blocks, as argv lists."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        for command in block.replace("\\\n", " ").splitlines():
            if command.startswith(program):
                commands.append(shlex.split(command))
    return commands


def _install() -> dict:
    """The documented ``helm upgrade --install``: its chart version, values files and sets."""
    (argv,) = _fenced_commands("helm upgrade --install")
    found = {"version": None, "values": [], "set": [], "set-file": []}
    for option, value in zip(argv, argv[1:], strict=False):
        if option == "--version":
            found["version"] = value
        elif option in ("--values", "-f"):
            found["values"].append(value)
        elif option in ("--set", "--set-string", "--set-file"):
            found["set-file" if option == "--set-file" else "set"].append(value)
    return found


def _installed_values() -> dict:
    """What the install command passes: our values, the secrets file (its example), the sets."""
    values: dict = {}
    for path in _install()["values"]:
        if path.endswith("aftercare-secrets.yaml"):  # the reader's copy of the example
            path = str(DEPLOY / "secrets.example.yaml")
        values = _coalesce(values, _yaml(ROOT / path))
    for assignment in _install()["set"]:
        _set(values, assignment)
    return values


def _errors(values: dict) -> list[str]:
    merged = _coalesce(_yaml(CHART / "values.yaml"), values)
    schema = jsonschema.Draft7Validator(_yaml(CHART / "values.schema.json"))
    return [
        f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in schema.iter_errors(merged)
    ]


def test_the_values_pass_the_charts_own_schema():
    assert _errors(_yaml(DEPLOY / "values.yaml")) == []
    assert _errors(_installed_values()) == []


def test_the_schema_check_catches_a_wrong_key_and_a_wrong_type():
    values = _yaml(DEPLOY / "values.yaml")
    values["singleuser"]["workingDir"] = "/home/jovyan"  # not a chart option
    values["cull"]["timeout"] = "an hour"
    errors = _errors(values)
    assert any("workingDir" in e for e in errors), errors
    assert any(e.startswith("cull.timeout") for e in errors), errors


def test_the_docs_install_the_vendored_chart_version():
    chart = _yaml(CHART / "Chart.yaml")
    assert chart["name"] == "jupyterhub"
    assert _install()["version"] == chart["version"] == CHART.name.removeprefix("chart-")
    assert any(c[:3] == ["helm", "repo", "add"] for c in _fenced_commands("helm repo add"))


def test_learners_open_their_persistent_home():
    merged = _coalesce(_yaml(CHART / "values.yaml"), _installed_values())
    home = merged["singleuser"]["storage"]["homeMountPath"]
    assert merged["singleuser"]["storage"]["type"] == "dynamic"  # a volume per learner
    # hub.config sections are JupyterHub traitlets, passed through by the chart's hub config.
    assert merged["hub"]["config"]["KubeSpawner"]["working_dir"] == home
    # The course is copied into that same home (Path.home() is /home/jovyan for the image's
    # user jovyan), from the repository's place in the image.
    hook = " ".join(merged["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert "copy_course(Path('/srv/aftercare/notebooks'), Path.home())" in hook
    assert home == "/home/jovyan"


def test_the_install_command_sets_every_placeholder_and_no_password():
    ours = (DEPLOY / "values.yaml").read_text(encoding="utf-8")
    installed = _installed_values()
    placeholders = {
        line.split(":")[0].strip() for line in ours.splitlines() if "REPLACE-WITH" in line
    }
    assert placeholders == {"name", "tag"}  # only the images', set at install
    assert "REPLACE" not in yaml.safe_dump(installed["singleuser"]["image"])
    assert "REPLACE" not in yaml.safe_dump(installed["hub"]["image"])
    assert installed["proxy"]["https"]["hosts"] == ["class.example.org"]
    assert "@" in installed["proxy"]["https"]["letsencrypt"]["contactEmail"]
    # The passwords come from a file; nothing secret on the command line.
    install = _install()
    assert not [s for s in install["set"] if "password" in s.lower()], install["set"]
    secrets = _yaml(DEPLOY / "secrets.example.yaml")["hub"]["config"]
    assert set(secrets["SharedPasswordAuthenticator"]) == {"user_password", "admin_password"}
    assert "SharedPasswordAuthenticator" not in _yaml(DEPLOY / "values.yaml")["hub"]["config"]


def test_the_image_is_built_for_the_charts_user():
    chart = _yaml(CHART / "values.yaml")
    (build,) = _fenced_commands("jupyter-repo2docker")
    assert build[build.index("--user-id") + 1] == str(chart["singleuser"]["uid"])
    assert build[build.index("--user-name") + 1] == "jovyan"
    assert build[build.index("--target-repo-dir") + 1] == "/srv/aftercare"


def test_the_images_jupyterhub_has_the_charts_major_version():
    hub = Version(str(_yaml(CHART / "Chart.yaml")["appVersion"]))
    image = next(
        Requirement(d)
        for d in _yaml(ROOT / ".binder" / "environment.yml")["dependencies"]
        if isinstance(d, str) and d.startswith("jupyterhub") and "culler" not in d
    )
    assert hub in image.specifier
    assert Version(f"{hub.major + 1}.0") not in image.specifier
    assert Version(f"{hub.major - 1}.99") not in image.specifier


def _playwright_chromium_libraries(distribution: str) -> list[str]:
    """The Ubuntu packages Playwright's ``install-deps chromium`` installs on ``distribution``."""
    import playwright

    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    text = bundle.read_text(encoding="utf-8")
    found = re.search(
        rf'"{re.escape(distribution)}":\s*\{{\s*tools:\s*\[.*?\],\s*chromium:\s*\[(.*?)\]',
        text,
        re.S,
    )
    assert found, f"Playwright's list for {distribution} not found in {bundle}"
    return re.findall(r'"([^"]+)"', found.group(1))


def test_the_binder_image_has_python_playwright_and_a_chromium_that_runs_in_a_container():
    for path in ("environment.yml", ".binder/environment.yml"):
        names = [
            re.split(r"[<>=!~ ]", d, maxsplit=1)[0]
            for d in _yaml(ROOT / path)["dependencies"]
            if isinstance(d, str)
        ]
        assert "playwright-python" in names and "playwright" not in names, path
    apt = [
        line.strip()
        for line in (ROOT / ".binder" / "apt.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # Ubuntu's chromium packages only install the snap, which cannot run in a container.
    assert not {"chromium", "chromium-browser"} & set(apt)
    missing = set(_playwright_chromium_libraries("ubuntu24.04-x64")) - set(apt)
    assert not missing, f".binder/apt.txt lacks what Playwright's Chromium needs: {missing}"
    post_build = (ROOT / ".binder" / "postBuild").read_text()
    assert "python -m playwright install chromium" in post_build
    assert 'PLAYWRIGHT_BROWSERS_PATH="${NB_PYTHON_PREFIX}' in post_build  # not under $HOME
    start = ROOT / ".binder" / "start"
    assert os.access(start, os.X_OK)
    assert 'CHROMIUM_PATH="${NB_PYTHON_PREFIX}/bin/chromium"' in start.read_text()
    assert start.read_text().rstrip().endswith('exec "$@"')


def test_the_chart_renders_with_helms_engine():
    # Run by hand where the chart and the engine are at hand: the chart's templates are not
    # committed here and CI cannot fetch them (docs/classroom.md, "Checked with the chart's own
    # files"). Given the chart, a missing engine is an error, not a skip.
    chart_dir = os.environ.get("AFTERCARE_Z2JH_CHART")
    if not chart_dir:
        pytest.skip("AFTERCARE_Z2JH_CHART (the chart's folder or .tgz) is not set")
    import helm_python as helm  # helm-python-sdk

    with helm.Chart.load(chart_dir) as chart:
        assert chart.metadata["appVersion"] == _yaml(CHART / "Chart.yaml")["appVersion"]
        values = _installed_values()
        if chart.schema is not None:
            chart.validate_schema(chart.merge_values(values))
        rendered = chart.render(values, name="aftercare", namespace="aftercare", is_install=True)
    secret = yaml.safe_load(rendered["jupyterhub/templates/hub/secret.yaml"])
    hub_values = yaml.safe_load(base64.b64decode(secret["data"]["values.yaml"]))
    home = hub_values["singleuser"]["storage"]["homeMountPath"]
    assert hub_values["hub"]["config"]["KubeSpawner"]["working_dir"] == home == "/home/jovyan"
    assert hub_values["singleuser"]["image"]["name"] == "REGISTRY/aftercare"
    # The hub's own configuration hands every hub.config section to JupyterHub.
    configmap = yaml.safe_load(rendered["jupyterhub/templates/hub/configmap.yaml"])
    config_py = "".join(configmap["data"].values())
    assert 'get_config("hub.config", {})' in config_py
    # TLS for the host the install command names.
    autohttps = rendered["jupyterhub/templates/proxy/autohttps/configmap.yaml"]
    assert "class.example.org" in autohttps and "you@example.org" in autohttps
