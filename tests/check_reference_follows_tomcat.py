#!/usr/bin/env python3
"""The reference follows Jira's container: on every input that both the rules and Tomcat as
Jira configures it (the UTF-8 request charset and the relaxed path and query characters of
Jira's server.xml: the `tomcat-jira` answers the vectors record, measured by servers/)
canonicalize, the corpus's expected canonical request, which the reference must produce
exactly, is Tomcat's. The reference may still reject what Tomcat accepts (its documented
strictness on malformed input, docs/RULES.md, Decisions), and Tomcat may refuse at the HTTP
layer what the rules canonicalize; both are counted and printed, not failed.

usage: check_reference_follows_tomcat.py VECTORS_DIR
"""

import glob
import json
import os
import sys

# Jira's own connector, not stock Tomcat's: the stock one answers 400 to a raw [ or |, which
# would leave the very requests products send (a[]=1) unchecked.
SERVER = "tomcat-jira"


def main(vectors):
    agree, differ, stricter, refused, measured = 0, [], 0, 0, 0
    for path in sorted(glob.glob(os.path.join(vectors, "qsh_*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for g in doc["testGroups"]:
            for t in g["tests"]:
                a = t.get("servers", {}).get(SERVER)
                if a is None:
                    continue
                measured += 1
                tomcat = a.get("canonicalRequest") if not a.get("http09") else None
                rules = t.get("canonicalRequest")
                if rules is not None and tomcat is not None:
                    if rules == tomcat:
                        agree += 1
                    else:
                        differ.append("%s/%d: the rules give %r, %s %r"
                                      % (os.path.basename(path)[:-5], t["tcId"], rules, SERVER, tomcat))
                elif tomcat is not None:
                    stricter += 1
                elif rules is not None:
                    refused += 1
    for d in differ:
        print("FAIL " + d)
    print("%d cases measured on %s: %d canonicalized alike, %d differ; the reference rejects %d that "
          "%s accepts; %s refuses %d that the rules canonicalize"
          % (measured, SERVER, agree, len(differ), stricter, SERVER, SERVER, refused))
    ok = measured > 0 and agree > 0 and not differ
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
