#!/usr/bin/env bash
# Build everything and run the test suite, then (by default) rebuild with
# ASan+UBSan in build-sanitize/ and run the tests again, then fuzz every input
# parser for FUZZ_SECONDS (default 30) each (tests/fuzz/run-fuzz.sh, build-fuzz/).
# Usage: scripts/test.sh [--no-sanitize] [--no-fuzz]   (or ENGRAFT_SKIP_SANITIZE=1, ENGRAFT_SKIP_FUZZ=1)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitize=1
if [[ ${ENGRAFT_SKIP_SANITIZE:-0} == 1 ]]; then
  sanitize=0
fi
fuzz=1
if [[ ${ENGRAFT_SKIP_FUZZ:-0} == 1 ]]; then
  fuzz=0
fi
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    --no-fuzz) fuzz=0 ;;
    -h | --help)
      sed -n '2,5s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "test.sh: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

jobs=$(nproc)
failed_step=""
trap 'if [[ -n $failed_step ]]; then echo "test.sh: FAILED at: $failed_step" >&2; fi' EXIT

# Run a command, keeping its output out of the way unless it fails.
quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    tail -n 300 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

failed_step="install-deps"
scripts/install-deps.sh --tests

echo "== build (Release, -Werror)"
failed_step="configure build/"
quiet cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DENGRAFT_WERROR=ON
failed_step="build build/"
quiet cmake --build build -j "$jobs"
echo "== ctest build/"
failed_step="ctest build/"
ctest --test-dir build --output-on-failure -j 2 --timeout 600

if [[ $sanitize == 1 ]]; then
  echo "== build (ASan+UBSan)"
  failed_step="configure build-sanitize/"
  quiet cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DENGRAFT_SANITIZE=ON -DENGRAFT_WERROR=ON -DENGRAFT_BUILD_BENCH=OFF
  failed_step="build build-sanitize/"
  quiet cmake --build build-sanitize -j "$jobs"
  echo "== ctest build-sanitize/"
  failed_step="ctest build-sanitize/"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-sanitize --output-on-failure -j 2 --timeout 900
fi

if [[ $fuzz == 1 ]]; then
  echo "== fuzz (libFuzzer, ASan+UBSan, ${FUZZ_SECONDS:-30} s per target)"
  failed_step="fuzz (tests/fuzz/run-fuzz.sh)"
  # FUZZ_TARGETS: a subset of the targets (default: every one)
  # shellcheck disable=SC2086
  FUZZ_SECONDS=${FUZZ_SECONDS:-30} FUZZ_JOBS=${FUZZ_JOBS:-$jobs} tests/fuzz/run-fuzz.sh ${FUZZ_TARGETS:-}
fi

failed_step=""
fuzzed=""
if [[ $fuzz == 1 ]]; then fuzzed=" + fuzz"; fi
if [[ $sanitize == 1 ]]; then
  echo "test.sh: ALL TESTS PASSED (Release + ASan/UBSan$fuzzed)"
else
  echo "test.sh: ALL TESTS PASSED (Release$fuzzed; sanitizer run skipped)"
fi
