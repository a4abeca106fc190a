#!/bin/sh
# Runs fuzz/oss-fuzz/build.sh as OSS-Fuzz would, without Docker: the variables OSS-Fuzz sets
# for a libFuzzer + AddressSanitizer build, clang, a scratch $SRC, $WORK and $OUT. Then checks
# that every expected file is in $OUT and that each fuzzer runs its unzipped seed corpus
# cleanly. usage: emulate.sh PROJECT_ROOT
set -eu
root=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export SRC="$scratch/src" WORK="$scratch/work" OUT="$scratch/out"
mkdir -p "$SRC" "$WORK" "$OUT"
ln -s "$root" "$SRC/qshcheck"
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
for t in fuzz_query fuzz_path fuzz_request fuzz_vectors fuzz_schema fuzz_protocol fuzz_mistakes fuzz_token_verify fuzz_token_roundtrip; do
    for f in "$t" "${t}_seed_corpus.zip" "$t.dict" "$t.options"; do
        if [ -s "$OUT/$f" ]; then passed=$((passed + 1)); else
            echo "missing in \$OUT: $f"
            failed=$((failed + 1))
        fi
    done
    [ -x "$OUT/$t" ] || continue
    mkdir -p "$scratch/seeds/$t"
    unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$scratch/seeds/$t"
    if (cd "$OUT" && "./$t" -runs=0 -dict="$t.dict" "$scratch/seeds/$t") >"$scratch/$t.log" 2>&1 &&
        grep -q "INITED\|DONE" "$scratch/$t.log"; then
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
