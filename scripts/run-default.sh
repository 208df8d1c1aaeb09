#!/usr/bin/env bash
# Build the engraft CLI (if needed) and run it. With no arguments the CLI runs
# its built-in default scenario and prints the summary; arguments are passed to
# `engraft run`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh

# Run a command quietly; show its output only if it fails.
quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "run-default.sh: failed: $*" >&2
    exit 1
  fi
  rm -f "$log"
}

if [[ ! -f build/CMakeCache.txt ]]; then
  quiet cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
fi
quiet cmake --build build --target engraft_cli -j "$(nproc)"

exec build/engraft run "$@"
