#!/usr/bin/env bash
# Workloads W1 and W2 as in-silico trials (issue 4's performance figures), side by side with the
# peers of ../shared/benchmarks in the same run (never a test):
#   1. W1 and W2, PATIENTS subjects each (default 10^5) drawn from the distributions of the shared
#      population files (bench/trials/w1.toml, w2.toml): 1 and 2 threads, and mpirun -np 2;
#   2. W1 with BIG subjects (default 10^6), summaries only: wall time and peak resident memory;
#   3. the peers on the 10^4 subjects of the shared population files (run-peers.sh), whose
#      whole-process subjects/s (start-up and CSV included, as engraft's here) is the fair column.
# Usage: bench/trial_workloads.sh [PATIENTS] [BIG]
#   PEERS      peers for run-peers.sh (default: cvode, plus desolve-C if R's deSolve is installed)
#   ENGRAFT    the engraft binary (default: build/engraft, Release)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PATIENTS=${1:-100000}
BIG=${2:-1000000}
BENCHMARKS=${BENCHMARKS:-$ROOT/../shared/benchmarks}
export ENGRAFT=${ENGRAFT:-$ROOT/build/engraft}

echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:      $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "engraft:  $("$ENGRAFT" --version 2>/dev/null | head -1) at $(git -C "$ROOT" rev-parse --short HEAD)"
echo "command:  bench/trial_workloads.sh $PATIENTS $BIG"
for w in w1 w2; do
  echo; echo "## $w, $PATIENTS subjects"
  THREADS="1 2" RANKS=2 "$ROOT/bench/trial_scaling.sh" "$ROOT/bench/trials/$w.toml" "$PATIENTS"
done
echo; echo "## w1, $BIG subjects, summaries only"
THREADS=$(nproc) "$ROOT/bench/trial_scaling.sh" "$ROOT/bench/trials/w1.toml" "$BIG"

if [[ -d $BENCHMARKS/peers ]]; then
  if [[ -z ${PEERS+x} ]]; then
    PEERS=cvode
    if Rscript -e 'quit(status = !requireNamespace("deSolve", quietly = TRUE))' 2>/dev/null; then PEERS="cvode desolve-C"; fi
  fi
  echo; echo "## peers, 10000 subjects of the shared population files, one thread (proc_s: whole process)"
  PEERS=$PEERS "$BENCHMARKS/peers/run-peers.sh" 10000 1
else
  echo "trial_workloads.sh: no peers at $BENCHMARKS/peers: peer columns skipped" >&2
fi
