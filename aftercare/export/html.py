"""Export whole notebooks as static HTML pages that open from ``file://`` with the network off."""

from __future__ import annotations

from pathlib import Path

from .notebooks import execute_notebooks, find_notebooks
from .render import ExportedFile, write_exports

__all__ = ["export_html"]


def export_html(
    notebooks: list[str | Path] | None,
    out_dir: str | Path,
    *,
    include_code: bool = True,
    jobs: int | None = None,
) -> list[ExportedFile]:
    """Execute each notebook in memory and write ``OUT/<name>.html`` plus ``OUT/index.html``.

    Examples
    --------
    >>> export_html(None, "out")  # doctest: +SKIP
    """
    executed = execute_notebooks(find_notebooks(notebooks), jobs=jobs)
    return write_exports(executed, "html", Path(out_dir), include_code=include_code)
