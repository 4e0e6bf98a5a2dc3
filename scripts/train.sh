#!/usr/bin/env bash
# Train one recognition model on this machine's CPU and export it to src/platewatch/engine/models/.
#   scripts/train.sh reader|detector|state|rectifier [extra args for training/<model>.py, e.g. --minutes 10]
# Needs ../shared/datasets and Debian fonts (also listed in scripts/apt_deps.sh); installs the [train] extra (torch) and
# Pillow (glyph rendering) into .venv. One thread by default (TRAIN_THREADS=2 on an idle 2-core box).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: scripts/train.sh reader|detector|state|rectifier [args...]}
shift
case "$model" in reader|detector|state|rectifier) ;; *) echo "unknown model: $model" >&2; exit 2 ;; esac
fonts=(fonts-dejavu-core fonts-liberation fonts-freefont-ttf fonts-urw-base35 fonts-croscore)
if [ ! -f /usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf ] || [ ! -d /usr/share/fonts/truetype/croscore ]; then
  [ "$(id -u)" = 0 ] || { echo "missing fonts; as root: apt-get install ${fonts[*]}" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${fonts[@]}" >/dev/null
fi
if ! .venv/bin/python -c 'import torch, onnx, onnxscript, PIL' 2>/dev/null; then
  .venv/bin/pip install --quiet -e '.[train]'
fi
[ -d ../shared/datasets ] || { echo "../shared/datasets not found: training needs the shared datasets" >&2; exit 1; }
export OMP_NUM_THREADS=${TRAIN_THREADS:-1} TRAIN_THREADS=${TRAIN_THREADS:-1}
mkdir -p training/runs
log="training/runs/$model-$(date -u +%Y%m%dT%H%M%S).log"
echo "training $model; log in $log"
.venv/bin/python -m "training.$model" "$@" 2>&1 | tee "$log"
