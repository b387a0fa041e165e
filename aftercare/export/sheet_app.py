"""Moved to :mod:`aftercare.sheet.app`; this module path stays for existing callers."""

import sys

from ..sheet import app as _moved

sys.modules[__name__] = _moved
