#!/usr/bin/env python3
"""Negative controls: for every known mistake in the catalogue (tests/oracle/qsh_oracle.py), a
deliberately broken implementation that makes it (tests/impls/mutant.py) is run through
`qshcheck run --exec` over the whole corpus, and the corpus must catch it: at least one case
must fail. A control without the mistake must pass everything, so that the failures are the
mistake's and not the harness's.

usage: negative_controls.py QSHCHECK
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "oracle"))
import qsh_oracle  # noqa: E402


def run(qshcheck, mistakes):
    cmd = "%s %s %s" % (sys.executable, os.path.join(HERE, "impls", "mutant.py"), ",".join(mistakes))
    p = subprocess.run([qshcheck, "run", "--format", "json", "--exec", cmd], capture_output=True, text=True,
                       timeout=900)
    if p.returncode not in (0, 1):
        raise SystemExit("qshcheck run failed for %s: %s" % (mistakes, p.stderr[-400:]))
    return json.loads(p.stdout)


def main():
    qshcheck = sys.argv[1]
    control = run(qshcheck, [])
    ok = control["failed"] == 0 and control["passed"] > 0
    print("control without mistakes: %d passed, %d failed" % (control["passed"], control["failed"]))
    caught = 0
    for m in sorted(qsh_oracle.MISTAKES):
        rep = run(qshcheck, [m])
        first = rep["failures"][0]["key"] if rep["failures"] else "-"
        print("%-28s %4d cases fail (first: %s)" % (m, rep["failed"], first))
        caught += rep["failed"] > 0
    total = len(qsh_oracle.MISTAKES)
    print("negative controls caught: %d of %d" % (caught, total))
    failed = (total - caught) + (0 if ok else 1)
    print("%d passed, %d failed" % (caught + (1 if ok else 0), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
