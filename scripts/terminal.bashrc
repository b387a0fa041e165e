# Shell set-up for terminals opened in the suite's JupyterLab (scripts/lab): the user's own
# ~/.bashrc first, then the suite's environment first on PATH.
if [ -f "$HOME/.bashrc" ]; then
  . "$HOME/.bashrc"
fi
if [ -n "${VIRTUAL_ENV:-}" ]; then
  export PATH="$VIRTUAL_ENV/bin:$PATH"
fi
