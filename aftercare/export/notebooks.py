"""Find, read and execute notebooks for export, always in memory.

The user's notebooks are never written: each one is read, executed by a fresh ``python3`` kernel
(the current environment's) with the notebook's own folder as working directory, and the
executed copy is handed to the exporters.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ..errors import AftercareError
from ..progress import RECORD_ENV
from ..resources import require_checkout_dir

__all__ = [
    "ExportError",
    "ExecutedNotebook",
    "find_notebooks",
    "execute_notebook",
    "execute_notebooks",
    "notebook_title",
    "default_notebook_dir",
    "default_jobs",
    "resolve_protocol",
]


class ExportError(AftercareError):
    """A notebook could not be found, read or executed, or an output cannot be written."""


@dataclass(frozen=True)
class ExecutedNotebook:
    """A notebook executed in memory: its source path, title, executed node and the protocol
    its kernel ran with (``AFTERCARE_PROTOCOL``)."""

    path: Path
    title: str
    node: nbformat.NotebookNode
    protocol: Any = None

    @property
    def stem(self) -> str:
        return self.path.stem


def default_notebook_dir() -> Path:
    """The checkout's ``notebooks/`` folder (the wheel does not ship the notebooks).

    Raises
    ------
    MissingFilesError
        When the package runs from an installed wheel: name the notebooks to export instead.
    """
    return require_checkout_dir(
        "notebooks",
        what="the teaching notebooks",
        instead="name the notebooks or folders to export",
    )


def find_notebooks(paths: list[str | Path] | None = None) -> list[Path]:
    """Notebook files to export: the given files or folders, else every notebook in ``notebooks/``.

    Checkpoint copies (``.ipynb_checkpoints``) are skipped. Raises :class:`ExportError` naming a
    path that does not exist or is not a notebook, or when nothing was found.
    """
    targets = [Path(p) for p in paths] if paths else [default_notebook_dir()]
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found.extend(
                sorted(p for p in target.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
            )
        elif target.is_file() and target.suffix == ".ipynb":
            found.append(target)
        elif target.exists():
            raise ExportError(f"{target}: not a notebook (expected a .ipynb file or a folder)")
        else:
            raise ExportError(f"{target}: no such file or folder")
    if not found:
        raise ExportError("no notebooks found in " + ", ".join(str(t) for t in targets))
    stems = [p.stem for p in found]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise ExportError(
            f"two notebooks share the name {duplicates[0]!r}; their exports "
            "would overwrite each other"
        )
    return found


_H1 = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def notebook_title(node: nbformat.NotebookNode, fallback: str) -> str:
    """The notebook's title: ``metadata.title``, else its first level-1 heading, else ``fallback``."""
    title = node.metadata.get("title")
    if title:
        return str(title)
    for cell in node.cells:
        if cell.cell_type == "markdown":
            match = _H1.search(cell.source)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return fallback


def read_notebook(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except Exception as exc:  # nbformat raises several unrelated types for a bad file
        raise ExportError(f"{path}: not a readable notebook ({exc})") from None


def resolve_protocol(protocol: str | Path | None = None) -> tuple[Any, str]:
    """The protocol to export with, and the ``AFTERCARE_PROTOCOL`` value that makes a kernel use it.

    ``protocol`` is a preset name, a path to a YAML file, or ``None`` (the suite's protocol:
    ``AFTERCARE_PROTOCOL``, else the default preset). A path is made absolute, because the
    kernels run in the notebooks' folder. Errors are those of :func:`aftercare.load_protocol`.
    """
    from ..protocol import load_protocol, protocol_path, suite_protocol_name

    loaded = load_protocol(protocol)  # None: the suite's protocol, errors naming the variable
    setting = protocol if protocol is not None else suite_protocol_name()
    path = protocol_path(setting)
    return loaded, str(path.resolve()) if path is not None else str(setting)


def execute_notebook(
    path: str | Path,
    *,
    timeout: int = 600,
    kernel_name: str = "python3",
    protocol: str | Path | None = None,
) -> ExecutedNotebook:
    """Execute a notebook in memory and return the executed copy (the file is not modified).

    The kernel runs with ``AFTERCARE_PROTOCOL`` set to ``protocol`` (a preset name or a YAML
    path; default: the suite's protocol), so every plan, table and chart follows it.

    Widget state is stored in the copy's metadata (other widgets' snapshots need it; the apps
    and quizzes are shown in their static form, see :mod:`aftercare.export.slidefit`). The
    kernel runs with ``AFTERCARE_CHART_VIEW=image``: the apps then keep their charts in standard
    ``ipywidgets.Image`` widgets, which an offline widget renderer can draw.
    A cell error raises :class:`ExportError` naming the notebook, the cell number and the error.
    """
    return _execute(Path(path), resolve_protocol(protocol), timeout, kernel_name)


def _execute(
    path: Path, resolved: tuple[Any, str], timeout: int, kernel_name: str = "python3"
) -> ExecutedNotebook:
    """:func:`execute_notebook` with the protocol already resolved (:func:`resolve_protocol`)."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    from ..protocol import PROTOCOL_ENV
    from ..widgets.chartview import CHART_VIEW_ENV

    loaded, setting = resolved
    node = read_notebook(path)
    env = dict(os.environ)
    env[CHART_VIEW_ENV] = "image"
    env[RECORD_ENV] = "off"  # an export's run is nobody's study: no record of it
    env[PROTOCOL_ENV] = setting
    with tempfile.TemporaryDirectory(prefix="aftercare-kernel-") as sockets:
        # IPC (Unix sockets in a private folder) instead of TCP on localhost: nothing listens
        # on a port, and ipykernel does not warn about unencrypted TCP on every export. The
        # client makes (and so shuts down) the kernel manager from this configuration.
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        client = NotebookClient(
            node,
            config=config,
            timeout=timeout,
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(path.parent.resolve())}},
            store_widget_state=True,
        )
        _run(client, node, path, env)
    return ExecutedNotebook(
        path=path, title=notebook_title(node, path.stem), node=node, protocol=loaded
    )


def _run(client: Any, node: nbformat.NotebookNode, path: Path, env: dict[str, str]) -> None:
    """Run every cell; turn a failure into an :class:`ExportError` naming notebook and cell."""
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        cell_index = next(
            (
                i
                for i, c in enumerate(node.cells)
                if c.cell_type == "code"
                and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        where = f" cell {cell_index + 1}" if cell_index is not None else ""
        name = getattr(exc, "ename", "error")
        value = getattr(exc, "evalue", "")
        raise ExportError(f"{path}{where}: the notebook failed to run: {name}: {value}") from None
    except DeadKernelError as exc:
        raise ExportError(f"{path}: the kernel died while running the notebook ({exc})") from None
    except Exception as exc:  # e.g. NoSuchKernel, timeouts
        raise ExportError(
            f"{path}: could not execute the notebook: {type(exc).__name__}: {exc}"
        ) from None


def default_jobs() -> int:
    """Kernels to run at once by default: the number of CPUs, at most 4."""
    import os

    return max(1, min(4, os.cpu_count() or 1))


def execute_notebooks(
    paths: list[Path],
    *,
    jobs: int | None = None,
    timeout: int = 600,
    progress=None,
    protocol: str | Path | None = None,
) -> list[ExecutedNotebook]:
    """Execute several notebooks in memory, ``jobs`` kernels at a time; results keep the order.

    ``progress``, if given, is called with each path as its execution starts. ``protocol`` is
    passed to :func:`execute_notebook` (resolved once, before any kernel starts).
    """
    resolved = resolve_protocol(protocol)
    from concurrent.futures import ThreadPoolExecutor

    jobs = default_jobs() if jobs is None else max(1, jobs)

    def run(path: Path) -> ExecutedNotebook:
        if progress is not None:
            progress(path)
        return _execute(Path(path), resolved, timeout)

    if jobs == 1 or len(paths) <= 1:
        return [run(p) for p in paths]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run, paths))
