# Source me: ensure_venv [EXTRAS] makes .venv with Readings installed (editable).
# Re-installs only when pyproject.toml changed, so repeated runs start fast.

ensure_venv() {
  local extras="${1:-}"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Readings needs Python 3.11 or newer; found: $("$python" --version 2>&1)" >&2
    return 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $("$python" --version)…"
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  local stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)${extras:+-$extras}"
  if [ ! -f "$stamp" ]; then
    echo "Installing Readings${extras:+ with [$extras]} into .venv…"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
