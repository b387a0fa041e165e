"""Control widgets with units and limits read from the models, shared by the apps."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from ..present import sources_html

__all__ = [
    "QuickIntSlider",
    "field_bounds",
    "labelled",
    "sources_html",
    "protocol_dropdown",
    "protocol_choices",
    "factor_checkboxes",
    "clock_picker",
    "LABEL_STYLE",
    "scroll_box",
]

#: Wide enough descriptions to carry a unit, e.g. "Skinfold (mm)".
LABEL_STYLE = {"description_width": "196px"}


class QuickIntSlider(widgets.IntSlider):
    """An ``IntSlider`` whose value the kernel does not echo back to the browser.

    ipywidgets 8 answers every value a browser sends with an ``echo_update`` message carrying
    the same value, so that several views of one widget agree. For a slider that a clinician
    drags, that echo is a second message per key press that the browser must process while it
    waits for the new chart; the apps show one view of each control, so they switch it off with
    the trait metadata ipywidgets provides for this (``echo_update=False``, as its FileUpload
    widget does). Changes made in the kernel are still sent to the browser as usual.
    """

    value = traitlets.CInt(0, help="Int value").tag(sync=True, echo_update=False)


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


def protocol_choices(start: Any = None) -> tuple[dict[str, Any], str]:
    """Every preset in ``data/protocols`` plus the one to start with, loaded once each.

    ``start`` is a preset name, a path, a Protocol or ``None`` (the suite's protocol:
    ``AFTERCARE_PROTOCOL``, else the default preset). A protocol from a file outside
    ``data/protocols`` is offered under its path. Returns ``(protocols by key, start key)``.
    """
    from ..protocol import Protocol, list_protocols, load_protocol, suite_protocol_name

    # Load every preset once: parsing YAML per control change would cost ~50 ms.
    protocols = {name: load_protocol(name) for name in list_protocols()}
    if isinstance(start, Protocol):
        key = start.name if protocols.get(start.name) == start else f"{start.name} (own)"
        protocols.setdefault(key, start)
        return protocols, key
    key = str(start) if start is not None else suite_protocol_name()
    if key not in protocols:
        protocols[key] = load_protocol(key)
    return protocols, key


def protocol_dropdown(protocols: dict[str, Any], value: str) -> widgets.Widget:
    """A dropdown of protocol presets, labelled by title, valued by preset name."""
    return labelled(
        widgets.Dropdown(
            options=[(p.title, name) for name, p in protocols.items()],
            value=value,
            description="Protocol preset",
            # room for a whole title (about 77 characters) beside the label
            layout=widgets.Layout(width="780px", max_width="100%"),
        ),
        "aftercare-protocol",
    )


def factor_checkboxes(patient: Any) -> tuple[dict[str, widgets.Checkbox], widgets.GridBox]:
    """One checkbox per factor in data/factors.csv (ticked as in ``patient``) and their grid."""
    from ..factors import load_factors

    boxes: dict[str, widgets.Checkbox] = {}
    for factor in load_factors().values():
        box = widgets.Checkbox(
            value=bool(getattr(patient, factor.id, False)),
            description=factor.clinician_label,
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        box.add_class(f"aftercare-factor-{factor.id}")
        boxes[factor.id] = box
    # As many columns as fit (two in a narrow notebook column), each label wrapping in full
    # (the apps' styles undo ipywidgets' one-line labels that end in "..."). Sized in px: an
    # em would follow a RISE slide's large font and leave one column of 19 rows.
    grid = widgets.GridBox(
        list(boxes.values()),
        layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(220px, 1fr))", grid_gap="2px 16px"
        ),
    )
    grid.add_class("aftercare-factors")
    return boxes, grid


def scroll_box(children: list[widgets.Widget]) -> widgets.VBox:
    """A tab's content that, on a live slide, keeps to the room left for it and scrolls with
    the wheel, with a line at its foot saying so while there is more below (APP_CSS)."""
    hint = widgets.HTML("More below: scroll with the mouse wheel.")
    hint.add_class("aftercare-scroll-hint")
    box = widgets.VBox([*children, hint])
    box.add_class("aftercare-scroll")
    return box


def clock_picker(value: Any, description: str, css_class: str) -> widgets.Widget:
    """A clock time typed or picked as 24-hour ``HH:MM`` (a browser's time input would show
    09:00 AM in many locales); suggestions every half hour."""
    text = value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)
    return labelled(
        widgets.Combobox(
            value=text,
            options=[f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, 30)],
            ensure_option=False,
            placeholder="HH:MM, 24-hour",
            description=description,
            continuous_update=False,
            layout=widgets.Layout(width="336px", max_width="100%"),
        ),
        css_class,
    )
