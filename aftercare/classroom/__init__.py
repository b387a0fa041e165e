"""A training room on one server: JupyterHub for a class of learners.

``python -m aftercare classroom --users N --port PORT`` starts JupyterHub (with
``configurable-http-proxy``, the shared-password login and the idle culler) so that
``learner01`` ... ``learnerNN`` each work in their own JupyterLab on their own copy of the
course, and ``instructor`` sees and stops their servers on the hub's admin page.

Modules: :mod:`.settings` (options, passwords, validation), :mod:`.course` (what a learner's
copy holds, made once, made afresh), :mod:`.accounts` (state folder, learners' folders, system
users, the copy run as the learner), :mod:`.login` (the shared-password login with UTF-8
comparison and throttling), :mod:`.spawner` (JupyterHub's local-process spawner with the
learner's folder and course), :mod:`.service` (stopping within seconds, every proxy included),
:mod:`.hub` (the JupyterHub configuration and the command), :mod:`.prestart` (the hub service
that starts every learner's server before class, ``--prestart``), :mod:`.room` (the class's
answers, live, for the instructor). Running, resetting a learner, stopping, sizing and the load
benchmark: ``docs/classroom.md``.
"""

from __future__ import annotations

from .settings import ClassroomError, ClassroomSettings, learner_names

__all__ = ["ClassroomError", "ClassroomSettings", "learner_names", "run_classroom", "hub_config"]


def __getattr__(name: str):
    # The hub module imports JupyterHub: load it only when asked for.
    if name in ("run_classroom", "hub_config"):
        from . import hub

        return getattr(hub, name)
    raise AttributeError(name)
