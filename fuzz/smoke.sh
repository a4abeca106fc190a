#!/bin/sh
# Runs a libFuzzer binary for a fixed time on a copy-free corpus: new inputs go to a scratch
# folder, the seed folder is only read. The target's .options file (max_len, dict) is passed as
# flags, as OSS-Fuzz passes it. Prints libFuzzer's final stats (executions per second).
#
#   smoke.sh FUZZER SECONDS SEED_DIR [OPTIONS]                   passes when no bug is found
#   smoke.sh --expect-crash TEXT FUZZER SECONDS SEED_DIR [OPTIONS]
#                       passes only when a crash is found whose report holds TEXT (the canary's
#                       AddressSanitizer error, a mutant's broken property)
expect_crash=0 expect_text=""
if [ "$1" = "--expect-crash" ]; then
    expect_crash=1 expect_text=$2
    shift 2
fi
fuzzer=$1 seconds=$2 seeds=$3 options=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/new"
set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/"
if [ -n "$options" ]; then
    for flag in $(sh "$here/options.sh" "$options" "$here/dict"); do
        set -- "$@" "$flag"
    done
fi
"$fuzzer" "$@" "$work/new" "$seeds" >"$work/log" 2>&1
rc=$?
grep -E 'stat::(number_of_executed_units|average_exec_per_sec)|^#[0-9]+ *DONE' "$work/log"
if [ "$expect_crash" -eq 1 ]; then
    if [ "$rc" -ne 0 ] && ls "$work"/crash-* >/dev/null 2>&1 &&
        grep -qF "$expect_text" "$work/log"; then
        grep -m1 -F "$expect_text" "$work/log"
        echo "the planted bug was found, as it must be"
        echo "1 passed, 0 failed"
        exit 0
    fi
    tail -20 "$work/log"
    echo "the planted bug was NOT found (no crash reporting '$expect_text')"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    tail -40 "$work/log"
    for f in "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-*; do
        [ -e "$f" ] && echo "reproducer: $(basename "$f") = $(od -An -tx1 "$f" | tr -d ' \n' | cut -c1-400)"
    done
    echo "0 passed, 1 failed"
    exit 1
fi
echo "1 passed, 0 failed"
