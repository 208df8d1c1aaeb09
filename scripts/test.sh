#!/usr/bin/env bash
# Build everything and run the test suite, then (by default) rebuild with
# ASan+UBSan in build-sanitize/ and run the tests again.
# Usage: scripts/test.sh [--no-sanitize]   (or ENGRAFT_SKIP_SANITIZE=1)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitize=1
if [[ ${ENGRAFT_SKIP_SANITIZE:-0} == 1 ]]; then
  sanitize=0
fi
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    -h | --help)
      sed -n '2,4s/^# \{0,1\}//p' "$0"
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
scripts/install-deps.sh

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

failed_step=""
if [[ $sanitize == 1 ]]; then
  echo "test.sh: ALL TESTS PASSED (Release + ASan/UBSan)"
else
  echo "test.sh: ALL TESTS PASSED (Release; sanitizer run skipped)"
fi
