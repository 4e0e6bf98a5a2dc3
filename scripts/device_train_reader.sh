#!/usr/bin/env bash
# On a GPU machine lent through the device tool: fine-tune the shipped reader with the kit that
# `python -m training.device_kit` packed here (the run call names it: carry ["device-kit"]); the model, its sidecar,
# the log and the last checkpoint land in $OUT (or training/runs/device).
#   scripts/device_train_reader.sh [MINUTES] [more options for training/reader.py; the last one given wins]
# The recipe is reader stage 7's (MODEL_CARD.md), from the shipped reader; DEVICE=cpu WORKERS=1 tries it on a CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
kit=${DEVICE_KIT:-device-kit}
[ -f "$kit/MANIFEST.json" ] || { echo "no $kit/MANIFEST.json: run \`python -m training.device_kit\` and carry $kit" >&2; exit 2; }
python=${PYTHON:-python3}
"$python" -m pip install --quiet --no-index --no-deps --no-compile --target /tmp/platewatch-site "$kit"/wheels/*.whl
export PYTHONPATH=/tmp/platewatch-site:src:. PLATEWATCH_DATASETS=$PWD/$kit/datasets PLATEWATCH_FONTS=$PWD/$kit/fonts
export OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1
out=${OUT:-training/runs/device}
mkdir -p "$out"
minutes=${1:-7}
shift $(( $# > 0 ? 1 : 0 ))
workers=${WORKERS:-$(( $(nproc) > 3 ? $(nproc) - 2 : 1 ))}
"$python" -m training.reader --device "${DEVICE:-cuda}" --workers "$workers" --minutes "$minutes" \
  --init src/platewatch/engine/models/reader.onnx --freeze-bn --lr 2e-4 \
  --real-share 0.25 --photo-share 0.15 --pasted-share 0.25 --det-boxes "$kit/detector_boxes.json" \
  --ema 0.999 --mixed-ends 0.3 --side-marks 0.3 --seed 83 --monitor-minutes 2 \
  --out "$out/reader.onnx" --run "$out/run" "$@" 2>&1 | tee "$out/reader.log"
