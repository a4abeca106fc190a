#!/bin/sh
# The corpus as an npm package: package.json and index.json are what npm_package.py writes,
# `npm pack` packs exactly the index, the vector files and the schemas, qshcheck still reads
# the folder as vector files only; and the JavaScript example suite installs the packed
# tarball offline and runs it with node's test runner against the JavaScript recipe.
BUILD=$1 SRC=$2
. "$SRC/packaging/tests/lib.sh"
scratch npm
/usr/bin/python3 "$SRC/vectors/tools/npm_package.py" --check || fail "package.json or index.json stale"
want=$(cat "$SRC"/vectors/qsh_*.json "$SRC"/vectors/token_*.json |
    sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' | awk '{s += $1} END {print s}')
expect_eq "qshcheck run on the package folder" "$want passed, 0 failed" \
    "$("$BUILD/bin/qshcheck" run "$SRC/vectors" | tail -n 1)"

export npm_config_cache="$SCRATCH/npm-cache" npm_config_update_notifier=false
(cd "$SCRATCH" && npm pack --json "$SRC/vectors" >"$SCRATCH/pack.json" 2>"$SCRATCH/pack.err") ||
    { cat "$SCRATCH/pack.err"; fail "npm pack"; }
version=$(sed -n 's/^CORPUS_VERSION = "\(.*\)"$/\1/p' "$SRC/vectors/tools/release.py")
tgz=$SCRATCH/qshcheck-vectors-$version.tgz
[ -f "$tgz" ] || fail "no $tgz"
tar -tzf "$tgz" | sed 's|^package/||' | sort >"$SCRATCH/packed"
(cd "$SRC/vectors" && ls index.json package.json README.md qsh_*.json token_*.json schema/*.json) |
    sort >"$SCRATCH/expected"
diff "$SCRATCH/expected" "$SCRATCH/packed" || fail "the package's files differ from the corpus"
echo "ok: npm pack ($(wc -l <"$SCRATCH/packed") files)"

# The example project, copied out and given the packed tarball with the network off.
cp -r "$SRC/packaging/examples/javascript" "$SCRATCH/example"
(cd "$SCRATCH/example" && npm install --offline --no-audit --no-fund --no-save "$tgz" \
    >"$SCRATCH/install.log" 2>&1) || { cat "$SCRATCH/install.log"; fail "npm install --offline"; }
QSH_LIBRARY=$SRC/recipes/javascript/connect-qsh.js
export QSH_LIBRARY
(cd "$SCRATCH/example" && node --test --test-reporter=tap test/ >"$SCRATCH/tap" 2>&1) ||
    { tail -30 "$SCRATCH/tap"; fail "the example suite failed"; }
qsh=$(cat "$SRC"/vectors/qsh_*.json | sed -n 's/^  "numberOfTests": \([0-9]*\),$/\1/p' |
    awk '{s += $1} END {print s}')
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$SCRATCH/tap")
skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$SCRATCH/tap")
fails=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$SCRATCH/tap")
tests=$(sed -n 's/^# tests \([0-9]*\)$/\1/p' "$SCRATCH/tap")
expect_eq "example: one test per qsh case" "$qsh" "$tests"
expect_eq "example: every test passed or was skipped" "$tests" "$((pass + skip))"
grep -q "# SKIP acceptable case rejected: QSH_E_" "$SCRATCH/tap" || fail "skips without their reason"
expect_eq "example: failures" 0 "$fails"
echo "ok: example suite: $pass passed, $skip skipped"

# A library with a mistake (jwt kept in the hash) fails the same suite.
sed 's/name !== .jwt./true/' "$QSH_LIBRARY" >"$SCRATCH/mistaken.js"
cmp -s "$QSH_LIBRARY" "$SCRATCH/mistaken.js" && fail "the mistake did not apply"
(cd "$SCRATCH/example" && QSH_LIBRARY=$SCRATCH/mistaken.js node --test test/ >"$SCRATCH/bad" 2>&1) &&
    fail "the example suite passed a mistaken library"
echo "ok: a mistaken library fails the example suite"
echo "1 passed, 0 failed"
