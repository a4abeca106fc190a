#!/bin/sh
# Builds the Go recipe's program as OUTDIR/qshrecipe with the standard library only, offline;
# the build cache and GOPATH live under OUTDIR, so nothing is written elsewhere. With DIR and
# NAME, builds the Go module in DIR as OUTDIR/NAME the same way (the recipe's app behind the
# probe, tests/apps/go).
set -eu
[ $# -eq 1 ] || [ $# -eq 3 ] || { echo "usage: build.sh OUTDIR [DIR NAME]" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
name=qshrecipe
if [ $# -eq 3 ]; then
    cd "$2"
    name=$3
else
    cd "$(dirname "$0")"
fi
GOCACHE="$out/gocache" GOPATH="$out/gopath" GOFLAGS= GOPROXY=off GO111MODULE=on CGO_ENABLED=0 \
    go build -trimpath -o "$out/$name" .
