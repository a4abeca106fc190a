#!/bin/sh
# Every C file follows .clang-format. Fails (never skips) when clang-format is missing, since
# the README's setup installs it.
root=${1:-.}
cf=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$cf" ]; then
    echo "clang-format not found: apt-get install clang-format"
    exit 1
fi
bad=0
for f in $(find "$root/ref" "$root/harness" "$root/tests" "$root/fuzz" -name '*.[ch]' 2>/dev/null | sort); do
    if ! "$cf" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: ${f#$root/} (run: clang-format -i ${f#$root/})"
        bad=$((bad + 1))
    fi
done
[ "$bad" -eq 0 ] && echo "1 passed, 0 failed" || { echo "0 passed, 1 failed"; exit 1; }
