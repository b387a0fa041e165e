"""PlannerApp: patient factors, timing and protocol in; icing timeline, verdict and reasons out."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as widgets

from ..charts.timeline import WIDE_MIN_PX, TimelineChart
from ..patient import Patient
from ..planner import plan_icing
from ..present import HOUSE_CSS, Parts, flags_html, plan_report, steps_html, verdict_html
from .app import ChartApp
from .controls import (
    QuickIntSlider,
    clock_picker,
    factor_checkboxes,
    field_bounds,
    labelled,
    protocol_choices,
    protocol_dropdown,
    scroll_box,
)

__all__ = ["PlannerApp"]


def _row(*children: widgets.Widget) -> widgets.HBox:
    """Controls side by side, wrapping onto the next line in a narrow column."""
    row = widgets.HBox(list(children))
    row.add_class("aftercare-row")
    return row


class PlannerApp(ChartApp):
    """Plan icing after dry needling for one patient, with instant chart updates.

    Controls: one checkbox per patient factor (``data/factors.csv``), whether someone stays with
    the patient (``has_helper``), hours since needling [h], needling time (clock), skinfold [mm]
    and the protocol preset. The chart is
    :class:`aftercare.charts.TimelineChart`; below it are the verdict, the flags and the
    instructions, each with its reason and source ids.

    Parameters
    ----------
    protocol : str, optional
        Preset name or YAML path to start with (default: the suite's protocol,
        ``AFTERCARE_PROTOCOL``, else ``"seed-article"``). Every preset stays selectable.
    **patient : Any
        Starting values for :class:`aftercare.Patient` (``hours_since_needling=1``,
        ``diabetes=True``, ...).

    Examples
    --------
    >>> app = PlannerApp(diabetes=True)
    >>> app.plan.verdict
    'caution'
    >>> app.controls["raynauds"].value = True
    >>> app.plan.verdict
    'avoid'
    """

    app_name = "The planner app"

    def __init__(self, protocol: Any = None, **patient: Any) -> None:
        super().__init__()
        self.add_class("aftercare-planner")
        start = Patient(**patient)
        self.protocols, protocol = protocol_choices(protocol)
        max_hours = max(p.plan_hours for p in self.protocols.values())
        _, skin_high = field_bounds(Patient, "skinfold_mm")
        skin_low, _ = field_bounds(Patient, "skinfold_mm")
        controls: dict[str, widgets.Widget] = {}
        controls["hours_since_needling"] = labelled(
            QuickIntSlider(
                value=int(round(min(start.hours_since_needling, max_hours))),
                min=0,
                max=int(max_hours),
                step=1,
                description="Hours since needling (h)",
                continuous_update=True,
                layout=widgets.Layout(width="480px", max_width="100%"),
            ),
            "aftercare-hours",
        )
        controls["needled_at"] = clock_picker(
            start.needled_at, "Needled at (24 h clock)", "aftercare-needled-at"
        )
        controls["skinfold_mm"] = labelled(
            widgets.BoundedFloatText(
                value=start.skinfold_mm,
                min=skin_low if skin_low is not None else 0,
                max=skin_high if skin_high is not None else 80,
                step=1,
                description="Skinfold (mm)",
            ),
            "aftercare-skinfold",
        )
        controls["protocol"] = protocol_dropdown(self.protocols, protocol)
        controls["has_helper"] = widgets.Checkbox(
            value=start.has_helper,
            description="Someone stays with the patient while cold or heat is on",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        controls["has_helper"].add_class("aftercare-has-helper")
        boxes, factor_grid = factor_checkboxes(start)
        controls.update(boxes)
        self._factor_ids = tuple(boxes)
        self.verdict = widgets.HTML()
        self.verdict.add_class("aftercare-verdict")
        timing = scroll_box(
            [
                _row(controls["hours_since_needling"], controls["needled_at"]),
                _row(controls["skinfold_mm"], controls["protocol"]),
            ]
        )
        factors = scroll_box(
            [
                widgets.HTML("Tick every factor that applies to this patient."),
                factor_grid,
                controls["has_helper"],
            ]
        )
        # Tabs keep the app one screen high (a projected slide too): the timing, the factors,
        # and the plan's steps and reasons, with the verdict and the chart always in view.
        self.tabs = widgets.Tab(children=[timing, factors, scroll_box([self.text])])
        self.tabs.titles = (
            "Patient and timing",
            _factors_title(len(start.present_factors)),
            "Steps and reasons",
        )
        self.tabs.add_class("aftercare-tabs")
        for factor in self._factor_ids:
            controls[factor].observe(self._count_factors, names="value")
        control_box = widgets.VBox([self.tabs, self.verdict])
        self._setup(controls, control_box, text_below=False)

    def _count_factors(self, _change: Any = None) -> None:
        count = sum(bool(self.controls[f].value) for f in self._factor_ids)
        titles = list(self.tabs.titles)
        titles[1] = _factors_title(count)
        self.tabs.titles = tuple(titles)

    def _chart_size(self, width_px: int, room_px: int | None) -> tuple[int, int | None]:
        """Wide rooms get a 16:9 chart, at most as tall as the room left on a slide."""
        width = min(max(width_px, self.min_width_px), self.max_width_px)
        height = min(round(0.56 * width), 640) if width >= WIDE_MIN_PX else 600
        if room_px is not None:
            height = min(height, room_px)
        return (width, height)

    @property
    def plan(self) -> Any:
        """The current :class:`aftercare.IcingPlan`."""
        return self.state

    @property
    def patient(self) -> Patient:
        """The patient described by the controls now."""
        return self.plan.patient

    def _compute(self) -> Any:
        c = self.controls
        needled = c["needled_at"].value
        if isinstance(needled, dt.time):
            needled = needled.replace(second=0, microsecond=0)
        elif not (needled or "").strip():
            needled = "not a time"
        else:
            needled = needled.strip()
        patient = Patient(
            hours_since_needling=float(c["hours_since_needling"].value),
            needled_at=needled,
            skinfold_mm=float(c["skinfold_mm"].value),
            has_helper=bool(c["has_helper"].value),
            **{f: bool(c[f].value) for f in self._factor_ids},
        )
        return plan_icing(patient, self.protocols[c["protocol"].value])

    def _make_chart(self, state: Any) -> TimelineChart:
        return TimelineChart(state, size_px=self.size_px)

    def _refresh_chart(self, plan: Any) -> bool:
        # The caption and alt text (a few ms of string work) are written with the text panel.
        return bool(self._chart.update(plan, describe=False))

    def _text_html(self, plan: Any) -> str:
        self.verdict.value = f"<style>{HOUSE_CSS}</style>" + verdict_html(plan).replace(
            'style="', 'style="font-size:115%;', 1
        )
        return (
            f"<div>{flags_html(plan.flags)}<p><b>Instructions</b></p>"
            f"{steps_html(plan.instructions)}"
            "<details><summary>Text description of the chart</summary>"
            f"<p>{html.escape(self._chart.figure.alt_text)}</p></details></div>"
        )

    def _static_parts(self, plan: Any) -> Parts:
        return plan_report(plan)

    def _summary_text(self, plan: Any) -> str:
        return plan.summary()


def _factors_title(count: int) -> str:
    """The factors tab's title: how many factors are ticked."""
    return f"Factors ({count} ticked)" if count else "Patient factors"
