#!/usr/bin/env bash
# Create the virtual environment, installing Debian's python3-venv first when it is missing.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  exit 0
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
  echo "python3 -m venv failed; installing python3-venv" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-dev gcc >/dev/null
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
