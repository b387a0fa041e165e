"""Control widgets with units and limits read from the models, shared by the apps."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

__all__ = ["field_bounds", "labelled", "sources_html", "LABEL_STYLE"]

#: Wide enough descriptions to carry a unit, e.g. "Skinfold (mm)".
LABEL_STYLE = {"description_width": "14em"}


def field_bounds(model: Any, name: str) -> tuple[float | None, float | None]:
    """(low, high) of a pydantic field's ``ge``/``le`` constraints, e.g. Patient.skinfold_mm."""
    low = high = None
    for meta in model.model_fields[name].metadata:
        low = getattr(meta, "ge", low) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", high) if getattr(meta, "le", None) is not None else high
    return low, high


def labelled(widget: widgets.Widget, css_class: str) -> widgets.Widget:
    """Give a control the house label width and a stable CSS class (used by browser tests)."""
    if hasattr(widget, "style") and "description_width" in widget.style.keys:
        widget.style.description_width = LABEL_STYLE["description_width"]
    widget.add_class(css_class)
    return widget


def sources_html(ids: Iterable[str]) -> str:
    """``[a, b]`` as a small grey HTML span."""
    ids = list(ids)
    if not ids:
        return ""
    text = html.escape(", ".join(ids))
    return f' <span style="color:#555;font-size:90%">[sources: {text}]</span>'
