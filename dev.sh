#!/bin/sh
# The two commands of the README.
#
#   ./dev.sh run    install what is missing, build, run the conformance corpus against the
#                   reference implementation
#   ./dev.sh test   install what is missing, build, run the whole test suite twice: in the
#                   normal build and under AddressSanitizer + UndefinedBehaviorSanitizer;
#                   then build the libFuzzer targets with clang and run the fuzz tests
#                   (corpus replay, a short smoke run of each fuzzer, the planted-bug
#                   canary, the OSS-Fuzz build emulation, the coverage of ref/src)
#
# Missing Debian packages are installed with apt-get (as root, or through sudo).
set -eu
cd "$(dirname "$0")"

PACKAGES="gcc make cmake pkg-config libc6-dev libssl-dev libjansson-dev python3 clang-format
clang libclang-rt-14-dev llvm zip unzip libxml2-utils python3-jsonschema python3-junitparser
python3-requests openjdk-17-jdk-headless golang-go ruby php-cli rustc cargo rustfmt librust-sha2-dev
librust-hmac-dev librust-serde-json-dev librust-base64-dev librust-openssl-dev librust-tiny-http-dev
ruby-webrick python3-cryptography libmicrohttpd-dev
libcurl4-openssl-dev chromium python3-pytest python3-yaml dpkg-dev groff-base binutils"

# The libraries under test, at the exact Debian version their expected-failure lists were made
# with: an older or newer one is installed over (apt-get install NAME=VERSION), since a
# different version changes what the library gets wrong.
# The servlet containers whose answers the corpus records (servers/) are pinned the same way.
PINNED="python3-jira=3.4.1-1 python3-jwt=2.6.0-1+deb12u1 libjwt-dev=1.10.2-1+deb12u1
libjwt0=1.10.2-1+deb12u1 libtomcat9-java=9.0.70-2 libjetty9-java=9.4.57-1.1~deb12u1"

install_missing() {
    missing=""
    for p in $PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $p"
        fi
    done
    for pv in $PINNED; do
        p=${pv%%=*} v=${pv#*=}
        if [ "$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null)" != "install ok installed $v" ]; then
            missing="$missing $pv"
        fi
    done
    # Node.js runs the adapters of npm libraries; a machine that has it already keeps its own.
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
    if [ -n "$missing" ]; then
        echo "dev.sh: installing:$missing"
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends --allow-downgrades $missing
    fi
    # The npm libraries under test, pinned by the lock file.
    lock=harness/adapters/node/package-lock.json
    stamp=harness/adapters/node/node_modules/.qshcheck-lock
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        (cd harness/adapters/node && npm ci --no-audit --no-fund --loglevel=error)
        cp "$lock" "$stamp"
    fi
}

jobs() {
    nproc 2>/dev/null || echo 2
}

build() { # preset
    cmake --preset "$1" >/dev/null
    cmake --build --preset "$1" -j "$(jobs)"
}

case "${1:-}" in
run)
    install_missing
    build default
    build/bin/qshcheck run
    ;;
test)
    install_missing
    build default
    ctest --preset default -j "$(jobs)"
    build asan
    ctest --preset asan -j "$(jobs)"
    build fuzz
    ctest --preset fuzz -j "$(jobs)"
    ;;
*)
    echo "usage: ./dev.sh run|test" >&2
    exit 2
    ;;
esac
