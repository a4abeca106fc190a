#!/usr/bin/env python3
"""An expected-failure list names the implementation it was made with ("# made for: NAME
VERSION", written by harness/adapters/matrix.py). Run against another version, `qshcheck run`
says so in one line and fails, instead of listing the other version's differences as new
failures; the same version runs as usual.

usage: test_made_for.py QSHCHECK
"""

import os
import sys
import tempfile

from testlib import Checks, run

QSHCHECK = os.path.abspath(sys.argv[1])
VECTORS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "vectors")
METHOD = os.path.join(VECTORS, "qsh_method.json")
SERVE = "'%s' serve" % QSHCHECK  # its hello: "qshcheck serve" version "1"


def with_list(text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        return run(QSHCHECK, "run", "--exec", SERVE, "--expected-failures", f.name, METHOD)
    finally:
        os.unlink(f.name)


def main():
    check = Checks()
    rc, out, err = with_list("# made for: qshcheck serve 1\n")
    check(rc == 0 and out.strip().endswith("24 passed, 0 failed"), "the same version runs: %d %r" % (rc, out[-200:]))
    rc, out, err = with_list("# Expected failures\n# made for: qshcheck serve 0.9\nqsh_method/3  # old\n")
    lines = err.strip().splitlines()
    check(rc == 1, "another version fails the run: exit %d" % rc)
    check(out == "", "and runs no case: %r" % out[:200])
    check(len(lines) == 1 and "made for qshcheck serve 0.9" in lines[0] and "qshcheck serve 1" in lines[0],
          "in one line naming both versions: %r" % err)
    rc, out, err = with_list("qsh_method/3  # a list without the line\n")
    check(rc == 1 and "qsh_method/3" in out, "a list without the line is judged as before: %d" % rc)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
