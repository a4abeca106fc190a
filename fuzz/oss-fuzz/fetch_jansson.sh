#!/bin/sh
# Fetches Debian's source package of jansson (the version the machine's libjansson-dev is, with
# Debian's patches applied) into DEST, for the OSS-Fuzz emulation to build instrumented. It
# reads the machine's Debian sources and asks for their deb-src counterparts in a private apt
# configuration under DEST, so the system's apt setup is left as it is. Needs network access
# to the Debian mirror; prints the folder of the unpacked source.
#
#   fuzz/oss-fuzz/fetch_jansson.sh DEST
set -eu
dest=$(mkdir -p "$1" && cd "$1" && pwd)
apt="$dest/apt"
mkdir -p "$apt/sources.list.d" "$apt/lists/partial"
found=0
for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    # deb822 stanzas: the same URIs and suites as "deb-src".
    sed 's/^Types:.*deb.*$/Types: deb-src/' "$f" >"$apt/sources.list.d/$(basename "$f")"
    found=1
done
if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb \(.*\)$/deb-src \1/p' /etc/apt/sources.list >"$apt/sources.list"
    [ -s "$apt/sources.list" ] && found=1
fi
[ "$found" -eq 1 ] || { echo "fetch_jansson.sh: no Debian apt sources found" >&2; exit 1; }
touch "$apt/sources.list"
set -- -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts="$apt/sources.list.d" \
    -o Dir::State::Lists="$apt/lists" -o Debug::NoLocking=1
apt-get "$@" update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; exit 1; }
version=$(dpkg-query -W -f='${source:Version}' libjansson-dev 2>/dev/null || true)
(cd "$dest" && apt-get "$@" source "jansson${version:+=$version}" >"$apt/source.log" 2>&1) ||
    { cat "$apt/source.log" >&2; exit 1; }
ls -d "$dest"/jansson-*/ | head -1
