#!/usr/bin/env bash
# Runs every test: setup (packages + build), the C++ unit tests (ctest), then the end-to-end
# suite (tests/e2e) and the coremltools structure checks (tests/coreml_check) with pytest, and
# the Python package (pip install . into a fresh venv, then tests/python), and the real-model
# suite's CI sample (tests/real_models: timm and transformers models, packages pinned and
# installed by scripts/setup_real_models.sh, archives cached under the build folder), then the
# sanitizer build (scripts/test_sanitized.sh: unit tests and an e2e subset under ASan + UBSan)
# and a short run of every fuzz target (scripts/fuzz.sh 30, on the same build-asan/).
# Exits non-zero when anything fails; the last line summarizes the parts.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

bash scripts/setup.sh
bash scripts/setup_real_models.sh
PYTHON="$(ts2coreml_python)"
export TS2COREML_BIN="$BUILD_DIR/ts2coreml"
export TS2COREML_BUILD_DIR="$BUILD_DIR"

declare -A result
run_part() {
  local name="$1"
  shift
  log "$name: $*"
  if "$@"; then result[$name]="passed"; else result[$name]="FAILED"; fi
}

run_part unit ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
# Separate pytest runs: each folder has its own conftest.py and helper modules.
run_part e2e "$PYTHON" -m pytest tests/e2e -q -n "$(nproc)"
run_part coreml_check "$PYTHON" -m pytest tests/coreml_check -q -n "$(nproc)"
run_part python_package bash scripts/test_python_package.sh
run_part real_models "$PYTHON" -m pytest tests/real_models -q -n "$(nproc)"
run_part sanitized bash scripts/test_sanitized.sh
run_part fuzz_smoke bash scripts/fuzz.sh 30

summary="unit tests ${result[unit]}, e2e ${result[e2e]}, coreml_check ${result[coreml_check]}"
summary+=", python_package ${result[python_package]}, real_models ${result[real_models]}"
summary+=", sanitized ${result[sanitized]}, fuzz_smoke ${result[fuzz_smoke]}"
for part in unit e2e coreml_check python_package real_models sanitized fuzz_smoke; do
  if [[ "${result[$part]}" != "passed" ]]; then
    echo "FAILED: $summary"
    exit 1
  fi
done
echo "ALL PASSED: $summary"
