#!/bin/sh
# A benchmark, not a test: runs each libFuzzer binary alone on one core for SECONDS with its
# .options (max_len, dict) and its seed corpus (read only; new inputs go to a scratch folder),
# and prints libFuzzer's average executions per second. Figures depend on the machine; compare
# them only with figures taken on the same one.
#
#   sh fuzz/speed.sh BIN_DIR [SECONDS] [TARGET...]      e.g. sh fuzz/speed.sh build-fuzz/bin 30
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
seconds=${2:-30}
[ $# -ge 2 ] && shift 2 || shift 1
[ $# -gt 0 ] || set -- $(sh "$here/targets.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-22s %12s %14s\n' target "exec/s" executions
for t in "$@"; do
    mkdir -p "$work/$t"
    # shellcheck disable=SC2046
    "$bin/$t" $(sh "$here/options.sh" "$here/$t.options" "$here/dict") -max_total_time="$seconds" \
        -print_final_stats=1 -artifact_prefix="$work/" "$work/$t" "$here/corpus/$t" \
        >"$work/$t.log" 2>&1 || {
        tail -20 "$work/$t.log"
        echo "$t failed" >&2
        exit 1
    }
    rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$work/$t.log")
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/$t.log")
    printf '%-22s %12s %14s\n' "$t" "$rate" "$runs"
done
