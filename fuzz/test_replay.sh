#!/bin/sh
# The replay driver counts what it runs: every file under a folder, sub-folders included, is
# one input; what cannot be read is a failure, never a pass, and never an empty input.
#
#   test_replay.sh REPLAY_BINARY     (any replay_<target>; the inputs are harmless to each)
set -u
replay=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
expect() { # what, want_rc, want_line, command...
    what=$1 want_rc=$2 want=$3
    shift 3
    out=$("$@" 2>"$work/err")
    rc=$?
    if [ "$rc" -eq "$want_rc" ] && [ "$out" = "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what: rc $rc, output '$out' (want rc $want_rc, '$want'); $(cat "$work/err")"
    fi
}

mkdir -p "$work/c/sub/deeper" "$work/only-folders/a/b"
printf 'x' >"$work/c/one"
printf 'y' >"$work/c/sub/two"
printf 'z' >"$work/c/sub/three"
printf 'w' >"$work/c/sub/deeper/four"
printf 'v' >"$work/only-folders/a/b/five"
printf 't' >"$work/only-folders/a/six"
printf 'u' >"$work/c/.hidden"
ln -s "$work/nowhere" "$work/c/dangling"

expect "a folder with sub-folders and a dangling link" 1 "4 passed, 1 failed" "$replay" "$work/c"
expect "a folder holding only folders" 0 "2 passed, 0 failed" "$replay" "$work/only-folders"
expect "a file and a folder" 0 "3 passed, 0 failed" "$replay" "$work/c/one" "$work/only-folders"
mkdir "$work/empty"
expect "an empty folder" 2 "" "$replay" "$work/empty"
expect "a missing path" 2 "" "$replay" "$work/missing"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
