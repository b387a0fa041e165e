"""Moved to :mod:`aftercare.sheet.i18n`; this module path stays for existing callers."""

import sys

from ..sheet import i18n as _moved

sys.modules[__name__] = _moved
