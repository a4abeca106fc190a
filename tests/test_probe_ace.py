"""qshcheck probe against a real atlassian-connect-express 11.5.3 app
(harness/adapters/node/ace_app.js: Express on loopback, one tenant in its store, a route for
each of ACE's verifiers). The findings are docs/bugs.md's section on the probe; this test
requires exactly them, so that a change in ACE or in the probe shows here.

usage: test_probe_ace.py QSHCHECK"""

import json
import os
import sys

from probe_apps import app, free_port
from testlib import Checks, run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACE_APP = os.path.join(ROOT, "harness", "adapters", "node", "ace_app.js")
SECRET, KEY = "ace-probe-shared-secret", "tenant-ace-1"

ROUTES = [("module", "/module"), ("webhook", "/webhook"), ("lifecycle", "/installed"),
          ("lifecycle", "/uninstalled"), ("context", "/context"), ("context", "/context-token")]
FUTURE = "issued an hour from now"
# (path, attack) of every attack ACE accepts; docs/bugs.md says why each is one.
EXPECTED = {
    ("/module", FUTURE),
    ("/module", "two carriers: a valid token, and a forged one in the other carrier"),
    ("/webhook", FUTURE),
    ("/installed", FUTURE),
    ("/uninstalled", FUTURE),
    ("/context", "qsh of another request"),
    ("/context", "no qsh claim"),
    ("/context", FUTURE),
    ("/context-token", "qsh of another request"),
    ("/context-token", "no qsh claim"),
    ("/context-token", FUTURE),
}
# The corpus queries whose valid requests ACE refuses ("query hash does not match"), on the two
# routes that check the qsh: names sorted by their decoded form (qsh_sorting/5 to 8) and
# Express's parser reading a[] as an array (qsh_query_parsing/42).
INTEROP_QUERIES = ["a[]=1&a[]=2", "a.c=1&a[b]=2", "z=1&%C3%A9=2", "a.=2&a/=1",
                   "%F0%9F%98%80=2&%EF%BD%9E=1"]
EXPECTED_INTEROP = {(p, q) for p in ["/module", "/webhook"] for q in INTEROP_QUERIES}


def query_of(target):
    """The corpus query of a probe's target: after the route's path, without the token."""
    query = target.partition("?")[2]
    return "&".join(p for p in query.split("&") if not p.startswith("jwt="))


def check_signed_installs(c, qc):
    """Jira's product setting: installs are signed (RS256); ACE fetches the key from
    $CONNECT_KEYS_CDN_URL/KID, here the probe's key server."""
    kport = free_port()
    with app(["node", ACE_APP, "--secret", SECRET, "--client-key", KEY, "--product", "jira"],
             env={"CONNECT_KEYS_CDN_URL": "http://127.0.0.1:%d" % kport}) as port:
        rc, out, err = run(qc, "probe", "--secret", SECRET, "--client-key", KEY, "--format",
                           "json", "--key-server", "127.0.0.1:%d" % kport,
                           "--route", "lifecycle=http://127.0.0.1:%d/installed" % port,
                           "--route", "lifecycle=http://127.0.0.1:%d/uninstalled" % port,
                           timeout=300)
        res = json.loads(out)["results"] if out.startswith("{") else []
        c(rc == 1, "signed installs to ACE: exit 1, got %d %s" % (rc, err))
        valid = [r for r in res if not r["attack"]]
        c(len(valid) == 2 and all(r["class"] == "accepted" for r in valid),
          "ACE accepts the signed installs, its key from the probe's key server")
        found = {(r["route"], r["label"]) for r in res if r["failure"]}
        c(found == {(1, FUTURE), (2, FUTURE)},
          "ACE's one failure on signed installs is the future iat: %s" % sorted(found))
        for label in ["HS256 signed with the public key of the kid", "aud of another app",
                      "RS256 signed by a key that is not the kid's"]:
            c(any(r["label"] == label and r["class"] != "accepted" for r in res),
              "ACE refuses: " + label)


def main():
    qc = sys.argv[1]
    c = Checks()
    # Bitbucket's product setting: ACE authenticates a re-install with the tenant's shared
    # secret (HS256); for Jira and Confluence it takes signed installs (RS256) only.
    with app(["node", ACE_APP, "--secret", SECRET, "--client-key", KEY,
              "--product", "bitbucket"]) as port:
        args = []
        for kind, path in ROUTES:
            args += ["--route", "%s=http://127.0.0.1:%d%s" % (kind, port, path)]
        rc, out, err = run(qc, "probe", "--secret", SECRET, "--client-key", KEY, "--format",
                           "json", *args, timeout=300)
        c(rc == 1, "ACE has security failures: exit 1, got %d %s" % (rc, err))
        doc = json.loads(out) if out.startswith("{") else {"results": []}
        res = doc["results"]
        path_of = {i + 1: p for i, (_, p) in enumerate(ROUTES)}
        found = {(path_of[r["route"]], r["label"]) for r in res if r["failure"] == "security"}
        c(found == EXPECTED, "ACE's security failures: unexpected %s, missing %s" %
          (sorted(found - EXPECTED), sorted(EXPECTED - found)))
        interop = {(path_of[r["route"]], query_of(r["target"])) for r in res
                   if r["failure"] == "interop"}
        c(interop == EXPECTED_INTEROP, "ACE's interop failures: unexpected %s, missing %s" %
          (sorted(interop - EXPECTED_INTEROP), sorted(EXPECTED_INTEROP - interop)))
        c(all(r["status"] == 401 and "query hash does not match" in r["answer"] for r in res
              if r["failure"] == "interop"), "each refused with ACE's qsh mismatch message")
        c(len(res) > 500, "the probe sent %d requests" % len(res))
        # context-qsh outside context routes (CVE-2021-26073) is fixed in this version.
        for kind in ["module", "webhook", "lifecycle"]:
            refused = [r for r in res if r["label"] == "context-qsh on a %s route" % kind]
            c(refused and all(r["class"] == "rejected" for r in refused),
              "ACE 11.5.3 rejects context-qsh on a %s route" % kind)
        tampered = [r for r in res if r["label"] == "tampered signature"]
        c(tampered and all(r["status"] == 400 for r in tampered),
          "ACE refuses a tampered signature with 400, not 401")
    check_signed_installs(c, qc)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
