"""Browser assets shipped beside exported slides and pages so they open with the network off.

The assets come from npm (``js/package.json``, installed with ``npm ci --prefix js``) and are
copied once into ``OUT/assets/``; every deck and page in ``OUT`` links them by relative path.
Nothing is fetched from a CDN, at export time or when the files are viewed.

Set ``AFTERCARE_NODE_MODULES`` to use another ``node_modules`` folder.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..data import read_text
from ..errors import AftercareError, DataError
from ..resources import checkout_dir

__all__ = [
    "AssetsMissingError",
    "SETUP_COMMAND",
    "ASSETS_DIRNAME",
    "AssetUrls",
    "node_modules_dir",
    "copy_assets",
    "asset_urls",
    "axe_script",
]

#: The command that installs the assets (run from the repository root).
SETUP_COMMAND = "npm ci --prefix js"
#: Folder, inside an export folder, that holds the shared assets.
ASSETS_DIRNAME = "assets"
_STAMP = ".aftercare-assets.json"


class AssetsMissingError(AftercareError):
    """The npm assets are not installed (or are incomplete)."""


def node_modules_dir() -> Path:
    """The ``node_modules`` folder holding the npm assets.

    Order: ``$AFTERCARE_NODE_MODULES``; ``js/node_modules`` in the checkout. The wheel does not
    ship them (about 20 MB of npm packages, for the slide and page exports only).

    Raises
    ------
    AssetsMissingError
        Without the variable, when the package runs from an installed wheel (no checkout).
    """
    override = os.environ.get("AFTERCARE_NODE_MODULES")
    if override:
        return Path(override)
    modules = checkout_dir("js", "node_modules")
    if modules is None:
        raise AssetsMissingError(
            "js/node_modules (the offline browser assets of the exports) is not part of the "
            "installed package: use a checkout of the aftercare repository and run "
            f"`{SETUP_COMMAND}` there, or set AFTERCARE_NODE_MODULES to a node_modules folder "
            "that has them"
        )
    return modules


# (source inside node_modules, destination inside OUT/assets). A trailing "/" copies a folder.
_MATHJAX_PARTS = (
    "MathJax.js",
    "config/TeX-AMS_CHTML-full.js",
    "config/Safe.js",
    "extensions/",
    "jax/input/TeX/",
    "jax/output/CommonHTML/",
    "jax/element/",
    "fonts/HTML-CSS/TeX/woff/",
)
_COPIES: tuple[tuple[str, str], ...] = (
    ("reveal.js/dist/reveal.css", "reveal.js/dist/reveal.css"),
    ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.js"),
    ("reveal.js/dist/theme/white.css", "reveal.js/dist/theme/white.css"),
    ("reveal.js/dist/theme/fonts/source-sans-pro/", "reveal.js/dist/theme/fonts/source-sans-pro/"),
    ("reveal.js/plugin/notes/", "reveal.js/plugin/notes/"),
    ("reveal.js/LICENSE", "reveal.js/LICENSE"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "html-manager/embed-amd.js"),
    ("font-awesome/css/font-awesome.min.css", "font-awesome/css/font-awesome.min.css"),
    ("font-awesome/fonts/", "font-awesome/fonts/"),
) + tuple((f"mathjax/{part}", f"mathjax/{part}") for part in _MATHJAX_PARTS)
_PACKAGES = (
    "reveal.js",
    "requirejs",
    "jquery",
    "@jupyter-widgets/html-manager",
    "font-awesome",
    "mathjax",
)
_FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")


def _missing(message: str) -> AssetsMissingError:
    return AssetsMissingError(
        f"{message}. The offline browser assets are not installed: run `{SETUP_COMMAND}` "
        "in the repository root (needs node and npm), or set AFTERCARE_NODE_MODULES to a "
        "node_modules folder that has them."
    )


def _versions(modules: Path) -> dict[str, str]:
    versions = {}
    for name in _PACKAGES:
        manifest = modules / name / "package.json"
        if not manifest.is_file():
            raise _missing(f"{manifest} was not found")
        versions[name] = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return versions


def copy_assets(out_dir: Path | str, *, modules: Path | None = None) -> Path:
    """Copy the offline assets into ``out_dir/assets`` (once) and return that folder.

    A stamp file records the package versions; when it matches, nothing is copied again, so
    every deck exported into the same folder shares one copy.

    Raises
    ------
    AssetsMissingError
        If ``js/node_modules`` (or ``$AFTERCARE_NODE_MODULES``) lacks a needed file; the message
        names the file and the set-up command.
    """
    modules = Path(modules) if modules else node_modules_dir()
    if not modules.is_dir():
        raise _missing(f"the folder {modules} does not exist")
    versions = _versions(modules)
    target = Path(out_dir) / ASSETS_DIRNAME
    stamp = target / _STAMP
    try:
        if json.loads(read_text(stamp)) == versions:
            return target
    except (DataError, ValueError):
        pass  # no stamp, or another version: copy
    try:
        _copy(modules, target)
        stamp.write_text(json.dumps(versions, indent=1, sort_keys=True), encoding="utf-8")
    except OSError as exc:  # e.g. a full disk or a read-only folder
        from .files import OutputWriteError, describe_os_error

        raise OutputWriteError(
            f"cannot copy the browser assets into {target}: {describe_os_error(exc)}"
        ) from None
    return target


def _copy(modules: Path, target: Path) -> None:
    for source, dest in _COPIES:
        src, dst = modules / source, target / dest
        if source.endswith("/"):
            if not src.is_dir():
                raise _missing(f"{src} was not found")
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            if not src.is_file():
                raise _missing(f"{src} was not found")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    # The widget renderer loads its own icon fonts relative to embed-amd.js.
    manager_dist = modules / "@jupyter-widgets/html-manager/dist"
    for font in manager_dist.iterdir():
        if font.suffix in _FONT_SUFFIXES:
            shutil.copy2(font, target / "html-manager" / font.name)


@dataclass(frozen=True)
class AssetUrls:
    """URLs (relative to an exported page, or absolute ``file://``) of each shared asset."""

    reveal_prefix: str
    require_js: str
    jquery: str
    widget_renderer: str
    font_awesome: str
    mathjax: str

    def exporter_config(self) -> dict[str, str]:
        """Trait values for nbconvert's HTMLExporter / SlidesExporter."""
        return {
            "require_js_url": self.require_js,
            "jquery_url": self.jquery,
            "widget_renderer_url": self.widget_renderer,
            "mathjax_url": self.mathjax,
        }


def asset_urls(prefix: str = ASSETS_DIRNAME) -> AssetUrls:
    """URLs of the assets under ``prefix`` (``"assets"`` for a page beside the assets folder)."""
    prefix = prefix.rstrip("/")
    return AssetUrls(
        reveal_prefix=f"{prefix}/reveal.js",
        require_js=f"{prefix}/require.js",
        jquery=f"{prefix}/jquery.min.js",
        widget_renderer=f"{prefix}/html-manager/embed-amd.js",
        font_awesome=f"{prefix}/font-awesome/css/font-awesome.min.css",
        mathjax=f"{prefix}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )


def axe_script(modules: Path | None = None) -> Path:
    """Path of ``axe.min.js`` (used by the accessibility tests)."""
    path = (Path(modules) if modules else node_modules_dir()) / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise _missing(f"{path} was not found")
    return path
