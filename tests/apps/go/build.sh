#!/bin/sh
# Builds the Go recipe's app (its verifier behind the probe) as OUTDIR/qshprobeapp with the
# standard library only, offline; the build cache and GOPATH live under OUTDIR.
set -eu
[ $# -eq 1 ] || { echo "usage: build.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$(dirname "$0")"
GOCACHE="$out/gocache" GOPATH="$out/gopath" GOFLAGS= GOPROXY=off GO111MODULE=on CGO_ENABLED=0 \
    go build -trimpath -o "$out/qshprobeapp" .
