#!/bin/sh
# Line coverage of ref/src reached by replaying every fuzz corpus, measured with clang's
# source-based coverage. Prints llvm-cov's report for ref/src and the total line coverage.
#
#   fuzz/coverage.sh [--min PERCENT]    exits 1 when the total is below PERCENT
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
min=""
[ "${1:-}" = "--min" ] && min=$2
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
cov=$(command -v llvm-cov || command -v llvm-cov-14)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags="-O0 -g -std=c11 -fprofile-instr-generate -fcoverage-mapping"
inc="-I$root/ref/include -I$root/ref/src -I$root/harness -I$root/harness/include -I$root/fuzz $(pkg-config --cflags jansson)"
harness=""
# The layers the targets link; of http/, what is below libmicrohttpd (the server and the
# benchmark need the library and are no fuzz target's).
for f in "$root"/harness/corpus/*.c "$root"/harness/impl/*.c "$root"/harness/protocol/*.c "$root"/harness/judge/*.c "$root"/harness/mistakes/*.c "$root"/harness/http/*.c; do
    case "$(basename "$f")" in
    main.c | server.c | bench_*.c) ;;
    *) harness="$harness $f" ;;
    esac
done
bins=""
cp "$root/vectors/schema/qsh_canonical_v2.schema.json" "$work/"
for t in $(sh "$root/fuzz/targets.sh"); do
    # shellcheck disable=SC2086
    clang $flags -D_POSIX_C_SOURCE=200809L -DQSHCHECK_VECTORS_DIR='"vectors"' $inc \
        "$root/fuzz/$t.c" "$root/fuzz/replay.c" "$root"/ref/src/*.c $harness \
        -o "$work/$t" -lcrypto -ljansson -pthread
    LLVM_PROFILE_FILE="$work/$t.profraw" "$work/$t" "$root/fuzz/corpus/$t" >/dev/null
    if [ -z "$bins" ]; then bins="$work/$t"; else bins="$bins -object $work/$t"; fi
done
"$profdata" merge -sparse "$work"/*.profraw -o "$work/all.profdata"
# shellcheck disable=SC2086
"$cov" report -instr-profile="$work/all.profdata" $bins "$root"/ref/src/*.c | tee "$work/report"
total=$(awk '/^TOTAL/ {print $(NF-3)}' "$work/report" | tr -d '%')
[ -n "$total" ] || { echo "llvm-cov gave no total"; exit 1; }
echo "line coverage of ref/src from the fuzz corpora: $total%"
if [ -n "$min" ]; then
    awk -v t="$total" -v m="$min" 'BEGIN { exit !(t + 0 >= m + 0) }' || {
        echo "below the minimum of $min%"
        exit 1
    }
fi
