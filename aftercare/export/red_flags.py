"""Moved to :mod:`aftercare.sheet.warning_signs`; this module path keeps its public names for
existing callers."""

from ..sheet.warning_signs import *  # noqa: F403
from ..sheet.warning_signs import __all__  # noqa: F401
