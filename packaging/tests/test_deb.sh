#!/bin/sh
# cpack -G DEB: the package's metadata and contents, then the package extracted with dpkg -x
# into a scratch root, where its qshcheck runs the corpus it installed and prints its versions;
# and the source tarball: the sources without build folders.
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch deb
(cd "$SCRATCH" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$SCRATCH/out" \
    >"$SCRATCH/cpack.log" 2>&1) || { cat "$SCRATCH/cpack.log"; fail "cpack -G DEB"; }
tv=$(sed -n 's/^project(qshcheck VERSION \([0-9.]*\) .*/\1/p' "$SRC/CMakeLists.txt")
cv=$(sed -n 's/^CORPUS_VERSION = "\(.*\)"$/\1/p' "$SRC/vectors/tools/release.py")
deb=$(ls "$SCRATCH"/out/qshcheck_"$tv"*.deb)
expect_eq "package name" qshcheck "$(dpkg-deb -f "$deb" Package)"
expect_eq "package version" "$tv" "$(dpkg-deb -f "$deb" Version)"
dpkg-deb -f "$deb" Depends | grep -q 'libjansson4' || fail "no shlibs dependency: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -c "$deb" >"$SCRATCH/contents"
grep -q ' ./usr/bin/qshcheck$' "$SCRATCH/contents" || fail "no /usr/bin/qshcheck"
grep -q '/build/' "$SCRATCH/contents" && fail "build paths in the package"

R=$SCRATCH/root
dpkg -x "$deb" "$R"
Q=$R/usr/bin/qshcheck
want=$(cat "$SRC"/vectors/qsh_*.json "$SRC"/vectors/token_*.json |
    sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' | awk '{s += $1} END {print s}')
last=$(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$Q" run | tail -n 1)
expect_eq "the packaged qshcheck on the packaged corpus" "$want passed, 0 failed" "$last"
expect_eq "the packaged --version" "qshcheck $tv
corpus $cv ($R/usr/bin/../share/qshcheck/vectors)" "$(cd "$SCRATCH" && env -u QSHCHECK_VECTORS "$Q" --version)"

(cd "$SCRATCH" && cpack --config "$BUILD/CPackSourceConfig.cmake" -B "$SCRATCH/src" \
    >"$SCRATCH/cpack-source.log" 2>&1) || { cat "$SCRATCH/cpack-source.log"; fail "source tarball"; }
tar -tzf "$SCRATCH/src/qshcheck-$tv.tar.gz" >"$SCRATCH/src.list"
for f in CMakeLists.txt ref/src/canonical.c vectors/qsh_method.json packaging/cpack.cmake CHANGELOG.md; do
    grep -qx "qshcheck-$tv/$f" "$SCRATCH/src.list" || fail "source tarball lacks $f"
done
grep -q -e '/\.git/' -e '/node_modules/' -e '^qshcheck-[^/]*/build[^/]*/' "$SCRATCH/src.list" &&
    fail "source tarball has build folders or .git"
echo "ok: source tarball ($(wc -l <"$SCRATCH/src.list") entries)"
echo "1 passed, 0 failed"
