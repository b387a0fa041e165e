"""Moved to :mod:`aftercare.sheet.handout`; this module path stays for existing callers."""

import sys

from ..sheet import handout as _moved

sys.modules[__name__] = _moved
