#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only when they are missing.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
# Fonts for the synthetic plate renderer and the web screenshots.
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# The synthetic plate generator (training/synth/fonts.py) also uses these faces.
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
[ -d /usr/share/fonts/truetype/freefont ] || need+=(fonts-freefont-ttf)
[ -d /usr/share/fonts/opentype/urw-base35 ] || need+=(fonts-urw-base35)
[ -d /usr/share/fonts/truetype/croscore ] || need+=(fonts-croscore)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# A fresh Debian postgresql package starts its own cluster; ours is separate, theirs may stay.
