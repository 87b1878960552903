#!/usr/bin/env bash
# Runs the real-model suite's whole list (every timm model of timm's torchscript test, every
# transformers architecture, both traced forms), converting each to ML Program fp32, fp16 and a
# neural network and comparing with torch, asks coremltools 9.0 too, and rewrites
# docs/real_models.md. The transformers set takes minutes, the whole timm list hours on 2 cores
# (its large models take minutes each). Generated archives are cached under
# $BUILD_DIR/test-cache/real_models, results go to $BUILD_DIR/real_models/results.json chunk by
# chunk; REAL_MODELS_RESUME=1 keeps them and goes on where a stopped run left off. Extra
# arguments go to tests/real_models/run_real_models.py (e.g. --suite timm, --no-coremltools,
# model names).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

bash scripts/setup.sh
bash scripts/setup_real_models.sh
PYTHON="$(ts2coreml_python)"
export TS2COREML_BIN="$BUILD_DIR/ts2coreml"
export TS2COREML_BUILD_DIR="$BUILD_DIR"
mkdir -p "$BUILD_DIR/real_models"
results="$BUILD_DIR/real_models/results.json"
# Results of an older build of ts2coreml are stale: start again unless asked to go on.
if [[ "${REAL_MODELS_RESUME:-0}" != 1 ]]; then rm -f "$results"; fi
nice "$PYTHON" tests/real_models/run_real_models.py "$results" "$@"
"$PYTHON" tools/gen_real_models_table.py "$results" docs/real_models.md
log "wrote docs/real_models.md"
