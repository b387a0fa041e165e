"""Clock times and the sleep window: strict ``HH:MM`` and a day that always contains a night.

A patient's waking hours (``awake_from``, ``asleep_from``) and a protocol's default day
(``day_starts``, ``night_starts``) decide when ice may be scheduled: never while asleep. Two rules
keep that true for every input:

* a clock time is written ``HH:MM`` (00:00-23:59) or given as a naive ``datetime.time`` on a whole
  minute; seconds, fractions and UTC offsets are refused, because two times that differ only by
  them would otherwise look different while leaving no night at all;
* the night, from falling asleep to waking, lasts at least :data:`MIN_NIGHT_HOURS`, so one-sided,
  equal or nearly equal waking times cannot leave a day without sleep.

:data:`MIN_NIGHT_HOURS` is an input plausibility bound (like the 0-80 mm skinfold range), not a
clinical number: it refuses a waking day that leaves less than a few hours of sleep, which is far
more often a typing slip than a real day.

Examples
--------
>>> parse_clock("07:30", "awake_from")
datetime.time(7, 30)
>>> night_minutes(dt.time(7, 0), dt.time(23, 0))
480
"""

from __future__ import annotations

import datetime as dt
import re

from .errors import InputError

__all__ = [
    "CLOCK_PATTERN",
    "CLOCK_WORDS",
    "MIN_NIGHT_HOURS",
    "parse_clock",
    "night_minutes",
    "night_problem",
]

#: The only accepted written form of a clock time (JSON Schema ``pattern`` uses it too).
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
#: How the allowed form reads in error messages.
CLOCK_WORDS = "a clock time written HH:MM, from 00:00 to 23:59 (no seconds, no UTC offset)"
#: Shortest night the waking hours may leave [h] (an input plausibility bound, see above).
MIN_NIGHT_HOURS = 4

_CLOCK_RE = re.compile(CLOCK_PATTERN)


def parse_clock(value: object, field: str = "time") -> dt.time:
    """A clock time from ``"HH:MM"`` or a naive whole-minute ``datetime.time``.

    Parameters
    ----------
    value : str or datetime.time
        ``"07:30"``; or ``datetime.time(7, 30)`` with no seconds, microseconds or tzinfo.
    field : str
        The field's name, used in the error.

    Returns
    -------
    datetime.time

    Raises
    ------
    InputError
        Anything else, naming ``field``: ``"7:30"``, ``"07:30:10"``, ``"07:30+02:00"``,
        a ``datetime.datetime``, a number, ``True``.

    Examples
    --------
    >>> parse_clock("23:59")
    datetime.time(23, 59)
    >>> parse_clock("23:00:30", "asleep_from")
    Traceback (most recent call last):
    ...
    aftercare.errors.InputError: asleep_from = '23:00:30' is not allowed; allowed: a clock time written HH:MM, from 00:00 to 23:59 (no seconds, no UTC offset).
    """
    if isinstance(value, dt.time) and not isinstance(value, dt.datetime):
        if value.second == 0 and value.microsecond == 0 and value.tzinfo is None:
            return value
        raise InputError(field, value.isoformat(), CLOCK_WORDS)
    if isinstance(value, str) and _CLOCK_RE.match(value):
        return dt.time(int(value[:2]), int(value[3:]))
    raise InputError(field, value, CLOCK_WORDS)


def night_minutes(wake: dt.time, sleep: dt.time) -> int:
    """Minutes asleep from ``sleep`` to the next ``wake`` (0 when the two are equal).

    Examples
    --------
    >>> night_minutes(dt.time(9, 30), dt.time(1, 0))
    510
    """
    return (wake.hour * 60 + wake.minute - sleep.hour * 60 - sleep.minute) % 1440


def night_problem(wake: dt.time, sleep: dt.time) -> str | None:
    """Why a waking day is refused (it leaves too short a night), or ``None`` when it is fine.

    Examples
    --------
    >>> night_problem(dt.time(7, 0), dt.time(23, 0)) is None
    True
    >>> night_problem(dt.time(23, 0), dt.time(23, 0))
    'awake from 23:00 and asleep from 23:00 leave no time asleep'
    """
    night = night_minutes(wake, sleep)
    if night >= MIN_NIGHT_HOURS * 60:
        return None
    gap = "no time" if night == 0 else f"only {night // 60} h {night % 60:02d} min"
    return (
        f"awake from {wake.strftime('%H:%M')} and asleep from {sleep.strftime('%H:%M')} "
        f"leave {gap} asleep"
    )
