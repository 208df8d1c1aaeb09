#!/bin/sh
# One malformed-input case: tests/cli/bad_inputs/<case>/expect.txt holds
#   line 1: the arguments after `engraft`; {dir} = the case folder, {out} = a fresh
#           output folder that does not exist yet
#   line 2: a substring the error message on stderr must contain
# The case passes when engraft exits 2, prints that substring, creates no output
# (the {out} folder is absent or empty) and leaves no *.tmp.* files in the case folder.
# Usage: run_bad_input.sh ENGRAFT_BINARY CASE_DIR
set -u
engraft=$1
name=$(basename "$2")
fail() { echo "FAIL [$name]: $*" >&2; exit 1; }
dir=$(cd "$2" 2>/dev/null && pwd) || fail "no case folder $2"

[ -x "$engraft" ] || fail "no engraft binary at $engraft"
case $engraft in /*) ;; *) engraft="$(pwd)/$engraft" ;; esac
[ -f "$dir/expect.txt" ] || fail "no $dir/expect.txt"
args_template=$(sed -n 1p "$dir/expect.txt")
expected=$(sed -n 2p "$dir/expect.txt")
[ -n "$args_template" ] || fail "expect.txt line 1 (command) is empty"
[ -n "$expected" ] || fail "expect.txt line 2 (message) is empty"

work=$(mktemp -d "${TMPDIR:-/tmp}/engraft-cli-bad.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT
out="$work/out"  # does not exist yet

# Split the template into words first, then substitute, so that paths with
# spaces stay one argument.
set -f  # no globbing of the template words
set --
for word in $args_template; do
  word=$(printf '%s' "$word" | awk -v d="$dir" -v o="$out" '{
    while ((i = index($0, "{dir}")) > 0) $0 = substr($0, 1, i - 1) d substr($0, i + 5)
    while ((i = index($0, "{out}")) > 0) $0 = substr($0, 1, i - 1) o substr($0, i + 5)
    printf "%s", $0 }')
  set -- "$@" "$word"
done
set +f

# Run from an empty folder so that stray writes to the working directory are not hidden.
mkdir "$work/cwd"
(cd "$work/cwd" && "$engraft" "$@" >"$work/stdout" 2>"$work/stderr")
rc=$?

echo "engraft $*"
echo "exit code: $rc"
echo "stderr:"; cat "$work/stderr"

status=0
if [ "$rc" -ne 2 ]; then
  echo "FAIL [$name]: expected exit code 2 (bad input), got $rc" >&2; status=1
fi
if ! grep -qF -- "$expected" "$work/stderr"; then
  echo "FAIL [$name]: stderr does not contain: $expected" >&2; status=1
fi
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "FAIL [$name]: partial outputs were written to {out}:" >&2; ls -lA "$out" >&2; status=1
fi
leftovers=$(find "$dir" "$work/cwd" -name '*.tmp.*' 2>/dev/null)
if [ -n "$leftovers" ]; then
  echo "FAIL [$name]: temporary files left behind:" >&2; echo "$leftovers" >&2; status=1
fi
if [ -n "$(ls -A "$work/cwd")" ]; then
  echo "FAIL [$name]: files written to the working directory:" >&2; ls -lA "$work/cwd" >&2; status=1
fi
[ $status -eq 0 ] && echo "PASS [$name]"
exit $status
