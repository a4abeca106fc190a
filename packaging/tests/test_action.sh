#!/bin/sh
# The GitHub Action: action.yml passes the metadata check and each kind of broken copy fails
# it; the action's script, run directly as the runner would (INPUT_* variables, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP), passes the Python recipe with its expected failures, fails
# a mistaken implementation, refuses bad inputs, and builds qshcheck itself when not given one.
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch action
CHECK="/usr/bin/python3 $SRC/packaging/action/check_action.py"
$CHECK "$SRC/action.yml" >/dev/null || { $CHECK "$SRC/action.yml"; fail "action.yml"; }
echo "ok: action.yml"
broken() { # name sed-expression expected-message
    sed "$2" "$SRC/action.yml" >"$SCRATCH/$1.yml"
    cmp -s "$SRC/action.yml" "$SCRATCH/$1.yml" && fail "$1: the change did not apply"
    $CHECK "$SCRATCH/$1.yml" >"$SCRATCH/$1.out" && fail "$1: accepted"
    grep -q "$3" "$SCRATCH/$1.out" || fail "$1: $(cat "$SCRATCH/$1.out")"
    echo "ok: refused $1"
}
broken no-shell '/^      shell: sh$/d' "run needs shell"
broken undeclared-input 's/inputs.timeout/inputs.time-out/' "undeclared input: inputs.time-out"
broken bad-color 's/^  color: blue$/  color: pink/' "branding.color"
broken unknown-key 's/^author: qshcheck$/authors: qshcheck/' "unknown top-level key: authors"
broken input-without-description '/^    description: Where to write the JUnit XML report.$/d' \
    "input junit-file: description is required"
broken not-composite 's/^  using: composite$/  using: node20/' "runs.using must be composite"
broken output-without-value '/^    value: /d' "output junit-file: value is required"

install_to "$SCRATCH/p"
Q=$SCRATCH/p/bin/qshcheck
run_action() { # status-file, then VAR=value... for the environment
    out=$1
    shift
    set +e
    (cd "$SCRATCH" && env -u QSHCHECK_VECTORS GITHUB_OUTPUT="$SCRATCH/github-output" \
        GITHUB_STEP_SUMMARY="$SCRATCH/summary" RUNNER_TEMP="$SCRATCH/runner" "$@" \
        sh "$SRC/packaging/action/run.sh" >"$out.log" 2>&1)
    echo $? >"$out"
    set -e
}
mkdir -p "$SCRATCH/runner"
run_action "$SCRATCH/ok" INPUT_QSHCHECK="$Q" INPUT_EXEC="/usr/bin/python3 $SRC/recipes/python/adapter.py" \
    INPUT_EXPECTED_FAILURES="$SRC/recipes/python/expected.txt" INPUT_JUNIT_FILE="$SCRATCH/ok.xml"
expect_eq "the Python recipe with its expected failures" 0 "$(cat "$SCRATCH/ok")"
xmllint --noout "$SCRATCH/ok.xml" || fail "the report is not XML"
want=$(cat "$SCRATCH"/p/share/qshcheck/vectors/*.json |
    sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' | awk '{s += $1} END {print s}')
expect_eq "testcases in the report" "$want" "$(grep -c '<testcase ' "$SCRATCH/ok.xml")"
grep -qx "junit-file=$SCRATCH/ok.xml" "$SCRATCH/github-output" || fail "no output junit-file"
grep -q "^qshcheck run: $want cases, 0 failed, exit status 0" "$SCRATCH/summary" ||
    fail "step summary: $(cat "$SCRATCH/summary")"

run_action "$SCRATCH/bad" INPUT_QSHCHECK="$Q" INPUT_EXEC="$Q serve --mistakes ContextPathNotStripped" \
    INPUT_VECTORS="$SCRATCH/p/share/qshcheck/vectors/qsh_base_path.json" INPUT_JUNIT_FILE="$SCRATCH/bad.xml"
expect_eq "a mistaken implementation" 1 "$(cat "$SCRATCH/bad")"
grep -q '<failure' "$SCRATCH/bad.xml" || fail "no failure in the report"

run_action "$SCRATCH/noexec" INPUT_QSHCHECK="$Q"
expect_eq "no exec" 2 "$(cat "$SCRATCH/noexec")"
grep -q "the input exec is required" "$SCRATCH/noexec.log" || fail "no message for a missing exec"
run_action "$SCRATCH/badtimeout" INPUT_QSHCHECK="$Q" INPUT_EXEC=true INPUT_TIMEOUT=ten
expect_eq "a timeout that is not a number" 2 "$(cat "$SCRATCH/badtimeout")"
run_action "$SCRATCH/nolist" INPUT_QSHCHECK="$Q" INPUT_EXEC=true INPUT_EXPECTED_FAILURES="$SCRATCH/none.txt"
expect_eq "a missing expected-failures file" 2 "$(cat "$SCRATCH/nolist")"

# No qshcheck given: the script builds and installs one from the action's sources.
run_action "$SCRATCH/built" QSHCHECK_ACTION_SOURCE="$SRC" INPUT_EXEC="\$RUNNER_TEMP/qshcheck/bin/qshcheck serve" \
    INPUT_VECTORS="$SRC/vectors/qsh_method.json" INPUT_JUNIT_FILE="$SCRATCH/built.xml"
[ "$(cat "$SCRATCH/built")" = 0 ] || { tail -20 "$SCRATCH/built.log"; fail "the building run"; }
[ -x "$SCRATCH/runner/qshcheck/bin/qshcheck" ] || fail "no qshcheck built"
grep -q 'tests="24" failures="0"' "$SCRATCH/built.xml" || fail "built run: $(head -3 "$SCRATCH/built.xml")"
echo "ok: the script builds qshcheck when not given one"
echo "1 passed, 0 failed"
