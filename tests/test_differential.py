#!/usr/bin/env python3
"""Random requests, built from a grammar that favours the hard parts, canonicalized by the C
reference (through `qshcheck canonical`) and by the independent oracle: both must agree on
every canonical request and on every status. The seed is fixed, so a run is repeatable; a
disagreement prints the command line that reproduces it.

usage: test_differential.py QSHCHECK [COUNT] [SEED]
"""

import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle"))
import qsh_oracle  # noqa: E402

METHODS = ["GET", "get", "Post", "PUT", "patch", "DELETE", "m-search", "G T", "", "x" * 65]
BASES = ["", "https://x.atlassian.net/wiki", "https://x.atlassian.net/wiki/", "https://x.atlassian.net",
         "http://localhost:2990/jira", "https://app.example.com/my%20app", "ftp://h/", "https://h/w?q"]
ORIGINS = ["https://x.atlassian.net", "HTTPS://X.atlassian.net:443", "http://x.atlassian.net",
           "https://evil.example", "http://localhost:2990", "ftp://h", "https://u@h", "https://h:99999"]
SEGMENTS = ["wiki", "wikipedia", "jira", "my%20app", "rest", "api", "2", "a&b", "%2F", "%2f", "%7E", "~",
            ".", "..", "", "a+b", "%C3%A9", ";p=1", "(x)", "*", ":@"]
NAMES = ["a", "b", "A", "jwt", "JWT", "j%77t", "a.b", "a_b", "a[]", "%5B", "10", "2", "", "%C3%A9", "+",
         "%20", "z", "%F0%9F%98%80", "%EF%BD%9E", "a;b", "x=y"]
VALUES = ["", "1", "2", "10", "A", "a", "%5B", "a+b", "a%20b", "a%2Bb", "%7e", "~", "!'()*", "%C3%A9", "z",
          "%F0%9F%98%80", "%EF%BD%9E", "%EE%80%80", "b=c", "%25", ";", "/?:@", "%00"]
# Pieces the rules reject; drawn rarely, so that most requests get through to the sorting.
BAD = ["%FF", "%zz", "%", "%4", "caf\u00e9", "a b", "%E9", "%ED%A0%80", "%C0%AF", "\t"]


def pick(rnd, pool):
    return rnd.choice(BAD) if rnd.random() < 0.02 else rnd.choice(pool)
CTYPES = ["application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded; charset=UTF-8",
          "application/json", "text/plain"]


def gen_query(rnd):
    pieces = []
    for _ in range(rnd.randint(0, 6)):
        r = rnd.random()
        if r < 0.08:
            pieces.append("")
        elif r < 0.2:
            pieces.append(pick(rnd, NAMES))
        else:
            pieces.append(pick(rnd, NAMES) + "=" + pick(rnd, VALUES))
    return "&".join(pieces)


def gen_case(rnd):
    path = "/".join(pick(rnd, SEGMENTS) for _ in range(rnd.randint(0, 4)))
    if rnd.random() < 0.85:
        path = "/" + path
    if rnd.random() < 0.2:
        path += "/" * rnd.randint(1, 3)
    target = path
    if rnd.random() < 0.7:
        target += "?" + gen_query(rnd)
    if rnd.random() < 0.1:
        target += "#" + rnd.choice(["f", "a?b=1", ""])
    if rnd.random() < 0.15:
        target = (rnd.choice(ORIGINS) if rnd.random() < 0.3 else rnd.choice(ORIGINS[:2])) + (target if target.startswith("/") else "/" + target)
    case = {"method": rnd.choice(METHODS) if rnd.random() < 0.3 else "GET", "target": target,
            "base": rnd.choice(BASES) if rnd.random() < 0.1 else rnd.choice(BASES[:6]), "profile": rnd.choice(["server", "server", "product"]),
            "body": None, "ct": None}
    if rnd.random() < 0.2:
        case["method"] = rnd.choice(["POST", "put", "PATCH", "GET"])
        case["body"] = gen_query(rnd) if rnd.random() < 0.9 else "a=b c"
        case["ct"] = rnd.choice(CTYPES)
    return case


def reference(bin_path, c):
    args = [bin_path, "canonical", "--profile", c["profile"]]
    if c["base"]:
        args += ["--base-url", c["base"]]
    if c["body"] is not None:
        args += ["--body", c["body"], "--content-type", c["ct"]]
    args += ["--", c["method"], c["target"]]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if p.returncode == 0:
        return ("ok", p.stdout[:-1] if p.stdout.endswith("\n") else p.stdout)
    if p.returncode == 2 and p.stderr.startswith("qshcheck: QSH_E_"):
        return ("reject", p.stderr.split(":")[1].strip())
    return ("broken", "exit %d: %s" % (p.returncode, p.stderr.strip()[:200]))


def oracle(c):
    try:
        return ("ok", "&".join(qsh_oracle.canonical(c["method"], c["target"], c["base"], c["profile"],
                                                    c["body"], c["ct"])))
    except qsh_oracle.Reject as r:
        return ("reject", r.status)


def main():
    bin_path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261127
    rnd = random.Random(seed)
    failed = 0
    outcomes = {"ok": 0, "reject": 0}
    for _ in range(count):
        c = gen_case(rnd)
        want, got = oracle(c), reference(bin_path, c)
        if want != got:
            failed += 1
            print("DIFF %r\n  oracle:    %r\n  reference: %r" % (c, want, got))
        else:
            outcomes[want[0]] += 1
    print("%d canonicalized and %d rejected alike (seed %d)" % (outcomes["ok"], outcomes["reject"], seed))
    print("%d passed, %d failed" % (count - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
