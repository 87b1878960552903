#!/usr/bin/env bash
# Demonstration of the end-to-end slice on the bundled ControlFlowNet archives (saved by torch
# 1.13 and 2.13, tests/fixtures/models/): convert each to an ML Program (.mlpackage) and a neural
# network (.mlmodel), run both on an input with negative mean (the model loops twice) and one
# with positive mean (once), and report which loop count each run took and its error against
# the output torch stored.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

# The demo runs the CLI only: the unit tests and tools are not built for it.
TS2COREML_BUILD_TARGETS=ts2coreml bash scripts/setup.sh
PYTHON="$(ts2coreml_python)"
CLI="$BUILD_DIR/ts2coreml"
FIXTURES="$REPO_ROOT/tests/fixtures/models"
OUT="$REPO_ROOT/out/demo"
rm -rf "$OUT"
mkdir -p "$OUT"

for stem in controlflow_t1.13 controlflow_t2.13; do
  for format in mlpackage mlmodel; do
    model="$OUT/$stem.$format"
    log "convert $stem.pt -> $model"
    "$CLI" convert "$FIXTURES/$stem.pt" -o "$model" --input 1x3x64x64
    for input in neg pos; do
      "$CLI" run "$model" --input "$FIXTURES/input_$input.npy" \
        --output-dir "$OUT/$stem.$format.$input" >/dev/null
    done
  done
done

echo
"$PYTHON" tools/demo_report.py --fixtures "$FIXTURES" --results "$OUT" \
  --archives controlflow_t1.13 controlflow_t2.13
