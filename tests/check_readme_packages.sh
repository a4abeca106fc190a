#!/bin/sh
# The README names every Debian package dev.sh installs (its PACKAGES and PINNED lists), so
# that a newcomer reading it knows what the two commands put on the machine.
#   check_readme_packages.sh PROJECT_ROOT
root=$1
names=$(sed -n '/^PACKAGES="/,/"$/p; /^PINNED="/,/"$/p' "$root/dev.sh" | tr -d '"' |
    sed 's/^[A-Z]*=//' | tr ' ' '\n' | sed 's/=.*//' | grep -v '^$')
missing=""
for p in $names; do
    grep -q -- "$p" "$root/README.md" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "README.md does not name what dev.sh installs:$missing"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "README.md names all $(echo "$names" | wc -l) packages of dev.sh"
echo "1 passed, 0 failed"
