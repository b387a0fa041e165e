"""Export notebooks as reveal.js decks that open from ``file://`` with the network off."""

from __future__ import annotations

from pathlib import Path

from .notebooks import execute_notebooks, find_notebooks
from .render import ExportedFile, write_exports

__all__ = ["export_slides"]


def export_slides(
    notebooks: list[str | Path] | None,
    out_dir: str | Path,
    *,
    include_code: bool = False,
    jobs: int | None = None,
) -> list[ExportedFile]:
    """Execute each notebook in memory and write ``OUT/<name>.slides.html`` plus ``OUT/index.html``.

    Parameters
    ----------
    notebooks : list of paths or None
        Notebook files or folders; ``None`` means every notebook in ``notebooks/``.
    out_dir : path
        Output folder; the shared assets go to ``out_dir/assets`` (copied once).
    include_code : bool
        Show code cells' input on the slides (hidden by default; outputs always show).
    jobs : int, optional
        Notebooks executed at once (default: the number of CPUs, at most 4).

    Returns
    -------
    list of ExportedFile
        One per deck, with its title and path.

    Examples
    --------
    >>> export_slides(["notebooks/03_icing_timeline_planner.ipynb"], "out")  # doctest: +SKIP
    """
    executed = execute_notebooks(find_notebooks(notebooks), jobs=jobs)
    return write_exports(executed, "slides", Path(out_dir), include_code=include_code)
