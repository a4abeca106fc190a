#!/usr/bin/python3
"""Compiles servers/java and recipes/java/qshcheck/servlet with servers/test and runs the unit
tests of the canonicalizer and the filter (qshcheck.servlet.ServletTests), without a container.

    java_tests.py [--jars DIR] [--java JAVA] [--javac JAVAC] BUILD_DIR
"""

import argparse
import os
import shutil
import subprocess
import sys

import measure


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir")
    parser.add_argument("--jars", default="/usr/share/java")
    parser.add_argument("--java")
    parser.add_argument("--javac")
    args = parser.parse_args()
    lack = measure.missing(args)
    if lack:
        print("java_tests.py: missing " + lack, file=sys.stderr)
        return 2
    classes = os.path.join(os.path.abspath(args.build_dir), "servers", "test-classes")
    try:
        measure.compile_java(args.javac or shutil.which("javac"), args.jars, classes,
                             ("java", "test", measure.SERVLET, measure.RECIPE))
    except measure.Setup as e:
        print("java_tests.py: %s" % e, file=sys.stderr)
        return 2
    cp = os.pathsep.join([classes, os.path.join(args.jars, "servlet-api.jar")])
    try:
        done = subprocess.run([args.java or shutil.which("java"), "-cp", cp,
                               "qshcheck.servlet.ServletTests"], timeout=120)
    except subprocess.TimeoutExpired:
        print("java_tests.py: the tests did not finish within 120 s", file=sys.stderr)
        return 3
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
