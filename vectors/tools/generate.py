#!/usr/bin/env python3
"""Writes the qsh vector files of vectors/ from the hand-written cases in this folder.

    python3 vectors/tools/generate.py          # rewrite vectors/*.json
    python3 vectors/tools/generate.py --check  # exit 1 if a committed file differs

The expected canonical URI and query of each case are written by hand in cases_*.py; this
script only joins them into the canonical request and hashes that with hashlib. tcIds are
assigned in order; a change that renumbers existing cases shows in review as a diff here.
"""

import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases_more  # noqa: E402
import cases_query  # noqa: E402
import cases_request  # noqa: E402
from notes import NOTES  # noqa: E402
from outputs import write_or_check  # noqa: E402
from release import CORPUS_VERSION  # noqa: E402
from servers import Measurements, result_class  # noqa: E402

VECTORS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = "qsh_canonical_v2.schema.json"

FILES = [
    ("qsh_method.json", "The method: upper-cased by ASCII rules; must be an HTTP token.",
     [("Method", cases_request.METHOD)]),
    ("qsh_path.json", "The canonical URI in the server profile: the path as sent, '&' as %26, fragments dropped.",
     [("Path", cases_request.PATH)]),
    ("qsh_trailing_slash.json", "Exactly one trailing '/' is removed from a path longer than '/'.",
     [("TrailingSlash", cases_request.TRAILING)]),
    ("qsh_base_path.json", "The base URL's path is stripped on a segment boundary; absolute targets must share its origin.",
     [("BasePath", cases_request.BASE)]),
    ("qsh_query_parsing.json", "Splitting and decoding the query: '&' only, the first '=', '+' as space, jwt, empty and valueless parameters, repeats.",
     [("QueryParsing", cases_query.PARSING)]),
    ("qsh_encoding.json", "Every printable ASCII character in names and values, raw and escaped, and its canonical encoding.",
     [("Encoding", cases_more.ENCODING)]),
    ("qsh_utf8.json", "UTF-8 of 2, 3 and 4 bytes, its boundaries, and bytes that are not UTF-8.",
     [("Utf8", cases_query.UTF8)]),
    ("qsh_sorting.json", "Names sort by encoded bytes; values by decoded text in UTF-16 code-unit order.",
     [("Sorting", cases_query.SORTING)]),
    ("qsh_form_body.json", "Form-encoded POST and PUT bodies join the query's parameters; other bodies do not count.",
     [("FormBody", cases_more.BODY)]),
    ("qsh_product_profile.json", "The product profile: what a product signs when it calls an app, from the decoded path.",
     [("ProductProfile", cases_more.PRODUCT)]),
    ("qsh_invalid.json", "Requests the rules cannot canonicalize, each with the status the reference gives.",
     [("Invalid", cases_more.INVALID)]),
    ("qsh_limits.json", "Inputs at and over the reference's named limits, and a large realistic query.",
     [("Limits", cases_more.LIMITS)]),
    ("qsh_examples.json", "Atlassian's documented examples and realistic Jira, Confluence and Bitbucket requests.",
     [("Examples", cases_more.EXAMPLES), ("FieldReports", cases_more.FIELD)]),
]


def build_test(tc_id, c, file_stem, measured):
    t = {"tcId": tc_id, "comment": c["comment"], "flags": list(c["flags"]), "method": c["method"],
         "target": c["target"], "baseUrl": c["base"], "profile": c["profile"]}
    if c["body"] is not None:
        t["body"] = c["body"]
    if c["ct"] is not None:
        t["contentType"] = c["ct"]
    if c["result"] == "invalid":
        t["status"] = c["status"]
    else:
        request = c["cmethod"] + "&" + c["uri"] + "&" + c["query"]
        t.update({"canonicalMethod": c["cmethod"], "canonicalUri": c["uri"],
                  "canonicalQuery": c["query"], "canonicalRequest": request,
                  "qsh": hashlib.sha256(request.encode("utf-8")).hexdigest()})
    servers = measured.for_test(file_stem, t)
    t["result"] = result_class(c["result"], t.get("canonicalRequest"), servers)
    if t["result"] != c["result"]:
        t["flags"].append("ServerDependent")
    if servers is not None:
        t["servers"] = servers
    return t


def build_file(fname, description, groups, measured):
    tests_total, out_groups, used = 0, [], set()
    for name, cases in groups:
        tests = []
        for c in cases:
            tests_total += 1
            tests.append(build_test(tests_total, c, fname[:-5], measured))
            used.update(tests[-1]["flags"])
        out_groups.append({"type": "QshCanonical", "comment": name, "tests": tests})
    unknown = used - NOTES.keys()
    if unknown:
        raise SystemExit("flags without a note: %s" % sorted(unknown))
    return {
        "schema": SCHEMA,
        "algorithm": "ATLASSIAN-CONNECT-QSH",
        "version": "1",
        "corpusVersion": CORPUS_VERSION,
        "numberOfTests": tests_total,
        "header": [description,
                   "qsh = lowercase hex SHA-256 of canonicalMethod '&' canonicalUri '&' canonicalQuery.",
                   "Generated by vectors/tools/generate.py from hand-written cases; see vectors/README.md."],
        "notes": {k: NOTES[k] for k in sorted(used)},
        "testGroups": out_groups,
    }


def main():
    measured = Measurements()
    files = {os.path.join(VECTORS, fname): json.dumps(build_file(fname, description, groups, measured), indent=2, ensure_ascii=False) + "\n"
             for fname, description, groups in FILES}
    rc = write_or_check(files, "--check" in sys.argv[1:], "vectors/tools/generate.py")
    if measured.missing:
        # A case the containers can be asked but were not: the record would go stale.
        print("%d cases are not in servers/measured.json (run servers/measure.py BUILD_DIR, then "
              "this script again): %s" % (len(measured.missing), " ".join(measured.missing[:20])))
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
