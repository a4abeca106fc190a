#!/bin/sh
# cmake --install: the tree, libqsh's SONAME, the man pages, and an installed qshcheck that
# finds its own corpus with no argument after its prefix has been moved (relocatable).
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch tree
install_to "$SCRATCH/p"
P=$SCRATCH/p
LIB=$(sed -n 's/^libdir=${prefix}\///p' "$(find "$P" -name qsh.pc)")

for f in bin/qshcheck include/qsh/qsh.h include/qsh/canonical.h include/qshcheck/plugin.h \
    "$LIB/libqsh.a" "$LIB/libqsh.so" "$LIB/libqsh.so.0" "$LIB/libqsh.so.0.1.0" \
    "$LIB/pkgconfig/qsh.pc" "$LIB/cmake/qsh/qshConfig.cmake" \
    "$LIB/cmake/qsh/qshConfigVersion.cmake" "$LIB/cmake/qsh/qshcheckConformance.cmake" \
    share/qshcheck/vectors/qsh_method.json share/qshcheck/vectors/token_qsh.json \
    share/qshcheck/vectors/schema/qsh_canonical_v2.schema.json share/doc/qshcheck/PROTOCOL.md \
    share/doc/qshcheck/CHANGELOG.md share/man/man1/qshcheck.1 share/man/man1/qshcheck-run.1; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
echo "ok: the tree"
expect_eq "vector files installed" "$(ls "$SRC"/vectors/qsh_*.json "$SRC"/vectors/token_*.json | wc -l)" \
    "$(ls "$P"/share/qshcheck/vectors/*.json | wc -l)"
expect_eq "SONAME" "libqsh.so.0" \
    "$(readelf -d "$P/$LIB/libqsh.so.0.1.0" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
# The shared library exports the API only (hidden visibility).
nm -D --defined-only "$P/$LIB/libqsh.so" | grep -q ' T qsh_compute$' || fail "qsh_compute not exported"
nm -D --defined-only "$P/$LIB/libqsh.so" | grep -v ' qsh_' | grep ' T ' && fail "non-API symbols exported"

# Every page renders without a groff warning, one per command of --help.
pages=$(ls "$P"/share/man/man1/*.1 | wc -l)
[ "$pages" -ge 11 ] || fail "only $pages man pages"
for m in "$P"/share/man/man1/*.1; do
    out=$(groff -man -Tutf8 -ww -z "$m" 2>&1) || fail "groff failed on $m"
    [ -z "$out" ] || fail "groff warnings on $m: $out"
done
grep -q -- '--expected-failures' "$P/share/man/man1/qshcheck-run.1" || fail "run page lacks --help text"
echo "ok: $pages man pages"

cv=$(sed -n 's/^CORPUS_VERSION = "\(.*\)"$/\1/p' "$SRC/vectors/tools/release.py")
tv=$(sed -n 's/^project(qshcheck VERSION \([0-9.]*\) .*/\1/p' "$SRC/CMakeLists.txt")
expect_eq "--version on the whole installed corpus" "qshcheck $tv
corpus $cv ($P/bin/../share/qshcheck/vectors)" "$(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$P/bin/qshcheck" --version)"

# Moved elsewhere, run from another folder, with no $QSHCHECK_VECTORS: the installed corpus is
# used, not the source tree's. One file left in it shows which corpus ran.
mv "$P" "$SCRATCH/moved"
M=$SCRATCH/moved
find "$M/share/qshcheck/vectors" -maxdepth 1 -name '*.json' ! -name qsh_method.json -delete
want=$(sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' "$SRC/vectors/qsh_method.json")
last=$(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$M/bin/qshcheck" run | tail -n 1)
expect_eq "relocated run uses its own corpus" "$want passed, 0 failed" "$last"
(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$M/bin/qshcheck" lint >/dev/null) ||
    fail "relocated lint did not find its schemas"
echo "ok: relocated lint"

version=$(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$M/bin/qshcheck" --version)
expect_eq "--version" "qshcheck $tv
corpus $cv ($M/bin/../share/qshcheck/vectors)" "$version"
# A corpus without a version is an error with status 3, not a made-up version.
sed -i '/"corpusVersion"/d' "$M/share/qshcheck/vectors/qsh_method.json"
set +e
(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$M/bin/qshcheck" --version >/dev/null 2>"$SCRATCH/err")
rc=$?
set -e
expect_eq "--version on a corpus without corpusVersion" 3 "$rc"
grep -q "no corpusVersion" "$SCRATCH/err" || fail "no message: $(cat "$SCRATCH/err")"
echo "1 passed, 0 failed"
