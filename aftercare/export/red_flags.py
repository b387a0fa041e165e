"""Moved to :mod:`aftercare.sheet.warning_signs`; this module path stays for existing callers."""

import sys

from ..sheet import warning_signs as _moved

sys.modules[__name__] = _moved
