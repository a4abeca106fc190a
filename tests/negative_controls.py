#!/usr/bin/env python3
"""Negative controls: for every known mistake in the catalogue (harness/mistakes/catalogue.h, listed by
`qshcheck mistakes --json`), a deliberately broken implementation that makes it
(`qshcheck serve --mistakes NAME`) is run through `qshcheck run --exec` over the qsh corpus,
and the corpus must catch it:

- at least one case fails, and every case flagged with the mistake fails; where a servlet
  container computes what the mistake gives (Jetty keeps an empty name, as EmptyNameKept does),
  the corpus accepts it, and the mistake must then be caught by `run --server tomcat-jira`,
  which judges against Jira's container (Tomcat as Jira's server.xml and encoding filter
  configure it) exactly;
- a mistake of the first list of docs/RULES.md fails at least one `valid` case flagged with it (the others
  may be caught by `acceptable` cases, where the rules leave the reference a choice);
- every KNOWN_MISTAKE note of a vector file names a mistake of the catalogue, and a note named
  after one is a KNOWN_MISTAKE.

A control without mistakes (`qshcheck serve`, a second implementation of the rules) must pass
every case, so that the failures are the mistake's and not the harness's.

usage: negative_controls.py QSHCHECK [VECTORS_DIR]
"""

import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


JIRA_CONTAINER = "tomcat-jira"


def run(qshcheck, files, mistakes, server=None):
    cmd = "'%s' serve --mistakes '%s'" % (qshcheck, ",".join(mistakes))
    judge = ["--server", server] if server else []
    p = subprocess.run([qshcheck, "run", "--format", "json", "--exec", cmd] + judge + files,
                       capture_output=True, text=True, timeout=900)
    if p.returncode not in (0, 1):
        raise SystemExit("qshcheck run failed for %s: %s" % (mistakes, p.stderr[-400:]))
    return json.loads(p.stdout)


def main():
    qshcheck = os.path.abspath(sys.argv[1])
    vectors = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "vectors")
    files = sorted(glob.glob(os.path.join(vectors, "qsh_*.json")))
    catalogue = json.loads(subprocess.run([qshcheck, "mistakes", "--json"], capture_output=True, text=True,
                                          check=True).stdout)["mistakes"]
    names = {m["name"]: m for m in catalogue}
    errors = []

    flagged = {m: [] for m in names}  # mistake -> [(key, result)]
    for path in files:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        stem = os.path.basename(path)[:-5]
        for flag, note in doc["notes"].items():
            if (note["bugType"] == "KNOWN_MISTAKE") != (flag in names):
                errors.append("%s: note %s: bugType and the mistake catalogue disagree" % (stem, flag))
        for group in doc["testGroups"]:
            for t in group["tests"]:
                for flag in t["flags"]:
                    if flag in names:
                        flagged[flag].append(("%s/%d" % (stem, t["tcId"]), t["result"]))

    control = run(qshcheck, files, [])
    print("control without mistakes: %d passed, %d failed" % (control["passed"], control["failed"]))
    if control["failed"] != 0 or control["passed"] == 0:
        errors.append("the control without mistakes does not pass every case")
    caught = 0
    for m in sorted(names):
        rep = run(qshcheck, files, [m])
        failed = {f["key"] for f in rep["failures"]}
        first = rep["failures"][0]["key"] if rep["failures"] else "-"
        print("%-28s %4d cases fail (first: %s)" % (m, rep["failed"], first))
        missed = [k for k, _ in flagged[m] if k not in failed]
        if missed:
            # A container computes the same: the mistake must differ from Jira's container.
            jira = {f["key"] for f in run(qshcheck, files, [m], JIRA_CONTAINER)["failures"]}
            print("%-28s and against %s, which Jetty does not excuse: %s"
                  % ("", JIRA_CONTAINER, " ".join(sorted(set(missed) & jira)) or "-"))
            failed |= jira
            missed = [k for k in missed if k not in jira]
        for k in missed:
            errors.append("%s: flagged %s, but a library making that mistake passes it" % (k, m))
        want = ("valid",) if names[m]["inSpec"] else ("valid", "acceptable")
        if not any(k in failed and r in want for k, r in flagged[m]):
            errors.append("mistake %s is caught by no %s case flagged with it" % (m, " or ".join(want)))
        else:
            caught += 1
    for e in errors:
        print("FAIL " + e)
    print("negative controls caught: %d of %d" % (caught, len(names)))
    checks = len(names) + 1
    print("%d passed, %d failed" % (max(checks - len(errors), 0), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main())
