#!/usr/bin/env bash
# Install the Debian packages engraft needs; does nothing (quickly) when all are present.
# Usage: scripts/install-deps.sh [--tests] [--bench]
#   --tests  also the fuzzing toolchain (clang-19, its libFuzzer/sanitizer runtime, llvm-19 for
#            llvm-symbolizer) and the browser tests' npm packages (tests/browser, pinned in its
#            package-lock.json, installed with `npm ci` by the machine's own Node.js and npm)
#   --bench  also install the benchmark peers (python3-scipy, r-cran-desolve, bc)
set -euo pipefail

packages=(cmake g++ make pkg-config libsundials-dev libfmt-dev libtoml11-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libsbml5-dev libglpk-dev
  libopenmpi-dev openmpi-bin libnlopt-dev libnlopt-cxx-dev libeigen3-dev libcpp-httplib-dev chromium)

browser_tests=0
for arg in "$@"; do
  case "$arg" in
    --tests)
      browser_tests=1
      packages+=(clang-19 libclang-rt-19-dev llvm-19)
      ;;
    --bench) packages+=(python3-scipy r-cran-desolve bc) ;;
    -h | --help)
      sed -n '2,8s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "install-deps.sh: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# playwright-core for tests/browser/e2e.mjs, exactly as locked; again only when the lock changed.
install_browser_test_packages() {
  [[ $browser_tests == 1 ]] || return 0
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/browser"
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps.sh: npm not found: the browser tests need the machine's Node.js (>= 20) and npm" >&2
    exit 1
  fi
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.engraft-lock" 2>/dev/null; then
    echo "install-deps.sh: npm ci in tests/browser" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$dir/node_modules/.engraft-lock"
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_browser_test_packages
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps.sh: missing packages (${missing[*]}) and not root, no sudo available" >&2
    exit 1
  fi
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_browser_test_packages
