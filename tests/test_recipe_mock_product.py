#!/usr/bin/env python3
"""A recipe's signer and the language's HTTP client against the mock product: for a sample of
the corpus's valid requests whose target is legal on the wire as it stands (RFC 3986
characters only, so a conforming client has no reason to change it), the recipe's `call`
(`COMMAND call SECRET ISS METHOD TARGET BASE_URL`: sign at the current time and send with the
language's HTTP client) must reach `qshcheck mock-product` with the target byte for byte and be
accepted; the mock product plays a tenant at the case's base path (its context path). A call
to a tenant with another secret must come back as the 401 with the product's text, and a call
to where nothing listens must fail with exit 1. recipes/README.md has the interface.

usage: test_recipe_mock_product.py QSHCHECK 'COMMAND'
"""

import os
import re
import shlex
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

from mock_product_lib import MockProduct
from testlib import Checks, sample_valid_requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET, ISS = "recipe-mock-secret", "com.example.recipe"
WIRE_SAFE = re.compile(r"^/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
PER_FILE = 4


def base_path(base_url):
    return urlsplit(base_url).path.rstrip("/")


def under(target, path):
    """Whether the target lies under the context path, segment by segment."""
    return path == "" or target == path or target.startswith(path + "/") or \
        target.startswith(path + "?")


def has_jwt_parameter(target):
    """A jwt query parameter, which products refuse in an app's call since 2022 (the mock
    product too), though the qsh leaves it out."""
    query = target.partition("?")[2].partition("#")[0]
    return any(piece.partition("=")[0] == "jwt" for piece in query.split("&"))


def sample_requests():
    """Valid requests a conforming client sends as they are, a few from every qsh file."""
    return sample_valid_requests(
        lambda t: t["method"] in METHODS and WIRE_SAFE.match(t["target"])
        and len(base_path(t["baseUrl"])) < 100 and under(t["target"], base_path(t["baseUrl"]))
        and not has_jwt_parameter(t["target"]), PER_FILE)


def call(command, method, target, base_url):
    p = subprocess.run(command + ["call", SECRET, ISS, method, target, base_url],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    status, _, body = p.stdout.partition("\n")
    return p.returncode, status.strip(), body, p.stderr


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    qshcheck, command = os.path.abspath(sys.argv[1]), shlex.split(sys.argv[2])
    check = Checks()
    groups = {}
    for t in sample_requests():
        groups.setdefault(base_path(t["baseUrl"]), []).append(t)
    check(sum(len(g) for g in groups.values()) >= 30 and len(groups) >= 3,
          "the sample: %d requests under %d context paths" %
          (sum(len(g) for g in groups.values()), len(groups)))
    with tempfile.TemporaryDirectory(prefix="qshcheck-recipe-mock-") as tmp:
        for n, (path, tests) in enumerate(sorted(groups.items())):
            log = os.path.join(tmp, "calls-%d.jsonl" % n)
            with MockProduct(qshcheck, path, ISS, SECRET, log, "--leeway", "30") as mp:
                base = "http://%s%s" % (mp.addr, path)
                for t in tests:
                    where = "%s %s (context path %r)" % (t["method"], t["target"][:80], path)
                    before = len(mp.log_lines())
                    rc, status, body, err = call(command, t["method"], t["target"], base)
                    logged = mp.log_lines()[before:]
                    got = [c["request"]["target"] for c in logged]
                    check(rc == 0 and status == "200" and got == [t["target"]],
                          "%s: accepted, received as sent (exit %d, status %r, received %r, %s%s)"
                          % (where, rc, status, got, body[:200], err[-300:]))
            check(mp.stopped_cleanly(), "the mock product stopped cleanly: %r" % mp.stderr[-300:])
    # Refusals come through: a call to a tenant with another secret gets the 401 and its text.
    with tempfile.TemporaryDirectory(prefix="qshcheck-recipe-mock-") as tmp:
        with MockProduct(qshcheck, "", ISS, SECRET + "-other", os.path.join(tmp, "l")) as mp:
            rc, status, body, err = call(command, "GET", "/rest/api/3/myself",
                                         "http://%s" % mp.addr)
            check(rc == 0 and status == "401" and body.strip() != "",
                  "another secret: 401 with the product's text (exit %d, %r, %r %s)" %
                  (rc, status, body[:200], err[-300:]))
    # A transport error is exit 1 with a message, not a status.
    rc, status, body, err = call(command, "GET", "/rest/api/3/myself", "http://127.0.0.1:1")
    check(rc == 1 and err.strip() != "", "nothing listening: exit 1 with a message (exit %d, %r)"
          % (rc, err[-200:]))
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
