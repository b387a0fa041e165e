"""The Python that the learners' servers and kernels run, as their own system users.

Normally that is this environment's own interpreter. But a Python installed in a private home
folder (for example pyenv's under ``/root``, mode 0700) cannot be run by any other user, so as
root the classroom would spawn servers that fail with "Permission denied". Then, rather than
open up that folder, the classroom makes a small virtual environment in ``STATE/python`` from a
system-wide interpreter of the same minor version (``/usr/bin/python3.11`` on Debian 12), whose
``site-packages`` chains to this environment's packages through a ``.pth`` file, and points
Jupyter at this environment's ``share/jupyter`` and ``etc/jupyter``. Same packages, same
JupyterLab extensions; only the interpreter binary and the standard library differ in their
patch release (the same ABI within one minor version).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from .settings import ClassroomError

__all__ = ["LearnerPython", "learner_python", "usable_by_others"]


@dataclass(frozen=True)
class LearnerPython:
    """The interpreter for the learners' servers and the environment variables it needs."""

    executable: str
    env: dict[str, str] = field(default_factory=dict)
    #: Why it is not this environment's own interpreter ("" when it is).
    note: str = ""


def usable_by_others(path: Path) -> bool:
    """True when a user who is neither owner nor group member may reach (and run) ``path``."""
    path = Path(os.path.realpath(path))
    for folder in path.parents:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & (stat.S_IXOTH | stat.S_IROTH))


def _same_minor_candidates() -> list[Path]:
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = [Path(folder) / name for folder in ("/usr/bin", "/usr/local/bin", "/opt/python/bin")]
    which = shutil.which(name)
    if which:
        found.append(Path(which))
    return [p for p in found if p.is_file() and os.access(p, os.X_OK)]


def learner_python(state: Path, *, as_root: bool) -> LearnerPython:
    """The interpreter the learners' servers run (see the module's description).

    Raises
    ------
    ClassroomError
        As root, when this interpreter is private and no system-wide one of the same minor
        version exists.
    """
    if not as_root or (
        usable_by_others(Path(sys.executable)) and usable_by_others(Path(sys.base_prefix))
    ):
        return LearnerPython(sys.executable)
    private = os.path.realpath(sys.executable)
    for base in _same_minor_candidates():
        if not usable_by_others(base):
            continue
        env_dir = state / "python"
        python = env_dir / "bin" / "python"
        if not python.exists():
            made = subprocess.run(
                [str(base), "-m", "venv", "--without-pip", str(env_dir)],
                capture_output=True,
                text=True,
            )
            if made.returncode != 0:
                problem = (made.stderr or made.stdout).strip().splitlines() or ["no output"]
                raise ClassroomError(
                    f"{base} -m venv {env_dir} failed ({problem[-1]}); on Debian: apt-get "
                    f"install python{sys.version_info.major}.{sys.version_info.minor}-venv"
                )
        own_packages = sysconfig.get_paths()["purelib"]
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        Path(purelib, "aftercare-classroom.pth").write_text(
            f"import site; site.addsitedir({own_packages!r})\n", encoding="utf-8"
        )
        share = Path(sys.prefix) / "share" / "jupyter"
        env = {
            "JUPYTER_PATH": str(share),
            "JUPYTER_CONFIG_PATH": str(Path(sys.prefix) / "etc" / "jupyter"),
            "JUPYTERLAB_DIR": str(share / "lab"),
            "PATH": os.pathsep.join(
                [str(python.parent), str(Path(sys.prefix) / "bin"), os.defpath]
            ),
        }
        note = (
            f"learners run {base} with this environment's packages, because {private} lies in "
            "a folder other users cannot enter"
        )
        return LearnerPython(str(python), env, note)
    raise ClassroomError(
        f"as root each learner's server runs as its own user, but {private} lies in a folder "
        f"other users cannot enter and no system-wide python{sys.version_info.major}."
        f"{sys.version_info.minor} was found; make the virtual environment from a system-wide "
        "Python (PYTHON=/usr/bin/python3 ./scripts/setup.sh) or run the classroom as a normal user"
    )
