#!/usr/bin/env python3
"""atlassian-connect-express 11.5.3's HostClient (httpClient.get) as a real app's outgoing
calls, against `qshcheck mock-product` with the context path /wiki: the requests it gets right
(paths with %2F, '&', a trailing '/', '+', raw '[' and ';', '~' escaped, mixed-case names, a
fragment), and the ones the mock product refuses with the diagnosis of the mistake, each
checked against the canonical request the rules give, written here by hand:

- a parameter without '=' ("?empty"): ACE hashes "empty=null" (ValuelessNull), the rules
  "empty=";
- a parameter with an empty name ("?=v&a=1"): ACE hashes "=v" (EmptyNameKept), products drop it;
- a path with "//": ACE sends "/wiki/rest/api/double" but hashed "/rest/api//double", which no
  known mistake explains (the URL changed between hashing and sending).

usage: test_mock_product_ace.py QSHCHECK NODE_MODULES
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mock_product_lib import MockProduct, qsh_of  # noqa: E402
from testlib import Checks  # noqa: E402

BIN, NODE_MODULES = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
check = Checks()
KEY, SECRET = "qshcheck-mock-client", "ace-shared-secret"

# path given to httpClient.get, the target the mock product saw, the canonical request of the
# rules (server profile, less /wiki)
RIGHT = [
    ("/rest/api/content?spaceKey=DEV&expand=body.storage",
     "/wiki/rest/api/content?spaceKey=DEV&expand=body.storage",
     "GET&/rest/api/content&expand=body.storage&spaceKey=DEV"),
    ("/rest/api/content/a%2Fb", "/wiki/rest/api/content/a%2Fb", "GET&/rest/api/content/a%2Fb&"),
    ("/rest/a&b", "/wiki/rest/a&b", "GET&/rest/a%26b&"),
    ("/rest/api/x/", "/wiki/rest/api/x/", "GET&/rest/api/x&"),
    ("/rest/api/user?name=a+b", "/wiki/rest/api/user?name=a+b", "GET&/rest/api/user&name=a%20b"),
    ("/rest/api/x?q=[1]", "/wiki/rest/api/x?q=[1]", "GET&/rest/api/x&q=%5B1%5D"),
    ("/rest/api/x?a=1;b=2", "/wiki/rest/api/x?a=1;b=2", "GET&/rest/api/x&a=1%3Bb%3D2"),
    ("/rest/api/x?a=%7E", "/wiki/rest/api/x?a=%7E", "GET&/rest/api/x&a=~"),
    ("/rest/api/x?A=1&a=2&B=3", "/wiki/rest/api/x?A=1&a=2&B=3", "GET&/rest/api/x&A=1&B=3&a=2"),
    ("/rest/api/x#frag", "/wiki/rest/api/x", "GET&/rest/api/x&"),
]
# path, the target seen, the correct canonical request, ACE's, the mistakes
WRONG = [
    ("/rest/api/x?empty", "/wiki/rest/api/x?empty", "GET&/rest/api/x&empty=",
     "GET&/rest/api/x&empty=null", "ValuelessNull"),
    ("/rest/api/x?=v&a=1", "/wiki/rest/api/x?=v&a=1", "GET&/rest/api/x&a=1",
     "GET&/rest/api/x&=v&a=1", "EmptyNameKept"),
    ("/rest/api//double", "/wiki/rest/api/double", "GET&/rest/api/double&", None, None),
]


def main():
    with tempfile.TemporaryDirectory(prefix="qshcheck-ace-client-") as tmp:
        paths = [p for p, *_ in RIGHT + WRONG]
        env = dict(os.environ, NODE_PATH=NODE_MODULES)
        with MockProduct(BIN, "/wiki", KEY, SECRET, os.path.join(tmp, "calls.jsonl")) as mp:
            base = "http://%s/wiki" % mp.addr
            p = subprocess.run(["node", os.path.join(HERE, "mock_product_ace_client.js"), base,
                                SECRET, *paths], capture_output=True, text=True, timeout=120,
                               env=env)
            check(p.returncode == 0, "the ACE client ran: %s" % p.stderr[-400:])
            answers = {a["path"]: a for a in map(json.loads, p.stdout.splitlines())}
            logged = {c["request"]["target"]: c for c in mp.log_lines()}
        check(mp.stopped_cleanly(), "the mock product stops cleanly")
        for path, target, canonical in RIGHT:
            a, c = answers.get(path, {}), logged.get(target, {})
            check(a.get("status") == 200 and c.get("canonicalRequest") == canonical,
                  "ACE gets %s right: 200 over %s (got %s, %s)" % (path, canonical, a,
                                                                  c.get("canonicalRequest")))
        for path, target, canonical, theirs, mistakes in WRONG:
            a, c = answers.get(path, {}), logged.get(target, {})
            check(a.get("status") == 401 and a.get("reason") == "QSH_MISMATCH" and
                  c.get("canonicalRequest") == canonical,
                  "ACE gets %s wrong: 401 QSH_MISMATCH against %s (got %s)" % (path, canonical, a))
            check(c.get("appCanonicalRequest") == theirs and c.get("mistakes") == mistakes,
                  "%s: the diagnosis finds ACE's %s (%s): %s" % (path, theirs, mistakes,
                                                                 a.get("diagnosis")))
        double = logged.get("/wiki/rest/api/double", {})
        check(double.get("claimedQsh") == qsh_of("GET&/rest/api//double&"),
              "ACE hashed the path with '//' that it did not send")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
