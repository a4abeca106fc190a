#!/usr/bin/env python3
"""python3-jira's JWT qsh (jira.client.QshGenerator, what jira.JIRA(..., jwt=...) puts in each
token) against `qshcheck mock-product` with the context path /jira, over requests.

jira.JIRA's JWT session needs requests_jwt, which Debian does not package; the token is signed
here with PyJWT (python3-jwt) with the claims jira._create_jwt_session sets (iss from the
payload, iat, exp three minutes on, qsh from QshGenerator with the context path), so that
every qsh below is python3-jira's own. What it gets right and the 401s with their diagnoses,
each against the canonical request of the rules, written here by hand:

- names are not percent-encoded (NamesNotEncoded);
- a trailing '/' is kept (TrailingSlashKept);
- a '&' in the path is left raw (RawAmpersandInPath).

usage: test_mock_product_jira.py QSHCHECK
"""

import os
import shutil
import sys
import tempfile
import time

import jwt
import requests
from jira.client import QshGenerator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mock_product_lib import MockProduct  # noqa: E402
from testlib import Checks  # noqa: E402

BIN = sys.argv[1]
check = Checks()
KEY, SECRET = "com.example.jira-client", "jira-client-secret"


class JiraJwt(requests.auth.AuthBase):
    """The claims of jira.JIRA._create_jwt_session, signed with PyJWT."""

    def __init__(self, context_path):
        self.qsh = QshGenerator(context_path)

    def __call__(self, req):
        now = int(time.time())
        claims = {"iat": now, "exp": now + 180, "qsh": self.qsh(req), "iss": KEY}
        req.headers["Authorization"] = "JWT " + jwt.encode(claims, SECRET, algorithm="HS256")
        return req


# target after the context path, the canonical request of the rules, python3-jira's and the
# mistakes (None when it is right)
CASES = [
    ("/rest/api/2/issue/ABC-1?fields=summary,status&expand=names",
     "GET&/rest/api/2/issue/ABC-1&expand=names&fields=summary%2Cstatus", None, None),
    ("/rest/api/2/search?jql=project%20%3D%20ABC&maxResults=5",
     "GET&/rest/api/2/search&jql=project%20%3D%20ABC&maxResults=5", None, None),
    ("/rest/api/2/user?username=a+b", "GET&/rest/api/2/user&username=a%20b", None, None),
    ("/rest/api/2/x?b=2&a=1&a=0", "GET&/rest/api/2/x&a=0,1&b=2", None, None),
    ("/rest/api/2/x?q=~tilde", "GET&/rest/api/2/x&q=~tilde", None, None),
    ("/rest/api/2/x?na%20me=v", "GET&/rest/api/2/x&na%20me=v", "GET&/rest/api/2/x&na me=v",
     "NamesNotEncoded"),
    ("/rest/api/2/project/", "GET&/rest/api/2/project&", "GET&/rest/api/2/project/&",
     "TrailingSlashKept"),
    ("/rest/api/2/a&b", "GET&/rest/api/2/a%26b&", "GET&/rest/api/2/a&b&", "RawAmpersandInPath"),
]


def main():
    tmp = tempfile.mkdtemp(prefix="qshcheck-jira-")
    try:
        with MockProduct(BIN, "/jira", KEY, SECRET, os.path.join(tmp, "calls.jsonl")) as mp:
            server = "http://%s/jira" % mp.addr
            session = requests.Session()
            session.auth = JiraJwt("/jira")
            answers = {}
            for target, *_ in CASES:
                r = session.get(server + target, timeout=30)
                answers[target] = r
            logged = {c["request"]["target"]: c for c in mp.log_lines()}
        check(mp.stopped_cleanly(), "the mock product stops cleanly")
        for target, canonical, theirs, mistakes in CASES:
            r, c = answers[target], logged.get("/jira" + target, {})
            check(c.get("canonicalRequest") == canonical,
                  "%s: the product's canonical request %s (got %s)" % (target, canonical,
                                                                     c.get("canonicalRequest")))
            if theirs is None:
                check(r.status_code == 200, "python3-jira gets %s right (got %s %s)"
                      % (target, r.status_code, r.headers.get("X-Qshcheck-Diagnosis")))
                continue
            check(r.status_code == 401 and r.headers.get("X-Qshcheck-Reason") == "QSH_MISMATCH"
                  and r.text.startswith("Expecting claim 'qsh' to have value"),
                  "python3-jira gets %s wrong: 401 with the qsh message (got %s)"
                  % (target, r.status_code))
            check(c.get("appCanonicalRequest") == theirs and c.get("mistakes") == mistakes,
                  "%s: the diagnosis finds %s (%s): %s" % (target, theirs, mistakes,
                                                           r.headers.get("X-Qshcheck-Diagnosis")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
