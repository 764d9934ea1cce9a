#!/usr/bin/env bash
# Runs every libFuzzer harness of BUILD_DIR: first over its committed corpus and regression inputs (each must
# pass), then fuzzing for SECONDS from that corpus. A crash fails the run and leaves its input in
# tests/fuzz/crashes/, to be added to tests/fuzz/regressions/<harness>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p tests/fuzz/crashes
for harness in fuzz_http fuzz_websocket fuzz_schemas fuzz_gateway_payload; do
  bin="$build/$harness"
  dirs=(tests/fuzz/corpus/$harness)
  [ -d tests/fuzz/regressions/$harness ] && dirs+=(tests/fuzz/regressions/$harness)
  opts=(-max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=tests/fuzz/crashes/$harness-)
  case $harness in fuzz_schemas|fuzz_gateway_payload) opts+=(-dict=tests/fuzz/json.dict) ;; esac
  echo "fuzz: $harness: replaying ${dirs[*]}"
  work=$(mktemp -d)
  if ! "$bin" "${opts[@]}" -runs=0 "${dirs[@]}" > "$work.log" 2>&1; then
    tail -60 "$work.log"
    echo "fuzz: $harness FAILED on a committed input" >&2
    exit 1
  fi
  tail -1 "$work.log"
  echo "fuzz: $harness: fuzzing for ${seconds}s"
  if ! "$bin" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 "$work" "${dirs[@]}" > "$work.log" 2>&1; then
    tail -60 "$work.log"
    echo "fuzz: $harness FAILED; the input is in tests/fuzz/crashes/" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$work.log" | tr '\n' ' '; echo
  rm -rf "$work" "$work.log"
done
