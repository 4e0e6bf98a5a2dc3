#!/usr/bin/env bash
# `make bench`: every benchmark, results written into docs/benchmarks.md (machine and date included).
# Not part of CI: the 14 M-read search benchmark alone takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt_deps.sh
pgdir=$(mktemp -d /tmp/platewatch-bench-pg.XXXXXX)
trap 'scripts/pg_cluster.sh stop "$pgdir"' EXIT
pg_url=$(scripts/pg_cluster.sh start "$pgdir")
export PYTHONPATH=$PWD
py=.venv/bin/python
$py -m benchmarks.server_ingest --pg-url "$pg_url" ${BENCH_INGEST_ARGS:-}
$py -m benchmarks.alert_streams --pg-url "$pg_url" ${BENCH_STREAMS_ARGS:-}
$py -m benchmarks.server_search --pg-url "$pg_url" ${BENCH_SEARCH_ARGS:-}
$py -m benchmarks.matching ${BENCH_MATCHING_ARGS:-}
$py -m benchmarks.purge --pg-url "$pg_url" ${BENCH_PURGE_ARGS:---reads 700000 --day-reads 1000000 --day-files --file-bytes 0}
$py -m benchmarks.querylog_pages --pg-url "$pg_url" ${BENCH_QUERYLOG_ARGS:-}
$py -m benchmarks.load_test --pg-url "$pg_url" ${BENCH_LOAD_ARGS:-}
datasets=../shared/datasets
if [ -d "$datasets" ]; then
  for set in openalpr-us-plate-crops openalpr-eu-endtoend openalpr-br-endtoend; do
    [ -f "$datasets/$set/labels.csv" ] && .venv/bin/platewatch bench recognition "$datasets/$set" --split val
  done
  # The distant stand-in (issue 21): val plates at the scale of real 1280-px US photos, built from the datasets.
  PYTHONPATH=src:. $py -m training.distant_set --out training/cache
  for set in us eubr; do
    .venv/bin/platewatch bench recognition "training/cache/distant-$set"
  done
else
  echo "recognition benchmark skipped: $datasets not found"
fi
echo "results: docs/benchmarks.md"
