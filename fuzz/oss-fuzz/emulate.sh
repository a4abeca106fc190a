#!/bin/sh
# Runs fuzz/oss-fuzz/build.sh as OSS-Fuzz would, without Docker: the variables OSS-Fuzz sets
# for a libFuzzer + AddressSanitizer build, clang, a scratch $SRC, $WORK and $OUT. Then checks
# that every expected file is in $OUT, that the fuzzers need neither libjansson nor libcrypto
# at run time, and that each fuzzer runs its unzipped seed corpus cleanly.
#
#   emulate.sh PROJECT_ROOT [JANSSON_SOURCE]
#
# JANSSON_SOURCE (or $QSHCHECK_JANSSON_SOURCE) is a jansson source tree, such as Debian's from
# fuzz/oss-fuzz/fetch_jansson.sh; it becomes $SRC/jansson, which build.sh compiles with the
# fuzzing flags, as OSS-Fuzz's Dockerfile provides it. Without one the packaged, uninstrumented
# jansson is linked, and the emulation says so.
set -eu
root=$(cd "$1" && pwd)
jansson=${2:-${QSHCHECK_JANSSON_SOURCE:-}}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export SRC="$scratch/src" WORK="$scratch/work" OUT="$scratch/out"
mkdir -p "$SRC" "$WORK" "$OUT"
ln -s "$root" "$SRC/qshcheck"
if [ -n "$jansson" ]; then
    ln -s "$(cd "$jansson" && pwd)" "$SRC/jansson"
    echo "jansson: built from $jansson with the fuzzing flags"
else
    echo "jansson: the package's, uninstrumented (no source given: see fuzz/README.md)"
fi
cp "$root/fuzz/oss-fuzz/build.sh" "$SRC/build.sh"
export CC=clang CXX=clang++ SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"

(cd "$SRC/qshcheck" && bash "$SRC/build.sh") >"$scratch/build.log" 2>&1 || {
    cat "$scratch/build.log"
    echo "build.sh failed"
    echo "0 passed, 1 failed"
    exit 1
}

passed=0 failed=0
for t in $(sh "$root/fuzz/targets.sh"); do
    for f in "$t" "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do
        if [ -s "$OUT/$f" ]; then passed=$((passed + 1)); else
            echo "missing in \$OUT: $f"
            failed=$((failed + 1))
        fi
    done
    [ -x "$OUT/$t" ] || continue
    if ldd "$OUT/$t" | grep -E 'libjansson|libcrypto'; then
        echo "$t: links a library the runner image lacks"
        failed=$((failed + 1))
    fi
    mkdir -p "$scratch/seeds/$t"
    unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$scratch/seeds/$t"
    # shellcheck disable=SC2046
    if (cd "$OUT" && "./$t" -runs=0 $(sh "$root/fuzz/options.sh" "$t.options" .) \
        "$scratch/seeds/$t") >"$scratch/$t.log" 2>&1 && grep -q "INITED\|DONE" "$scratch/$t.log"; then
        passed=$((passed + 1))
        echo "$t: $(ls "$scratch/seeds/$t" | wc -l) seeds run cleanly"
    else
        tail -20 "$scratch/$t.log"
        echo "$t: its seed corpus does not run cleanly"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
