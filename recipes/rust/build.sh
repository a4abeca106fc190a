#!/bin/sh
# Builds the Rust recipe offline with Debian's cargo and rustc and the crates Debian packages
# (librust-*-dev, under /usr/share/cargo/registry), never the network or another toolchain.
# usage: sh recipes/rust/build.sh OUTDIR [CRATE]  (the program is OUTDIR/release/qshrecipe; CRATE,
# a folder with a Cargo.toml and a src/, is built instead of the recipe when given)
set -eu
if [ $# -ne 1 ] && [ $# -ne 2 ]; then
    echo "usage: $0 OUTDIR [CRATE]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
crate=$(cd "${2:-$here}" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
registry=/usr/share/cargo/registry
for tool in /usr/bin/cargo /usr/bin/rustc; do
    [ -x "$tool" ] || { echo "$0: $tool is missing (Debian's cargo and rustc)" >&2; exit 1; }
done
[ -d "$registry" ] || { echo "$0: $registry is missing (librust-*-dev)" >&2; exit 1; }

# A CARGO_HOME of our own: its config replaces crates.io by Debian's directory of crates.
export CARGO_HOME="$out/cargo-home"
mkdir -p "$CARGO_HOME"
cat >"$CARGO_HOME/config.toml" <<CONFIG
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "$registry"

[net]
offline = true
CONFIG
# Built from a copy, so that the Cargo.lock cargo writes (the versions Debian has) stays
# out of the source tree.
rm -rf "$out/crate"
mkdir -p "$out/crate"
cp -R "$crate/Cargo.toml" "$crate/src" "$out/crate/"
export RUSTC=/usr/bin/rustc
exec /usr/bin/cargo build --release --offline --quiet \
    --manifest-path "$out/crate/Cargo.toml" --target-dir "$out"
