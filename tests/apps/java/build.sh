#!/bin/sh
# Builds the Java recipe's app (its verifier behind the probe, in embedded Tomcat 9) as
# OUTDIR/qshrecipeapp.jar: the app and the recipe, its servlet filter included, compiled with
# javac -Xlint:all -Werror against Debian's libtomcat9-java jars, which the jar's manifest puts
# on its class path (java -jar OUTDIR/qshrecipeapp.jar runs it).
# usage: sh tests/apps/java/build.sh OUTDIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
recipe=$here/../../../recipes/java/qshcheck
jars=""
for name in servlet-api catalina coyote util util-scan juli api jaspic-api annotations-api; do
    jar=/usr/share/java/tomcat9-$name.jar
    [ -f "$jar" ] || { echo "$0: no $jar (apt-get install libtomcat9-java)" >&2; exit 1; }
    jars="$jars $jar"
done
mkdir -p "$1"
out=$(cd "$1" && pwd)
rm -rf "$out/classes"
mkdir -p "$out/classes"
javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$(echo $jars | tr ' ' :)" \
    -d "$out/classes" "$here"/*.java "$recipe"/recipe/*.java "$recipe"/servlet/*.java
printf 'Main-Class: qshcheck.app.RecipeApp\nClass-Path:%s\n' "$jars" >"$out/manifest.txt"
jar --create --file "$out/qshrecipeapp.jar" --manifest "$out/manifest.txt" -C "$out/classes" .
