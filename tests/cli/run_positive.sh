#!/bin/sh
# Positive CLI checks. Usage: run_positive.sh ENGRAFT_BINARY CHECK [SOURCE_DIR]
#   models  `engraft models` exits 0 and lists stiehl2015_neutrophil
#   show    `engraft model show zhu2025_platelet` exits 0 and shows kshed
#   run     `engraft run scenarios/validation/h4_stiehl_progenitor_graft.toml --out OUT` exits 0,
#           OUT holds timecourse.csv and summary.json with 15.0 <= anc_0_5_crossing_day <= 15.8
set -u
engraft=$1
check=$2
source_dir=${3:-}
fail() { echo "FAIL [$check]: $*" >&2; exit 1; }
[ -x "$engraft" ] || fail "no engraft binary at $engraft"
work=$(mktemp -d "${TMPDIR:-/tmp}/engraft-cli-ok.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT

case $check in
  models)
    "$engraft" models >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft models exited $rc"
    grep -q 'stiehl2015_neutrophil' "$work/stdout" || fail "stiehl2015_neutrophil not listed"
    ;;
  show)
    "$engraft" model show zhu2025_platelet >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft model show zhu2025_platelet exited $rc"
    grep -q 'kshed' "$work/stdout" || fail "kshed not shown"
    ;;
  run)
    [ -n "$source_dir" ] || fail "needs the source directory"
    out="$work/out"
    "$engraft" run "$source_dir/scenarios/validation/h4_stiehl_progenitor_graft.toml" --out "$out" \
      >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft run exited $rc"
    [ -s "$out/timecourse.csv" ] || fail "no timecourse.csv in the output folder"
    [ -s "$out/summary.json" ] || fail "no summary.json in the output folder"
    /usr/bin/python3 -c '
import json, sys
day = json.load(open(sys.argv[1]))["endpoints"]["anc_0_5_crossing_day"]
print("endpoints.anc_0_5_crossing_day =", day)
sys.exit(0 if isinstance(day, (int, float)) and 15.0 <= day <= 15.8 else 1)
' "$out/summary.json" || fail "endpoints.anc_0_5_crossing_day not in [15.0, 15.8]"
    leftovers=$(find "$out" -name '*.tmp.*')
    [ -z "$leftovers" ] || fail "temporary files left in the output folder: $leftovers"
    ;;
  *) fail "unknown check" ;;
esac
echo "PASS [$check]"
