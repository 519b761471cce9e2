#!/usr/bin/env bash
# npm run models:staleness: how often to retrain. Draws a simulated stream of
# labelled drawings whose style drifts month by month (build.ts, through the
# app's preprocessing), trains the small model on older months and tests it on
# newer ones (staleness.py), and prints accuracy against the age of the
# training data. Options go to staleness.py (--epochs N, --cumulative,
# --tolerance P); STALENESS_MONTHS, STALENESS_TRAIN and STALENESS_TEST size
# the stream. Needs PyTorch from Debian: apt-get install -y python3-torch
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-/usr/bin/python3}
OUT=training/.cache/staleness
started=$(date +%s)

if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "models:staleness: $PYTHON cannot import torch; install it with: apt-get install -y python3-torch" >&2
  exit 1
fi

echo "== data: a drifting stream of drawings, through the app's preprocessing"
npx tsx training/staleness/build.ts "$OUT" \
  ${STALENESS_MONTHS:+--months "$STALENESS_MONTHS"} ${STALENESS_TRAIN:+--train "$STALENESS_TRAIN"} ${STALENESS_TEST:+--test "$STALENESS_TEST"}
echo "== train on older months, test on newer ones (PyTorch)"
"$PYTHON" training/staleness/staleness.py "$OUT" --json "$OUT/report.json" "$@"
echo "wall time: $(($(date +%s) - started))s"
