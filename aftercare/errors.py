"""Errors that tell a clinician exactly what to fix.

Every error raised for bad input names the field (argument, file, row, column or key), the value
given and the allowed values or range. Nothing falls back to a silent default.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable
from numbers import Real

__all__ = [
    "AftercareError",
    "DataError",
    "InputError",
    "check_number",
    "check_choice",
    "quote",
    "clip",
    "QUOTE_CHARS",
]

#: At most about this many characters of an offending value are quoted in a message.
QUOTE_CHARS = 80


class _ShortRepr(reprlib.Repr):
    """``reprlib`` limits, plus integers too long to print (Python refuses past 4300 digits)."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 3 * QUOTE_CHARS:
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)


_SHORT = _ShortRepr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = QUOTE_CHARS
_SHORT.maxlevel = 3
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 6


def quote(value: object) -> str:
    """``repr(value)`` cut to about :data:`QUOTE_CHARS` characters, for error messages.

    A huge value (a megabyte of text, a 5,000-digit number, a deeply nested list) is never
    echoed whole; the middle of a long string is replaced by ``...``.

    Examples
    --------
    >>> quote("x" * 1000)[:10], len(quote("x" * 1000)) <= 82
    ("'xxxxxxxxx", True)
    >>> quote(10**5000)
    '<an integer of about 5001 digits>'
    """
    text = _SHORT.repr(value)
    return text if len(text) <= QUOTE_CHARS + 2 else text[: QUOTE_CHARS - 3] + "..."


def clip(text: object, limit: int = QUOTE_CHARS) -> str:
    """``str(text)`` cut to ``limit`` characters (``...`` marks the cut), for names in messages.

    Examples
    --------
    >>> clip("a" * 100, 10)
    'aaaaaaa...'
    """
    text = str(text)
    return text if len(text) <= limit else text[: max(0, limit - 3)] + "..."


class AftercareError(ValueError):
    """Base class of every error this package raises for bad input or data."""


class InputError(AftercareError):
    """A function argument is outside its allowed range or set.

    Attributes
    ----------
    field : str
        The argument's name, e.g. ``"skinfold_mm"``.
    value : object
        The value given.
    allowed : str
        The allowed range or values, in words.
    """

    def __init__(self, field: str, value: object, allowed: str, hint: str = "") -> None:
        self.field, self.value, self.allowed = field, value, allowed
        message = f"{clip(field)} = {quote(value)} is not allowed; allowed: {allowed}."
        if hint:
            message += f" {hint}"
        super().__init__(message)


class DataError(AftercareError):
    """A data file (protocol, sources, factors, ...) is malformed.

    The message names the file and, where they apply, the row (1-based, counting the header as
    row 1, so it matches a spreadsheet) or the line of a YAML file, the column or key, and the
    allowed values. A key longer than :data:`QUOTE_CHARS` characters is cut.
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        row: int | None = None,
        line: int | None = None,
        column: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.file, self.row, self.line, self.column, self.allowed, self.problem = (
            file,
            row,
            line,
            column,
            allowed,
            problem,
        )
        where = [str(file)]
        if row is not None:
            where.append(f"row {row}")
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column/key '{clip(column)}'")
        message = ", ".join(where) + f": {problem}"
        if allowed:
            message += f" (allowed: {allowed})"
        super().__init__(message)


def check_number(
    field: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    unit: str = "",
    low_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float, or raise :class:`InputError` naming ``field`` and the range.

    NaN, infinities, booleans and non-numbers are rejected.

    Examples
    --------
    >>> check_number("skinfold_mm", 12, low=0, high=80, unit="mm")
    12.0
    """
    unit_text = f" {unit}" if unit else ""
    if low is not None and high is not None:
        allowed = f"{low:g} to {high:g}{unit_text}"
    elif low is not None:
        allowed = f"{'>=' if low_inclusive else '>'} {low:g}{unit_text}"
    elif high is not None:
        allowed = f"<= {high:g}{unit_text}"
    else:
        allowed = "a finite number"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(field, value, allowed, "It must be a number.")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise InputError(field, value, allowed, "It must be a finite number.")
    too_low = low is not None and (number < low if low_inclusive else number <= low)
    too_high = high is not None and number > high
    if too_low or too_high:
        raise InputError(field, value, allowed)
    return number


def check_choice(field: str, value: object, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is in ``allowed``; otherwise raise :class:`InputError` listing them."""
    options = list(allowed)
    if not isinstance(value, str) or value not in options:
        raise InputError(field, value, "one of " + ", ".join(repr(o) for o in options))
    return value
