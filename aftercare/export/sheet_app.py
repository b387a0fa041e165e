"""Moved to :mod:`aftercare.sheet.app`; this module path keeps its public names for
existing callers."""

from ..sheet.app import *  # noqa: F403
from ..sheet.app import __all__  # noqa: F401
