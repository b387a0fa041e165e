"""Moved to :mod:`aftercare.sheet.patient_file`; this module path stays for existing callers."""

import sys

from ..sheet import patient_file as _moved

sys.modules[__name__] = _moved
