#!/bin/sh
# The one list of fuzz targets: every fuzz/fuzz_*.c but the canary, which is built only to be
# caught. CMake, the OSS-Fuzz build, its emulation, the coverage script, the speed benchmark
# and the seed generator all take their list from the same glob.
here=$(cd "$(dirname "$0")" && pwd)
for f in "$here"/fuzz_*.c; do
    t=$(basename "$f" .c)
    [ "$t" = fuzz_canary ] || echo "$t"
done
