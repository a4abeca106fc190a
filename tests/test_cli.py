#!/usr/bin/env python3
"""The qshcheck command line as a user meets it: help, exit statuses, canonical and qsh output,
run reports for passing and failing corpora, and lint verdicts on broken files.

usage: test_cli.py QSHCHECK VECTORS_DIR
"""

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Checks, run  # noqa: E402

BIN, VECTORS = sys.argv[1], sys.argv[2]
check = Checks()


def qc(*args, timeout=120):
    return run(BIN, *args, timeout=timeout)


def qc_bytes(*args, timeout=60):
    """(exit status, stdout, stderr) as bytes, or (None, b"", b"") when it does not end in time:
    for output that may not be UTF-8, and for inputs that may block."""
    try:
        p = subprocess.run([BIN, *args], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b""
    return p.returncode, p.stdout, p.stderr


def failing_copy(tmp, name):
    """A copy of qsh_base_path.json, named name (str or bytes), whose first case fails."""
    with open(os.path.join(VECTORS, "qsh_base_path.json"), encoding="utf-8") as f:
        doc = json.load(f)
    t = doc["testGroups"][0]["tests"][0]
    t["canonicalUri"] = "/wiki/rest/api/content"
    t["canonicalRequest"] = "GET&/wiki/rest/api/content&"
    t["qsh"] = hashlib.sha256(t["canonicalRequest"].encode()).hexdigest()
    path = os.path.join(os.fsencode(tmp), os.fsencode(name))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return os.fsdecode(path), doc


def test_help_and_usage():
    rc, out, err = qc("--help")
    check(rc == 0 and out.startswith("usage: qshcheck") and "exit status" in out, "qshcheck --help")
    for cmd in ("canonical", "qsh", "run", "lint", "diagnose", "fuzz-diff", "mistakes", "serve"):
        rc, out, err = qc(cmd, "--help")
        check(rc == 0 and out.startswith("usage: qshcheck " + cmd), cmd + " --help")
    for args, why in [((), "no command"), (("frobnicate",), "unknown command"),
                      (("canonical", "--nope", "GET", "/"), "unknown option"),
                      (("serve", "--mistakes", "SpaceAsPlus,NoSuchMistake"), "serve: an unknown mistake"),
                      (("serve", "extra"), "serve: an extra argument"),
                      (("mistakes", "--yaml"), "mistakes: an unknown option"),
                      (("canonical", "--base-url"), "missing option value"),
                      (("canonical", "GET"), "missing TARGET"),
                      (("canonical", "GET", "/", "extra"), "extra argument"),
                      (("qsh", "--body", "a=1", "POST", "/"), "--body without --content-type"),
                      (("canonical", "--profile", "browser", "GET", "/"), "unknown profile"),
                      (("run", "--format", "xml"), "unknown format"),
                      (("run", "--bogus"), "unknown run option"),
                      (("lint", "--bogus"), "unknown lint option")]:
        rc, out, err = qc(*args)
        check(rc == 2 and "usage: qshcheck" in err and out == "", "usage error exits 2: " + why)


def test_canonical_and_qsh():
    rc, out, err = qc("canonical", "--base-url", "https://x.atlassian.net/wiki", "get",
                      "/wiki/rest/api/content?b=2&a=1+2&jwt=x")
    check(rc == 0 and out == "GET&/rest/api/content&a=1%202&b=2\n" and err == "", "canonical output")
    rc, out, err = qc("qsh", "--base-url=https://x.atlassian.net/wiki", "get",
                      "/wiki/rest/api/content?b=2&a=1+2&jwt=x")
    want = hashlib.sha256(b"GET&/rest/api/content&a=1%202&b=2").hexdigest()
    check(rc == 0 and out == want + "\n", "qsh output is sha256 of the canonical request")
    rc, out, err = qc("canonical", "--profile", "product", "GET", "/a%20b")
    check(rc == 0 and out == "GET&/a b&\n", "product profile")
    rc, out, err = qc("canonical", "--body", "a=1", "--content-type",
                      "application/x-www-form-urlencoded", "POST", "/p?b=2")
    check(rc == 0 and out == "POST&/p&a=1&b=2\n", "form body")
    rc, out, err = qc("canonical", "--", "GET", "/p")
    check(rc == 0 and out == "GET&/p&\n", "-- ends options")
    for args, status in [(("GET", "/p?a=%zz"), "QSH_E_PERCENT_MALFORMED"),
                         (("GET", "/p q"), "QSH_E_TARGET_BYTE"),
                         (("G T", "/p"), "QSH_E_METHOD_INVALID"),
                         (("GET", ""), "QSH_E_TARGET_EMPTY"),
                         (("--base-url", "https://h/w", "GET", "https://e/w/x"), "QSH_E_ORIGIN_MISMATCH")]:
        for cmd in ("canonical", "qsh"):
            rc, out, err = qc(cmd, *args)
            check(rc == 2 and out == "" and err.count("\n") == 1 and status in err,
                  "%s %s exits 2 naming %s (got %d %r)" % (cmd, args, status, rc, err))


def test_run(tmp):
    rc, out, err = qc("run")
    last = out.strip().splitlines()[-1]
    check(rc == 0 and last.endswith(" passed, 0 failed"), "run over the bundled corpus passes")
    total = int(last.split()[0])
    check(total >= 250, "the corpus has at least 250 cases (%d)" % total)

    rc, out, err = qc("run", VECTORS)
    check(rc == 0 and out.strip().splitlines()[-1] == last, "run DIR equals the default corpus")

    with open(os.path.join(VECTORS, "qsh_base_path.json"), encoding="utf-8") as f:
        doc = json.load(f)
    bad = copy.deepcopy(doc)
    t = bad["testGroups"][0]["tests"][0]  # /wiki/rest/api/content with base .../wiki
    t["canonicalUri"] = "/wiki/rest/api/content"
    t["canonicalRequest"] = "GET&/wiki/rest/api/content&"
    t["qsh"] = hashlib.sha256(t["canonicalRequest"].encode()).hexdigest()
    bad_path = os.path.join(tmp, "bad_run.json")
    with open(bad_path, "w", encoding="utf-8") as f:
        json.dump(bad, f)
    rc, out, err = qc("run", bad_path)
    lines = out.splitlines()
    check(rc == 1, "a failing case makes run exit 1")
    check(any(l.startswith("FAIL %s tcId %d" % (bad_path, t["tcId"])) for l in lines), "failure names file and tcId")
    check(any("expected: GET&/wiki/rest/api/content&" in l for l in lines), "failure shows the expected request")
    check(any("actual:   GET&/rest/api/content&" in l for l in lines), "failure shows the actual request")
    caret = [l for l in lines if "^ first difference at byte 5" in l]
    actual = [l for l in lines if l.startswith("  actual:")]
    check(len(caret) == 1 and actual and caret[0].index("^") == actual[0].index("GET&") + 5,
          "the caret is under the first differing byte")
    check(any('target="/wiki/rest/api/content"' in l for l in lines), "failure shows the input")
    check(lines[-1] == "%d passed, 1 failed" % (doc["numberOfTests"] - 1), "closing line counts the failure")

    rc, out, err = qc("run", "--format", "json", bad_path)
    rep = json.loads(out)
    check(rc == 1 and rep["failed"] == 1 and rep["passed"] == doc["numberOfTests"] - 1, "json report counts")
    f0 = rep["failures"][0]
    check(f0["tcId"] == t["tcId"] and f0["actual"]["canonicalRequest"] == "GET&/rest/api/content&"
          and f0["firstDifference"] == 5 and f0["input"]["baseUrl"].endswith("/wiki"), "json failure content")
    check(err.strip() == "%d passed, 1 failed" % (doc["numberOfTests"] - 1), "json mode prints the closing line on stderr")
    stem = os.path.basename(bad_path)[:-5]
    check(rep["files"] == {stem: {"passed": doc["numberOfTests"] - 1, "failed": 1, "skipped": 0,
                                  "expectedFailures": 0}}, "json report's tallies by file: %s" % rep["files"])
    # Token cases of a program without verify are skipped, and the tallies by file say so.
    rc, out, _ = qc("run", "--format", "json", "--exec", "%s serve" % BIN, os.path.join(VECTORS, "token_qsh.json"),
                    os.path.join(VECTORS, "qsh_limits.json"))
    rep = json.loads(out)
    tq = rep["files"].get("token_qsh", {})
    check(rc == 0 and tq.get("skipped", 0) > 0 and tq.get("passed") == 0 and rep["files"]["qsh_limits"]["skipped"] == 0
          and rep["skipped"] == tq["skipped"], "json tallies by file count skipped cases apart: %s" % rep["files"])
    # the implementation's own reason, as the text, JUnit and TAP reports give it
    why = "the implementation offers no operation for this case's profile"
    check(len(rep["skips"]) == rep["skipped"] and all(s["key"].startswith("token_qsh/") and s["why"] == why for s in rep["skips"]),
          "json lists each skipped case with the implementation's reason: %s" % rep["skips"][:2])

    # An invalid case whose status is changed: a status mismatch fails the reference.
    with open(os.path.join(VECTORS, "qsh_invalid.json"), encoding="utf-8") as f:
        inv = json.load(f)
    case = [t for g in inv["testGroups"] for t in g["tests"] if t["result"] == "invalid"][0]
    real = case["status"]
    case["status"] = "QSH_E_URL_INVALID" if real != "QSH_E_URL_INVALID" else "QSH_E_TARGET_BYTE"
    inv["testGroups"] = [dict(inv["testGroups"][0], tests=[case])]
    inv["numberOfTests"] = 1
    p = os.path.join(tmp, "bad_status.json")
    with open(p, "w", encoding="utf-8") as f:
        json.dump(inv, f)
    rc, out, err = qc("run", p)
    check(rc == 1 and "expected: rejected with " + case["status"] in out and "actual:   rejected with " + real in out,
          "a status mismatch is a failure for the reference")

    rc, out, err = qc("run", os.path.join(tmp, "missing.json"))
    check(rc == 3 and "no such file" in err, "a missing file exits 3")
    p = os.path.join(tmp, "broken.json")
    with open(p, "w") as f:
        f.write('{"testGroups": [')
    rc, out, err = qc("run", p)
    check(rc == 3 and "broken.json" in err, "malformed JSON exits 3")
    with open(p, "w") as f:
        f.write('{"testGroups": [], "testGroups": []}')
    rc, out, err = qc("run", p)
    check(rc == 3 and "duplicate" in err, "duplicate members are rejected")
    empty = os.path.join(tmp, "emptydir")
    os.makedirs(empty, exist_ok=True)
    rc, out, err = qc("run", empty)
    check(rc == 3 and "no .json" in err, "a folder without vector files exits 3")


def test_reports_complete_or_absent(tmp):
    # A file that cannot be loaded after one that can: no format may leave half a document.
    good, _ = failing_copy(tmp, "good_first.json")
    broken = os.path.join(tmp, "z_broken.json")
    with open(broken, "w") as f:
        f.write('{"testGroups": [')
    for fmt in ("text", "json", "junit", "tap"):
        rc, out, err = qc_bytes("run", "--format", fmt, good, broken)
        check(rc == 3 and out == b"" and b"z_broken.json" in err,
              "run --format %s with a broken later file: exit 3, no report (got %r, %r)"
              % (fmt, rc, out[-200:]))


def test_names_not_utf8(tmp):
    # A file name that is not UTF-8 (Latin-1 e-acute) with XML markup in it: the JSON report
    # keeps the failure, with the stray byte written as \xE9; the JUnit report stays valid.
    sub = os.path.join(tmp, "latin1")
    os.makedirs(sub, exist_ok=True)
    path, doc = failing_copy(sub, b"caf\xe9_<&>.json")
    tc = doc["testGroups"][0]["tests"][0]["tcId"]
    rc, out, err = qc_bytes("run", "--format", "json", path)
    try:
        rep = json.loads(out.decode("utf-8"))
    except ValueError:
        rep = {}
    fails = rep.get("failures", [])
    check(rc == 1 and rep.get("failed") == 1 and len(fails) == 1,
          "json: a file name that is not UTF-8 keeps its failure (got %r, %r)" % (rc, out[-300:]))
    check(fails[:1] and fails[0]["file"].endswith("/caf\\xE9_<&>.json")
          and fails[0]["key"] == "caf\\xE9_<&>/%d" % tc,
          "json: the stray byte is written as \\xE9 (got %r)" % (fails[:1],))
    tally = rep.get("files", {}).get("caf\\xE9_<&>", {})
    check(tally.get("failed") == 1 and tally.get("passed") == doc["numberOfTests"] - 1,
          "json: the file's tallies are kept under its name as written (got %r)" % rep.get("files"))
    rc, out, err = qc_bytes("run", "--format", "junit", path)
    junit = os.path.join(tmp, "latin1.xml")
    with open(junit, "wb") as f:
        f.write(out)
    xsd = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "junit.xsd")
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", "--schema", xsd, junit], capture_output=True)
        check(rc == 1 and p.returncode == 0, "junit: valid with a file name that is not UTF-8: %r"
              % p.stderr[-300:])
    else:
        check(False, "xmllint is missing (apt-get install libxml2-utils)")
    check(b'classname="caf\\xE9_&lt;&amp;&gt;"' in out, "junit: the suite name is escaped")


def test_expected_failure_forms(tmp):
    # FILE/TCID written with .json, with a folder, or after a byte order mark still lists the
    # failing case: the run passes with it as an expected failure.
    path, doc = failing_copy(tmp, "xf_forms.json")
    tc = doc["testGroups"][0]["tests"][0]["tcId"]
    lst = os.path.join(tmp, "xf_forms.txt")
    for line in ("xf_forms.json/%d" % tc, "vectors/xf_forms/%d" % tc,
                 "some/where/xf_forms.json/%d" % tc, "\ufeffxf_forms/%d" % tc):
        with open(lst, "w", encoding="utf-8") as f:
            f.write(line + "  # known\n")
        rc, out, err = qc("run", "--expected-failures", lst, path)
        check(rc == 0 and "1 expected failures" in out and "add these lines" not in out,
              "the expected-failure line %r lists the case (rc %d): %s" % (line, rc, out[-300:]))


def test_not_regular_files(tmp):
    # A folder or a FIFO where a file is read: refused at once with exit 3, never read as empty
    # and never waited on.
    folder = os.path.join(tmp, "a_folder.txt")
    os.makedirs(folder, exist_ok=True)
    fifo = os.path.join(tmp, "x.json")
    os.mkfifo(fifo)
    one = os.path.join(VECTORS, "qsh_method.json")
    for args, what in [(("run", "--expected-failures", folder, one), "a folder as --expected-failures"),
                       (("run", "--expected-failures", fifo, one), "a FIFO as --expected-failures"),
                       (("lint", fifo), "a FIFO named x.json to lint"),
                       (("run", fifo), "a FIFO named x.json to run"),
                       (("token", "verify", "--public-key", fifo, "--kind", "install", "--audience", "a",
                         "--client-key", "b", "GET", "/"), "a FIFO as --public-key"),
                       (("token", "verify", "--public-key", folder, "--kind", "install", "--audience", "a",
                         "--client-key", "b", "GET", "/"), "a folder as --public-key")]:
        rc, out, err = qc_bytes(*args, timeout=10)
        check(rc == 3 and b"is not a regular file" in err and os.fsencode(args[-1] if what.endswith("run") or
              what.endswith("lint") else (folder if "folder" in what else fifo)) in err,
              "%s: exit 3, refused (got %r, %r)" % (what, rc, err[-200:]))
    os.remove(fifo)


RAW_CONTROLS = (b"\x1b", b"\x07", b"\xc2\x9b")  # ESC, BEL, the C1 control CSI


def no_raw_controls(out):
    return not any(c in out for c in RAW_CONTROLS)


def test_control_bytes(tmp):
    # Strings from vectors, file names and programs reach the terminal escaped, never raw.
    path, doc = failing_copy(tmp, "esc\x1b[1m.json")
    doc["testGroups"][0]["tests"][0]["comment"] = "evil\x1b[2J\x07 comment\u009b"
    doc["testGroups"][0]["tests"][0]["flags"] = []
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    for fmt in ("text", "tap"):
        rc, out, err = qc_bytes("run", "--format", fmt, path)
        check(rc == 1 and no_raw_controls(out) and b"evil\\x1B[2J\\x07 comment\\xC2\\x9B" in out
              and b"esc\\x1B[1m" in out,
              "run --format %s escapes control bytes of a comment and a file name: %r" % (fmt, out[:600]))
    # A program whose name and status carry control bytes.
    prog = os.path.join(tmp, "evil_impl.py")
    with open(prog, "w") as f:
        f.write("import json, sys\n"
                "for line in sys.stdin:\n"
                "    msg = json.loads(line)\n"
                "    if msg.get('type') == 'hello':\n"
                "        out = {'type': 'hello', 'protocol': 1, 'name': 'evil\\x1b]0;title\\x07',\n"
                "               'version': '1', 'operations': ['canonical']}\n"
                "    else:\n"
                "        out = {'id': msg['id'], 'error': {'status': 'bad\\x1b[31m\\nnext'}}\n"
                "    print(json.dumps(out), flush=True)\n")
    one = os.path.join(VECTORS, "qsh_method.json")
    rc, out, err = qc_bytes("run", "--exec", "/usr/bin/python3 " + prog, one)
    check(rc == 1 and no_raw_controls(out) and b"implementation: evil\\x1B]0;title\\x07 1" in out
          and b"rejected with bad\\x1B[31m\\x0Anext" in out,
          "run escapes a program's name and statuses: %r" % out[:400])
    # lint: a member name from the file, in the schema's message.
    with open(os.path.join(VECTORS, "qsh_query_parsing.json"), encoding="utf-8") as f:
        ldoc = json.load(f)
    ldoc["testGroups"][0]["tests"][0]["No\x1bSuch"] = 1
    lp = os.path.join(tmp, "lint_esc.json")
    with open(lp, "w", encoding="utf-8") as f:
        json.dump(ldoc, f)
    rc, out, err = qc_bytes("lint", lp)
    check(rc == 1 and no_raw_controls(out) and b"No\\x1BSuch" in out, "lint escapes a member name: %r" % out[-300:])
    # Errors that name a file on stderr.
    missing = os.path.join(tmp, "nope\x1b[2J.json")
    for args in (("run", missing), ("lint", missing), ("run", "--expected-failures", missing, one),
                 ("token", "verify", "--public-key", missing, "--kind", "install", "--audience", "a",
                  "--client-key", "b", "GET", "/")):
        rc, out, err = qc_bytes(*args)
        check(rc == 3 and no_raw_controls(err) and b"nope\\x1B[2J.json" in err,
              "%s: the error names the file escaped: %r" % (args[0], err[-200:]))


def lint_mutation(tmp, name, mutate, want):
    with open(os.path.join(VECTORS, "qsh_query_parsing.json"), encoding="utf-8") as f:
        doc = json.load(f)
    mutate(doc)
    p = os.path.join(tmp, name + ".json")
    with open(p, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    rc, out, err = qc("lint", p)
    check(rc == 1 and want in out and out.strip().endswith("errors") and " 0 errors" not in out,
          "lint catches %s (rc %d, output %r)" % (name, rc, out[-300:]))


def test_lint(tmp):
    rc, out, err = qc("lint")
    check(rc == 0 and out.strip().endswith(" 0 errors"), "lint passes on the bundled corpus")

    def first(doc):
        return doc["testGroups"][0]["tests"][0]

    def set_(k, v):
        return lambda d: first(d).__setitem__(k, v)

    lint_mutation(tmp, "count", lambda d: d.__setitem__("numberOfTests", 3), "numberOfTests is 3")
    lint_mutation(tmp, "dup_id", lambda d: d["testGroups"][0]["tests"][1].__setitem__("tcId", 1), "tcId 1 is used more than once")
    lint_mutation(tmp, "flag", set_("flags", ["NoSuchFlag"]), "flag 'NoSuchFlag' is not defined")
    lint_mutation(tmp, "unused_note", lambda d: d["notes"].__setitem__("Spare", {"bugType": "BASIC", "description": "x"}), "note 'Spare' is not used")
    lint_mutation(tmp, "qsh", set_("qsh", "0" * 64), "qsh is not SHA-256(canonicalRequest)")
    lint_mutation(tmp, "joined", set_("canonicalQuery", "a=2"), "canonicalRequest is not canonicalMethod&canonicalUri&canonicalQuery")
    lint_mutation(tmp, "missing", lambda d: first(d).pop("target"), "missing required member 'target'")
    lint_mutation(tmp, "extra", set_("surprise", 1), "member 'surprise' is not allowed")
    lint_mutation(tmp, "type", set_("tcId", "one"), "/testGroups/0/tests/0/tcId: has the wrong type")
    lint_mutation(tmp, "result", set_("result", "maybe"), "is not one of the allowed values")
    lint_mutation(tmp, "hex", set_("qsh", "ABC"), "does not match the pattern")

    def invalid_with_status(d):
        t = first(d)
        for k in ("canonicalMethod", "canonicalUri", "canonicalQuery", "canonicalRequest", "qsh"):
            t.pop(k)
        t["result"] = "invalid"
        t["status"] = "QSH_E_MADE_UP"
    lint_mutation(tmp, "unknown_status", invalid_with_status, "status is not a known error status name")

    def invalid_without_status(d):
        first(d)["result"] = "invalid"
    lint_mutation(tmp, "invalid_shape", invalid_without_status, "missing required member 'status'")


def test_token_commands():
    rc, out, err = qc("token", "--help")
    check(rc == 0 and "token sign" in out and "token verify" in out, "token --help")
    rc, out, err = qc("token", "sign", "--secret", "s3", "--iss", "jira:x", "--now", "1700000000",
                      "--base-url", "https://x.atlassian.net/wiki", "GET", "/wiki/rest/api/content?limit=5")
    tok = out.strip()
    check(rc == 0 and tok.count(".") == 2, "token sign prints a token")
    import base64
    claims = json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))
    check(claims["qsh"] == hashlib.sha256(b"GET&/rest/api/content&limit=5").hexdigest()
          and claims["exp"] == 1700000180 and claims["iss"] == "jira:x", "the signed claims")
    common = ["--secret", "s3", "--kind", "app-to-product", "--base-url", "https://x.atlassian.net/wiki"]
    rc, out, err = qc("token", "verify", *common, "--now", "1700000010", "--header", "Authorization: JWT " + tok,
                      "GET", "/wiki/rest/api/content?limit=5")
    check(rc == 0 and out == "valid\n", "token verify: valid exits 0")
    rc, out, err = qc("token", "verify", *common, "--now", "1700000180", "--header", "Authorization: JWT " + tok,
                      "GET", "/wiki/rest/api/content?limit=5")
    check(rc == 1 and out.startswith("invalid EXP_EXPIRED\n") and len(out.splitlines()) == 2,
          "token verify: expired exits 1 with the reason and why")
    changed = tok[:-2] + ("AA" if tok[-2:] != "AA" else "BA")
    rc, out, err = qc("token", "verify", *common, "--now", "1700000010", "--header", "Authorization: JWT " + changed,
                      "GET", "/wiki/rest/api/content?limit=5")
    check(rc == 1 and out.split()[1] in ("SIG_INVALID", "B64_INVALID"), "token verify: a changed signature")
    # An app-to-product token in the query: the products answer 401 since 2022-02-01.
    rc, out, err = qc("token", "verify", *common, "--now", "1700000010", "GET", "/wiki/rest/api/content?limit=5&jwt=" + tok)
    check(rc == 1 and out.split()[1] == "CARRIAGE_QUERY_NOT_ALLOWED", "token verify: app to product in the query")
    rc, out, err = qc("token", "verify", "--secret", "s3", "--public-key", "/x.pem", "GET", "/")
    check(rc == 2, "token verify: --secret and --public-key exclude each other")
    with tempfile.NamedTemporaryFile(suffix=".pem") as big:
        big.write(b"x" * 70000)
        big.flush()
        rc, out, err = qc("token", "verify", "--public-key", big.name, "--kind", "install", "--audience", "a",
                          "--client-key", "b", "GET", "/")
        check(rc == 3 and "over 64 KiB" in err, "token verify: an oversized key file is refused, not cut")
    rc, out, err = qc("token", "verify", "--secret", "s3", "--kind", "nope", "GET", "/")
    check(rc == 2 and "unknown kind" in err, "token verify: unknown kind")
    rc, out, err = qc("token", "decode", tok)
    out_plain = out
    check(rc == 0 and json.loads(out)["claims"]["iss"] == "jira:x" and err == "", "token decode")
    none_tok = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0."
    rc, out, err = qc("token", "decode", none_tok)
    check(rc == 0 and "ALG_NOT_ALLOWED" in err and "exp is missing" in err, "token decode warns")
    rc, out, err = qc("token", "decode", "abc")
    check(rc == 2 and "SEGMENTS" in err, "token decode: not a token")
    # Pasted forms, as diagnose --token takes them: the same document.
    for pasted in ("JWT " + tok, "  " + tok + "\n", "\tjwt  " + tok + " "):
        rc2, out2, err2 = qc("token", "decode", pasted)
        check(rc2 == 0 and out2 == out_plain, "token decode takes %r" % pasted[:8])
    # A segment that is not UTF-8 cannot be shown as JSON: an error, not a truncated document.
    def seg(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    for what, t in [("claims", seg(b'{"alg":"HS256"}') + "." + seg(b'{"iss":"\xff\xfe"}') + ".c2ln"),
                    ("header", seg(b'{"alg":"\xc3"}') + "." + seg(b'{"iss":"x"}') + ".c2ln")]:
        rc, out, err = qc_bytes("token", "decode", t)
        check(rc == 2 and out == b"" and (b"the %s segment is not UTF-8" % what.encode()) in err,
              "token decode: a %s segment that is not UTF-8 exits 2 with a message (got %r, %r, %r)"
              % (what, rc, out[-100:], err[-200:]))
    rc, out, err = qc("token", "frob")
    check(rc == 2, "token: unknown command")


def test_forge_invocation_commands(tmp):
    """token sign/verify/decode for Forge Invocation Tokens, with the test key and a JWKS
    written from the key's JWK in vectors/token_forge_invocation.json."""
    keys = os.path.join(VECTORS, "keys")
    doc = json.load(open(os.path.join(VECTORS, "token_forge_invocation.json")))
    jwks_text = doc["testGroups"][0]["tests"][0]["jwks"]
    jwks = os.path.join(tmp, "jwks.json")
    with open(jwks, "w") as f:
        f.write(jwks_text)
    app = "5f0e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
    rc, tok, err = qc("token", "sign", "--kind", "forge-invocation", "--private-key",
                      os.path.join(keys, "test-rsa-private.pem"), "--kid", "forge-prod-key-1", "--app-id", app,
                      "--now", "1700000000")
    tok = tok.strip()
    check(rc == 0 and tok.count(".") == 2, "token sign --kind forge-invocation prints a token")
    verify = ["token", "verify", "--kind", "forge-invocation", "--jwks", jwks, "--now", "1700000010"]
    rc, out, err = qc(*verify, "--app-id", app, "--header", "Authorization: Bearer " + tok)
    check(rc == 0 and out == "valid\n", "token verify: a FIT against its JWKS")
    rc, out, err = qc(*verify, "--app-id", "ari:cloud:ecosystem::app/" + app, "--header", "Authorization: Bearer " + tok)
    check(rc == 0 and out == "valid\n", "token verify: the app id as its ARI")
    rc, out, err = qc(*verify, "--app-id", "other-app", "--header", "Authorization: Bearer " + tok)
    check(rc == 1 and out.split()[1] == "AUD_MISMATCH", "token verify: a FIT of another app")
    rc, out, err = qc(*verify, "--app-id", app, "--header", "Authorization: JWT " + tok)
    check(rc == 1 and out.split()[1] == "CARRIAGE_SCHEME", "token verify: a FIT needs Bearer")
    rc, out, err = qc("token", "sign", "--kind", "forge-invocation", "--private-key",
                      os.path.join(keys, "test-staging-rsa-private.pem"), "--kid", "forge-prod-key-1", "--app-id", app,
                      "--api-base-url", "https://api.stg.atlassian.com/ex/jira/c", "--now", "1700000000")
    rc, out, err = qc(*verify, "--app-id", app, "--header", "Authorization: Bearer " + out.strip())
    check(rc == 1 and out.split()[1] == "SIG_INVALID", "token verify: a staging key under the production kid")
    bad = os.path.join(tmp, "bad-jwks.json")
    with open(bad, "w") as f:
        f.write('{"keys":')
    rc, out, err = qc("token", "verify", "--kind", "forge-invocation", "--jwks", bad, "--now", "1700000010",
                      "--app-id", app, "--header", "Authorization: Bearer " + tok)
    check(rc == 1 and out.split()[1] == "JWKS_INVALID", "token verify: a JWKS that is not JSON")
    rc, out, err = qc("token", "verify", "--kind", "forge-invocation", "--jwks", os.path.join(tmp, "none.json"),
                      "--app-id", app, "--header", "Authorization: Bearer " + tok)
    check(rc == 3, "token verify: a JWKS file that cannot be read exits 3")
    rc, out, err = qc("token", "verify", "--kind", "forge-invocation", "--app-id", app)
    check(rc == 2, "token verify: a FIT needs --jwks")
    rc, out, err = qc("token", "decode", tok)
    check(rc == 0 and json.loads(out)["kind"] == "forge-invocation" and "qsh" not in err,
          "token decode names a FIT and does not ask it for a qsh")
    bare = [t["token"] for t in doc["testGroups"][0]["tests"] if t["comment"].startswith("aud the bare app id")][0]
    rc, out, err = qc("diagnose", "--token", bare, "POST", "/")
    check(rc == 2 and "Forge Invocation Token" in err and "claim aud" in err and "AUD_MISMATCH" in err,
          "diagnose --token explains a FIT's aud")
    rc, out, err = qc("diagnose", "--token", tok, "POST", "/")
    check(rc == 2 and "show no fault" in err and "--kind forge-invocation" in err,
          "diagnose --token: a sound FIT is sent to token verify")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_token_commands()
        test_forge_invocation_commands(tmp)
        test_help_and_usage()
        test_canonical_and_qsh()
        test_run(tmp)
        test_reports_complete_or_absent(tmp)
        test_names_not_utf8(tmp)
        test_expected_failure_forms(tmp)
        test_not_regular_files(tmp)
        test_control_bytes(tmp)
        test_lint(tmp)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
