#!/usr/bin/env bash
# Install the Debian packages engraft needs; does nothing (quickly) when all are present.
# Usage: scripts/install-deps.sh [--bench]
#   --bench  also install the benchmark peers (python3-scipy, r-cran-desolve, bc)
set -euo pipefail

packages=(cmake g++ make pkg-config libsundials-dev libfmt-dev libtoml11-dev
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libsbml5-dev libglpk-dev
  libopenmpi-dev openmpi-bin libnlopt-dev libnlopt-cxx-dev libeigen3-dev chromium)

for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-scipy r-cran-desolve bc) ;;
    -h | --help)
      sed -n '2,4s/^# \{0,1\}//p' "$0"
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

if [[ ${#missing[@]} -eq 0 ]]; then
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
