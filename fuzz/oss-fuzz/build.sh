#!/bin/bash -eu
# OSS-Fuzz build script: builds jansson from source with the fuzzing flags, as the code under
# test, then the fuzz targets through the project's CMake build, with the compilers and flags
# OSS-Fuzz sets ($CC, $CFLAGS, $CXX, $CXXFLAGS, $LIB_FUZZING_ENGINE). Puts into $OUT, for each
# target of fuzz/targets.sh, the binary, <target>_seed_corpus.zip, <target>.dict and
# <target>.options, and the schema fuzz_vectors reads. The libraries are linked statically so
# that the binaries run on OSS-Fuzz's runner image, which lacks them. OpenSSL comes from the
# image's package, uninstrumented. Runs from the project's root ($SRC/qshcheck).
set -eu

DEPS=$WORK/qshcheck-deps
BUILD=$WORK/qshcheck-build
if [ -d "$SRC/jansson" ]; then
    # A static jansson built with $CFLAGS: the fuzzers see coverage and sanitizer checks in it.
    cmake -S "$SRC/jansson" -B "$WORK/jansson-build" -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_INSTALL_PREFIX="$DEPS" \
        -DCMAKE_INSTALL_LIBDIR=lib -DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF \
        -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON
    cmake --build "$WORK/jansson-build" -j"$(nproc)" --target install
    export PKG_CONFIG_PATH="$DEPS/lib/pkgconfig"
else
    # The package's static library, uninstrumented, alone in a folder a pkg-config file names.
    echo "build.sh: no \$SRC/jansson: the packaged jansson is linked, uninstrumented" >&2
    mkdir -p "$DEPS/lib/pkgconfig"
    ln -sf "$(pkg-config --variable=libdir jansson)/libjansson.a" "$DEPS/lib/libjansson.a"
    cat >"$DEPS/lib/pkgconfig/jansson.pc" <<PC
Name: jansson
Description: the packaged jansson, linked statically
Version: $(pkg-config --modversion jansson)
Cflags: $(pkg-config --cflags jansson)
Libs: -L$DEPS/lib -ljansson
PC
    export PKG_CONFIG_PATH="$DEPS/lib/pkgconfig"
fi

# -DCMAKE_BUILD_TYPE=Debug adds only -g: the optimization is $CFLAGS'. The engine links the
# fuzzers (as C++, the engines are C++ libraries); $CFLAGS already carry the instrumentation.
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
    -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DQSHCHECK_FUZZ=ON -DQSHCHECK_FUZZ_INSTRUMENT=OFF -DQSHCHECK_FUZZ_LINK_CXX=ON \
    -DQSHCHECK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DQSHCHECK_BUILD_TESTS=OFF \
    -DQSHCHECK_BUILD_ADAPTERS=OFF -DQSHCHECK_LTO=OFF -DOPENSSL_USE_STATIC_LIBS=TRUE \
    -DCMAKE_EXE_LINKER_FLAGS="-ldl -pthread"
TARGETS=$(sh fuzz/targets.sh)
# shellcheck disable=SC2086
cmake --build "$BUILD" -j"$(nproc)" --target $TARGETS

for t in $TARGETS; do
    cp "$BUILD/bin/$t" "$OUT/$t"
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "fuzz/corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
    cp "fuzz/dict/$t.dict" "$OUT/$t.dict"
    cp "fuzz/$t.options" "$OUT/$t.options"
done
# fuzz_vectors validates against the bundled schema, read from beside its binary.
cp "$BUILD"/bin/*.schema.json "$OUT/"
