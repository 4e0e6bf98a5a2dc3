#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite store under ./var and start the server on 127.0.0.1:8000, with a demo
# unit that replays a recording of made-up cars into it every minute (PLATEWATCH_DEMO_UNIT=0: the server only).
set -euo pipefail
cd "$(dirname "$0")/.."
export PLATEWATCH_DATABASE_URL=${PLATEWATCH_DATABASE_URL:-sqlite:///var/platewatch.db}
export PLATEWATCH_DATA_DIR=${PLATEWATCH_DATA_DIR:-var}
# The demo agency is in Connecticut: its pages show Eastern time (the database keeps UTC).
export PLATEWATCH_TIME_ZONE=${PLATEWATCH_TIME_ZONE:-America/New_York}
mkdir -p "$PLATEWATCH_DATA_DIR"
.venv/bin/platewatch db upgrade
if [ "${PLATEWATCH_DEMO_UNIT:-1}" = 0 ]; then
  exec .venv/bin/platewatch server --no-migrate
fi

demo="$PLATEWATCH_DATA_DIR/demo"
mkdir -p "$demo"
if [ ! -s "$demo/unit.token" ]; then
  # The demo unit's API token is shown once: keep it for the next `make run` (the file is the unit's secret).
  (umask 077 && .venv/bin/platewatch unit add demo-unit --kind mobile --approved-for "demo: replays a recording" \
    | grep -o 'pwu_[A-Za-z0-9_-]*' > "$demo/unit.token") \
    || { echo "no demo unit (its token file $demo/unit.token is lost): starting the server only" >&2; rm -f "$demo/unit.token"; }
fi
[ -f "$demo/patrol.avi" ] && [ -f "$demo/patrol.nmea" ] \
  || .venv/bin/platewatch unit demo-video "$demo/patrol.avi" --nmea "$demo/patrol.nmea"

.venv/bin/platewatch server --no-migrate &
server=$!
replayer=
# Background jobs of a script ignore Ctrl-C: stop them here, and let the server finish its shutdown.
trap 'kill $server $replayer 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT INT TERM
url="http://${PLATEWATCH_HOST:-127.0.0.1}:${PLATEWATCH_PORT:-8000}"
.venv/bin/python - "$url" <<'PY'
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(sys.argv[1] + "/api/v1/health", timeout=2)
        break
    except OSError:
        time.sleep(0.5)
PY
if [ -s "$demo/unit.token" ]; then
  (
    child=
    trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM
    while true; do
      # The unit agent a patrol car runs, with the recording as its camera (played at its own frame rate, again
      # every minute: its officer screen on 127.0.0.1:8089 stays up). Restarted if it stops; a replay stopped
      # half-way loses nothing: its reads wait in the outbox.
      .venv/bin/platewatch unit run "$demo/patrol.avi" --server "$url" --token-file "$demo/unit.token" \
        --camera demo --outbox "$demo/outbox.db" --nmea "$demo/patrol.nmea" --repeat 60 >&2 &
      child=$!
      wait "$child" || true
      sleep 60 &
      child=$!
      wait "$child"
    done
  ) &
  replayer=$!
  echo "demo unit: replaying $demo/patrol.avi into $url every minute, its officer screen on http://127.0.0.1:8089/" \
    "(PLATEWATCH_DEMO_UNIT=0 to stop it)" >&2
fi
wait $server
