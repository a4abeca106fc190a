#!/bin/sh
# The script of the GitHub Action (action.yml): builds qshcheck from the action's sources unless
# INPUT_QSHCHECK names one, then runs
#   qshcheck run --exec "$INPUT_EXEC" [--expected-failures F] --format junit [VECTORS]
# writing the report to INPUT_JUNIT_FILE, its path to $GITHUB_OUTPUT and the closing line to
# $GITHUB_STEP_SUMMARY when those are set. Exits with qshcheck run's status (0 all passed,
# 1 a case failed or the expected-failures list is stale, 2 bad inputs, 3 cannot load or start).
set -eu

die() {
    echo "qshcheck action: $1" >&2
    exit "${2:-2}"
}

exec_cmd=${INPUT_EXEC:-}
[ -n "$exec_cmd" ] || die "the input exec is required"
junit=${INPUT_JUNIT_FILE:-qshcheck-junit.xml}
timeout=${INPUT_TIMEOUT:-10}
case $timeout in '' | *[!0-9]*) die "timeout must be a whole number of seconds: $timeout" ;; esac
expected=${INPUT_EXPECTED_FAILURES:-}
[ -z "$expected" ] || [ -f "$expected" ] || die "no such expected-failures file: $expected"
source_dir=${QSHCHECK_ACTION_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
work=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

qshcheck=${INPUT_QSHCHECK:-}
if [ -z "$qshcheck" ]; then
    missing=""
    command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
    command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
    pkg-config --exists 'libcrypto >= 3.0' 2>/dev/null || missing="$missing libssl-dev"
    pkg-config --exists 'jansson >= 2.11' 2>/dev/null || missing="$missing libjansson-dev"
    if [ -n "$missing" ]; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
    fi
    cmake -S "$source_dir" -B "$work/qshcheck-build" -DCMAKE_BUILD_TYPE=Release \
        -DQSHCHECK_BUILD_TESTS=OFF -DQSHCHECK_BUILD_ADAPTERS=OFF -DQSHCHECK_LTO=OFF >/dev/null
    cmake --build "$work/qshcheck-build" -j "$(nproc 2>/dev/null || echo 2)" --target qshcheck qsh_static qsh_shared \
        qshcheck_man >/dev/null
    cmake --install "$work/qshcheck-build" --prefix "$work/qshcheck" >/dev/null
    qshcheck=$work/qshcheck/bin/qshcheck
fi
[ -x "$qshcheck" ] || die "qshcheck is not an executable: $qshcheck"
"$qshcheck" --version

set -- run --exec "$exec_cmd" --format junit --timeout "$timeout"
[ -z "$expected" ] || set -- "$@" --expected-failures "$expected"
# shellcheck disable=SC2086
set -- "$@" ${INPUT_VECTORS:-}
status=0
"$qshcheck" "$@" >"$junit" || status=$?
[ -z "${GITHUB_OUTPUT:-}" ] || echo "junit-file=$junit" >>"$GITHUB_OUTPUT"
counts=$(sed -n 's/.*<testsuite [^>]* tests="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2/p' "$junit" |
    awk '{t += $1; f += $2} END {printf "%d cases, %d failed", t, f}')
summary="qshcheck run: $counts, exit status $status, report in $junit"
echo "$summary"
[ -z "${GITHUB_STEP_SUMMARY:-}" ] || echo "$summary" >>"$GITHUB_STEP_SUMMARY"
exit "$status"
