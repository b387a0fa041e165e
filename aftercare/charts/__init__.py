"""Charts: pure functions that return a matplotlib Figure with a caption and alt text.

Every function builds a new :class:`matplotlib.figure.Figure` (no pyplot state, nothing leaks
into the caller's rcParams) in the house style of :mod:`aftercare.charts.style`, and sets

* ``fig.caption``: one sentence saying what the chart shows for this input;
* ``fig.alt_text``: a text alternative with the actual numbers (also
  :func:`alt_text`).

Bad input (an object of the wrong type, a table missing a column) raises
:class:`aftercare.errors.InputError` naming what is missing.

Examples
--------
>>> from aftercare import Patient, plan_icing
>>> from aftercare.charts import icing_timeline, alt_text
>>> fig = icing_timeline(plan_icing(Patient(hours_since_needling=1)))
>>> alt_text(fig).startswith("Icing timeline")
True
"""

from .alternatives import AlternativesChart, alternatives_chart
from .comparison import protocol_comparison
from .cooling import CoolingChart, cooling_curve
from .style import LEVEL_STYLE, OKABE_ITO, alt_text
from .timeline import TimelineChart, icing_timeline

__all__ = [
    "icing_timeline",
    "cooling_curve",
    "alternatives_chart",
    "protocol_comparison",
    "alt_text",
    "TimelineChart",
    "CoolingChart",
    "AlternativesChart",
    "OKABE_ITO",
    "LEVEL_STYLE",
]
