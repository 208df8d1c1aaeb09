#!/usr/bin/env bash
# Build the libFuzzer targets (clang-19, ASan+UBSan) in build-fuzz/, replay every regression
# input, then fuzz each target for a bounded time on a temporary copy of its seed corpus.
# Usage: tests/fuzz/run-fuzz.sh [TARGET...]   (default: every target; see docs/fuzzing.md)
#   FUZZ_SECONDS=30   seconds of fuzzing per target (0: replay regressions and seeds only)
#   FUZZ_RUNS=N       also stop each target after N executions (long runs)
#   FUZZ_JOBS=N       build parallelism (default: nproc)
#   FUZZ_BUILD_DIR    build tree (default: build-fuzz); FUZZ_CXX: compiler (default: clang++-19)
#   FUZZ_LOG_DIR      keep each target's libFuzzer log there as TARGET.log (long runs)
#   FUZZ_CORPUS_DIR   fuzz in DIR/TARGET (seeded, then kept) instead of a temporary copy, so that
#                     a long run can resume where an earlier one stopped
# Exits non-zero when a target crashes, leaks, trips a sanitizer, throws an unexpected
# exception, runs past 10 s on one input or past 2 GiB; the input is kept in
# BUILD_DIR/findings/TARGET/ and its path printed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fuzz_dir=$root/tests/fuzz
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
cxx=${FUZZ_CXX:-clang++-19}
seconds=${FUZZ_SECONDS:-30}
runs=${FUZZ_RUNS:-}
jobs=${FUZZ_JOBS:-$(nproc)}
log_dir=${FUZZ_LOG_DIR:-}
[[ -n $log_dir ]] && mkdir -p "$log_dir"
corpus_dir=${FUZZ_CORPUS_DIR:-}

for arg in "$@"; do
  case "$arg" in
    -h | --help)
      sed -n '2,14s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    -*)
      echo "run-fuzz.sh: unknown option: $arg" >&2
      exit 2
      ;;
  esac
done

if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "run-fuzz.sh: $cxx not found (scripts/install-deps.sh --tests installs clang-19, libclang-rt-19-dev and llvm-19)" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== fuzz: build ($cxx, ASan+UBSan+libFuzzer) in ${build#"$root"/}/"
if ! { cmake -S "$fuzz_dir" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" &&
  cmake --build "$build" --target fuzz_all -j "$jobs"; } >"$log" 2>&1; then
  tail -n 100 "$log" >&2
  echo "run-fuzz.sh: build failed" >&2
  exit 1
fi

IFS=";" read -r -a all_targets <"$build/fuzz-targets.txt" || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  if [[ ! -x $build/fuzz_$t ]]; then
    echo "run-fuzz.sh: no target '$t' (have: ${all_targets[*]})" >&2
    exit 2
  fi
done

export ENGRAFT_MODELS_DIR=$root/models
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$fuzz_dir/lsan.supp:print_suppressions=0}
if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]]; then
  for s in llvm-symbolizer-19 llvm-symbolizer; do
    if command -v "$s" >/dev/null 2>&1; then
      ASAN_SYMBOLIZER_PATH=$(command -v "$s")
      export ASAN_SYMBOLIZER_PATH
      break
    fi
  done
  if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]]; then
    echo "run-fuzz.sh: warning: no llvm-symbolizer: stacks will be unreadable and lsan.supp will not match" >&2
  fi
fi
limits=(-timeout=10 -rss_limit_mb=2048)

work=$(mktemp -d)
trap 'rm -f "$log"; rm -rf "$work"' EXIT

# Seeds that stay outside the repository (licences): ../shared, when it is there.
extra_seeds() {
  local target=$1 dest=$2 shared=$root/../shared
  case "$target" in
    nonmem)  # one data set per nmtests scenario (GPL-2 data: copied to the temporary corpus only)
      [[ -f $shared/nmtests/input-events.csv ]] &&
        awk -F, -v dir="$dest" 'NR == 1 { header = $0; next }
          { f = dir "/nmtests-" $2 ".csv"; if (!(f in seen)) { print header > f; seen[f] = 1 } print > f }' \
          "$shared/nmtests/input-events.csv"
      ;;
    sbml)  # the smallest Level 3 Version 2 cases of the SBML test suite (LGPL)
      if [[ -d $shared/sbml-test-suite/cases ]]; then
        # (not `| head`: under pipefail, head closing the pipe early fails the script)
        local cases
        mapfile -d '' cases < <(find "$shared/sbml-test-suite/cases" -name '*-sbml-l3v2.xml' -size -4k -print0 | sort -z)
        [[ ${#cases[@]} -gt 0 ]] && cp -t "$dest" "${cases[@]:0:300}"
      fi
      ;;
  esac
  return 0
}

# The useful part of a libFuzzer/sanitizer report: what happened and the first frames outside
# the fuzzing and sanitizer runtimes.
report() {
  grep -E -A3 'FUZZ FINDING' "$1" >&2 || true
  grep -E 'ERROR: |runtime error|SUMMARY|terminate called|what\(\)' "$1" | head -n 6 >&2 || true
  grep -E '^ +#[0-9]+ ' "$1" |
    grep -v -E 'fuzzer::|__sanitizer|__asan|__ubsan|libc\.so|libc_start|in _start|in main |abort|raise|pthread_kill|PrintStack|engraft::fuzz::finding|include/c\+\+/|Interceptor|in mem(cmp|cpy|set)' |
    head -n 6 | cut -c1-240 >&2 || true
}

failed=()
summary=()
for t in "${targets[@]}"; do
  exe=$build/fuzz_$t
  findings=$build/findings/$t
  mkdir -p "$findings"
  dict=()
  [[ -f $fuzz_dir/dict/$t.dict ]] && dict=(-dict="$fuzz_dir/dict/$t.dict")

  # 1. Regression inputs: each must now run clean.
  shopt -s nullglob
  regressions=("$fuzz_dir/regressions/$t"/*)
  shopt -u nullglob
  for input in "${regressions[@]}"; do
    if ! "$exe" "${limits[@]}" "$input" >"$log" 2>&1; then
      report "$log"
      echo "run-fuzz.sh: $t: regression input fails: ${input#"$root"/}" >&2
      failed+=("$t (regression ${input##*/})")
    fi
  done

  # 2. Fuzzing, on a copy of the seed corpus (the committed corpus never grows).
  corpus=${corpus_dir:-$work}/$t
  mkdir -p "$corpus"
  [[ -d $fuzz_dir/corpus/$t ]] && cp -r "$fuzz_dir/corpus/$t/." "$corpus/"
  extra_seeds "$t" "$corpus"
  bound=(-max_total_time="$seconds")
  [[ $seconds == 0 ]] && bound=(-runs=0)
  [[ -n $runs ]] && bound+=(-runs="$runs")
  echo "== fuzz: $t (${bound[*]}, ${#regressions[@]} regression inputs)"
  rc=0
  "$exe" "${limits[@]}" "${bound[@]}" "${dict[@]}" -print_final_stats=1 \
    -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1 || rc=$?
  [[ -n $log_dir ]] && cp "$log" "$log_dir/$t.log"
  # 72: libFuzzer's exit code when sent SIGINT or SIGTERM (a long run stopped early): no finding.
  if [[ $rc == 0 || $rc == 72 ]]; then
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    [[ $rc == 72 ]] && execs="$execs (stopped)"
    summary+=("$(printf '%-11s %10s execs %7s exec/s   %s' "$t" "$execs" "$rate" "$last")")
  else
    report "$log"
    crash=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log" | tail -n 1)
    echo "run-fuzz.sh: $t: FAILED; input: ${crash:-(none written; see the log above)}" >&2
    failed+=("$t${crash:+ ($crash)}")
  fi
done

echo "== fuzz: summary"
for line in "${summary[@]}"; do echo "$line"; done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "run-fuzz.sh: FAILED:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "run-fuzz.sh: no findings (${targets[*]})"
