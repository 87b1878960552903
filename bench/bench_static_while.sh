#!/usr/bin/env bash
# Conversion time of a static while loop unrolled at conversion time (`i = i + 1`, 2,000 / 4,000
# / 8,000 iterations; bench/make_static_while.py) for one or more ts2coreml binaries, e.g. a
# build of main and one of a branch. Each time is the best of 3 runs (wall clock, /usr/bin/time).
# The loop emits a few constants per iteration at the front of the top block, so the time shows
# whether that insertion is O(1) (linear in the iterations) or moves every node (quadratic).
# Not run by the tests. Usage: bench/bench_static_while.sh [BINARY...]  (default: build/ts2coreml)
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$REPO_ROOT"

binaries=("$@")
((${#binaries[@]})) || binaries=("$BUILD_DIR/ts2coreml")
PYTHON="$(ts2coreml_python)"
WORK="${TS2COREML_BENCH_DIR:-$REPO_ROOT/out/bench}"
ITERATIONS=(2000 4000 8000)
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time not found: apt-get install time" >&2; exit 1; }

mkdir -p "$WORK"
"$PYTHON" bench/make_static_while.py "$WORK" "${ITERATIONS[@]}"

printf '%-44s' "binary \\ iterations"
printf '%10s' "${ITERATIONS[@]}"
printf '\n'
for binary in "${binaries[@]}"; do
  [[ -x "$binary" ]] || { echo "error: $binary is not an executable" >&2; exit 1; }
  printf '%-44s' "$binary"
  for n in "${ITERATIONS[@]}"; do
    best=""
    for _ in 1 2 3; do
      rm -rf "$WORK/static_while.mlpackage"
      /usr/bin/time -f %e -o "$WORK/time.txt" "$binary" convert "$WORK/static_while_$n.pt" \
        -o "$WORK/static_while.mlpackage" --input 1x4 >/dev/null 2>"$WORK/stderr.txt" ||
        { echo; cat "$WORK/stderr.txt" >&2; exit 1; }
      wall="$(tail -n 1 "$WORK/time.txt")"
      if [[ -z "$best" ]] || awk "BEGIN {exit !($wall < $best)}"; then best="$wall"; fi
    done
    printf '%9ss' "$best"
  done
  printf '\n'
done
