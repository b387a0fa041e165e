"""aftercare: teaching aftercare after myofascial dry needling.

Education for health professionals, not individual medical advice. Every recommendation carries
its reason and the ids of the sources in ``data/sources.csv`` it rests on.

The public API: :class:`Patient`, :func:`load_protocol`, :func:`plan_icing`,
:func:`compare_alternatives`. Charts, widgets and exports live in subpackages
(``aftercare.charts``, ``aftercare.widgets``, ``aftercare.export``) and are imported on demand.
"""

from .alternatives import compare_alternatives
from .errors import AftercareError, DataError, InputError
from .patient import Patient
from .planner import IcingPlan, plan_icing
from .protocol import Protocol, list_protocols, load_protocol

__all__ = [
    "Patient",
    "Protocol",
    "IcingPlan",
    "load_protocol",
    "list_protocols",
    "plan_icing",
    "compare_alternatives",
    "AftercareError",
    "DataError",
    "InputError",
]

__version__ = "0.1.0"

DISCLAIMER = (
    "Education for health professionals, not individual medical advice. A patient sheet is the "
    "clinician's instruction under the clinic's protocol."
)
