#!/bin/sh
# The pytest loader example (packaging/examples/python) over the installed corpus with
# Debian's python3-pytest, against the Python recipe: every qsh case is a test, the acceptable
# cases the recipe rejects are reported as skipped; a corpus with one expectation changed fails.
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch python_loader
install_to "$SCRATCH/p"
V=$SCRATCH/p/share/qshcheck/vectors
PYTHONPATH=$SRC/recipes/python:$SRC/packaging/examples/python
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE
pytest() { # corpus junit-file
    QSHCHECK_VECTORS=$1 /usr/bin/python3 -m pytest -q -p no:cacheprovider -rs \
        --junitxml="$2" "$SRC/packaging/examples/python/test_connect_qsh.py" >"$2.log" 2>&1
}
pytest "$V" "$SCRATCH/ok.xml" || { tail -20 "$SCRATCH/ok.xml.log"; fail "pytest failed"; }
want=$(cat "$V"/qsh_*.json | sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' | awk '{s += $1} END {print s}')
tests=$(sed -n 's/.*<testsuite [^>]* tests="\([0-9]*\)".*/\1/p' "$SCRATCH/ok.xml")
skipped=$(sed -n 's/.*<testsuite [^>]* skipped="\([0-9]*\)".*/\1/p' "$SCRATCH/ok.xml")
expect_eq "one test per qsh case" "$want" "$tests"
acceptable=$(grep -h -c '"result": "acceptable"' "$V"/qsh_*.json | awk '{s += $1} END {print s}')
[ "$skipped" -gt 0 ] && [ "$skipped" -le "$acceptable" ] ||
    fail "skipped $skipped, acceptable cases $acceptable"
grep -q "acceptable case rejected: QSH_E_" "$SCRATCH/ok.xml" || fail "skips without their reason"
echo "ok: $tests tests, $skipped skipped (acceptable cases rejected)"
mkdir "$SCRATCH/changed"
sed 's/"canonicalRequest": "GET&\/&"/"canonicalRequest": "GET\&\/x\&"/' "$V/qsh_method.json" \
    >"$SCRATCH/changed/qsh_method.json"
cmp -s "$V/qsh_method.json" "$SCRATCH/changed/qsh_method.json" && fail "the change did not apply"
pytest "$SCRATCH/changed" "$SCRATCH/bad.xml" && fail "pytest passed a changed expectation"
grep -q 'failures="[1-9]' "$SCRATCH/bad.xml" || fail "no failure recorded: $(tail "$SCRATCH/bad.xml.log")"
echo "ok: a changed expectation fails"
echo "1 passed, 0 failed"
