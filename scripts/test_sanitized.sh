#!/usr/bin/env bash
# The sanitizer build's tests: builds build-asan/ (scripts/build_asan.sh), runs the unit tests
# and an e2e subset (hostile inputs, bad inputs, the CLI) with the instrumented ts2coreml. Any
# ASan/UBSan finding aborts the process it is in, so it fails the test that ran it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

ASAN_BUILD_DIR="$(bash scripts/build_asan.sh)"
PYTHON="$(ts2coreml_python)"
# detect_leaks: a leak is a finding too. abort_on_error: a finding ends the process with a signal,
# which the e2e tests treat as a crash. The exit code 1 of a refused input stays distinguishable.
# hard_rss_limit_mb: the memory bound of the hostile-input tests (RLIMIT_AS does not work with
# ASan's shadow memory; ASan's own overhead is why it is twice their 1 GiB).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:hard_rss_limit_mb=2048"
export TS2COREML_SANITIZED=1
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

status=0
log "sanitized unit tests"
ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure -j "$(nproc)" || status=1
log "sanitized e2e subset"
# Deselected: the default loop cap's test runs a million loop-layer iterations, minutes under
# ASan (the release-build e2e run covers it; the option's test with a small cap stays).
TS2COREML_BIN="$ASAN_BUILD_DIR/ts2coreml" TS2COREML_BUILD_DIR="$ASAN_BUILD_DIR" \
  "$PYTHON" -m pytest -q -n "$(nproc)" -p no:cacheprovider \
  tests/e2e/test_hostile_inputs.py tests/e2e/test_bad_input.py tests/e2e/test_fuzz_regressions.py \
  --deselect tests/e2e/test_hostile_inputs.py::test_runtime_loop_cap_neural_network \
  || status=1
exit $status
