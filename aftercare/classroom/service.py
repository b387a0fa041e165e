"""JupyterHub and its proxy stopping like a service: within 10 s, with nothing left behind.

:class:`ClassroomHub` is JupyterHub with a bounded clean-up: on Ctrl+C or SIGTERM it stops the
idle culler, every learner's server (SIGINT, then SIGTERM, then SIGKILL, with the short waits of
:data:`~aftercare.classroom.hub.STOP_TIMEOUTS_S`) and the proxy as JupyterHub does, and whatever
is still running when the clean-up's time is up is killed with its whole process group.

:class:`ClassroomProxy` is JupyterHub's ``configurable-http-proxy`` launcher, which keeps the
process ids of every proxy it started (JupyterHub starts a new one when the proxy dies) and
stops them all, and which only stops a leftover process named in ``STATE/hub/proxy.pid`` when
that process is a ``configurable-http-proxy`` (a stale pid file may name any process by now).

:class:`HubDatabase` is the hub's SQLite connection, in write-ahead-log mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from jupyterhub.app import JupyterHub
from jupyterhub.proxy import ConfigurableHTTPProxy
from traitlets import Float

__all__ = [
    "ClassroomHub",
    "ClassroomProxy",
    "HubDatabase",
    "is_proxy_process",
    "running_classroom",
    "stop_leftover_proxy",
]


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _pid_in(pid_file: Path) -> int:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return 0


def is_proxy_process(pid: int) -> bool:
    """True when process ``pid`` runs ``configurable-http-proxy`` (read from /proc)."""
    return pid > 0 and b"configurable-http-proxy" in _command_line(pid)


def running_classroom(pid_file: Path) -> int:
    """The process id of a classroom hub that still runs on this state folder, or 0."""
    pid = _pid_in(pid_file)
    command = _command_line(pid) if pid > 0 and pid != os.getpid() else b""
    return pid if b"aftercare" in command and b"classroom" in command else 0


def stop_leftover_proxy(pid_file: Path, wait_s: float = 3.0) -> int:
    """Stop the proxy an earlier, killed hub left running (named in ``pid_file``); its pid or 0.

    Only a process that is a ``configurable-http-proxy`` is stopped: SIGTERM, then SIGKILL.
    """
    pid = _pid_in(pid_file)
    if not is_proxy_process(pid):
        return 0
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait_s
        while is_proxy_process(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not is_proxy_process(pid):
            break
    with contextlib.suppress(FileNotFoundError):
        pid_file.unlink()
    return pid


def _stop_group(process: subprocess.Popen, grace_s: float) -> None:
    """SIGTERM ``process``'s group, then SIGKILL after ``grace_s``; reap it.

    Safe against reused process ids: ``process`` is our own child and not yet reaped, so its
    id (and its group's, which it leads: it was started in a new session) is still its own.
    """
    if process.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait_s)
            return


class HubDatabase(sqlite3.Connection):
    """The hub's SQLite connections: write-ahead log, synced to disk at its checkpoints.

    JupyterHub commits when it checks a token whose last use it has not noted within its
    ``activity_resolution`` (it notes the token's and its user's last activity; the classroom
    sets one login day, JupyterHub's default is 30 s), and at logins, spawns and activity
    reports. When a class answers a check-in question, the room has the hub check every
    learner's token at once: in SQLite's default rollback-journal mode
    each such commit waited for the disk several times (a journal file made, synced, deleted;
    about 14 ms each on the project's shared machine when its disk was busy), and the hub's
    event loop waits with it. Here a commit is written to the log without waiting for the
    disk. What that trades: a crash of the hub loses nothing, and the database is never
    damaged, but a power cut or a crash of the operating system can undo the hub's last
    changes since a checkpoint (last-activity times, a login: log in again). The class's
    answers are in the room's own database, which is synced at every commit.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA journal_mode = WAL")
        self.execute("PRAGMA synchronous = NORMAL")


class ClassroomProxy(ConfigurableHTTPProxy):
    """``configurable-http-proxy`` whose every process is stopped with the hub."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.processes: list[subprocess.Popen] = []

    async def start(self):
        try:
            await super().start()
        finally:
            process = getattr(self, "proxy_process", None)
            if process is not None and process not in self.processes:
                self.processes.append(process)

    def _check_previous_process(self):
        """Stop a proxy left by an earlier run, but only when the pid file names a proxy."""
        if self.pid_file and os.path.exists(self.pid_file):
            try:
                pid = int(Path(self.pid_file).read_text().strip())
            except ValueError:
                pid = 0
            if not is_proxy_process(pid):
                self.log.warning("Removing stale proxy pid file %s", self.pid_file)
                self._remove_process_files()
                return
        super()._check_previous_process()

    def stop(self):
        super().stop()
        self.stop_all(grace_s=1.0)

    def stop_all(self, grace_s: float) -> None:
        """Stop every proxy process this hub started (with their process groups)."""
        for process in self.processes:
            _stop_group(process, grace_s)
        self._remove_process_files()


class ClassroomHub(JupyterHub):
    """JupyterHub whose clean-up ends in time and leaves no process behind."""

    cleanup_timeout_s = Float(8.0, help="Longest clean-up before what is left is killed [s].").tag(
        config=True
    )

    async def cleanup(self):
        started = time.monotonic()
        # JupyterHub makes its services' spawners without the configuration, so they would wait
        # 10 s after SIGINT (the idle culler may not stop on it), 5 after SIGTERM: shorten that.
        for service in getattr(self, "_service_map", {}).values():
            spawner = getattr(service, "spawner", None)
            if spawner is not None:
                spawner.interrupt_timeout = spawner.term_timeout = spawner.kill_timeout = 1
        try:
            await asyncio.wait_for(super().cleanup(), self.cleanup_timeout_s)
        except TimeoutError:
            self.log.error(
                "Clean-up took longer than %g s: killing what is left", self.cleanup_timeout_s
            )
        finally:
            self.kill_leftovers()
            self.log.info("Stopped in %.1f s", time.monotonic() - started)

    def kill_leftovers(self) -> None:
        """Kill the servers, services and proxies still running, with their process groups."""
        processes = []
        for user in (getattr(self, "users", None) or {}).values():
            for spawner in user.spawners.values():
                processes.append(getattr(spawner, "proc", None))
        for service in getattr(self, "_service_map", {}).values():
            spawner = getattr(service, "spawner", None)
            processes.append(getattr(spawner, "proc", None))
        for process in processes:
            if isinstance(process, subprocess.Popen):
                _stop_group(process, grace_s=0.5)
        proxy = getattr(self, "proxy", None)
        if isinstance(proxy, ClassroomProxy):
            proxy.stop_all(grace_s=0.5)
