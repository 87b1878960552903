#!/usr/bin/env bash
# Configures and builds the sanitizer build (clang, ASan + UBSan, libFuzzer coverage) into
# build-asan/ (TS2COREML_ASAN_BUILD_DIR to change it). One build serves scripts/test_sanitized.sh
# (unit tests, CLI) and scripts/fuzz.sh (the fuzz_* targets). Prints the build folder.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

ASAN_BUILD_DIR="${TS2COREML_ASAN_BUILD_DIR:-$REPO_ROOT/build-asan}"
if [[ ! -f "$ASAN_BUILD_DIR/CMakeCache.txt" ]]; then
  log "configuring $ASAN_BUILD_DIR (clang, TS2COREML_SANITIZE, TS2COREML_FUZZ)"
  # RelWithDebInfo: optimized like the real build, with line tables for the sanitizer reports.
  CC=clang CXX=clang++ cmake -S . -B "$ASAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTS2COREML_SANITIZE=ON -DTS2COREML_FUZZ=ON >&2
fi
log "building $ASAN_BUILD_DIR"
cmake --build "$ASAN_BUILD_DIR" -j "$(nproc)" >&2
echo "$ASAN_BUILD_DIR"
