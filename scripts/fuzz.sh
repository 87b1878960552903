#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (docs/fuzzing.md):
#   scripts/fuzz.sh [--runs N] [seconds-per-target] [target...]
# Builds build-asan/ (scripts/build_asan.sh), makes the seed corpora from the fixtures
# (scripts/fuzz_seeds.py, once), then runs each target (default: all) for the given time
# (default 60 s), one after the other; with --runs, a target also stops after N executions
# (libFuzzer's -runs), whichever comes first. The corpus each run grows is kept in
# build-asan/fuzz-corpus/<target>; the kept regression inputs (tests/fixtures/fuzz_regressions)
# are run first as part of it. Stops non-zero at the first crash, leak, timeout or out-of-memory,
# printing the file that reproduces it (build-asan/fuzz-crashes/<target>/...); replay it with
#   build-asan/fuzz_<target> <file>
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

max_runs=""
if [[ "${1:-}" == "--runs" ]]; then
  [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --runs takes a positive count" >&2; exit 2; }
  max_runs="$2"
  shift 2
fi
seconds="${1:-60}"
shift || true
ALL_TARGETS=(npy zip_reader unpickler torchscript_parser compiler mlmodel mlpackage)
targets=("$@")
if ((${#targets[@]} == 0)); then targets=("${ALL_TARGETS[@]}"); fi

# The longest input per target: above the largest seed, small enough to keep runs fast.
declare -A MAX_LEN=([npy]=4096 [zip_reader]=16384 [unpickler]=8192 [torchscript_parser]=8192
                    [compiler]=4096 [mlmodel]=16384 [mlpackage]=32768)
# The compiler target's timeout is longer: a whole conversion under ASan is ~10x slower than the
# release build, and a static while at its 10,000-iteration limit takes seconds there
# (docs/fuzzing.md, "Known limits").
declare -A TIMEOUT=([compiler]=60)
declare -A DICT=([unpickler]=pickle [zip_reader]=zip [torchscript_parser]=torchscript
                 [compiler]=torchscript)

for target in "${targets[@]}"; do
  [[ -n "${MAX_LEN[$target]:-}" ]] || { echo "fuzz.sh: unknown target '$target' (${ALL_TARGETS[*]})" >&2; exit 2; }
done

ASAN_BUILD_DIR="$(bash scripts/build_asan.sh)"
PYTHON="$(ts2coreml_python)"
seeds="$ASAN_BUILD_DIR/fuzz-seeds"
if [[ ! -f "$seeds/complete" ]]; then
  log "making seed corpora in $seeds"
  rm -rf "$seeds"
  "$PYTHON" scripts/fuzz_seeds.py "$seeds" "$ASAN_BUILD_DIR/ts2coreml"
  touch "$seeds/complete"
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for target in "${targets[@]}"; do
  corpus="$ASAN_BUILD_DIR/fuzz-corpus/$target"
  crashes="$ASAN_BUILD_DIR/fuzz-crashes/$target"
  logfile="$ASAN_BUILD_DIR/fuzz-logs/$target.log"
  regressions="tests/fixtures/fuzz_regressions/$target"
  mkdir -p "$corpus" "$crashes" "$(dirname "$logfile")"
  dirs=("$corpus" "$seeds/$target")
  [[ -d "$regressions" ]] && dirs+=("$regressions")
  options=(-max_total_time="$seconds" -max_len="${MAX_LEN[$target]}" -rss_limit_mb=2048
           -timeout="${TIMEOUT[$target]:-10}" -print_final_stats=1 -artifact_prefix="$crashes/")
  [[ -n "${DICT[$target]:-}" ]] && options+=(-dict="fuzz/dict/${DICT[$target]}.dict")
  [[ -n "$max_runs" ]] && options+=(-runs="$max_runs")
  log "fuzz_$target for ${seconds}s (log: $logfile)"
  if ! "$ASAN_BUILD_DIR/fuzz_$target" "${options[@]}" "${dirs[@]}" >"$logfile" 2>&1; then
    # The report's head and its summary, lines cut (C++ frames are long).
    grep -E -m 30 '^(==[0-9]+==|    #[0-9]|SUMMARY|.*runtime error|.*Test unit written)' "$logfile" |
      cut -c 1-300 >&2 || tail -n 30 "$logfile" >&2
    artifact="$(grep -o "Test unit written to .*" "$logfile" | tail -n 1 | sed 's/Test unit written to //')"
    echo "FAILED: fuzz_$target: ${artifact:-no reproducer written, see $logfile}" >&2
    exit 1
  fi
  # The run's figures: executions, speed, coverage, corpus (libFuzzer's last status line).
  runs="$(awk '/stat::number_of_executed_units:/ {print $2}' "$logfile")"
  speed="$(awk '/stat::average_exec_per_sec:/ {print $2}' "$logfile")"
  last="$(grep -E '^#[0-9]+' "$logfile" | tail -n 1)"
  seconds_run="$(grep -o 'Done [0-9]* runs in [0-9]* second' "$logfile" | awk '{print $5}')"
  echo "fuzz_$target: $runs runs in ${seconds_run:-?} s, $speed exec/s; last: $last" >&2
done
echo "fuzz.sh: ${targets[*]}: no crash in ${seconds}s${max_runs:+ or $max_runs runs} each" >&2
