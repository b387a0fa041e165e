"""aftercare: teaching aftercare after myofascial dry needling.

Education for health professionals, not individual medical advice. Every recommendation carries
its reason and the ids of the sources in ``data/sources.csv`` it rests on.

The public API: :class:`Patient`, :func:`load_protocol`, :func:`plan_icing`,
:func:`compare_alternatives`. Charts, widgets and exports live in subpackages
(``aftercare.charts``, ``aftercare.widgets``, ``aftercare.export``) and are imported on demand.
The public names load their modules on first use too, so a part that needs none of them (the
classroom's room service, the command line's help) does not pay for pandas and the planner.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import AftercareError, DataError, InputError

if TYPE_CHECKING:
    from .alternatives import compare_alternatives
    from .patient import Patient
    from .planner import IcingPlan, plan_icing
    from .protocol import Protocol, list_protocols, load_protocol

_WHERE = {
    "compare_alternatives": "alternatives",
    "Patient": "patient",
    "IcingPlan": "planner",
    "plan_icing": "planner",
    "Protocol": "protocol",
    "list_protocols": "protocol",
    "load_protocol": "protocol",
}

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


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
