#!/bin/sh
# Positive CLI checks. Usage: run_positive.sh ENGRAFT_BINARY CHECK [SOURCE_DIR]
#   models  `engraft models` exits 0 and lists stiehl2015_neutrophil
#   show    `engraft model show zhu2025_platelet` exits 0 and shows kshed
#   run     `engraft run scenarios/validation/h4_stiehl_progenitor_graft.toml --out OUT` exits 0,
#           OUT holds timecourse.csv and summary.json with 15.0 <= anc_0_5_crossing_day <= 15.8
#   evidence `engraft evidence` filters by indication and mechanism, in English, Chinese and JSON
#   explain `engraft explain blood_recovery` runs the default transplant (neutrophils in 9-13 d, H8) and
#           quotes its evidence rows; Chinese verdicts; all 9 topics (4 mechanisms, 5 fields)
#   population_from trials/gcsf_timing.toml's day +1 arm equals cd34_dose.toml's 5e6/kg arm, subject by subject
#   reports `--report` of run, trial, sensitivity and fit: well-formed SVG plots, parsed by headless chromium
#   trial   `engraft trial tests/data/trial/sampled.toml` with --threads 1 and --threads 2 exits 0 and
#           writes byte-identical subjects.csv, summary.json and summary.txt, and no partial file
#   trial_resume  a per-subject file cut in the middle of a row (as by a kill), continued with
#           `engraft trial --resume`, ends byte-identical to an uninterrupted run
#   trial_mpi `MPIEXEC -np 2 engraft trial tests/data/trial/sampled.toml` (MPIEXEC from the 4th
#           argument) writes the same subjects.csv, summary.json and trajectories as one process
#   fit     `engraft fit fits/example_patient.toml` with --threads 1 and 2 exits 0 and writes byte-identical
#           fit.json and forecast.csv; the MAP converged and the neutrophil forecast median is in H8's 9-13 d
#   example_trial `engraft trial trials/cd34_dose.toml` exits 0; the 5e6/kg arm's median neutrophil
#           engraftment day is in H8's 9-13 d and > 99 % of patients engraft by day 14 (H8)
#   sensitivity `engraft sensitivity tests/data/sensitivity/small.toml` with --threads 1 and --threads 2
#           exits 0, prints the table, and writes byte-identical sobol.csv and sobol.json with one row
#           per endpoint and factor and ordered interval bounds
#   colour  `engraft validate` colours pass on a terminal (a pseudo-terminal from script(1)), and not
#           with NO_COLOR set nor into a pipe; the coloured table's rule is as wide as the plain one's
#   sbml_roundtrip `engraft model export infarct_cell_therapy`, `engraft sbml import` of that file to
#           a model file, and `engraft model export` of the model file: the solver hint ("stiff")
#           survives every step, and the model file reads back
#   example_sensitivity `engraft sensitivity sensitivity/challenges.toml` exits 0 and finds what
#           docs/sensitivity-format.md reports: f_gmp has the largest total index of both neutrophil
#           endpoints, the graft dose that of platelet engraftment, and f_gmp none for platelets
set -u
engraft=$1
check=$2
source_dir=${3:-}
fail() { echo "FAIL [$check]: $*" >&2; exit 1; }
[ -x "$engraft" ] || fail "no engraft binary at $engraft"
work=$(mktemp -d "${TMPDIR:-/tmp}/engraft-cli-ok.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT
# Runs engraft with the given arguments, shows its output, and fails unless it exits 0.
run_ok() {
  "$engraft" "$@" >"$work/stdout" 2>"$work/stderr"; rc=$?
  cat "$work/stdout" "$work/stderr"
  [ $rc -eq 0 ] || fail "engraft $* exited $rc"
}

case $check in
  models)
    "$engraft" models >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft models exited $rc"
    grep -q 'stiehl2015_neutrophil' "$work/stdout" || fail "stiehl2015_neutrophil not listed"
    ;;
  colour)
    case_file=$source_dir/validation/h4_stiehl_neutrophil.toml
    on_terminal() { script -qec "$*" /dev/null | tr -d '\r'; }
    on_terminal env -u NO_COLOR "$engraft" validate "$case_file" >"$work/tty" || fail "validate on a terminal failed"
    on_terminal env NO_COLOR=1 "$engraft" validate "$case_file" >"$work/no_color" || fail "validate with NO_COLOR failed"
    env -u NO_COLOR "$engraft" validate "$case_file" >"$work/pipe" || fail "validate into a pipe failed"
    cat "$work/tty"
    esc=$(printf '\033')
    grep -q "${esc}\[32mpass${esc}\[0m" "$work/tty" || fail "no green 'pass' on a terminal"
    ! grep -q "$esc" "$work/no_color" || fail "colour with NO_COLOR=1"
    ! grep -q "$esc" "$work/pipe" || fail "colour into a pipe"
    [ "$(sed -n 2p "$work/tty")" = "$(sed -n 2p "$work/pipe")" ] || fail "the rule under the header differs with colour"
    ;;
  sbml_roundtrip)
    run_ok model export infarct_cell_therapy --out "$work/exported.xml"
    grep -q '<engraft:solver xmlns:engraft="urn:engraft:sbml-annotation:1" hint="stiff"/>' "$work/exported.xml" ||
      fail "no engraft:solver annotation in the exported SBML"
    run_ok sbml import "$work/exported.xml" --out "$work/imported.toml"
    grep -qx 'solver = "stiff"' "$work/imported.toml" || fail "the imported model file lost the solver hint"
    run_ok model show "$work/imported.toml"
    run_ok model export "$work/imported.toml" --out "$work/again.xml"
    grep -q 'hint="stiff"' "$work/again.xml" || fail "the second export lost the solver hint"
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
  evidence)
    "$engraft" evidence --indication gvhd >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft evidence exited $rc"
    grep -q '70.4 %' "$work/stdout" || fail "GVHD001's day-28 response (70.4 %) not shown"
    ! grep -q 'zimislecel' "$work/stdout" || fail "--indication gvhd shows a diabetes study"
    "$engraft" evidence --lang zh >"$work/stdout" 2>"$work/stderr" || fail "engraft evidence --lang zh failed"
    grep -q '已记录的危害' "$work/stdout" || fail "no Chinese harms heading"
    "$engraft" evidence --json --mechanism replacement >"$work/json" || fail "engraft evidence --json failed"
    /usr/bin/python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
sys.exit(0 if rows and all(r["mechanism"] == "replacement" for r in rows) else 1)
' "$work/json" || fail "--json --mechanism replacement: not only replacement rows"
    ;;
  explain)
    # The model part is run on the spot: the default transplant engrafts neutrophils in 9-13 days (H8).
    "$engraft" explain blood_recovery >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft explain blood_recovery exited $rc"
    grep -Eq 'neutrophil engraftment \(ASTCT\): day (9|1[0-3])$' "$work/stdout" || fail "no neutrophil engraftment day in 9-13"
    grep -q 'determination-2022' "$work/stdout" || fail "the evidence rows are missing"
    "$engraft" explain differentiation --lang zh >"$work/stdout" 2>"$work/stderr" || fail "engraft explain --lang zh failed"
    grep -q '证据结论: 不成立' "$work/stdout" || fail "no Chinese verdict"
    "$engraft" explain --no-run >"$work/stdout" 2>"$work/stderr" || fail "engraft explain --no-run failed"
    [ "$(grep -c '^Evidence verdict' "$work/stdout")" -eq 9 ] || fail "not 9 topics (4 mechanisms, 5 fields)"
    ;;
  population_from)
    # trials/gcsf_timing.toml takes cd34_dose.toml's patients ([population] from): its G-CSF day +1
    # arm is the dose trial's 5e6/kg arm (same scenario and regimen), so every subject must match.
    [ -n "$source_dir" ] || fail "needs the source directory"
    "$engraft" trial "$source_dir/trials/cd34_dose.toml" --out "$work/dose" --quiet || fail "cd34_dose failed"
    "$engraft" trial "$source_dir/trials/gcsf_timing.toml" --out "$work/gcsf" --quiet || fail "gcsf_timing failed"
    /usr/bin/python3 -c '
import csv, sys
pick = lambda f, arm: [r for r in csv.DictReader(open(f)) if r["arm"] == arm]
a = pick(sys.argv[1] + "/subjects.csv", "G-CSF from day +1")
b = pick(sys.argv[2] + "/subjects.csv", "CD34+ 5e6/kg")
keys = ["patient", "f_gmp", "CL_mel", "kaz", "neutrophil_engraftment_day", "anc_0_5_crossing_day"]
same = sum(all(x[k] == y[k] for k in keys) for x, y in zip(a, b))
print(same, "of", len(a), "subjects identical")
sys.exit(0 if len(a) == len(b) == same == 200 else 1)
' "$work/gcsf" "$work/dose" || fail "the shared population does not give the same patients"
    ;;
  reports)
    # --report on run (a transplant and a cell-fate model), trial, sensitivity and fit: every SVG is
    # well-formed XML with the expected plot elements, and a headless browser parses each file.
    [ -n "$source_dir" ] || fail "needs the source directory"
    command -v chromium >/dev/null || fail "chromium is missing (scripts/install-deps.sh installs it)"
    "$engraft" run --report "$work/run.html" --quiet || fail "engraft run --report failed"
    "$engraft" run "$source_dir/scenarios/cell_fate/msc_human_iv.toml" --report "$work/cells.html" --lang zh --quiet \
      || fail "engraft run --report (cell fate) failed"
    "$engraft" trial "$source_dir/tests/data/trial/sampled.toml" --out "$work/t" --report "$work/trial.html" --quiet \
      || fail "engraft trial --report failed"
    "$engraft" sensitivity "$source_dir/tests/data/sensitivity/small.toml" --out "$work/s" --report "$work/sens.html" \
      --quiet || fail "engraft sensitivity --report failed"
    "$engraft" fit "$source_dir/fits/example_patient.toml" --out "$work/f" --report "$work/fit.html" --quiet \
      || fail "engraft fit --report failed"
    for r in run cells trial sens fit; do
      timeout 120 chromium --headless=new --no-sandbox --disable-gpu --dump-dom "file://$work/$r.html" >"$work/$r.dom" \
        2>/dev/null || fail "chromium could not open $r.html"
    done
    /usr/bin/python3 -c '
import re, sys, xml.dom.minidom
work = sys.argv[1]
want = {"run": ["class=\"threshold\"", "class=\"marker\"", "class=\"series\""],
        "cells": ["class=\"series\"", "lang=\"zh\""],
        "trial": ["class=\"median\"", "class=\"bar\""],
        "sens": ["class=\"bar\"", "class=\"interval\""],
        "fit": ["class=\"median\"", "class=\"series\""]}
for name, marks in want.items():
    html = open(f"{work}/{name}.html").read()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert svgs, name
    for svg in svgs:
        xml.dom.minidom.parseString(svg)
    for mark in marks:
        assert mark in html, (name, mark)
    dom = open(f"{work}/{name}.dom").read()
    assert dom.count("<svg") == len(svgs), (name, "browser sees", dom.count("<svg"), "of", len(svgs))
    print(name + ".html:", len(svgs), "plots, parsed by the browser")
' "$work" || fail "a report is malformed or lacks its plots"
    ;;
  trial)
    [ -n "$source_dir" ] || fail "needs the source directory"
    for n in 1 2; do
      "$engraft" trial "$source_dir/tests/data/trial/sampled.toml" --out "$work/t$n" --threads $n --quiet \
        >"$work/stdout" 2>"$work/stderr"; rc=$?
      cat "$work/stdout" "$work/stderr"
      [ $rc -eq 0 ] || fail "engraft trial --threads $n exited $rc"
    done
    for f in subjects.csv summary.json summary.txt; do
      cmp "$work/t1/$f" "$work/t2/$f" || fail "$f differs between 1 and 2 threads"
    done
    [ ! -e "$work/t1/subjects.csv.partial" ] || fail "partial per-subject file left behind"
    ;;
  trial_resume)
    [ -n "$source_dir" ] || fail "needs the source directory"
    trial="$source_dir/tests/data/trial/sampled.toml"
    "$engraft" trial "$trial" --out "$work/whole" --quiet || fail "uninterrupted run failed"
    mkdir "$work/cut"
    # What a kill leaves: the inputs' fingerprint and 30 subjects plus half of the next row.
    /usr/bin/python3 -c '
import json, sys
whole, cut = sys.argv[1], sys.argv[2]
fingerprint = json.load(open(whole + "/summary.json"))["trial"]["fingerprint"]
json.dump({"fingerprint": fingerprint}, open(cut + "/trial-state.json", "w"))
lines = open(whole + "/subjects.csv").read().split("\n")
open(cut + "/subjects.csv.partial", "w").write("\n".join(lines[:31]) + "\n" + lines[31][:17])
' "$work/whole" "$work/cut" || fail "could not prepare the cut folder"
    "$engraft" trial "$trial" --out "$work/cut" --resume --threads 2 --quiet >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "engraft trial --resume exited $rc"
    for f in subjects.csv summary.json summary.txt; do
      cmp "$work/whole/$f" "$work/cut/$f" || fail "$f differs after --resume"
    done
    # It continued rather than started again: patient 0 of arm 0 (subject 0) was not re-simulated,
    # so its time course was not written; arm 1's (subject 40) was.
    [ ! -e "$work/cut/trajectories/arm0_patient0.csv" ] || fail "--resume simulated subject 0 again"
    [ -e "$work/cut/trajectories/arm1_patient0.csv" ] || fail "subject 40's time course is missing"
    ;;
  trial_mpi)
    [ -n "$source_dir" ] || fail "needs the source directory"
    mpiexec=${4:-}
    [ -n "$mpiexec" ] || fail "needs the MPI launcher"
    # Open MPI refuses root and more ranks than cores unless told (containers, small CI machines):
    # the environment forms of --allow-run-as-root and --oversubscribe, ignored by other MPIs.
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    "$engraft" trial "$source_dir/tests/data/trial/sampled.toml" --out "$work/one" --quiet || fail "one process failed"
    # Under ASan, Open MPI 4.1's own allocations in MPI_Init/Finalize are reported as leaks from
    # plugins already unloaded ("<unknown module>"), which no suppression can name: the ranks run
    # without leak detection (every other ASan/UBSan check stays on); the one-process run above
    # keeps it.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout 120 "$mpiexec" -np 2 "$engraft" trial "$source_dir/tests/data/trial/sampled.toml" --out "$work/two" \
      --threads 1 --quiet >"$work/stdout" 2>"$work/stderr"; rc=$?
    cat "$work/stdout" "$work/stderr"
    [ $rc -eq 0 ] || fail "mpirun -np 2 engraft trial exited $rc"
    for f in subjects.csv summary.json summary.txt; do
      cmp "$work/one/$f" "$work/two/$f" || fail "$f differs between 1 and 2 MPI ranks"
    done
    diff -r "$work/one/trajectories" "$work/two/trajectories" || fail "trajectories differ"
    [ -z "$(find "$work/two" -name '*.partial')" ] || fail "partial files left behind"
    ;;
  example_trial)
    [ -n "$source_dir" ] || fail "needs the source directory"
    run_ok trial "$source_dir/trials/cd34_dose.toml" --out "$work/out"
    /usr/bin/python3 -c '
import csv, json, sys
summary = json.load(open(sys.argv[1] + "/summary.json"))
arm = next(a for e in summary["endpoints"] if e["name"] == "neutrophil_engraftment_day"
           for a in e["arms"] if a["arm"] == "CD34+ 5e6/kg")
rows = [r for r in csv.DictReader(open(sys.argv[1] + "/subjects.csv")) if r["arm"] == "CD34+ 5e6/kg"]
by_14 = sum(1 for r in rows if r["neutrophil_engraftment_day"] and float(r["neutrophil_engraftment_day"]) <= 14) / len(rows)
print("median neutrophil engraftment (5e6/kg):", arm["median"], "day; engrafted by day 14:", by_14)
sys.exit(0 if 9 <= arm["median"] <= 13 and by_14 > 0.99 else 1)
' "$work/out" || fail "5e6/kg arm outside H8 (median 9-13 d, > 99 % by day 14)"
    ;;
  sensitivity)
    [ -n "$source_dir" ] || fail "needs the source directory"
    for n in 1 2; do
      run_ok sensitivity "$source_dir/tests/data/sensitivity/small.toml" --out "$work/s$n" --threads $n
      grep -q 'dose.graft' "$work/stdout" || fail "no table on stdout"
    done
    for f in sobol.csv sobol.json; do
      cmp "$work/s1/$f" "$work/s2/$f" || fail "$f differs between 1 and 2 threads"
    done
    /usr/bin/python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sobol.csv")))
assert [(r["endpoint"], r["parameter"]) for r in rows] == [
    (e, f) for e in ("anc_0_5_crossing_day", "platelet_engraftment_day") for f in ("viability", "dose.graft")], rows
for r in rows:
    assert r["rows_used"] == "16", r
    for i in ("S1", "ST"):
        assert float(r[i + "_low"]) <= float(r[i + "_high"]), r
summary = json.load(open(sys.argv[1] + "/sobol.json"))
assert summary["sensitivity"]["evaluations"] == 64 and len(summary["factors"]) == 2, summary["sensitivity"]
print("sobol.csv:", len(rows), "rows; evaluations:", summary["sensitivity"]["evaluations"])
' "$work/s1" || fail "sobol.csv or sobol.json not as documented"
    [ -z "$(find "$work/s1" -name '*.tmp.*')" ] || fail "temporary files left behind"
    ;;
  example_sensitivity)
    [ -n "$source_dir" ] || fail "needs the source directory"
    run_ok sensitivity "$source_dir/sensitivity/challenges.toml" --out "$work/out"
    /usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sobol.csv")))
def top(endpoint):
    return max((r for r in rows if r["endpoint"] == endpoint), key=lambda r: float(r["ST"]))["parameter"]
st = {(r["endpoint"], r["parameter"]): float(r["ST"]) for r in rows}
print("largest ST:", {e: top(e) for e in ("neutrophil_engraftment_day", "anc_0_5_crossing_day", "platelet_engraftment_day")})
sys.exit(0 if top("neutrophil_engraftment_day") == "f_gmp" and top("anc_0_5_crossing_day") == "f_gmp"
         and top("platelet_engraftment_day") == "dose.graft" and st[("platelet_engraftment_day", "f_gmp")] == 0 else 1)
' "$work/out" || fail "the challenges study no longer finds what the docs report"
    ;;
  fit)
    [ -n "$source_dir" ] || fail "needs the source directory"
    for n in 1 2; do
      "$engraft" fit "$source_dir/fits/example_patient.toml" --out "$work/f$n" --threads $n \
        >"$work/stdout" 2>"$work/stderr"; rc=$?
      cat "$work/stdout" "$work/stderr"
      [ $rc -eq 0 ] || fail "engraft fit --threads $n exited $rc"
    done
    for f in fit.json forecast.csv; do
      [ -s "$work/f1/$f" ] || fail "no $f in the output folder"
      cmp "$work/f1/$f" "$work/f2/$f" || fail "$f differs between 1 and 2 threads"
    done
    grep -q 'neutrophil engraftment' "$work/stdout" || fail "no forecast in the report"
    /usr/bin/python3 -c '
import json, sys
fit = json.load(open(sys.argv[1] + "/fit.json"))
f = next(f for f in fit["forecast"] if f["endpoint"] == "neutrophil_engraftment_day")
print("MAP converged:", fit["map"]["converged"], "; neutrophil engraftment forecast:", f["lower"], f["median"], f["upper"])
sys.exit(0 if fit["map"]["converged"] and f["reached"] == 1.0 and 9 <= f["median"] <= 13
         and f["lower"] <= f["median"] <= f["upper"] else 1)
' "$work/f1" || fail "the example fit did not converge or its neutrophil forecast is outside 9-13 d (H8)"
    leftovers=$(find "$work/f1" "$work/f2" -name '*.tmp.*')
    [ -z "$leftovers" ] || fail "temporary files left in the output folder: $leftovers"
    ;;
  *) fail "unknown check" ;;
esac
echo "PASS [$check]"
