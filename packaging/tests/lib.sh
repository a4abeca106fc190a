# Shared by the install tests: a scratch folder under the build dir, removed on every exit.
#   . lib.sh; scratch NAME; install_to DIR
# Callers set BUILD (the build dir) and SRC (the source tree) first; CONSUMER_FLAGS, the
# compiler flags of programs built against the installed tree, is the third argument.
set -eu
CONSUMER_FLAGS=${3:-}

scratch() { # name
    SCRATCH="$BUILD/install-tests/$1"
    rm -rf "$SCRATCH"
    mkdir -p "$SCRATCH"
    [ -n "${KEEP_SCRATCH:-}" ] || trap 'rm -rf "$SCRATCH"' EXIT
    trap 'exit 1' INT TERM HUP
}

install_to() { # prefix
    cmake --install "$BUILD" --prefix "$1" >"$SCRATCH/install.log" 2>&1 ||
        { cat "$SCRATCH/install.log"; fail "cmake --install failed"; }
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
    echo "ok: $1"
}
