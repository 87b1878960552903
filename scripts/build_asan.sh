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
  # -O1, as ASan's documentation advises: fast enough to run the tests and fuzzers, much cheaper
  # to compile than -O2 (the cold build of this folder is the longest step of CI on a fresh
  # machine); line tables only (CMakeLists.txt) for the file:line in sanitizer reports.
  CC=clang CXX=clang++ cmake -S . -B "$ASAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -DNDEBUG" \
    -DTS2COREML_SANITIZE=ON -DTS2COREML_FUZZ=ON >&2
fi
log "building $ASAN_BUILD_DIR"
cmake --build "$ASAN_BUILD_DIR" -j "$(nproc)" >&2
echo "$ASAN_BUILD_DIR"
