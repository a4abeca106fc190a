#!/usr/bin/env python3
"""Checks the qsh corpus without the C reference.

1. Every qsh is SHA-256 (Python's hashlib) of its canonicalRequest, and every canonicalRequest
   is canonicalMethod & canonicalUri & canonicalQuery.
2. Every expectation agrees with tests/oracle/qsh_oracle.py, an independent implementation of
   the rules: the same canonical parts for the cases the rules canonicalize, the same status
   for those they reject (invalid cases, and acceptable ones with a status).
3. Every server's recorded qsh is SHA-256 of its recorded canonical request.

That each known mistake is caught by the cases flagged with it is checked with the mistake
catalogue by tests/negative_controls.py.

usage: check_vectors_independent.py VECTORS_DIR
"""

import glob
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle"))
import qsh_oracle  # noqa: E402


def run_case(t):
    return qsh_oracle.canonical(t["method"], t["target"], t.get("baseUrl", ""), t["profile"],
                                t.get("body"), t.get("contentType"))


def main(vectors_dir):
    errors = []
    checked = 0
    files = sorted(glob.glob(os.path.join(vectors_dir, "qsh_*.json")))
    if not files:
        print("no qsh_*.json files in %s" % vectors_dir)
        return 1
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        name = os.path.basename(path)
        for group in doc["testGroups"]:
            for t in group["tests"]:
                checked += 1
                where = "%s tcId %d" % (name, t["tcId"])
                for server, a in sorted(t.get("servers", {}).items()):
                    if "canonicalRequest" in a and \
                            hashlib.sha256(a["canonicalRequest"].encode("utf-8")).hexdigest() != a["qsh"]:
                        errors.append("%s: the qsh of server %s is not sha256 of its request" % (where, server))
                if "status" in t:
                    try:
                        got = run_case(t)
                        errors.append("%s: oracle canonicalizes it as %r, expected %s" % (where, got, t["status"]))
                    except qsh_oracle.Reject as r:
                        if r.status != t["status"]:
                            errors.append("%s: oracle rejects with %s, expected %s" % (where, r.status, t["status"]))
                    continue
                req = t["canonicalRequest"]
                if req != "&".join([t["canonicalMethod"], t["canonicalUri"], t["canonicalQuery"]]):
                    errors.append("%s: canonicalRequest is not method&uri&query" % where)
                if hashlib.sha256(req.encode("utf-8")).hexdigest() != t["qsh"]:
                    errors.append("%s: qsh is not sha256(canonicalRequest)" % where)
                want = (t["canonicalMethod"], t["canonicalUri"], t["canonicalQuery"])
                try:
                    got = run_case(t)
                except qsh_oracle.Reject as r:
                    errors.append("%s: oracle rejects with %s" % (where, r.status))
                    continue
                if got != want:
                    errors.append("%s: oracle gives %r, vector says %r" % (where, got, want))
    for e in errors:
        print("FAIL " + e)
    print("%d cases checked" % checked)
    print("%d passed, %d failed" % (checked - len(errors) if len(errors) < checked else 0, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
