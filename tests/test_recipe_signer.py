#!/usr/bin/env python3
"""A recipe's signer, checked by the reference verifier: the recipe signs an app-to-product
call for each of a sample of the corpus's requests (`COMMAND sign SECRET ISS NOW METHOD TARGET
BASE_URL` prints the Authorization header's value), and `qshcheck token verify` must accept
each token for exactly that request and refuse it for a request one character away; the
recipe's seed example (`COMMAND example NOW`: GET /jira/rest/api/latest/issue/TEST-2 for a
tenant at https://example.atlassian.net/jira) must verify too. recipes/README.md has the
interface.

usage: test_recipe_signer.py QSHCHECK 'COMMAND'
"""

import os
import shlex
import subprocess
import sys

from testlib import Checks, sample_valid_requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET, ISS, NOW = "recipe-test-secret", "com.example.recipe", 1700000000
EXAMPLE = ("https://example.atlassian.net/jira", "GET", "/jira/rest/api/latest/issue/TEST-2",
           "example-shared-secret", "com.example.app")
SAMPLE = 40  # requests from the corpus, spread over its files


def sample_requests():
    """Valid server-profile requests without a body, from every qsh file."""
    return sample_valid_requests(lambda t: t["method"].isalnum(), 3)[:SAMPLE]


def verify(qshcheck, header, method, target, base, secret, now):
    p = subprocess.run([qshcheck, "token", "verify", "--secret", secret, "--kind", "app-to-product",
                        "--now", str(now), "--base-url", base, "--header", "Authorization: " + header,
                        "--", method, target], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout.strip()


def main():
    qshcheck, command = os.path.abspath(sys.argv[1]), shlex.split(sys.argv[2])
    check = Checks()
    for t in sample_requests():
        p = subprocess.run(command + ["sign", SECRET, ISS, str(NOW), t["method"], t["target"], t["baseUrl"]],
                           capture_output=True, text=True, timeout=30, cwd=ROOT)
        header = p.stdout.strip()
        where = "%s %s (base %r)" % (t["method"], t["target"][:80], t["baseUrl"])
        if not check(p.returncode == 0 and header.startswith("JWT "), "sign %s: %d %r" % (where, p.returncode, p.stderr[-300:])):
            continue
        rc, out = verify(qshcheck, header, t["method"], t["target"], t["baseUrl"], SECRET, NOW + 10)
        check(rc == 0 and out == "valid", "the reference accepts the token for %s: %s" % (where, out))
        other = t["target"] + ("&" if "?" in t["target"] else "?") + "x=1"
        rc, out = verify(qshcheck, header, t["method"], other, t["baseUrl"], SECRET, NOW + 10)
        check(rc == 1 and "QSH_MISMATCH" in out, "and refuses it for another request: %s" % out)
    base, method, target, secret, iss = EXAMPLE
    p = subprocess.run(command + ["example", str(NOW)], capture_output=True, text=True, timeout=30, cwd=ROOT)
    header = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    rc, out = verify(qshcheck, header, method, target, base, secret, NOW + 10)
    check(p.returncode == 0 and rc == 0 and out == "valid", "the seed example verifies: %r %s" % (p.stderr[-300:], out))
    return check.finish()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main())
