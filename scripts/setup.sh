#!/usr/bin/env bash
# Shared set-up for ./scripts/lab and ./scripts/test. Idempotent: a second run only checks.
#   - uses the active virtual environment, or creates .venv with Python >= 3.11;
#   - installs the package and its dev extras at the versions of requirements.lock.txt
#     (re-installs when pyproject.toml or the lock changes; ./scripts/lock refreshes the lock);
#   - installs the offline web assets (reveal.js, require.js, widget renderer, axe-core) and
#     the classroom's configurable-http-proxy from the npm registry into js/node_modules, from
#     the committed lock file;
#   - with --browser: installs Debian's chromium, poppler-utils and strace (apt-get) if missing
#     (strace lets the tests watch that Chromium makes no network connection).
# Nothing here is needed at run time from the network: after set-up the suite works offline.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { printf '\033[1m[aftercare]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) die "unknown option $arg (allowed: --browser)" ;;
  esac
done

# 1. Python environment ----------------------------------------------------------------------
if [[ -n "${VIRTUAL_ENV:-}" ]]; then
  VENV="$VIRTUAL_ENV"
else
  VENV="$ROOT/.venv"
  if [[ ! -x "$VENV/bin/python" ]]; then
    PY="${PYTHON:-}"
    if [[ -z "$PY" ]]; then
      for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
      done
    fi
    [[ -n "$PY" ]] || die "no python3 found; install Python 3.11 or newer"
    "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || die "$PY is $("$PY" -V 2>&1); aftercare needs Python 3.11 or newer (set PYTHON=...)"
    say "creating the virtual environment in .venv with $("$PY" -V 2>&1)"
    "$PY" -m venv "$VENV" || die "python -m venv failed (on Debian: apt-get install python3-venv)"
  fi
fi
PYBIN="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"

stamp="$VENV/.aftercare-installed"
LOCK="$ROOT/requirements.lock.txt"
[[ -f "$LOCK" ]] || die "requirements.lock.txt is missing; restore it from git or run ./scripts/lock"
digest="$(cat pyproject.toml "$LOCK" | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$digest" ]]; then
  say "installing aftercare and its dependencies from requirements.lock.txt (a few minutes the first time)"
  "$PYBIN" -m pip install --disable-pip-version-check -q --upgrade pip
  # Before 0.1.0 reached PyPI the distribution was called `aftercare` (a name taken there by an
  # unrelated project); an environment set up then has both, so the old one goes first.
  old_dist="$("$PYBIN" -m pip show aftercare 2>/dev/null || true)"
  if grep -qx "Editable project location: $ROOT" <<<"$old_dist"; then
    "$PYBIN" -m pip uninstall --disable-pip-version-check -q -y aftercare
  fi
  # The lock as constraints: every package at its locked version, the package itself editable.
  "$PYBIN" -m pip install --disable-pip-version-check -q -c "$LOCK" -e ".[dev]"
  echo "$digest" > "$stamp"
fi

# JupyterLab must not try to reach the internet (closed training-room networks).
settings="$VENV/share/jupyter/lab/settings"
mkdir -p "$settings"
cat > "$settings/overrides.json" <<'JSON'
{
  "@jupyterlab/apputils-extension:notification": {"checkForUpdates": false, "fetchNews": "false"}
}
JSON

# 2. Offline web assets ------------------------------------------------------------------------
if [[ -f js/package-lock.json ]]; then
  if [[ ! -d js/node_modules || js/package-lock.json -nt js/node_modules/.package-lock.json ]]; then
    command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js 20 (apt-get install nodejs npm)"
    say "installing offline slide and accessibility assets (npm ci)"
    npm ci --prefix js --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi

# 3. Browser for tests and PDF export -----------------------------------------------------------
if [[ "$want_browser" == 1 ]]; then
  CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [[ ! -x "$CHROMIUM" ]] || ! command -v pdftoppm >/dev/null 2>&1 \
      || ! command -v strace >/dev/null 2>&1; then
    SUDO=""
    if [[ "$(id -u)" != 0 ]]; then
      command -v sudo >/dev/null 2>&1 || die "chromium, poppler-utils or strace is missing and you are not root; run: sudo apt-get install -y chromium poppler-utils strace"
      SUDO="sudo"
    fi
    say "installing Debian's chromium, poppler-utils and strace (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium poppler-utils fonts-dejavu-core strace >/dev/null
  fi
fi

echo "$VENV"
