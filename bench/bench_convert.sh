#!/usr/bin/env bash
# Conversion time and peak memory (max RSS from /usr/bin/time -v) of `ts2coreml convert` for the
# seed model and for a ~200 MB Linear model, to both formats. A plain `cp` of the large archive
# is the baseline: conversion should stay close to a file copy (ARCHITECTURE.md, decision 4).
# Not run by the tests. Usage: bench/bench_convert.sh [--coremltools]
#   --coremltools  also time coremltools' own converter (ct.convert) on the same archives
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$REPO_ROOT"

CLI="${TS2COREML_BIN:-$BUILD_DIR/ts2coreml}"
PYTHON="$(ts2coreml_python)"
WORK="${TS2COREML_BENCH_DIR:-$REPO_ROOT/out/bench}"
WITH_COREMLTOOLS=0
[[ "${1:-}" == "--coremltools" ]] && WITH_COREMLTOOLS=1

[[ -x "$CLI" ]] || { echo "error: $CLI not found: run scripts/setup.sh" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found: apt-get install time" >&2; exit 1; }

mkdir -p "$WORK"
"$PYTHON" bench/make_bench_models.py "$WORK"

rows=()
# measure LABEL OUTPUT COMMAND...: runs COMMAND under /usr/bin/time -v and adds a table row.
measure() {
  local label="$1" output="$2"
  shift 2
  rm -rf "$output"
  local report="$WORK/time.txt" status="ok"
  /usr/bin/time -v -o "$report" "$@" >/dev/null 2>"$WORK/stderr.txt" || status="failed"
  local wall rss size="-"
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$report")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$report")"
  [[ -e "$output" ]] && size="$(du -sb "$output" | cut -f1)"
  rows+=("$(printf '%-34s %10s %12s %14s %8s' "$label" "$wall" "$((rss / 1024)) MB" "$size" "$status")")
  if [[ "$status" != ok ]]; then sed 's/^/    /' "$WORK/stderr.txt" | tail -3 >&2; fi
}

for case in "seed 1x3x64x64" "large 1x4096"; do
  read -r name shape <<<"$case"
  archive="$WORK/$name.pt"
  for format in mlpackage mlmodel; do
    output="$WORK/$name.$format"
    measure "ts2coreml $name -> .$format" "$output" "$CLI" convert "$archive" -o "$output" --input "$shape"
    if ((WITH_COREMLTOOLS)); then
      measure "coremltools $name -> .$format" "$output" \
        "$PYTHON" bench/coremltools_convert.py "$archive" "$shape" "$output"
    fi
  done
done
measure "cp large.pt (baseline)" "$WORK/large.copy" cp "$WORK/large.pt" "$WORK/large.copy"

printf '%-34s %10s %12s %14s %8s\n' "conversion" "wall" "peak RSS" "output bytes" "status"
printf '%s\n' "${rows[@]}"
echo "archives: seed.pt $(stat -c %s "$WORK/seed.pt") bytes, large.pt $(stat -c %s "$WORK/large.pt") bytes"
