#!/bin/bash -eu
# OSS-Fuzz build script: compiles the fuzz targets with the compilers and flags OSS-Fuzz sets
# ($CC, $CFLAGS, $CXX, $CXXFLAGS, $LIB_FUZZING_ENGINE) and puts into $OUT, for each target,
# the binary, <target>_seed_corpus.zip, <target>.dict and <target>.options. The libraries are
# linked statically so that the binaries run on OSS-Fuzz's runner image, which lacks them.
# Runs from the project's root ($SRC/qshcheck).
set -eu

TARGETS="fuzz_query fuzz_path fuzz_request fuzz_vectors fuzz_schema fuzz_protocol fuzz_mistakes fuzz_token_verify fuzz_token_roundtrip"
NEEDS_HARNESS="fuzz_vectors fuzz_schema fuzz_protocol fuzz_mistakes"
INC="-Iref/include -Iref/src -Iharness -Iharness/include -Ifuzz $(pkg-config --cflags jansson)"
LIBS="-Wl,-Bstatic -ljansson -lcrypto -Wl,-Bdynamic -ldl -pthread"
OBJ=$WORK/qshcheck-obj
rm -rf "$OBJ"
mkdir -p "$OBJ/ref" "$OBJ/harness"

for f in ref/src/*.c; do
    $CC $CFLAGS -std=c11 $INC -c "$f" -o "$OBJ/ref/$(basename "$f" .c).o"
done
for f in harness/corpus/*.c harness/impl/*.c harness/protocol/*.c harness/judge/*.c harness/mistakes/*.c; do
    $CC $CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -DQSHCHECK_VECTORS_DIR='"vectors"' $INC \
        -c "$f" -o "$OBJ/harness/$(basename "$f" .c).o"
done

for t in $TARGETS; do
    objs="$OBJ/ref/*.o"
    case " $NEEDS_HARNESS " in *" $t "*) objs="$OBJ/harness/*.o $objs" ;; esac
    $CC $CFLAGS -std=c11 $INC -c "fuzz/$t.c" -o "$OBJ/$t.o"
    # shellcheck disable=SC2086
    $CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$OBJ/$t.o" $objs $LIBS -o "$OUT/$t"
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "fuzz/corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
    cp "fuzz/dict/$t.dict" "$OUT/$t.dict"
    cp "fuzz/$t.options" "$OUT/$t.options"
done
# fuzz_vectors validates against the bundled schema, read from beside its binary.
cp vectors/schema/qsh_canonical_v2.schema.json "$OUT/"
