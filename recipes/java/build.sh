#!/bin/sh
# Compiles the Java recipe with javac into OUTDIR/classes (the program's main class is
# qshcheck.recipe.Adapter). The servlet filter (qshcheck/servlet) needs the servlet API jar
# (Debian's libservlet-api-java); without it only the plain recipe is compiled, and said so.
# usage: sh recipes/java/build.sh OUTDIR
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
servlet_api=${SERVLET_API_JAR:-/usr/share/java/servlet-api.jar}
mkdir -p "$1"
classes=$(cd "$1" && pwd)/classes
rm -rf "$classes"
mkdir -p "$classes"
if [ -f "$servlet_api" ]; then
    set -- "$here"/qshcheck/recipe/*.java "$here"/qshcheck/servlet/*.java
    cp="$servlet_api"
else
    echo "$0: no $servlet_api: the servlet filter is not compiled" >&2
    set -- "$here"/qshcheck/recipe/*.java
    cp=""
fi
exec javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$cp" -d "$classes" "$@"
