"""The kernel's event loop, when one is running: where the apps defer work off a key press.

In JupyterLab, voila and RISE the kernel runs an asyncio loop, and a control change arrives as
a callback on it: the apps then draw the chart at once and write their text panel, and the
chart view its keyframe, a moment later (``loop.call_later``). In plain Python and in pytest no
loop runs, and everything is done at once.
"""

from __future__ import annotations

import asyncio

__all__ = ["running_loop"]


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The running asyncio event loop, or None outside one.

    Examples
    --------
    >>> running_loop() is None
    True
    >>> import asyncio
    >>> async def inside():
    ...     return running_loop() is asyncio.get_running_loop()
    >>> asyncio.run(inside())
    True
    """
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
