"""JupyterHub's local-process spawner, with each learner's folder under the classroom's state.

:class:`CourseSpawner` is JupyterHub's own ``LocalProcessSpawner`` with these changes: the
learner's folder is ``STATE/home/NAME`` (not the system user's home); the course is copied there
at the first start, by a child process running as the learner (root never touches what a
learner controls, :func:`~aftercare.classroom.accounts.prepare_home`); and the server runs as
the learner's system user (``NAME``, or ``ROOM-NAME`` in a named room) only when the hub runs as
root (otherwise as the hub's own user, like JupyterHub's ``SimpleLocalProcessSpawner``).
"""

from __future__ import annotations

import asyncio
import os
import pwd
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Bool, Unicode, default

from .accounts import prepare_home
from .settings import ClassroomError

__all__ = ["CourseSpawner"]


class CourseSpawner(LocalProcessSpawner):
    """Start a learner's JupyterLab in their own folder, with their own copy of the course."""

    home_root = Unicode(help="Folder holding one folder per learner (STATE/home).").tag(config=True)
    course_dir = Unicode(help="Folder whose notebooks each learner copies once.").tag(config=True)
    run_as_users = Bool(
        False, help="Run each server as the system user of the learner's name (needs root)."
    ).tag(config=True)
    system_user_prefix = Unicode(
        "", help="Prefix of the system users' names in a named room ('b-' for b-learner01)."
    ).tag(config=True)

    @property
    def home_dir(self) -> str:
        """The learner's folder: their HOME and JupyterLab's root folder."""
        return os.path.join(self.home_root, self.user.name)

    @property
    def system_user(self) -> str:
        """The system user this learner's server runs as (as root)."""
        return self.system_user_prefix + self.user.name

    @default("notebook_dir")
    def _notebook_dir_default(self) -> str:
        return self.home_dir

    def make_preexec_fn(self, name):
        """Become the learner's system user (as root), then enter their folder."""
        become = set_user_setuid(self.system_user, chdir=False) if self.run_as_users else None
        home = self.home_dir

        def preexec():
            if become is not None:
                become()
            os.chdir(home)

        return preexec

    def user_env(self, env):
        """HOME is the learner's folder under the classroom's state, whatever passwd says."""
        env["USER"] = self.system_user if self.run_as_users else self.user.name
        env["HOME"] = self.home_dir
        env["SHELL"] = "/bin/bash"
        return env

    async def start(self):
        """Make the learner's folder and, as the learner, their copy of the course (first time
        only), then start their server."""
        owner = pwd.getpwnam(self.system_user) if self.run_as_users else None
        try:
            copied = await asyncio.to_thread(
                prepare_home, Path(self.home_dir), Path(self.course_dir), owner, self.cmd[0]
            )
        except ClassroomError as exc:
            # The learner's folder is theirs: a link or a file they put in the copy's way stops
            # the copy, not their server (the instructor can reset their copy).
            self.log.warning("no course copy for %s: %s", self.user.name, exc)
        else:
            if copied:
                self.log.info("copied the course for %s into %s", self.user.name, self.home_dir)
        return await super().start()

    async def move_certs(self, paths):
        """Internal TLS is not used by the classroom: nothing to move."""
        return paths
