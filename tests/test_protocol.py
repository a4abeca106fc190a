#!/usr/bin/env python3
"""`qshcheck run --exec` and `--plugin` against implementations that misbehave on purpose:
each crash, hang, early exit, malformed line, wrong id, flood or missing answer must fail only
its own case with a clear reason, the program must be restarted and the run carry on. Also:
expected-failure lists, the JUnit and TAP reports, and pipelining order.

usage: test_protocol.py QSHCHECK REF_PLUGIN BAD_PLUGIN
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Checks, run  # noqa: E402
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "oracle"))
import qsh_oracle  # noqa: E402

BIN, REF_PLUGIN, BAD_PLUGIN = sys.argv[1:4]
VECTORS = os.path.join(os.path.dirname(HERE), "vectors")
MISBEHAVE = "%s %s" % (sys.executable, os.path.join(HERE, "impls", "misbehave.py"))
check = Checks()


def qc(*args, timeout=300):
    return run(BIN, *args, timeout=timeout)


def vector_file(path, targets):
    """A valid vector file whose expectations come from the oracle."""
    tests = []
    for i, t in enumerate(targets, 1):
        m, u, q = qsh_oracle.canonical("GET", t)
        req = "&".join([m, u, q])
        tests.append({"tcId": i, "comment": "target " + t, "flags": [], "method": "GET", "target": t,
                      "baseUrl": "", "profile": "server", "canonicalMethod": m, "canonicalUri": u,
                      "canonicalQuery": q, "canonicalRequest": req,
                      "qsh": hashlib.sha256(req.encode()).hexdigest(), "result": "valid"})
    doc = {"schema": "qsh_canonical_v1.schema.json", "algorithm": "ATLASSIAN-CONNECT-QSH", "version": "1",
           "numberOfTests": len(tests), "header": [], "notes": {},
           "testGroups": [{"type": "QshCanonical", "tests": tests}]}
    with open(path, "w") as f:
        json.dump(doc, f)


def failures_by_tcid(out):
    """tcId -> the 'actual:' line of its failure, from the text report."""
    res, cur = {}, None
    for line in out.splitlines():
        if line.startswith("FAIL "):
            cur = int(line.split(" tcId ")[1].split(":")[0])
        elif line.startswith("  actual:") and cur is not None:
            res[cur] = line
    return res


def test_misbehaving_program(tmp):
    names = ["/ok1?a=1", "/CRASH", "/ok2?b=2&a=1", "/HANG", "/ok3", "/EXIT", "/ok4?x",
             "/GARBAGE", "/WRONGID", "/ok5?z=1&y=2", "/NOANSWER", "/FLOOD", "/ok6/", "/SKIPME"]
    path = os.path.join(tmp, "misbehave.json")
    vector_file(path, names)
    rc, out, err = qc("run", "--exec", MISBEHAVE, "--timeout", "3", path)
    f = failures_by_tcid(out)
    check(rc == 1, "misbehaving program: exit 1 (got %d)" % rc)
    want = {2: "killed by signal 11", 4: "no answer within 3.0 s", 6: "exited with status 3",
            8: "malformed answer", 9: "answered id", 11: "no answer within 3.0 s",
            12: "bytes without a newline"}
    for tc, reason in want.items():
        check(tc in f and reason in f[tc], "case %d fails with '%s' (got %r)" % (tc, reason, f.get(tc)))
    for tc in (1, 3, 5, 7, 10, 13):
        check(tc not in f, "well-behaved case %d passes after the restarts" % tc)
    check(out.strip().splitlines()[-1] == "6 passed, 7 failed, 1 skipped",
          "closing line of the misbehaving run (got %r)" % out.strip().splitlines()[-1])
    check(out.startswith("implementation: misbehave 1"), "the run names the implementation")


def test_start_failures():
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --bad-hello", os.path.join(VECTORS, "qsh_method.json"))
    check(rc == 3 and "not JSON" in err, "a bad hello exits 3 with the reason (%d %r)" % (rc, err))
    rc, out, err = qc("run", "--exec", "/nonexistent/program", os.path.join(VECTORS, "qsh_method.json"))
    check(rc == 3 and "cannot start" in err, "a missing program exits 3 (%d %r)" % (rc, err))
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --slow-start", os.path.join(VECTORS, "qsh_method.json"))
    check(rc == 0, "a program that starts slowly is waited for (%d)" % rc)
    rc, out, err = qc("run", "--plugin", "/nonexistent.so", os.path.join(VECTORS, "qsh_method.json"))
    check(rc == 3 and "cannot load" in err, "a missing plugin exits 3 (%d %r)" % (rc, err))


def test_plugins(tmp):
    rc, out, err = qc("run", "--plugin", REF_PLUGIN)
    last = out.strip().splitlines()[-1]
    check(rc == 0 and " passed, 0 failed" in last, "the reference as a plugin passes the corpus (%s)" % last)
    path = os.path.join(tmp, "bad.json")
    vector_file(path, ["/ok1", "/CRASH", "/ok2?a=1", "/HANG", "/ABORT", "/ok3"])
    rc, out, err = qc("run", "--plugin", BAD_PLUGIN, "--timeout", "2", path)
    f = failures_by_tcid(out)
    # Under AddressSanitizer the host's SEGV handler reports and aborts: signal 6, not 11.
    check(rc == 1 and ("killed by signal 11" in f.get(2, "") or "killed by signal 6" in f.get(2, "")),
          "a crashing plugin is contained (%r)" % f.get(2))
    check("no answer within 2.0 s" in f.get(4, ""), "a hanging plugin times out (%r)" % f.get(4))
    check("killed by signal 6" in f.get(5, ""), "an aborting plugin is contained (%r)" % f.get(5))
    check(all(tc not in f for tc in (1, 3, 6)), "the plugin's good cases pass")


def test_lenient_judging():
    # The misbehave program answers with the oracle: every case passes, invalid ones by
    # rejecting with the oracle's status, which is not compared for other implementations.
    rc, out, err = qc("run", "--exec", MISBEHAVE)
    last = out.strip().splitlines()[-1]
    check(rc == 0 and " passed, 0 failed" in last, "the oracle over the protocol passes the corpus (%s)" % last)


def test_expected_failures(tmp):
    src = os.path.join(VECTORS, "qsh_base_path.json")
    prog = MISBEHAVE
    bad = os.path.join(tmp, "qsh_base_path.json")
    with open(src) as f:
        doc = json.load(f)
    t = doc["testGroups"][0]["tests"]
    for i in (0, 1):  # two cases the program now "fails": corrupt their expectations
        t[i]["canonicalRequest"] = "GET&/nowhere&"
        t[i]["canonicalUri"] = "/nowhere"
        t[i]["qsh"] = hashlib.sha256(b"GET&/nowhere&").hexdigest()
    with open(bad, "w") as f:
        json.dump(doc, f)
    xf = os.path.join(tmp, "expected.txt")
    with open(xf, "w") as f:
        f.write("# known\nqsh_base_path/1  # corrupted on purpose\nqsh_base_path/2  # corrupted too\n")
    rc, out, err = qc("run", "--exec", prog, "--expected-failures", xf, bad)
    check(rc == 0 and "2 expected failures" in out, "listed failures do not fail the run (%d)" % rc)
    with open(xf, "w") as f:
        f.write("qsh_base_path/1  # corrupted on purpose\nqsh_base_path/3  # but 3 passes\n")
    rc, out, err = qc("run", "--exec", prog, "--expected-failures", xf, bad)
    check(rc == 1, "a new failure and a stale line fail the run")
    check("add these lines" in out and "\nqsh_base_path/2  # " in out, "the line to add is printed")
    check("remove these lines" in out and "\nqsh_base_path/3  # but 3 passes" in out, "the line to remove is printed")
    check("XPASS" in out, "the passing listed case is reported")
    with open(xf, "w") as f:
        f.write("qsh_base_path/*  # all of them\nqsh_utf8/*  # a file not run here\n")
    rc, out, err = qc("run", "--exec", prog, "--expected-failures", xf, bad)
    check(rc == 0 and "2 expected failures" in out, "a wildcard covers the failures; unrun files are not judged")
    with open(xf, "w") as f:
        f.write("qsh_method/*  # nothing fails there\n")
    rc, out, err = qc("run", "--exec", prog, "--expected-failures", xf, os.path.join(VECTORS, "qsh_method.json"))
    check(rc == 1 and "remove these lines" in out, "a wildcard that covers no failure is stale")
    with open(xf, "w") as f:
        f.write("no slash here\n")
    rc, out, err = qc("run", "--expected-failures", xf)
    check(rc == 3 and "FILE/TCID" in err, "a malformed list exits 3")


def test_reports(tmp):
    path = os.path.join(tmp, "rep.json")
    vector_file(path, ["/ok1?a=1", "/CRASH", "/ok2", "/SKIPME"])
    rc, out, err = qc("run", "--exec", MISBEHAVE, "--format", "junit", path)
    check(rc == 1 and err.strip().endswith("2 passed, 1 failed, 1 skipped"), "junit: closing line on stderr")
    junit = os.path.join(tmp, "report.xml")
    with open(junit, "w") as f:
        f.write(out)
    root = ET.fromstring(out)
    suite = root.find("testsuite")
    check(root.tag == "testsuites" and suite.get("tests") == "4" and suite.get("failures") == "1"
          and suite.get("skipped") == "1", "junit counts")
    check(len(suite.findall("testcase/failure")) == 1 and "killed by signal" in suite.find("testcase/failure").text,
          "junit failure carries the reason")
    xsd = os.path.join(HERE, "data", "junit.xsd")
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", "--schema", xsd, junit], capture_output=True, text=True)
        check(p.returncode == 0, "junit validates against the JUnit schema: " + p.stderr[-300:])
    else:
        check(False, "xmllint is missing (apt-get install libxml2-utils)")
    # A JUnit consumer reads it: Debian's python3-junitparser, under Debian's python3.
    code = ("import sys, junitparser\n"
            "cases = [c for s in junitparser.JUnitXml.fromfile(sys.argv[1]) for c in s]\n"
            "bad = [c for c in cases if not c.is_passed and not c.is_skipped]\n"
            "print(len(cases), len(bad))\n")
    p = subprocess.run(["/usr/bin/python3", "-c", code, junit], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.split() == ["4", "1"],
          "junitparser reads the report (apt-get install python3-junitparser): %r %r" % (p.stdout, p.stderr[-200:]))
    rc, out, err = qc("run", "--exec", MISBEHAVE, "--format", "tap", path)
    lines = out.splitlines()
    check(lines[0] == "TAP version 13" and lines[-1] == "1..4", "tap header and plan")
    check(sum(1 for l in lines if l.startswith("not ok ")) == 1 and any("# SKIP" in l for l in lines),
          "tap results")
    check(any(l.startswith("  message:") for l in lines) and "  ..." in lines, "tap failure block")
    rc, out, err = qc("run", "--exec", MISBEHAVE, "--format", "json", path)
    doc = json.loads(out)
    check(doc["failed"] == 1 and doc["skipped"] == 1 and doc["implementation"] == "misbehave 1"
          and "killed by signal" in doc["failures"][0]["actual"]["status"], "json report")


def test_message_schemas(tmp):
    """Every line both sides wrote validates against its schema in harness/protocol/."""
    rec = os.path.join(tmp, "record.txt")
    files = [os.path.join(VECTORS, f) for f in ("qsh_form_body.json", "qsh_invalid.json", "qsh_utf8.json")]
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --record " + rec, *files)
    check(rc == 0, "recorded run passes")
    code = r"""
import json, sys, jsonschema
d = sys.argv[1]
schemas = {n: json.load(open(d + "/" + n + ".schema.json")) for n in
           ("hello-harness", "hello-implementation", "request", "answer")}
counts = {}
for line in open(sys.argv[2]):
    side, msg = line[:2], json.loads(line[2:])
    hello = msg.get("type") == "hello"
    name = ("hello-harness" if hello else "request") if side == "< " else ("hello-implementation" if hello else "answer")
    jsonschema.validate(msg, schemas[name])
    counts[name] = counts.get(name, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))
"""
    p = subprocess.run(["/usr/bin/python3", "-c", code, os.path.join(os.path.dirname(HERE), "harness", "protocol"), rec],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "request=" in p.stdout and "answer=" in p.stdout,
          "every message validates against its schema (apt-get install python3-jsonschema): %r %r"
          % (p.stdout, p.stderr[-300:]))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_message_schemas(tmp)
        test_misbehaving_program(tmp)
        test_start_failures()
        test_plugins(tmp)
        test_lenient_judging()
        test_expected_failures(tmp)
        test_reports(tmp)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
