"""CoolingExplorer: cold source, barrier, minutes and skinfold in; tissue temperatures out."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..charts.cooling import CoolingChart
from ..packs import load_barriers, load_modalities
from ..present import Parts, sources_html
from ..protocol import load_protocol
from ..thermal import LIMITS, simulate_cooling
from .app import ChartApp
from .controls import QuickIntSlider, labelled, scroll_box

__all__ = ["CoolingExplorer"]

#: Minutes shown after the pack comes off, so the time axis stays fixed while minutes change.
REWARM_SHOWN_MIN = 30
#: Longest application offered by the slider [min]: the protocol rule's allowed maximum.
MAX_APPLICATION_MIN = 60


class CoolingExplorer(ChartApp):
    """Explore how cold the skin and muscle get under a pack, and how fast they rewarm.

    Controls: cold source and barrier (ids and labels from ``data/modalities.yaml`` and
    ``data/barriers.yaml``), minutes on [min] and skinfold [mm] (limits from
    :data:`aftercare.thermal.LIMITS`). Chart: :class:`aftercare.charts.CoolingChart` with the
    thresholds of :func:`aftercare.thermal.load_thresholds`; the time axis is fixed at the longest
    application plus 30 minutes of rewarming so it never jumps.

    Examples
    --------
    >>> app = CoolingExplorer(application_min=10)
    >>> app.controls["application_min"].value = 20
    >>> float(app.simulation.attrs["application_min"])
    20.0
    """

    app_name = "The cooling explorer"

    def __init__(
        self,
        modality: str | None = None,
        barrier: str | None = None,
        application_min: int | None = None,
        skinfold_mm: float = 10,
    ) -> None:
        super().__init__()
        self.add_class("aftercare-cooling")
        default = load_protocol()
        modalities = load_modalities()
        barriers = load_barriers()
        low_min, high_min, _ = LIMITS["application_min"]
        max_min = int(min(high_min, MAX_APPLICATION_MIN))
        low_skin, high_skin, _ = LIMITS["skinfold_mm"]
        self.x_max_min = max_min + REWARM_SHOWN_MIN
        controls: dict[str, widgets.Widget] = {
            "modality": labelled(
                widgets.Dropdown(
                    options=[(m.label, key) for key, m in modalities.items()],
                    value=modality or default.modality,
                    description="Cold source",
                    layout=widgets.Layout(width="550px", max_width="100%"),
                ),
                "aftercare-modality",
            ),
            "barrier": labelled(
                widgets.Dropdown(
                    options=[(b.label, key) for key, b in barriers.items()],
                    value=barrier or default.barrier,
                    description="Between pack and skin",
                    layout=widgets.Layout(width="440px", max_width="100%"),
                ),
                "aftercare-barrier",
            ),
            "application_min": labelled(
                QuickIntSlider(
                    value=int(application_min or default.max_session_minutes),
                    min=max(1, int(low_min)),
                    max=max_min,
                    step=1,
                    description="Minutes on (min)",
                    continuous_update=True,
                    layout=widgets.Layout(width="550px", max_width="100%"),
                ),
                "aftercare-minutes",
            ),
            "skinfold_mm": labelled(
                widgets.BoundedFloatText(
                    value=skinfold_mm,
                    min=low_skin,
                    max=high_skin,
                    step=1,
                    description="Skinfold (mm)",
                ),
                "aftercare-skinfold",
            ),
        }
        # Two rows from 1,000 px wide (a slide at 1024 x 768), sized in px so that a slide's
        # large font does not widen them; each wraps onto a second line in a narrow column.
        rows = [
            widgets.HBox([controls["modality"], controls["barrier"]]),
            widgets.HBox([controls["application_min"], controls["skinfold_mm"]]),
        ]
        for row in rows:
            row.add_class("aftercare-row")
        box = widgets.VBox(rows)
        self._setup(controls, box, text_below=False)
        # The caption under the chart; on a live slide it keeps to the room left and scrolls
        # (the chart is drawn for the room above it).
        self.children = (*self.children, scroll_box([self.text]))

    @property
    def simulation(self) -> Any:
        """The current :func:`aftercare.thermal.simulate_cooling` DataFrame."""
        return self.state

    def _compute(self) -> Any:
        c = self.controls
        minutes = float(c["application_min"].value)
        return simulate_cooling(
            c["modality"].value,
            c["barrier"].value,
            minutes,
            rewarm_min=self.x_max_min - minutes,
            skinfold_mm=float(c["skinfold_mm"].value),
        )

    def _make_chart(self, state: Any) -> CoolingChart:
        width, height = self.size_px or (None, None)
        return CoolingChart(state, x_max_min=self.x_max_min, width_px=width, height_px=height)

    def _refresh_chart(self, state: Any) -> bool:
        return self._chart.update(state)

    def _caption_html(self, simulation: Any) -> str:
        """The chart's caption with its sources, and which model made it."""
        attrs = simulation.attrs
        return (
            f"<p>{html.escape(self._chart.figure.caption)}"
            f"{sources_html(attrs.get('source_ids', ()))}</p>"
            f"<p><i>{html.escape(str(attrs.get('model', '')))}. "
            f"{html.escape(str(attrs.get('calibration', '')))}</i></p>"
        )

    def _text_html(self, simulation: Any) -> str:
        return (
            self._caption_html(simulation)
            + "<details><summary>Text description of the chart</summary>"
            f"<p>{html.escape(self._chart.figure.alt_text)}</p></details>"
        )

    def _static_parts(self, simulation: Any) -> Parts:
        return Parts([self._caption_html(simulation)], self._chart.figure.caption)

    def _summary_text(self, simulation: Any) -> str:
        return self._chart.figure.alt_text
