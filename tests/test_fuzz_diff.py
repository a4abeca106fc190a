#!/usr/bin/env python3
"""`qshcheck fuzz-diff` against implementations whose faults are known: the catalogue's own
canonicalizer without mistakes (it must find nothing), with one or two mistakes (it must find
them, shrink them to a small request, name them, and write candidate vectors that the reference
passes and the broken implementation fails), and a program that crashes (it must carry on).
The same seed must give the same run.

usage: test_fuzz_diff.py QSHCHECK
"""

import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Checks, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
check = Checks()

CRASHER = r'''
import json, os, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("type") == "hello":
        out = {"type": "hello", "protocol": 1, "name": "crasher", "version": "1", "operations": ["canonical"]}
    elif "~" in m["target"]:
        os._exit(9)
    else:
        out = {"id": m["id"], "error": {"status": "REJECTED"}}
    print(json.dumps(out), flush=True)
'''


def fuzz(*args, timeout=300):
    return run(BIN, "fuzz-diff", *args, timeout=timeout)


def serve(mistakes=""):
    return "'%s' serve --mistakes '%s'" % (BIN, mistakes)


def kinds(out):
    """(count, label, minimal request line) for each kind of disagreement in the report."""
    return re.findall(r"^ *(\d+)  (.+)\n *minimal: (.+)$", out, re.M)


def test_agreement():
    rc, out, err = fuzz("--exec", serve(), "--cases", "3000", "--seed", "5")
    check(rc == 0 and "3000 requests" in out and "\n0 disagreements" in out,
          "no disagreement with the catalogue's canonicalizer without mistakes: %s %s" % (out, err))
    start = time.monotonic()
    rc, out, err = fuzz("--exec", serve(), "--seconds", "1")
    sent = re.search(r"seed 1: (\d+) requests", out)
    check(rc == 0 and sent and int(sent.group(1)) > 0 and time.monotonic() - start < 30,
          "--seconds 1 stops soon, having sent requests: " + out)


def test_finds_and_shrinks(tmp):
    rc, out, err = fuzz("--exec", serve("SpaceAsPlus"), "--cases", "1000", "--seed", "7", "--out", tmp)
    found = kinds(out)
    plus = [k for k in found if k[1] == "SpaceAsPlus"]
    check(rc == 1 and plus, "finds SpaceAsPlus: " + out + err)
    if plus:
        target = plus[0][2].split(" ")[1]
        check(len(target) <= 8 and ("%20" in target or "+" in target),
              "shrinks it to a request of a few characters with a space (%s)" % plus[0][2])
    path = os.path.join(tmp, "fuzz_diff_seed7.json")
    check(os.path.exists(path) and "candidate vectors: %s (%d cases)" % (path, len(found)) in out,
          "writes the candidate vectors and says where")
    if not os.path.exists(path):
        return
    rc, out, err = run(BIN, "lint", path)
    check(rc == 0, "the candidate vectors pass lint: " + out + err)
    with open(path) as fh:
        doc = json.load(fh)
    tests = doc["testGroups"][0]["tests"]
    check(any("SpaceAsPlus" in t["flags"] for t in tests) and doc["notes"]["SpaceAsPlus"]["bugType"] == "KNOWN_MISTAKE",
          "a candidate carries the mistake's flag and note")
    rc, out, _ = run(BIN, "run", path)
    check(rc == 0, "the reference passes the candidates: " + out[-300:])
    rc, out, _ = run(BIN, "run", "--exec", serve("SpaceAsPlus"), path)
    check(rc == 1 and re.search(r"0 passed, %d failed" % len(tests), out),
          "the broken implementation fails every candidate: " + out[-300:])


def test_pairs_and_seed(tmp):
    args = ("--exec", serve("RepeatedNotJoined,LowercaseHex"), "--cases", "600", "--seed", "11")
    rc1, out1, _ = fuzz(*args, "--out", os.path.join(tmp, "a"))
    rc2, out2, _ = fuzz(*args, "--out", os.path.join(tmp, "b"))
    labels = [k[1] for k in kinds(out1)]
    check(rc1 == 1 and "RepeatedNotJoined" in labels and "LowercaseHex" in labels,
          "two mistakes at once: both found, each alone where it shows alone (%r)" % labels)
    strip = lambda s: re.sub(r"in [0-9.]+ s", "", s).replace(os.path.join(tmp, "a"), "").replace(os.path.join(tmp, "b"), "")
    check(strip(out1) == strip(out2), "the same seed gives the same report")
    with open(os.path.join(tmp, "a", "fuzz_diff_seed11.json")) as a, open(os.path.join(tmp, "b", "fuzz_diff_seed11.json")) as b:
        check(a.read() == b.read(), "the same seed gives the same candidate vectors")
    rc3, out3, _ = fuzz("--exec", serve("RepeatedNotJoined,LowercaseHex"), "--cases", "600", "--seed", "12")
    check(strip(out3) != strip(out1), "another seed sends other requests")


def test_crash(tmp):
    prog = os.path.join(tmp, "crasher.py")
    with open(prog, "w") as fh:
        fh.write(CRASHER)
    rc, out, err = fuzz("--exec", "%s %s" % (sys.executable, prog), "--cases", "300", "--seed", "3",
                        "--hide-stderr", "--server-only")
    labels = [k[1] for k in kinds(out)]
    check(rc == 1 and any(x.startswith("broken") for x in labels) and
          "rejects a request the rules canonicalize" in labels, "a crashing program: broken, and it carries on (%r)" % labels)


def test_usage():
    for args, why in [((), "no implementation"), (("--exec", "x", "--plugin", "y"), "both --exec and --plugin"),
                      (("--exec", "x", "--seconds", "abc"), "--seconds abc"),
                      (("--exec", "x", "--seconds", "0"), "--seconds 0"),
                      (("--exec", "x", "--cases", "0"), "--cases 0"), (("--exec", "x", "--cases", "1.5"), "--cases 1.5"),
                      (("--exec", "x", "--seed", "-1"), "--seed -1"), (("--exec", "x", "--frob"), "unknown option"),
                      (("--exec",), "--exec without a value")]:
        rc, out, err = fuzz(*args)
        check(rc == 2 and err.startswith("qshcheck: "), "%s: exit 2 with a message" % why)
    rc, _, err = fuzz("--exec", "/nonexistent/program", "--cases", "1")
    check(rc == 3 and "cannot start" in err, "a program that cannot start: exit 3")
    rc, _, err = fuzz("--exec", serve(), "--cases", "10", "--out", "/proc/none/x")
    check(rc == 3 and "cannot" in err, "an output folder that cannot be made: exit 3")
    rc, out, _ = fuzz("--help")
    check(rc == 0 and out.startswith("usage: qshcheck fuzz-diff"), "fuzz-diff --help")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_agreement()
        test_finds_and_shrinks(tmp)
        test_pairs_and_seed(tmp)
        test_crash(tmp)
        test_usage()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
