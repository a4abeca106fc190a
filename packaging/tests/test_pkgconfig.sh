#!/bin/sh
# pkg-config and a plain compiler against the installed tree: the consumer program, linked
# with the shared libqsh and (pkg-config --static) with the static one, gives the README's qsh.
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch pkgconfig
install_to "$SCRATCH/p"
PKG_CONFIG_PATH=$(dirname "$(find "$SCRATCH/p" -name qsh.pc)")
export PKG_CONFIG_PATH
expect_eq "pkg-config --modversion" \
    "$(sed -n 's/^project(qshcheck VERSION \([0-9.]*\) .*/\1/p' "$SRC/CMakeLists.txt")" \
    "$(pkg-config --modversion qsh)"
libdir=$(pkg-config --variable=libdir qsh)
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Wextra -Werror $CONSUMER_FLAGS -o "$SCRATCH/consumer" "$SRC/packaging/examples/consumer.c" \
    $(pkg-config --cflags --libs qsh) -Wl,-rpath,"$libdir"
# shellcheck disable=SC2046,SC2086
cc -std=c11 -Wall -Wextra -Werror $CONSUMER_FLAGS -o "$SCRATCH/consumer-static" \
    "$SRC/packaging/examples/consumer.c" $(pkg-config --cflags qsh) "$libdir/libqsh.a" \
    $(pkg-config --static --libs-only-l qsh | sed 's/-lqsh//')
readelf -d "$SCRATCH/consumer" | grep -q 'NEEDED.*libqsh.so.0' || fail "not linked with libqsh.so.0"
readelf -d "$SCRATCH/consumer-static" | grep -q 'libqsh' && fail "static consumer needs libqsh.so"
want="canonical GET&/rest/api/content&expand=body.storage%2Cversion&spaceKey=DEV&title=Release%20notes
qsh 3e36587395e02dd8095906f8f07f02de5f8698bf5c8af4f1caeb92d4ae55c6f5"
expect_eq "consumer (shared)" "$want" "$("$SCRATCH/consumer")"
expect_eq "consumer (static)" "$want" "$("$SCRATCH/consumer-static")"
echo "1 passed, 0 failed"
