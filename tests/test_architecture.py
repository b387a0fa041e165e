"""Project-wide rules: layering, no network at run time, public API names, no large files."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "aftercare"

# Layer of each top-level module or subpackage; a module may import only its layer or lower.
LAYERS = {
    "errors": 0,
    "data": 0,
    "resources": 0,
    "sources": 0,
    "clock": 0,
    "palette": 0,
    "factors": 1,
    "packs": 1,
    "instructions": 1,
    "therapies": 1,
    "protocol": 1,
    "patient": 1,
    "planner": 1,
    "alternatives": 1,
    "thermal": 1,
    "soreness": 1,
    "cases": 1,
    "quiz": 1,
    "charts": 2,
    "present": 2,
    "widgets": 3,
    "export": 4,
    "sheet": 4,
    "classroom": 4,
    "slideshow": 4,
    "__main__": 4,
}


def _module_key(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imported_keys(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    keys = set()
    depth = len(path.relative_to(PACKAGE).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("aftercare."):
                keys.add(node.module.split(".")[1])
            elif node.level > 0:
                up = node.level - 1
                if up >= depth and node.module:
                    keys.add(node.module.split(".")[0])
                elif up >= depth:
                    keys.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("aftercare."):
                    keys.add(alias.name.split(".")[1])
    return keys


def _package_files():
    return [p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts]


def test_every_module_has_a_layer():
    unknown = {_module_key(p) for p in _package_files()} - set(LAYERS) - {"__init__"}
    assert not unknown, f"add these modules to LAYERS: {sorted(unknown)}"


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_lower_layers_never_import_upper_ones(path):
    key = _module_key(path)
    if key == "__init__":
        return
    for imported in _imported_keys(path):
        if imported in LAYERS:
            assert LAYERS[imported] <= LAYERS[key], (
                f"{path.relative_to(ROOT)} (layer {LAYERS[key]}) imports aftercare.{imported} "
                f"(layer {LAYERS[imported]})"
            )


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_imports(path: Path) -> list[str]:
    """Private names (``_name``) this module takes from another aftercare module: imported by
    name, or read as an attribute of an imported aftercare module (``timeline._spans``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: set[str] = set()  # local names bound to aftercare modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").split(".")[0] == "aftercare"
        ):
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"line {node.lineno}: from {source} import {alias.name}")
                modules.add(alias.asname or alias.name)  # may be a module (from . import style)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "aftercare":
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_is_imported_across_modules(path):
    """A name a module shares is public (no leading underscore) and documented; a private one
    stays in its module, so it can change without breaking another."""
    assert not _private_imports(path), (
        f"{path.relative_to(ROOT)} takes private names from other modules: "
        f"{_private_imports(path)}; make them public in a module of their own"
    )


def test_the_private_import_check_finds_both_forms(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from .timeline import _spans, check_plan\nfrom . import style\nx = style._RC\n"
        "import aftercare.data as d\ny = d._StrictLoader\nz = obj._private\n"
    )
    assert _private_imports(module) == [
        "line 1: from .timeline import _spans",
        "line 3: style._RC",
        "line 5: d._StrictLoader",
    ]


def test_package_init_stays_light():
    code = "import sys, aftercare; print(sorted(m for m in ('matplotlib', 'ipywidgets', 'nbconvert') if m in sys.modules))"
    out = subprocess.run(
        [
            str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else "python",
            "-c",
            code,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_public_api_names():
    import aftercare

    for name in ("Patient", "load_protocol", "plan_icing", "compare_alternatives"):
        assert hasattr(aftercare, name)


NETWORK_MODULES = {"requests", "httpx", "urllib.request", "http.client", "aiohttp", "socket"}
#: Modules that call only a server they started on 127.0.0.1 (the live-slides JupyterLab).
LOOPBACK_ONLY = {"aftercare/slideshow.py"}


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_package_never_fetches_from_the_network(path):
    text = path.read_text()
    if path.relative_to(ROOT).as_posix() in LOOPBACK_ONLY:
        # Talks to the JupyterLab it started itself: every address it builds is 127.0.0.1.
        assert re.findall(r"https?://[^\s\"'{]*", text) == ["http://127.0.0.1:"] * len(
            re.findall(r"https?://", text)
        ), path
        return
    tree = ast.parse(text)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        bad = [n for n in names if n in NETWORK_MODULES]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_no_large_or_generated_files_are_tracked():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    big = [f for f in files if (ROOT / f).is_file() and (ROOT / f).stat().st_size > 2_000_000]
    assert not big, f"files over 2 MB are tracked: {big}"
    generated = [
        f
        for f in files
        if any(
            part in f.split("/")
            for part in (".venv", "node_modules", "__pycache__", ".ipynb_checkpoints")
        )
    ]
    assert not generated
