"""Apps for the notebooks, each created in one line, each redrawing in well under 20 ms.

>>> from aftercare.widgets import PlannerApp   # doctest: +SKIP
>>> PlannerApp(diabetes=True)                  # doctest: +SKIP

* :class:`PlannerApp`: patient factors, timing and protocol -> icing timeline, verdict, reasons.
* :class:`CoolingExplorer`: cold source, barrier, minutes and skinfold -> tissue temperatures.
* :class:`AlternativesApp`: patient factors -> which options suit, beside their evidence.

All build on :class:`aftercare.widgets.app.ChartApp`: one figure redrawn by blitting
(:mod:`aftercare.widgets.blit`), coalesced events, the changed pixels only sent to a canvas in
the browser (:mod:`aftercare.widgets.chartview`), and a static PNG + text fallback when no front
end is attached. Imports are lazy so that importing this package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["PlannerApp", "CoolingExplorer", "AlternativesApp", "ChartApp", "BlitRenderer"]

_WHERE = {
    "PlannerApp": "planner",
    "CoolingExplorer": "cooling",
    "AlternativesApp": "alternatives",
    "ChartApp": "app",
    "BlitRenderer": "blit",
    "QuizApp": "quiz",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
