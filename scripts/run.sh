#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite store under ./var and start the server on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLATEWATCH_DATABASE_URL=${PLATEWATCH_DATABASE_URL:-sqlite:///var/platewatch.db}
export PLATEWATCH_DATA_DIR=${PLATEWATCH_DATA_DIR:-var}
mkdir -p "$PLATEWATCH_DATA_DIR"
.venv/bin/platewatch db upgrade
exec .venv/bin/platewatch server --no-migrate
