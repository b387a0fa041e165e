"""Project-wide rules: the import graph (no cycle, no upward import, deferred imports
included), the architecture doc kept true, private names, no network at run time, public API
names, no large files."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
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
    "progress": 0,
    "checkin": 1,
    "factors": 1,
    "advice": 1,
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


def _package_files(package: Path = PACKAGE):
    return sorted(p for p in package.rglob("*.py") if "_data" not in p.parts)


# --- the import graph -------------------------------------------------------------------------
# Every module of the package, and every aftercare module it imports: at the top, inside
# functions (deferred imports run too, just later) and in try blocks; only imports under
# ``if TYPE_CHECKING:`` are left out, as they never run.


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST):
    """Import nodes that run, anywhere in the module (not under ``if TYPE_CHECKING:``)."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skip:
            yield node


def import_graph(package: Path = PACKAGE) -> dict[str, dict[str, int]]:
    """module -> {imported aftercare module: line of the first such import}."""
    files = {_module_name(p, package): p for p in _package_files(package)}
    root = package.name
    graph: dict[str, dict[str, int]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        edges: dict[str, int] = {}
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # `from pkg import mod` imports the module pkg.mod; `from mod import name` mod.
                targets = [
                    f"{module}.{a.name}" if f"{module}.{a.name}" in files else module
                    for a in node.names
                ]
            for target in targets:
                # `import aftercare.a.b` and `from aftercare.a import b`: the deepest module.
                while target and target not in files and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in files and target.split(".")[0] == root and target != name:
                    edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules, as a path that returns to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles = []
    for group in groups:  # a shortest way back to the group's first module
        start = min(group)
        paths = {start: [start]}
        queue = [start]
        while queue:
            node = queue.pop(0)
            for nxt in sorted(graph[node]):
                if nxt == start:
                    cycles.append(paths[node] + [start])
                    queue = []
                    break
                if nxt in group and nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    queue.append(nxt)
    return sorted(cycles)


def _describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [f"{a} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False)]
    return " -> ".join(steps + [cycle[-1]])


def test_the_import_graph_has_no_cycle():
    """A cycle hidden by a deferred import breaks the package as soon as that import moves to
    the top; shared names belong in a leaf module both sides import."""
    graph = import_graph()
    cycles = import_cycles(graph)
    assert not cycles, "import cycles (module (line) -> imported module):\n" + "\n".join(
        _describe(c, graph) for c in cycles
    )


def test_the_graph_sees_deferred_relative_and_absolute_imports():
    graph = import_graph()
    assert "aftercare.errors" in graph["aftercare.data"]  # top of the module, relative
    assert "aftercare.present" in graph["aftercare.export.render"]  # inside a function
    assert "aftercare.widgets.chartview" in graph["aftercare.export.notebooks"]  # deferred
    assert "aftercare.charts.style" in graph["aftercare.charts.timeline"]  # from . import style
    assert "aftercare.errors" in graph["aftercare"]  # the package's __init__


def _copy_package(tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "aftercare"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("_data", "__pycache__"))
    return copy


def _plant(module: Path, code: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + "\n\n" + code, encoding="utf-8")


def test_a_planted_cycle_is_found(tmp_path):
    """Mutation check: the export cycle this test was written for (manifest.py asking
    render.py for a file name, in a function) planted again into a copy of the package."""
    copy = _copy_package(tmp_path)
    assert not [c for c in import_cycles(import_graph(copy)) if "aftercare.export.manifest" in c]
    _plant(copy / "export/manifest.py", "def _name(stem):\n    from .render import write_index\n")
    graph = import_graph(copy)
    found = [c for c in import_cycles(graph) if "aftercare.export.manifest" in c]
    assert found == [
        ["aftercare.export.manifest", "aftercare.export.render", "aftercare.export.manifest"]
    ]
    assert "line" in _describe(found[0], graph)


def test_a_planted_upper_layer_import_is_found(tmp_path):
    copy = _copy_package(tmp_path)
    _plant(copy / "protocol.py", "def _chart():\n    import aftercare.charts.timeline\n")
    (found,) = _upward_imports(import_graph(copy))
    assert found.startswith("aftercare.protocol -> aftercare.charts.timeline (line ")


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def _upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    found = []
    for module, edges in graph.items():
        for target, line in edges.items():
            mine, theirs = _layer(module), _layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                found.append(f"{module} -> {target} (line {line}: layer {mine} imports {theirs})")
    return found


def test_every_module_has_a_layer():
    unknown = {_module_key(p) for p in _package_files()} - set(LAYERS) - {"__init__"}
    assert not unknown, f"add these modules to LAYERS: {sorted(unknown)}"


def test_lower_layers_never_import_upper_ones():
    """Over the whole graph, deferred imports included."""
    assert not _upward_imports(import_graph())


# --- docs/architecture.md stays true ----------------------------------------------------------

DOC = ROOT / "docs" / "architecture.md"
_PATH = re.compile(
    r"(?<![\w./-])((?:[\w-]+/)*[\w-]+(?:\.[\w-]+)*\.(?:py|js|css|j2|yaml|csv|md))(?![\w/])"
)
_FOLDER = re.compile(r"(?<![\w./-])((?:[\w-]+/)+)(?![\w.-])")
_PRODUCTS = {"reveal.js", "require.js", "MathJax.js"}  # libraries the doc names, not files
_DOTTED = re.compile(r"(?<![\w.])aftercare(?:\.\w+)+")


def _checkout_files() -> list[str]:
    found = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules", "_build")]
        rel = Path(folder).relative_to(ROOT).as_posix()
        found += [f"{rel}/{n}".removeprefix("./") for n in names]
    return found


def _resolves(dotted: str) -> bool:
    """``aftercare.a.b.name``: the longest module prefix imports and has the rest as attributes."""
    parts = dotted.split(".")
    obj, i = importlib.import_module(parts[0]), 1
    while i < len(parts) and hasattr(obj, "__path__"):  # a package: try the submodule
        try:
            obj = importlib.import_module(".".join(parts[: i + 1]))
        except ModuleNotFoundError:
            break
        i += 1
    for name in parts[i:]:
        if not hasattr(obj, name):
            return False
        obj = getattr(obj, name)
    return True


def _missing_in_docs(text: str) -> list[str]:
    """Paths, folders and dotted names docs/architecture.md gives that do not exist."""
    files = _checkout_files()
    missing = []
    for path in set(_PATH.findall(text)) - _PRODUCTS:
        if not any(f == path or f.endswith("/" + path) for f in files):
            missing.append(path)
    for folder in set(_FOLDER.findall(text)):
        if not ((ROOT / folder).is_dir() or (PACKAGE / folder).is_dir()):
            missing.append(folder)
    for dotted in set(_DOTTED.findall(text)):
        if not _resolves(dotted):
            missing.append(dotted)
    return sorted(missing)


def test_every_module_the_architecture_doc_names_exists():
    missing = _missing_in_docs(DOC.read_text(encoding="utf-8"))
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"


def test_the_doc_check_finds_a_module_that_is_gone():
    text = "widgets/fastdraw.py and thermal.py, aftercare/sheet_old/ and aftercare.thermal.nope"
    assert _missing_in_docs(text) == [
        "aftercare.thermal.nope",
        "aftercare/sheet_old/",
        "thermal.py",
        "widgets/fastdraw.py",
    ]


def test_every_package_and_module_is_named_in_the_architecture_doc():
    """Data-driven: a new package (aftercare/sheet/ ...) or top-level module must be added."""
    text = DOC.read_text(encoding="utf-8")
    named = set(_PATH.findall(text)) | set(_FOLDER.findall(text))
    named = {n.removeprefix("aftercare/") for n in named}
    unnamed = []
    for path in sorted(PACKAGE.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.is_dir() and (path / "__init__.py").exists() and f"{path.name}/" not in named:
            unnamed.append(f"aftercare/{path.name}/")
        elif path.suffix == ".py" and path.name not in named:
            unnamed.append(f"aftercare/{path.name}")
    assert not unnamed, f"docs/architecture.md does not name: {unnamed}"


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
#: The package's only modules that may speak HTTP, each with what it may import and why; never
#: to the internet. "loopback" = every address it writes is http://127.0.0.1: (a server it
#: started itself).
NETWORK_RULES = {
    # A learner's answer goes to the classroom's own room service, at the address the
    # classroom's spawner gives the learner's server (AFTERCARE_ROOM_URL); nothing is sent
    # outside a classroom (tests/test_progress.py).
    "aftercare/checkin.py": {"imports": {"urllib.request"}, "loopback": False},
    # The live-slides JupyterLab it started on 127.0.0.1.
    "aftercare/slideshow.py": {"imports": {"urllib.request"}, "loopback": True},
}


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_package_never_fetches_from_the_network(path):
    text = path.read_text()
    rule = NETWORK_RULES.get(path.relative_to(ROOT).as_posix(), {"imports": set()})
    if rule.get("loopback"):
        assert re.findall(r"https?://[^\s\"'{]*", text) == ["http://127.0.0.1:"] * len(
            re.findall(r"https?://", text)
        ), path
    tree = ast.parse(text)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        bad = [n for n in names if n in NETWORK_MODULES and n not in rule["imports"]]
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
