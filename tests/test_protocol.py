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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Checks, run  # noqa: E402
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "oracle"))
import qsh_oracle  # noqa: E402

BIN, REF_PLUGIN, BAD_PLUGIN = (os.path.abspath(a) for a in sys.argv[1:4])
VECTORS = os.path.join(os.path.dirname(HERE), "vectors")
MISBEHAVE = "%s %s" % (sys.executable, os.path.join(HERE, "impls", "misbehave.py"))
check = Checks()


def qc(*args, timeout=300):
    """(status, stdout, stderr); status None when qshcheck (or what holds its output) outlives
    the timeout."""
    try:
        return run(BIN, *args, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "timed out"


def vector_file(path, targets, invalid=()):
    """A vector file whose expectations come from the oracle; the targets in invalid are
    expected to be rejected instead."""
    tests = []
    for i, t in enumerate(targets, 1):
        m, u, q = qsh_oracle.canonical("GET", t)
        req = "&".join([m, u, q])
        tests.append({"tcId": i, "comment": "target " + t, "flags": [], "method": "GET", "target": t,
                      "baseUrl": "", "profile": "server", "canonicalMethod": m, "canonicalUri": u,
                      "canonicalQuery": q, "canonicalRequest": req,
                      "qsh": hashlib.sha256(req.encode()).hexdigest(), "result": "valid"})
        if t in invalid:
            for k in ("canonicalMethod", "canonicalUri", "canonicalQuery", "canonicalRequest", "qsh"):
                del tests[-1][k]
            tests[-1].update(result="invalid", status="QSH_E_PERCENT_MALFORMED")
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
    check("\nthe implementation was restarted 8 times\n" in out, "the restarts are counted: " + out[-300:])
    check(out.startswith("implementation: misbehave 1"), "the run names the implementation")


def gone(pid):
    """Whether a process has ended (a zombie waiting for its parent counts as ended)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_gone(pids, seconds=3.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end and not all(gone(p) for p in pids):
        time.sleep(0.05)
    return all(gone(p) for p in pids)


def read_pids(path, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if os.path.exists(path):
            with open(path) as f:
                return [int(x) for x in f.read().split()]
        time.sleep(0.05)
    return []


def kill_all(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def interrupt(tmp, args, pidfile, sig, env=None):
    """Starts `qshcheck run ARGS`, waits for the program to write its pids, sends sig to qshcheck.
    (qshcheck's exit status or None, the pids, whether they are all gone afterwards)."""
    p = subprocess.Popen([BIN, "run", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env)
    pids = []
    try:
        pids = read_pids(pidfile)
        time.sleep(0.3)  # the request is in flight
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, pids, bool(pids) and wait_gone(pids)
    finally:
        p.kill()
        p.wait()
        kill_all(pids)


def test_signals(tmp):
    """Ctrl-C, SIGTERM and SIGHUP to qshcheck kill the program's whole process group."""
    path = os.path.join(tmp, "hang.json")
    vector_file(path, ["/ok1", "/HANG", "/PIDFILE"])
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        pidfile = os.path.join(tmp, "pids-%d" % sig)
        rc, pids, ok = interrupt(tmp, ["--exec", MISBEHAVE + " --pidfile " + pidfile, "--timeout", "60", path],
                                 pidfile, sig)
        check(rc == -sig, "run --exec dies of signal %d (got %r)" % (sig, rc))
        check(len(pids) == 2 and ok, "signal %d: the program and its child are gone (%r)" % (sig, pids))
    pidfile = os.path.join(tmp, "plugin-pid")
    env = dict(os.environ, BAD_PLUGIN_PIDFILE=pidfile)
    vector_file(path, ["/ok1", "/PIDFILE"])
    rc, pids, ok = interrupt(tmp, ["--plugin", BAD_PLUGIN, "--timeout", "60", path], pidfile, signal.SIGTERM, env)
    check(rc == -signal.SIGTERM and len(pids) == 1 and ok,
          "SIGTERM to run --plugin: the spinning plugin host is gone (%r %r)" % (rc, pids))


def test_background_children(tmp):
    """What the program leaves in the background is killed at the end of the run, and while
    it holds the pipe open a crash is still seen as a crash."""
    path = os.path.join(tmp, "bg.json")
    vector_file(path, ["/ok1", "/ok2?a=1"])
    pidfile = os.path.join(tmp, "bg-pids")
    pids = []
    try:
        rc, out, err = qc("run", "--exec", MISBEHAVE + " --background " + pidfile, path, timeout=20)
        pids = read_pids(pidfile, 1)
        check(rc == 0 and len(pids) == 2 and wait_gone(pids),
              "a background child is killed at the end of the run (%r %r)" % (rc, pids))
    finally:
        kill_all(pids)
    if os.path.exists(pidfile):
        os.unlink(pidfile)
    vector_file(path, ["/ok1", "/CRASH", "/ok2"])
    start = time.monotonic()
    try:
        rc, out, err = qc("run", "--exec", MISBEHAVE + " --background " + pidfile, "--timeout", "5", path,
                          timeout=20)
        pids = read_pids(pidfile, 1)
    finally:
        kill_all(pids)
    took = time.monotonic() - start
    f = failures_by_tcid(out)
    check("killed by signal 11" in f.get(2, "") and took < 4,
          "a crash while a child holds the pipe is a crash, seen at once (%.1f s: %r)" % (took, f.get(2)))
    check(1 not in f and 3 not in f, "the cases around it pass")


def test_queue_clock(tmp):
    """The timeout counts from when the program could start on a request, not from when it
    was queued behind others."""
    path = os.path.join(tmp, "slow.json")
    vector_file(path, ["/s%d" % i for i in range(8)])
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --delay 0.25", "--timeout", "1", path, timeout=60)
    check(rc == 0 and out.strip().endswith("8 passed, 0 failed"),
          "a program taking 0.25 s a request passes with --timeout 1 (%s)" % out.strip().splitlines()[-1])


def test_give_up(tmp):
    """A program that never flushes costs five timeouts, not one per case."""
    path = os.path.join(tmp, "noflush.json")
    vector_file(path, ["/n%d" % i for i in range(12)])
    start = time.monotonic()
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --no-flush", "--timeout", "0.3", path, timeout=60)
    took = time.monotonic() - start
    f = failures_by_tcid(out)
    hangs = [tc for tc, r in f.items() if "broken: no answer within 0.3 s" in r]
    gave_up = [tc for tc, r in f.items() if "gave up" in r and "does it flush after each answer?" in r]
    check(rc == 1 and len(hangs) == 5 and len(gave_up) == 7 and took < 6,
          "gives up after 5 hangs in a row, with a hint (%.1f s, %d hangs, %d given up)"
          % (took, len(hangs), len(gave_up)))


def test_between_answers(tmp):
    """Lines between the answers break the protocol: each is reported, and restarts are
    counted in the summary."""
    path = os.path.join(tmp, "between.json")
    vector_file(path, ["/ok1", "/ok2?a=1", "/ok3", "/ok4?b"])
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --blank-after", "--timeout", "3", path)
    f = failures_by_tcid(out)
    check(rc == 1 and sorted(f) == [1, 2, 3, 4] and all("wrote a blank line" in r for r in f.values()),
          "a blank line after each answer fails each case (%r)" % f)
    check("restarted" not in out, "a blank line costs no restart")
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --twice", "--timeout", "3", path)
    f = failures_by_tcid(out)
    check(rc == 1 and sorted(f) == [1, 2, 3, 4] and all("twice" in r for r in f.values()),
          "an answer sent twice fails its case (%r)" % f)
    rc, out, err = qc("run", "--exec", MISBEHAVE + " --next-id", "--timeout", "3", path)
    f = failures_by_tcid(out)
    # Case 4's own answer may come after the run has moved on: only 2 and 3 are sure to be seen.
    check(rc == 1 and sorted(f) == [2, 3, 4] and "answered id 2 twice" in f.get(2, "") and "answered id 3 twice" in f.get(3, ""),
          "an early answer to the next id: the case that gets it fails (%r)" % f)


def test_what_happened(tmp):
    """The reason says what the program did: closing its output is not a kill by qshcheck; a
    crash is a signal, not a shell's status."""
    path = os.path.join(tmp, "said.json")
    vector_file(path, ["/ok1", "/CLOSEOUT", "/ok2", "/CRASH", "/ok3"])
    rc, out, err = qc("run", "--exec", MISBEHAVE, "--timeout", "3", path)
    f = failures_by_tcid(out)
    check("closed its output" in f.get(2, "") and "signal 9" not in f.get(2, ""),
          "closing stdout is said so (%r)" % f.get(2))
    check("was killed by signal 11" in f.get(4, "") and "status 139" not in f.get(4, ""),
          "a simple command's crash is its own signal (%r)" % f.get(4))
    rc, out, err = qc("run", "--exec", "cd / && " + MISBEHAVE, "--timeout", "3", path)
    f = failures_by_tcid(out)
    check("status 139: its command was killed by signal 11" in f.get(4, ""),
          "a compound command's crash is decoded from its shell's status (%r)" % f.get(4))


def test_verify_shaped(tmp):
    path = os.path.join(tmp, "shape.json")
    vector_file(path, ["/ok1", "/VERIFYSHAPED", "/ok2"])
    rc, out, err = qc("run", "--exec", MISBEHAVE, "--timeout", "3", path)
    f = failures_by_tcid(out)
    check(rc == 1 and "malformed answer" in f.get(2, "") and "verify answer" in f.get(2, "")
          and sorted(f) == [2], "a verify answer to a canonical request is malformed (%r)" % f)


def test_plugin_contract(tmp):
    """plugin-host does not trust the plugin."""
    path = os.path.join(tmp, "contract.json")
    bad = ["/BIGLEN", "/BADRC", "/TOOSMALL"]
    vector_file(path, ["/ok1", "/ERRFULL"] + bad + ["/ok2"], invalid=bad)
    rc, out, err = qc("run", "--plugin", BAD_PLUGIN, "--timeout", "20", path, timeout=120)
    f = failures_by_tcid(out)
    status = re.search(r"rejected with (\S*)", f.get(2, ""))
    check(status and set(status.group(1)) == {"E"} and len(status.group(1)) <= 256,
          "a full, unterminated err is read to its end only (%r)" % f.get(2, "")[:400])
    for tc, word in ((3, "len"), (4, "returned 7"), (5, "TOO_SMALL")):
        check("the plugin is broken" in f.get(tc, "") and word in f.get(tc, ""),
              "case %d: a broken plugin fails even an invalid case (%r)" % (tc, f.get(tc)))
    check(1 not in f and 6 not in f, "the plugin's good cases pass")
    here = os.path.dirname(os.path.abspath(REF_PLUGIN))
    p = subprocess.run([BIN, "run", "--plugin", os.path.basename(REF_PLUGIN), path], cwd=here,
                       capture_output=True, text=True, timeout=60)
    check(p.returncode in (0, 1) and "cannot load" not in p.stderr,
          "--plugin NAME.so without a '/' is in the current directory (%d %r)" % (p.returncode, p.stderr))


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
    # Under AddressSanitizer the plugin host would catch the plugin's SIGSEGV and SIGABRT and
    # exit (status 1, or SIGABRT with abort_on_error): leave both signals to the plugin, so that
    # each case shows the signal the plugin really died of, in every build.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "handle_segv=0:handle_abort=0"]))
    p = subprocess.run([BIN, "run", "--plugin", BAD_PLUGIN, "--timeout", "2", path], env=env,
                       capture_output=True, text=True, timeout=300)
    rc, out = p.returncode, p.stdout
    f = failures_by_tcid(out)
    check(rc == 1 and "killed by signal 11" in f.get(2, ""), "a crashing plugin is contained (%r)" % f.get(2))
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
        test_queue_clock(tmp)
        test_signals(tmp)
        test_background_children(tmp)
        test_give_up(tmp)
        test_between_answers(tmp)
        test_what_happened(tmp)
        test_verify_shaped(tmp)
        test_plugin_contract(tmp)
        test_misbehaving_program(tmp)
        test_start_failures()
        test_plugins(tmp)
        test_lenient_judging()
        test_expected_failures(tmp)
        test_reports(tmp)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
