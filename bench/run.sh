#!/usr/bin/env bash
# Benchmark W1 and W2 (shared/benchmarks/README.md): engraft against the peers,
# in one run on one machine, with accuracy checked against a tight reference.
#
# Usage: bench/run.sh [N] [REPS]          (defaults: N=10000, REPS=3)
#   PEERS       peers for shared/benchmarks/peers/run-peers.sh (cvode always runs);
#               default: cvode, plus desolve-C desolve-R if R's deSolve is installed,
#               plus scipy-LSODA if /usr/bin/python3 has SciPy (scipy-BDF is slow: add it by hand)
#   ENGRAFT_METHODS  engraft methods to time (default "rk45 bdf"; rk45 is the default method)
#   ENGRAFT_ARGS     extra arguments for engraft_bench_workloads (e.g. "--rtol 3e-6")
#   BENCHMARKS  folder with the populations and peers/ (default: ../shared/benchmarks
#               beside the repository)
#   WORK        scratch folder (default: a new temporary folder); BUILD_DIR: the engraft
#               build (default: $WORK/build)
# Prints the machine, the peers' own table and a markdown table; everything is
# also written under $WORK.
set -euo pipefail
N=${1:-10000}
REPS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCHMARKS=${BENCHMARKS:-$(cd "$ROOT/../shared/benchmarks" 2>/dev/null && pwd || echo /work/shared/benchmarks)}
PEERDIR=$BENCHMARKS/peers
WORK=${WORK:-$(mktemp -d)}
BUILD_DIR=${BUILD_DIR:-$WORK/build}
ENGRAFT_METHODS=${ENGRAFT_METHODS:-"rk45 bdf"}
ENGRAFT_ARGS=${ENGRAFT_ARGS:-}
PY=/usr/bin/python3
NPROC=$(env -u OMP_NUM_THREADS nproc)   # nproc honours OMP_NUM_THREADS, set to 1 below
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$WORK/results"

for tool in bc g++ cmake "$PY"; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install -y bc)" >&2; exit 1; }
done
if [[ -z ${PEERS+x} ]]; then
  PEERS=cvode
  if command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' 2>/dev/null
  then PEERS="$PEERS desolve-C desolve-R"; fi
  if "$PY" -c 'import scipy' 2>/dev/null; then PEERS="$PEERS scipy-LSODA"; fi
fi

# --- machine -------------------------------------------------------------------
{
  echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "cpu:      $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "nproc:    $NPROC"
  echo "memory:   $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "compiler: $(g++ --version | head -1)"
  echo "cmake:    $(cmake --version | head -1)"
  echo "sundials: $(dpkg-query -W -f '${Version}' libsundials-dev 2>/dev/null || echo unknown)"
  echo "git:      $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (working tree modified)')"
  echo "N=$N REPS=$REPS PEERS=\"$PEERS\" ENGRAFT_METHODS=\"$ENGRAFT_METHODS\" ENGRAFT_ARGS=\"$ENGRAFT_ARGS\""
  echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min, before the run)"
  echo "work:     $WORK"
} | tee "$WORK/machine.txt"

# --- build ---------------------------------------------------------------------
echo "== building engraft_bench_workloads (Release) in $BUILD_DIR"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DENGRAFT_BUILD_TESTS=OFF -DENGRAFT_BUILD_BENCH=ON \
  >"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log"; exit 1; }
cmake --build "$BUILD_DIR" --target engraft_bench_workloads -j"$NPROC" >"$WORK/build.log" 2>&1 ||
  { tail -40 "$WORK/build.log"; exit 1; }
BENCH=$BUILD_DIR/bench/engraft_bench_workloads

# --- reference: the cvode peer at rtol = atol = 1e-10 (same flags as run-peers.sh) ---
echo "== reference: cvode peer, rtol = atol = 1e-10"
g++ -O2 -std=c++17 -o "$WORK/cvode_peer" "$PEERDIR/cvode_peer.cpp" -lsundials_cvode \
  -lsundials_nvecserial -lsundials_sunmatrixdense -lsundials_sunlinsoldense
for w in w1 w2; do
  "$WORK/cvode_peer" "$w" "$N" "$BENCHMARKS/$w-population.csv" "$WORK/ref-$w.csv" 1e-10 1e-10
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ROWS=$WORK/rows.tsv   # workload impl solve_s results.csv
: >"$ROWS"

for w in w1 w2; do
  # --- peers (run-peers.sh prints its own table; its timings are read from the RESULT lines) ---
  echo "== peers, $w: $PEERS"
  BUILD=$WORK/peers RESULTS=$WORK/results PEERS="$PEERS" WORKLOADS=$w \
    bash "$PEERDIR/run-peers.sh" "$N" "$REPS" | tee "$WORK/peers-$w.txt"
  # solve_s is printed to 3 decimals; subjects/s (N / solve_s, 1 decimal) keeps more digits
  awk -v w="$w" '$1 == w {print $2 "\t" $5}' "$WORK/peers-$w.txt" | while IFS=$'\t' read -r p rate; do
    printf '%s\t%s\t%s\t%s\n' "$w" "$p" "$(bc -l <<<"$N / $rate")" "$WORK/results/$p-$w-N$N.csv" >>"$ROWS"
  done
  # --- engraft, right after the peers on the same workload ---
  for m in $ENGRAFT_METHODS; do
    out=$WORK/results/engraft-$m-$w-N$N.csv
    echo "== engraft $m, $w"
    # shellcheck disable=SC2086
    line=$("$BENCH" --workload "$w" --population "$BENCHMARKS/$w-population.csv" --n "$N" --reps "$REPS" \
      --out "$out" --method "$m" $ENGRAFT_ARGS | tee "$WORK/engraft-$m-$w.log" | grep '^RESULT')
    cat "$WORK/engraft-$m-$w.log"
    s=$(sed 's/.*wall_s=\([^ ]*\).*/\1/' <<<"$line")
    tol=$(sed 's/.*rtol=\([^ ]*\) atol=\([^ ]*\).*/rtol \1, atol \2/' <<<"$line")
    printf '%s\t%s\t%s\t%s\n' "$w" "engraft $m ($tol)" "$s" "$out" >>"$ROWS"
  done
done

# --- table ---------------------------------------------------------------------
{
  echo
  echo "| workload | implementation | median solve s | subjects/s | ratio to cvode peer | max \|Δtcross\| vs ref (d) | NA set equal |"
  echo "|---|---|---:|---:|---:|---:|---|"
  while IFS=$'\t' read -r w impl s out; do
    cv=$(awk -F'\t' -v w="$w" '$1 == w && $2 == "cvode" {print $3}' "$ROWS")
    cmp=$("$PY" "$PEERDIR/compare.py" "$WORK/ref-$w.csv" "$out")
    dt=$(sed 's/.*max_abs_dtcross=\([^ ]*\).*/\1/' <<<"$cmp")
    nad=${cmp##*na_mismatch=}
    na=$(tail -n +2 "$out" | cut -d, -f2 | grep -c NA || true)
    printf '| %s | %s | %.3f | %.0f | %.2f | %s | %s (%s NA) |\n' "$w" "$impl" "$s" \
      "$(bc -l <<<"$N / $s")" "$(bc -l <<<"$cv / $s")" "$dt" "$([[ $nad == 0 ]] && echo yes || echo "no, $nad differ")" "$na"
  done <"$ROWS"
} | tee "$WORK/table.md"
# --- paired check: the cvode peer and engraft (default method) back to back, REPS
# times, so that a load change on a shared machine hits both; median of the ratios.
{
  echo
  echo "Paired runs (cvode peer, then engraft ${ENGRAFT_METHODS%% *}, alternated $REPS times; median of per-pair ratios):"
  echo
  echo "| workload | cvode peer subjects/s (median) | engraft subjects/s (median) | median ratio |"
  echo "|---|---:|---:|---:|"
  m=${ENGRAFT_METHODS%% *}
  for w in w1 w2; do
    cv=(); en=(); ra=()
    for ((r = 0; r < REPS; r++)); do
      a=$("$WORK/cvode_peer" "$w" "$N" "$BENCHMARKS/$w-population.csv" "$WORK/pair-cvode.csv" |
        sed -n 's/^RESULT.*wall_s=\([^ ]*\).*/\1/p')
      # shellcheck disable=SC2086
      b=$("$BENCH" --workload "$w" --population "$BENCHMARKS/$w-population.csv" --n "$N" --reps 1 \
        --out "$WORK/pair-engraft.csv" --method "$m" $ENGRAFT_ARGS | sed -n 's/^RESULT.*wall_s=\([^ ]*\).*/\1/p')
      cv+=("$(bc -l <<<"$N / $a")"); en+=("$(bc -l <<<"$N / $b")"); ra+=("$(bc -l <<<"$a / $b")")
    done
    printf '| %s | %.0f | %.0f | %.2f |\n' "$w" "$(printf '%s\n' "${cv[@]}" | median)" \
      "$(printf '%s\n' "${en[@]}" | median)" "$(printf '%s\n' "${ra[@]}" | median)"
  done
} | tee -a "$WORK/table.md"

echo
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/machine.txt"
echo "(results, reference and logs: $WORK)"
