"""Moved to :mod:`aftercare.sheet.patient_file`; this module path keeps its public names for
existing callers."""

from ..sheet.patient_file import *  # noqa: F403
from ..sheet.patient_file import __all__  # noqa: F401
