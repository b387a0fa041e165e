"""The classroom's login: JupyterHub's shared-password login, made safe for any password and
slowed down after repeated failures.

:class:`ClassroomAuthenticator` is JupyterHub's ``SharedPasswordAuthenticator`` with two changes:

* Passwords are compared as UTF-8 bytes (``hmac.compare_digest``), after Unicode NFC
  normalisation, so "Fisioterapia-ção" works whether a keyboard sends "ç" as one code point or
  as "c" plus a combining cedilla. (``compare_digest`` on two ``str`` refuses anything but
  ASCII with a ``TypeError``: upstream, such a password answered every login with HTTP 500.)
* Logins are throttled (:class:`LoginThrottle`): after 5 failures for one user name or one
  client address, each further attempt from that name or address must wait, 1 s after the
  fifth failure, then 2, 4, 8 ... up to 5 minutes; the login page says how long, with HTTP
  429 and ``Retry-After``. Nothing waits in the hub itself, so everyone else logs in as usual.
  A success clears the name's and the address's count; an hour without failures forgets them.

References
----------
JupyterHub documentation, "Authenticators": ``SharedPasswordAuthenticator`` (JupyterHub 5.3);
Python documentation, ``hmac.compare_digest`` (str arguments must be ASCII only);
OWASP Authentication Cheat Sheet, "Protect against automated attacks" (login throttling).
"""

from __future__ import annotations

import hmac
import math
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.handlers.login import LoginHandler
from tornado import web

__all__ = ["ClassroomAuthenticator", "LoginThrottle", "same_password", "client_address"]


def _utf8(text: str) -> bytes:
    return unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")


def same_password(given: str, expected: str) -> bool:
    """Constant-time comparison of two passwords as NFC-normalised UTF-8 bytes.

    Examples
    --------
    >>> same_password("Fisioterapia-ção", "Fisioterapia-ção")
    True
    >>> same_password("Fisioterapia-c\\u0327a\\u0303o", "Fisioterapia-ção")  # combining marks
    True
    >>> same_password("Fisioterapia-cao", "Fisioterapia-ção")
    False
    """
    return hmac.compare_digest(_utf8(given), _utf8(expected))


@dataclass
class _Failures:
    count: int = 0
    last_s: float = 0.0


class LoginThrottle:
    """Failed logins per key (a user name, a client address) and the wait they impose.

    After ``after`` failures of one key, the next attempt must wait ``first_wait_s`` from the
    last failure, doubling with each further failure up to ``max_wait_s``. A key without
    failures for ``forget_after_s`` starts again from zero; at most ``max_keys`` are kept
    (the oldest go first), so a flood of made-up names cannot fill the hub's memory.

    Examples
    --------
    >>> now = [0.0]
    >>> throttle = LoginThrottle(clock=lambda: now[0])
    >>> for _ in range(5):
    ...     throttle.failed(["name:learner01"])
    >>> throttle.wait_s(["name:learner01"]), throttle.wait_s(["name:learner02"])
    (1.0, 0.0)
    >>> throttle.failed(["name:learner01"]); throttle.wait_s(["name:learner01"])
    2.0
    >>> now[0] = 2.0; throttle.wait_s(["name:learner01"])
    0.0
    """

    def __init__(
        self,
        *,
        after: int = 5,
        first_wait_s: float = 1.0,
        max_wait_s: float = 300.0,
        forget_after_s: float = 3600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.after, self.first_wait_s, self.max_wait_s = after, first_wait_s, max_wait_s
        self.forget_after_s, self.max_keys, self.clock = forget_after_s, max_keys, clock
        self._failures: dict[str, _Failures] = {}

    def _wait_after(self, count: int) -> float:
        if count < self.after:
            return 0.0
        return min(self.max_wait_s, self.first_wait_s * 2 ** (count - self.after))

    def wait_s(self, keys: Iterable[str]) -> float:
        """Seconds before any of ``keys`` may try again (0 when all may try now)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            record = self._failures.get(key)
            if record is None:
                continue
            if now - record.last_s > self.forget_after_s:
                del self._failures[key]
                continue
            waits.append(record.last_s + self._wait_after(record.count) - now)
        return max(waits)

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failed login against each key."""
        now = self.clock()
        for key in keys:
            record = self._failures.pop(key, None)
            if record is None or now - record.last_s > self.forget_after_s:
                record = _Failures()
            record.count += 1
            record.last_s = now
            self._failures[key] = record  # re-inserted: the dict stays oldest-first
        while len(self._failures) > self.max_keys:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, keys: Iterable[str]) -> None:
        """A login went through: forget the failures of its keys."""
        for key in keys:
            self._failures.pop(key, None)


def client_address(request) -> str:
    """The address of the browser behind ``configurable-http-proxy``.

    The proxy appends the address it saw to ``X-Forwarded-For``, so the last entry is the one
    a client cannot forge (tornado's ``remote_ip`` would take a client's own ``X-Real-Ip``).
    """
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded.strip():
        return forwarded.split(",")[-1].strip()
    context = getattr(request.connection, "context", None)
    return getattr(context, "_orig_remote_ip", None) or request.remote_ip or ""


class ThrottledLoginHandler(LoginHandler):
    """JupyterHub's login page; a name or address that failed too often is told to wait."""

    async def post(self):
        throttle: LoginThrottle = self.authenticator.throttle
        name = self.authenticator.normalize_username(
            self.get_argument("username", default="", strip=True)
        )
        keys = [f"name:{name}", f"address:{client_address(self.request)}"]
        wait = throttle.wait_s(keys)
        if wait > 0:
            seconds = math.ceil(wait)
            self.log.warning("Login throttled for %s (%d s to wait)", keys, seconds)
            error = web.HTTPError(
                429,
                f"Too many failed logins for this name or from this address: try again in "
                f"{seconds} s.",
            )
            error.headers = {"Retry-After": str(seconds)}
            raise error
        await super().post()
        status = self.get_status()
        if status == 403:
            throttle.failed(keys)
        elif status in (301, 302, 303, 307):
            throttle.succeeded(keys)


class ClassroomAuthenticator(SharedPasswordAuthenticator):
    """Shared-password login comparing UTF-8 bytes, with :class:`ThrottledLoginHandler`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.throttle = LoginThrottle()

    def get_handlers(self, app):
        return [("/login", ThrottledLoginHandler)]

    async def authenticate(self, handler, data):
        username = self.normalize_username(data["username"])
        password = data["password"]
        if username in self.admin_users:
            if self.admin_password and same_password(password, self.admin_password):
                return {"name": username, "admin": True, "groups": []}
        elif self.user_password and same_password(password, self.user_password):
            # Anyone logging in with the class password is never an admin.
            return {"name": username, "admin": False, "groups": []}
        return None
