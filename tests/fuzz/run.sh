#!/usr/bin/env bash
# Runs every libFuzzer harness of BUILD_DIR: first over its committed corpus and regression inputs (each must
# pass), then fuzzing for SECONDS from that corpus. A crash fails the run and leaves its input in
# tests/fuzz/crashes/, to be added to tests/fuzz/regressions/<harness>/ with its fix.
#
# Memory growth is a crash too: -rss_limit_mb stops a run whose resident memory passes RSS_LIMIT_MB, and
# -malloc_limit_mb one whose single allocation passes MALLOC_LIMIT_MB, so an input that makes the server grow
# (a body copied once per chunk, a buffer that never shrinks) is found like an overflow is.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
rss_limit_mb=${RSS_LIMIT_MB:-1024}
malloc_limit_mb=${MALLOC_LIMIT_MB:-256}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p tests/fuzz/crashes
for harness in fuzz_http fuzz_websocket fuzz_schemas fuzz_gateway_payload fuzz_multipart; do
  bin="$build/$harness"
  dirs=(tests/fuzz/corpus/$harness)
  [ -d tests/fuzz/regressions/$harness ] && dirs+=(tests/fuzz/regressions/$harness)
  opts=(-timeout=10 -rss_limit_mb="$rss_limit_mb" -malloc_limit_mb="$malloc_limit_mb"
        -artifact_prefix=tests/fuzz/crashes/$harness-)
  case $harness in
    # Bodies up to the server's 1 MiB limit and past it, chunked ones included: 1-byte chunks cost 6 bytes each.
    fuzz_http) opts+=(-max_len=1048576 -dict=tests/fuzz/http.dict) ;;
    fuzz_schemas|fuzz_gateway_payload) opts+=(-max_len=4096 -dict=tests/fuzz/json.dict) ;;
    fuzz_multipart) opts+=(-max_len=8192 -dict=tests/fuzz/multipart.dict) ;;
    *) opts+=(-max_len=4096) ;;
  esac
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
