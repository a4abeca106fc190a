#!/bin/sh
# The language's own formatter or linter on one recipe (recipes/README.md, Quality): gofmt for
# Go, rustfmt for Rust, `ruby -wc`, `php -l`, Python's py_compile, `node --check` (Java's
# javac -Xlint:all -Werror runs in its build, so Java has no test of this script). Exits 1, naming each file, on any complaint.
#
#   check_recipe_lint.sh ID     from the project's root
set -u
id=$1
bad=0
complain() { echo "$1"; bad=1; }
case "$id" in
python)
    for f in recipes/python/*.py; do
        /usr/bin/python3 -m py_compile "$f" || complain "py_compile: $f"
    done ;;
javascript)
    for f in recipes/javascript/*.js; do node --check "$f" || complain "node --check: $f"; done ;;
go)
    out=$(gofmt -l recipes/go) || complain "gofmt failed"
    [ -z "$out" ] || complain "not gofmt-formatted: $out" ;;
ruby)
    for f in recipes/ruby/*.rb; do
        out=$(ruby -wc "$f" 2>&1)
        [ "$out" = "Syntax OK" ] || complain "ruby -wc $f: $out"
    done ;;
php)
    for f in recipes/php/*.php; do php -l "$f" >/dev/null || complain "php -l: $f"; done ;;
rust)
    (cd recipes/rust && rustfmt --check --edition 2021 src/main.rs) || complain "not rustfmt-formatted" ;;
*)
    complain "no linter known for recipe '$id'" ;;
esac
if [ "$bad" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit "$bad"
