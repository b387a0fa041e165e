"""With no front end (nbclient, as nbval and nbconvert --execute run), each app still shows a chart.

Executes a small notebook in a real kernel and checks each app's output carries a static PNG
of its current state and a text summary beside the widget view, and that the widget state
saved with the notebook holds the chart image too.
"""

from __future__ import annotations

import base64

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.timeout(180)

CELLS = [
    "from aftercare.widgets import PlannerApp, CoolingExplorer, AlternativesApp",
    "PlannerApp(raynauds=True, hours_since_needling=2)",
    "CoolingExplorer(application_min=15)",
    "AlternativesApp(raynauds=True)",
]


@pytest.mark.parametrize(
    ("kind", "model_name", "png_key"),
    [("canvas", "AnyModel", "png"), ("image", "ImageModel", "value")],
)
def test_apps_display_png_and_text_without_a_front_end(
    tmp_path, monkeypatch, kind, model_name, png_key
):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel inherits it: keep inline
    monkeypatch.setenv("AFTERCARE_CHART_VIEW", kind)  # the exporter runs kernels with "image"
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        store_widget_state=True,
    )
    client.execute()
    expected_text = [
        "Verdict: AVOID",
        "Line chart of model-estimated temperature",
        "Ice pack (cold): avoid",
    ]
    for cell, text in zip(nb.cells[1:], expected_text, strict=True):
        outputs = [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")]
        assert len(outputs) == 1, cell.outputs
        data = outputs[0]["data"]
        assert "application/vnd.jupyter.widget-view+json" in data
        png = base64.b64decode(data["image/png"])
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
        assert text in data["text/plain"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    charts = [m for m in state.values() if m["model_name"] == model_name]
    assert len(charts) == 3
    for chart in charts:  # the saved state holds each chart as a whole PNG
        (buffer,) = [b for b in chart.get("buffers", []) if b["path"] == [png_key]]
        assert base64.b64decode(buffer["data"]).startswith(b"\x89PNG")
