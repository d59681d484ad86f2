#!/usr/bin/env bash
# Sets up what the project needs on this machine: a virtualenv with the pinned
# packages and, with --browser, Debian's Chromium for the browser tests.
# Safe to run again: it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "Alliance Dashboard needs Python 3.11; found $("$PYTHON" --version 2>&1). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "Creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "Installing the pinned packages (requirements.txt)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi

# The project folder on the virtualenv's path, so `python -m alliance` works from
# any folder (cron jobs) with this checkout's code.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$PWD" > "$site/alliance-dashboard.pth"

if [[ ${1:-} == --browser ]]; then
  need=()
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
  if ((${#need[@]})); then
    if [[ $(id -u) == 0 ]]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
      echo "The browser tests need Debian's ${need[*]}: install them with apt-get (as root) and run this again." >&2
      exit 1
    fi
    echo "Installing ${need[*]} with apt-get"
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
