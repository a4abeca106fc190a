#!/usr/bin/env python3
"""`qshcheck fuzz-diff` against implementations whose faults are known: the catalogue's own
canonicalizer without mistakes (it must find nothing), with one or two mistakes (it must find
them, shrink them to a small request, name them, and write candidate vectors that the reference
passes and the broken implementation fails), and programs that crash or hang (it must carry on,
shrink those too, and end when --seconds says). The same seed must give the same run; --out is
checked before the run, and a run without disagreement writes no file.

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


# Crashes (SIGSEGV) on a query parameter named Jwt and hangs on one named _x, among the many
# pieces the grammar makes; rejects everything else. With "--hang-tilde", hangs instead on any
# target with a '~', which is frequent.
PICKY = r'''
import json, os, signal, sys, time
tilde = "--hang-tilde" in sys.argv
for line in sys.stdin:
    m = json.loads(line)
    if m.get("type") == "hello":
        out = {"type": "hello", "protocol": 1, "name": "picky", "version": "1", "operations": ["canonical"]}
    else:
        query = m["target"].split("#")[0].partition("?")[2]
        names = [p.split("=")[0] for p in query.split("&")]
        if tilde and "~" in m["target"] or not tilde and "_x" in names:
            time.sleep(1000)
        if not tilde and "Jwt" in names:
            os.kill(os.getpid(), signal.SIGSEGV)
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


def picky(tmp, *flags):
    prog = os.path.join(tmp, "picky.py")
    with open(prog, "w") as fh:
        fh.write(PICKY)
    return " ".join([sys.executable, prog, *flags])


def test_broken_shrinks(tmp):
    rc, out, err = fuzz("--exec", picky(tmp), "--cases", "150", "--seed", "4", "--timeout", "0.5",
                        "--hide-stderr")
    found = kinds(out)
    crash = [k for k in found if k[1].startswith("broken") and "signal 11" in k[1]]
    hang = [k for k in found if k[1].startswith("broken") and "hangs" in k[1]]
    check(rc == 1 and crash and crash[0][2] == "GET /?Jwt [server]",
          "a crash on one parameter name shrinks to that name alone (%r)" % crash)
    check(hang and hang[0][2] == "GET /?_x [server]",
          "a hang on one parameter name shrinks to that name alone (%r)" % hang)


def test_deadline(tmp):
    start = time.monotonic()
    rc, out, err = fuzz("--exec", picky(tmp, "--hang-tilde"), "--seconds", "2", "--timeout", "1",
                        "--hide-stderr")
    took = time.monotonic() - start
    sent = re.search(r"seed 1: (\d+) requests", out)
    check(rc == 1 and sent and int(sent.group(1)) > 0 and took < 6,
          "--seconds 2 against a program that hangs ends in a few seconds (%.1f s): %s%s" % (took, out, err))


def test_out_checked_first(tmp):
    afile = os.path.join(tmp, "a-file")
    with open(afile, "w") as fh:
        fh.write("x")
    for out_dir, why in [(os.path.join(tmp, "missing", "sub"), "a folder in a missing folder"),
                         (afile, "a file in place of a folder"), ("/proc/1", "a folder that cannot be written")]:
        start = time.monotonic()
        rc, out, err = fuzz("--exec", serve("SpaceAsPlus"), "--seconds", "20", "--out", out_dir)
        took = time.monotonic() - start
        check(rc == 3 and took < 5 and out == "" and out_dir in err and "cannot" in err,
              "--out %s is refused before the run (%d, %.1f s, %r)" % (why, rc, took, err))
    clean = os.path.join(tmp, "clean")
    rc, out, err = fuzz("--exec", serve(), "--cases", "300", "--out", clean)
    check(rc == 0 and not os.path.exists(os.path.join(clean, "fuzz_diff_seed1.json")) and
          "no candidate vectors" in out, "no disagreement: no file of 0 cases (%r)" % out[-200:])


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
        test_broken_shrinks(tmp)
        test_deadline(tmp)
        test_out_checked_first(tmp)
        test_usage()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
