"""Moved to :mod:`aftercare.sheet.handout`; this module path keeps its public names for
existing callers."""

from ..sheet.handout import *  # noqa: F403
from ..sheet.handout import __all__  # noqa: F401
