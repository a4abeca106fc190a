#!/usr/bin/env python3
"""python3-jira's JWT qsh (jira.client.QshGenerator, what jira.JIRA(..., jwt=...) puts in each
token) against `qshcheck mock-product` with the context path /jira, over requests.

First jira.JIRA itself, with the server URL https://.../jira as a user gives it: its session,
the URLs its methods build and the qsh its QshGenerator computes, with the context path it takes
from the server URL. jira.JIRA's JWT session needs requests_jwt, which Debian does not package:
tests/stand_ins/requests_jwt.py stands in for the part python3-jira uses (a requests auth that
signs the fields python3-jira adds, with PyJWT). Then the qsh of requests its methods do not
make, through QshGenerator and the claims jira._create_jwt_session sets (iss from the payload,
iat, exp three minutes on), so that every qsh below is python3-jira's own. What it gets right
and the 401s with their diagnoses, each against the canonical request of the rules, written
here by hand:

- names are not percent-encoded (NamesNotEncoded);
- a trailing '/' is kept (TrailingSlashKept);
- a '&' in the path is left raw (RawAmpersandInPath).

usage: test_mock_product_jira.py QSHCHECK
"""

import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "stand_ins"))  # before jira.client imports requests_jwt
import jira  # noqa: E402
import jwt  # noqa: E402
import requests  # noqa: E402
from jira.client import QshGenerator  # noqa: E402
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


# jira.JIRA's methods, the target each sends after the context path and the canonical request of
# the rules
CLIENT_CALLS = [
    (lambda j: j.issue("ABC-1", fields="summary,status", expand="names"),
     "/rest/api/2/issue/ABC-1?fields=summary%2Cstatus&expand=names",
     "GET&/rest/api/2/issue/ABC-1&expand=names&fields=summary%2Cstatus"),
    (lambda j: j.search_issues("project = ABC AND text ~ \"caf\u00e9\"", maxResults=5,
                               fields="summary"),
     None, None),
    (lambda j: j.project("MY PROJ"), "/rest/api/2/project/MY%20PROJ",
     "GET&/rest/api/2/project/MY%20PROJ&"),
    (lambda j: j.add_comment("ABC-1", "Looks good"), "/rest/api/2/issue/ABC-1/comment",
     "POST&/rest/api/2/issue/ABC-1/comment&"),
]


def through_the_client(tmp):
    """jira.JIRA's own calls, each accepted by a product at /jira (its answer is the mock
    product's small JSON body, which jira.JIRA may fail to read: the verdict is in the log)."""
    with MockProduct(BIN, "/jira", KEY, SECRET, os.path.join(tmp, "client.jsonl")) as mp:
        client = jira.JIRA(server="http://%s/jira" % mp.addr, get_server_info=False,
                           max_retries=0, jwt={"secret": SECRET, "payload": {"iss": KEY}})
        check(client._options["context_path"] == "/jira",
              "jira.JIRA takes the context path from the server URL: %r"
              % client._options["context_path"])
        for call, *_ in CLIENT_CALLS:
            try:
                call(client)
            except (jira.JIRAError, KeyError, TypeError, AttributeError):
                pass  # the body is not Jira's; the log says what the product decided
        logged = mp.log_lines()
    check(mp.stopped_cleanly(), "the mock product stops cleanly")
    check(len(logged) >= len(CLIENT_CALLS), "at least one request a call: %d" % len(logged))
    for c in logged:  # search_issues asks for the fields first
        check(c["status"] == 200, "python3-jira's %s %s is accepted (got %s %s %s)"
              % (c["request"]["method"], c["request"]["target"], c["status"], c["reason"],
                 c.get("diagnosis")))
    by_target = {c["request"]["target"]: c for c in logged}
    for _, target, canonical in CLIENT_CALLS:
        if target is not None:
            c = by_target.get("/jira" + target, {})
            check(c.get("canonicalRequest") == canonical,
                  "%s: sent so, the canonical request %s (got %s; sent %s)"
                  % (target, canonical, c.get("canonicalRequest"), sorted(by_target)))
    check(any(t.startswith("/jira/rest/api/2/search?jql=") for t in by_target),
          "search_issues sends its JQL in the query: %s" % sorted(by_target))


def main():
    with tempfile.TemporaryDirectory(prefix="qshcheck-jira-") as tmp:
        through_the_client(tmp)
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
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
