#!/bin/sh
# Installs engraft from BUILD_DIR into a temporary prefix, builds the consumer project
# with find_package(engraft) and runs it on the default scenario with the installed models.
set -eu
build_dir=$1
source_dir=$2
flags=${3:-}   # compile and link flags for the consumer (the sanitizer runtimes in a sanitizer build)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/tests/package" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DEXAMPLE_SOURCE="$source_dir/examples/step-01-one-patient/main.cpp" > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
ENGRAFT_MODELS_DIR="$work/prefix/share/engraft/models" "$work/consumer/consumer" "$source_dir/scenarios/default.toml"
