"""AlternativesApp: tick the patient's factors; see which options suit, beside their evidence."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..alternatives import compare_alternatives
from ..charts.alternatives import AlternativesChart
from ..charts.style import LEVEL_STYLE
from ..patient import Patient
from ..present import Parts, Table, sources_html, sources_text
from .app import ChartApp
from .controls import factor_checkboxes, protocol_choices, protocol_dropdown, scroll_box

__all__ = ["AlternativesApp"]


class AlternativesApp(ChartApp):
    """Which options for easing soreness suit this patient, and how strong is their evidence?

    Controls: one checkbox per patient factor and the protocol preset (it sets how strict the
    cold rules are), in the first tab. Chart: :class:`aftercare.charts.AlternativesChart`, under
    the tabs. Text, in the second tab: every option with its suitability, the reasons and the
    source ids.

    Parameters
    ----------
    protocol : str, optional
        Preset name or YAML path to start with (default: the suite's protocol).
    **factors : bool
        Factors present at the start, e.g. ``raynauds=True``.

    Examples
    --------
    >>> app = AlternativesApp(raynauds=True)
    >>> app.comparison.set_index("therapy").loc["ice", "suitability"]
    'avoid'
    """

    app_name = "The alternatives app"

    def __init__(self, protocol: Any = None, **factors: bool) -> None:
        super().__init__()
        self.add_class("aftercare-alternatives")
        start = Patient(**factors)
        self.protocols, protocol = protocol_choices(protocol)
        controls: dict[str, widgets.Widget] = {
            "protocol": protocol_dropdown(self.protocols, protocol)
        }
        boxes, grid = factor_checkboxes(start)
        controls.update(boxes)
        self._factor_ids = tuple(boxes)
        factors = scroll_box([controls["protocol"], grid])
        # Tabs keep the app one screen high (a projected slide too), as in the planner: the
        # factors, and every option with its reasons and evidence; the chart stays in view.
        self.tabs = widgets.Tab(children=[factors, scroll_box([self.text])])
        self.tabs.titles = ("Patient factors: tick all that apply", "Options, reasons and evidence")
        self.tabs.add_class("aftercare-tabs")
        self._setup(controls, self.tabs, text_below=False)

    @property
    def comparison(self) -> Any:
        """The current :func:`aftercare.compare_alternatives` table."""
        return self.state

    def _compute(self) -> Any:
        c = self.controls
        patient = Patient(**{f: bool(c[f].value) for f in self._factor_ids})
        return compare_alternatives(patient, self.protocols[c["protocol"].value])

    def _make_chart(self, state: Any) -> AlternativesChart:
        width, height = self.size_px or (None, None)
        return AlternativesChart(state, width_px=width, height_px=height)

    def _text_html(self, comparison: Any) -> str:
        rows = []
        for row in comparison.itertuples(index=False):
            level = LEVEL_STYLE.get(row.suitability, LEVEL_STYLE["caution"])
            rows.append(
                f"<tr><td><b>{html.escape(row.name)}</b></td>"
                f'<td style="border-left:6px solid {level["color"]};padding-left:6px">'
                f"<b>{html.escape(level['label'].upper())}</b></td>"
                f"<td>{html.escape(row.reasons)}</td>"
                f"<td>{html.escape(row.evidence_level)}: {html.escape(row.evidence_summary)}"
                f"{sources_html(row.source_ids)}</td></tr>"
            )
        return (
            '<table class="aftercare-table"><thead><tr><th>Option</th><th>For this patient</th>'
            "<th>Why</th><th>Evidence</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
            + "<details><summary>Text description of the chart</summary>"
            + f"<p>{html.escape(self._chart.figure.alt_text)}</p></details>"
        )

    def _static_parts(self, comparison: Any) -> Parts:
        frame = comparison.assign(
            verdict=[
                LEVEL_STYLE.get(s, LEVEL_STYLE["caution"])["label"].upper()
                for s in comparison["suitability"]
            ],
            evidence=[
                f"{level}: {summary} [sources: {sources_text(ids)}]"
                for level, summary, ids in zip(
                    comparison["evidence_level"],
                    comparison["evidence_summary"],
                    comparison["source_ids"],
                    strict=True,
                )
            ],
        )
        return Table(
            frame,
            {
                "name": "Option",
                "verdict": "For this patient",
                "reasons": "Why",
                "evidence": "Evidence",
            },
        )

    def _summary_text(self, comparison: Any) -> str:
        lines = ["Options after needling for this patient:"]
        for row in comparison.itertuples(index=False):
            lines.append(
                f"- {row.name}: {row.suitability} (evidence: {row.evidence_level}). {row.reasons}"
                f" [{', '.join(row.source_ids)}]"
            )
        return "\n".join(lines)
