"""Moved to :mod:`aftercare.sheet.i18n`; this module path keeps its public names for
existing callers."""

from ..sheet.i18n import *  # noqa: F403
from ..sheet.i18n import __all__  # noqa: F401
