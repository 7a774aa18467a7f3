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
  local hash
  hash=$(sha256sum < pyproject.toml | cut -c1-16)
  local stamp=".venv/.installed-$hash${extras:+-$extras}"
  # An install with extras also satisfies a request without them.
  if [ -z "$extras" ] && ls .venv/.installed-"$hash"* >/dev/null 2>&1; then
    return 0
  fi
  if [ ! -f "$stamp" ]; then
    echo "Installing Readings${extras:+ with [$extras]} into .venv…"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
