#!/usr/bin/env bash
# Thread scaling and memory of `engraft trial` (never a test): runs a trial at several
# thread counts and patient numbers and prints subjects/s (wall clock, whole command,
# including model compilation and summaries), the CPU time (user + system) and the peak
# resident memory. On a shared machine the wall clock depends on the other load; CPU
# seconds that stay flat across thread counts show that threads add no work.
#
# Usage: bench/trial_scaling.sh [TRIAL] [PATIENTS...]     (defaults: trials/cd34_dose.toml 200 1000)
#   THREADS   thread counts to time (default: "1 2 ... nproc", at most 1, 2, 4, 8, 16)
#   ENGRAFT   the engraft binary (default: build/engraft)
#   RANKS     also time `mpirun -np R ... --threads 1` for each R listed (e.g. "2"; default none);
#             CPU and peak memory are then those of mpirun and its children together
# The patient count of the trial file is replaced by each PATIENTS value (per arm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRIAL=$(realpath "${1:-$ROOT/trials/cd34_dose.toml}")
shift || true
PATIENTS=("$@")
[[ ${#PATIENTS[@]} -gt 0 ]] || PATIENTS=(200 1000)
ENGRAFT=${ENGRAFT:-$ROOT/build/engraft}
NPROC=$(nproc)
if [[ -z ${THREADS:-} ]]; then
  THREADS=""
  for t in 1 2 4 8 16; do (( t <= NPROC )) && THREADS="$THREADS $t"; done
fi
WORK=$(mktemp -d)
dir=$(dirname "$TRIAL")
trap 'rm -rf "$WORK"; rm -f "$dir"/.bench-$$-*.toml' EXIT

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
echo "| patients/arm | subjects | threads × ranks | wall s | subjects/s | CPU s | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
# Open MPI refuses root and more ranks than cores unless told (containers, small machines).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

# time_run LABEL OUTDIR COMMAND...: one table row
time_run() {
  local label=$1 out=$2; shift 2
  local start end wall rss user system
  start=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$@" --out "$out" --quiet
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc -l)
  read -r rss user system <"$WORK/rss"
  printf '| %d | %d | %s | %.2f | %.0f | %.2f | %.1f |\n' "$n" $((n * arms)) "$label" "$wall" \
    "$(echo "$n * $arms / $wall" | bc -l)" "$(echo "$user + $system" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
for n in "${PATIENTS[@]}"; do
  # The copy lives beside the original so that its relative scenario path still resolves.
  copy="$dir/.bench-$$-$n.toml"
  sed "s/^patients = .*/patients = $n/" "$TRIAL" >"$copy"
  arms=$(grep -c '^\[\[arm\]\]' "$copy" || true); (( arms > 0 )) || arms=1
  for t in $THREADS; do
    time_run "$t × 1" "$WORK/out-$n-$t" "$ENGRAFT" trial "$copy" --threads "$t"
  done
  for r in ${RANKS:-}; do
    time_run "1 × $r" "$WORK/out-$n-mpi$r" mpirun -np "$r" "$ENGRAFT" trial "$copy" --threads 1
    cmp -s "$WORK/out-$n-1/subjects.csv" "$WORK/out-$n-mpi$r/subjects.csv" && echo "(subjects.csv identical for 1 thread and $r ranks)"
  done
  cmp -s "$WORK/out-$n-1/subjects.csv" "$WORK/out-$n-${t}/subjects.csv" && echo "(subjects.csv identical for 1 and $t threads)"
  rm -f "$copy"
done
