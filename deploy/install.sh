#!/usr/bin/env bash
# Install or upgrade PlateWatch as a service on a Debian 12 machine, as root (docs/operations.md, "Install as a
# service"):
#   deploy/install.sh [--root DIR] server|unit...
#     server  the operations server and the hot-list folder watcher
#     unit    the unit agent (a patrol car's computer or a trailer)
# It creates the `platewatch` system user, /opt/platewatch/.venv (a non-editable install of this checkout),
# /etc/platewatch (settings: written once, never overwritten), /var/lib/platewatch (data), /var/backups/platewatch
# (the server's daily backups) and the systemd units.
# It enables and starts nothing: it prints what to do next. Run it again from a newer checkout to upgrade.
# --root DIR stages everything under DIR instead of / (packaging, tests): no user is created, nothing is chowned,
# systemd is not reloaded.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
root=/
roles=()
usage="usage: deploy/install.sh [--root DIR] server|unit..."
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || { echo "--root needs a folder; $usage" >&2; exit 2; }; root=$2; shift 2 ;;
    server|unit) roles+=("$1"); shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown role or option: $1; $usage" >&2; exit 2 ;;
  esac
done
[ ${#roles[@]} -gt 0 ] || { echo "name what to install (server, unit or both); $usage" >&2; exit 2; }
root=${root%/}
live=false
[ -z "$root" ] && live=true
if $live && [ "$(id -u)" != 0 ]; then
  echo "installing into / needs root (or stage it with --root DIR)" >&2
  exit 1
fi
if ! $live; then
  mkdir -p "$root"
  root=$(cd "$root" && pwd)
fi

user=platewatch
prefix=$root/opt/platewatch
etc=$root/etc/platewatch
data=$root/var/lib/platewatch
units=$root/etc/systemd/system

# folder MODE [OWNER GROUP]: created, or its mode and owner set again; owners only on a live install.
folder() {
  install -d -m "$1" "$2"
  chmod "$1" "$2"
  if $live && [ $# -ge 4 ]; then chown "$3:$4" "$2"; fi
}

# settings FILE: write standard input there unless the file exists (a department's settings are never replaced).
settings() {
  if [ -e "$1" ]; then
    cat >/dev/null
    echo "kept $1"
    return
  fi
  (umask 027 && cat >"$1.new")
  chmod 640 "$1.new"
  if $live; then chown "root:$user" "$1.new"; fi
  mv "$1.new" "$1"
  echo "wrote $1"
}

if $live && ! getent passwd "$user" >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/platewatch --no-create-home --shell /usr/sbin/nologin \
    --comment "PlateWatch services" "$user"
  echo "created the system user $user"
fi

folder 755 "$prefix"
"$repo/scripts/ensure_venv.sh" python3 "$prefix/.venv"
"$prefix/.venv/bin/pip" install --quiet --upgrade pip
# Non-editable: the installed code does not depend on this checkout, which may then be removed.
"$prefix/.venv/bin/pip" install --quiet --upgrade "$repo"
version=$("$prefix/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("platewatch"))')
echo "installed platewatch $version in $prefix/.venv"

folder 750 "$etc" root "$user"
folder 750 "$data" "$user" "$user"
folder 755 "$units"

for role in "${roles[@]}"; do
  case "$role" in
    server)
      folder 2770 "$root/srv/hotlists" "$user" "$user"
      folder 750 "$root/var/backups/platewatch" "$user" "$user"
      settings "$etc/server.env" <<'EOF'
# The operations server's settings (docs/operations.md), read by platewatch-server.service and
# platewatch-hotlist-watch.service. Upgrades never overwrite this file. Every setting: `platewatch server --help`
# and src/platewatch/server/settings.py (environment variables PLATEWATCH_*).
# A town: the embedded SQLite store.
PLATEWATCH_DATABASE_URL=sqlite:////var/lib/platewatch/platewatch.db
# A county or more: PostgreSQL 15+ (the role may create the pg_trgm extension), password in ~/.pgpass or the URL.
#PLATEWATCH_DATABASE_URL=postgresql+psycopg://platewatch@dbhost:5432/platewatch
PLATEWATCH_DATA_DIR=/var/lib/platewatch
# Where platewatch-backup.timer's daily backups go (kept 14 days), which `platewatch check` looks at.
PLATEWATCH_BACKUP_DIR=/var/backups/platewatch
#PLATEWATCH_AGENCY_NAME=New Canaan Police Department
# The town's other agencies that may request LPR data (';' between them); any other agency's request is denied.
#PLATEWATCH_TOWN_AGENCIES=Town of New Canaan; New Canaan Fire Marshal
# The agency's time zone: pages, reports and documents show its local time (the database keeps UTC).
PLATEWATCH_TIME_ZONE=America/New_York
#PLATEWATCH_MAP_AREA=41.09,-73.57,41.21,-73.43
# The Data Query Log's anchors: storage the database's administrators cannot rewrite (also add the folder to
# ReadWritePaths in the service: `systemctl edit platewatch-server`).
#PLATEWATCH_QUERYLOG_ANCHOR_FILE=/mnt/lpr-anchors/querylog.anchors
EOF
      install -m 644 "$repo/deploy/systemd/platewatch-server.service" "$repo/deploy/systemd/platewatch-hotlist-watch.service" \
        "$repo/deploy/systemd/platewatch-backup.service" "$repo/deploy/systemd/platewatch-backup.timer" "$units/"
      ;;
    unit)
      settings "$etc/unit.env" <<'EOF'
# The unit agent's settings (docs/operations.md, "Accounts and units"), read by platewatch-unit.service.
# Upgrades never overwrite this file. The unit's API token goes in /etc/platewatch/unit.token (mode 600).
# The camera: an RTSP or HTTP URL, or a device number (0 = /dev/video0).
PLATEWATCH_UNIT_CAMERA=rtsp://192.168.0.20/stream1
# The camera's name, as reads record it.
PLATEWATCH_UNIT_CAMERA_NAME=front
# The operations server, through the department's HTTPS proxy.
PLATEWATCH_UNIT_SERVER=https://lpr.example.gov
# The GPS: gpsd://localhost, the car router's NMEA stream tcp://host:port, or serial:///dev/ttyUSB0?baud=4800.
PLATEWATCH_UNIT_GPS=gpsd://localhost
# The officer's alert screen (loopback only), or off for a trailer without an officer.
PLATEWATCH_UNIT_SCREEN=127.0.0.1:8089
# Parts of the camera's view where no plate is looked for (a burned-in clock, a sign a trailer always sees):
# x,y,w,h as fractions of the frame from its top-left corner, several joined by ;  (none by default)
#PLATEWATCH_UNIT_IGNORE=0.6,0.9,0.4,0.1
# The detector's input (longer side, pixels; 960 by default): smaller on a computer that recognizes fewer than 15
# frames a second (`platewatch unit check` says how long a frame takes); it then finds fewer distant plates.
#PLATEWATCH_UNIT_DETECTOR_SIZE=800
EOF
      install -m 644 "$repo/deploy/systemd/platewatch-unit.service" "$units/"
      ;;
  esac
done

if $live && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi

echo
echo "Next:"
for role in "${roles[@]}"; do
  case "$role" in
    server)
      echo "  server: edit /etc/platewatch/server.env, then"
      echo "          systemctl enable --now platewatch-server platewatch-hotlist-watch platewatch-backup.timer"
      echo "          (daily backups in /var/backups/platewatch, kept 14 days: copy them off the machine with rsync --delete)"
      echo "          (the first start prints the administrator's one-time password: journalctl -u platewatch-server)"
      ;;
    unit)
      echo "  unit:   on the server, \`platewatch unit add NAME --kind mobile\` prints the unit's token; put it in"
      echo "          /etc/platewatch/unit.token (owner $user, mode 600), edit /etc/platewatch/unit.env,"
      echo "          sudo -u $user /opt/platewatch/.venv/bin/platewatch unit check --env-file /etc/platewatch/unit.env"
      echo "          then systemctl enable --now platewatch-unit"
      ;;
  esac
done
echo "  after an upgrade: systemctl restart the services that run (the server migrates its database at start)"
