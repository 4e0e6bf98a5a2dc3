#!/usr/bin/env bash
# The whole suite on SQLite and on a throwaway PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt_deps.sh
pgdir=$(mktemp -d /tmp/platewatch-pg.XXXXXX)
trap 'scripts/pg_cluster.sh stop "$pgdir"' EXIT
PLATEWATCH_TEST_PG_URL=$(scripts/pg_cluster.sh start "$pgdir")
export PLATEWATCH_TEST_PG_URL
export PLATEWATCH_TEST_BACKENDS=${PLATEWATCH_TEST_BACKENDS:-sqlite,postgresql}
echo "test backends: $PLATEWATCH_TEST_BACKENDS (PostgreSQL at ${PLATEWATCH_TEST_PG_URL})"
.venv/bin/pytest -q "$@"
