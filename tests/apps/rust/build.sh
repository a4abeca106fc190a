#!/bin/sh
# Builds the Rust recipe's app (its verifier behind the probe, on tiny_http) as
# OUTDIR/release/qshrecipeapp with the recipe's build script, offline from Debian's crates
# (librust-tiny-http-dev besides the recipe's): the app's main.rs and the recipe's qsh.rs,
# jwt.rs and call.rs make one crate.
# usage: sh tests/apps/rust/build.sh OUTDIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
recipe=$(cd "$here/../../../recipes/rust" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
rm -rf "$out/app"
mkdir -p "$out/app/src"
cp "$here/Cargo.toml" "$out/app/"
cp "$here/main.rs" "$recipe/src/qsh.rs" "$recipe/src/jwt.rs" "$recipe/src/call.rs" "$out/app/src/"
exec sh "$recipe/build.sh" "$out" "$out/app"
