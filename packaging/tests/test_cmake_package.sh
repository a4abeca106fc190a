#!/bin/sh
# find_package(qsh) against the installed tree: the consumer linked with qsh::qsh, and
# qshcheck_add_conformance_test over a plugin, which passes, and over the same plugin with a
# known mistake, which must fail and name the mistaken cases.
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch cmake_package
install_to "$SCRATCH/p"
B=$SCRATCH/consumer
cmake -S "$SRC/packaging/examples/cmake-consumer" -B "$B" -DCMAKE_PREFIX_PATH="$SCRATCH/p" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$CONSUMER_FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="$CONSUMER_FLAGS" -DCMAKE_MODULE_LINKER_FLAGS="$CONSUMER_FLAGS" \
    >"$SCRATCH/configure.log" 2>&1 ||
    { cat "$SCRATCH/configure.log"; fail "configure"; }
cmake --build "$B" -j2 >"$SCRATCH/build.log" 2>&1 || { cat "$SCRATCH/build.log"; fail "build"; }
expect_eq "consumer (CMake, qsh::qsh)" \
    "canonical GET&/rest/api/content&expand=body.storage%2Cversion&spaceKey=DEV&title=Release%20notes
qsh 3e36587395e02dd8095906f8f07f02de5f8698bf5c8af4f1caeb92d4ae55c6f5" "$("$B/consumer")"
# A version the package does not satisfy is refused (config-version file).
cmake -S "$SRC/packaging/examples/cmake-consumer" -B "$SCRATCH/too-new" \
    -DCMAKE_PREFIX_PATH="$SCRATCH/p" -DQSH_WANT=99 >/dev/null 2>&1 &&
    fail "find_package(qsh 99) succeeded"
echo "ok: find_package(qsh 99) refused"
ctest --test-dir "$B" -R '^conformance$' -V >"$SCRATCH/ok.log" 2>&1 ||
    { cat "$SCRATCH/ok.log"; fail "the conformance test of the plugin failed"; }
want=$(cat "$SRC"/vectors/qsh_*.json | sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' | awk '{s += $1} END {print s}')
grep -q ": $want passed, 0 failed" "$SCRATCH/ok.log" || fail "no summary: $(cat "$SCRATCH/ok.log")"
echo "ok: conformance test passes"
ctest --test-dir "$B" -R '^conformance_mistaken$' --output-on-failure >"$SCRATCH/bad.log" 2>&1 &&
    { cat "$SCRATCH/bad.log"; fail "the mistaken plugin passed"; }
grep -q "qsh_base_path.json" "$SCRATCH/bad.log" || fail "mistake not reported: $(tail "$SCRATCH/bad.log")"
echo "ok: the mistaken plugin fails its conformance test"
echo "1 passed, 0 failed"
