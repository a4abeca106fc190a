#!/usr/bin/env python3
"""Runs every adapter of harness/adapters/adapters.json against the corpus, explains each
failure with the catalogue of known mistakes, and writes

  docs/compatibility.md                      the compatibility matrix
  harness/adapters/expected/<adapter>.txt    each adapter's expected-failure list

    python3 harness/adapters/matrix.py [--qshcheck build/bin/qshcheck]
    python3 harness/adapters/matrix.py --check   # exit 1 if a committed file is stale

A failure is explained by the known mistake (or pair of mistakes) of the catalogue that
produces exactly the library's canonical request (`qshcheck diagnose --json`); by the
reference's decision the library does not share (an input the rules reject that the library
canonicalizes); or it stays unexplained, with both canonical requests shown.
"""

import collections
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

VECTORS = os.path.join(ROOT, "vectors")
EXPECTED = os.path.join(ROOT, "harness", "adapters", "expected")
DOC = os.path.join(ROOT, "docs", "compatibility.md")


MISTAKES = {}  # name -> what the library does wrong, from `qshcheck mistakes --json`


def load_mistakes(qshcheck):
    out = subprocess.run([qshcheck, "mistakes", "--json"], capture_output=True, text=True, check=True).stdout
    MISTAKES.update((m["name"], m["what"]) for m in json.loads(out)["mistakes"])


def diagnose(qshcheck, inp, got):
    """The label of the mistakes that give canonical request `got`: "A or B", "A + B", or None."""
    cmd = [qshcheck, "diagnose", "--json", "--profile", inp["profile"],
           "--claimed", hashlib.sha256(got.encode("utf-8")).hexdigest()]
    if inp.get("baseUrl"):
        cmd += ["--base-url", inp["baseUrl"]]
    if "body" in inp:
        cmd += ["--body", inp["body"], "--content-type", inp.get("contentType", "")]
    p = subprocess.run(cmd + ["--", inp["method"], inp["target"]], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit("qshcheck diagnose failed (%d): %s" % (p.returncode, p.stderr[-400:]))
    matches = json.loads(p.stdout)["values"][0]["matches"]
    sets = sorted({tuple(sorted(m["mistakes"])) for m in matches if m["mistakes"]})
    if not sets:
        return None
    if len(sets[0]) == 1:
        return " or ".join(s[0] for s in sets)
    return " + ".join(sets[0])


def explain(qshcheck, f):
    """(kind, label) for one failure of the JSON report."""
    actual, expected = f["actual"], f["expected"]
    if actual["outcome"] == "broken":
        return "broken", "the library crashed or hung: " + actual["status"]
    if f["key"].startswith("token_"):
        flags = ", ".join(f["flags"])
        if expected["result"] == "invalid":
            return "lenient", "accepts a token the strict verifier rejects with %s (%s)" % (expected["status"], flags)
        return "rejects", "rejects a valid token (%s)" % flags
    if "status" in expected:  # invalid, or acceptable where only a container accepts it
        decisions = [x for x in f["flags"] if x not in MISTAKES and x != "ServerDependent"]
        how = "canonicalizes input the rules reject (%s)" % ", ".join(decisions or ["invalid"])
        if expected["result"] == "acceptable":
            how += ", and not as a servlet container does"
        return "lenient", how
    if actual["outcome"] == "rejected":
        return "rejects", "rejects a request the rules canonicalize"
    got = actual.get("canonicalRequest")
    if got is None:
        return "unexplained", "a different qsh (no canonical request given)"
    label = diagnose(qshcheck, f["input"], got)
    if label:
        return "mistake", label
    return "unexplained", "no known mistake, alone or in pairs, gives this canonical request"


def run_adapter(qshcheck, adapter, judge=(), files=(VECTORS,)):
    if "plugin" in adapter:  # a C plugin, built next to qshcheck: <build>/lib/...
        build = os.path.dirname(os.path.dirname(os.path.abspath(qshcheck)))
        how = ["--plugin", os.path.join(build, adapter["plugin"])]
    else:
        how = ["--exec", adapter["command"]]
    p = subprocess.run([qshcheck, "run", "--format", "json", "--hide-stderr"] + how + list(judge) + list(files),
                       capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if p.returncode not in (0, 1):
        raise SystemExit("%s: qshcheck run failed (%d): %s" % (adapter["id"], p.returncode, p.stderr[-500:]))
    return json.loads(p.stdout)


def corpus_counts():
    counts = {}
    for name in sorted(os.listdir(VECTORS)):
        if name.endswith(".json") and name not in ("package.json", "index.json"):  # as corpus/files.c
            with open(os.path.join(VECTORS, name)) as fh:
                counts[name[:-5]] = json.load(fh)["numberOfTests"]
    return counts


def container_dependent():
    """{server: keys of the cases where the containers differ and this one computes a request},
    and the number of such cases: the cases that say which container a library behaves like."""
    per, total = collections.OrderedDict(), 0
    for name in sorted(os.listdir(VECTORS)):
        if not (name.startswith("qsh_") and name.endswith(".json")):
            continue
        with open(os.path.join(VECTORS, name)) as fh:
            doc = json.load(fh)
        for g in doc["testGroups"]:
            for t in g["tests"]:
                answers = {n: a.get("canonicalRequest") if not a.get("http09") else None
                           for n, a in t.get("servers", {}).items()}
                if len(set(answers.values())) < 2:
                    continue
                total += 1
                for n, cr in answers.items():
                    if cr is not None:
                        per.setdefault(n, set()).add("%s/%d" % (name[:-5], t["tcId"]))
    return per, total


def server_matches(qshcheck, adapter, dependent):
    """{server: how many of its container-dependent cases the library answers as it does}."""
    out = {}
    for server, keys in dependent.items():
        rep = run_adapter(qshcheck, adapter, ["--server", server],
                          [os.path.join(VECTORS, f) for f in sorted(os.listdir(VECTORS)) if f.startswith("qsh_")])
        out[server] = len(keys - {f["key"] for f in rep["failures"] + rep["skips"]})
    return out


def md(s):
    return "`" + s.replace("`", "'") + "`" if s is not None else "(rejected)"


EXAMPLE_MAX = 100  # characters of an example's value shown whole; longer ones are cut


def md_short(s):
    """md(s), or for a long value its start and end around the number of bytes left out, so
    that a case of 1,024 parameters does not fill the page."""
    if s is None or len(s) <= EXAMPLE_MAX:
        return md(s)
    head, tail = s[:48], s[-32:]
    return "%s ... %s (%d bytes)" % (md(head), md(tail), len(s.encode("utf-8")))


def build(qshcheck):
    load_mistakes(qshcheck)
    with open(os.path.join(ROOT, "harness", "adapters", "adapters.json")) as fh:
        adapters = json.load(fh)["adapters"]
    counts = corpus_counts()
    total = sum(counts.values())
    results, expected_files, matches = [], {}, {}
    dependent, n_dependent = container_dependent()
    for a in adapters:
        rep = run_adapter(qshcheck, a)
        if "verify" not in a.get("operations", []):
            matches[a["id"]] = server_matches(qshcheck, a, dependent)
        fails = []
        for f in rep["failures"]:
            kind, label = explain(qshcheck, f)
            fails.append((f, kind, label))
        results.append((a, rep, fails))
        lines = ["# Expected failures of %s, explained by the mistake each shows." % rep["implementation"],
                 "# Written by harness/adapters/matrix.py; do not edit by hand.",
                 "# made for: %s" % rep["implementation"]]
        for f, kind, label in sorted(fails, key=lambda x: (x[0]["key"].split("/")[0], int(x[0]["key"].split("/")[1]))):
            lines.append("%s  # %s" % (f["key"], label))
        expected_files[a["id"]] = "\n".join(lines) + "\n"

    out = ["# Compatibility matrix", "",
           "Written by `python3 harness/adapters/matrix.py` from a run of every adapter in",
           "[`harness/adapters/`](../harness/adapters/) against the corpus (%d cases). Do not edit by hand;" % total,
           "a test fails when this file is stale. What `qshcheck fuzz-diff` found in the same libraries,",
           "and the cases it added to the corpus: [fuzz-diff.md](fuzz-diff.md).", "",
           "| implementation | how it is called | passed | failed | skipped |", "| --- | --- | --- | --- | --- |"]
    for a, rep, fails in results:
        out.append("| %s | %s | %d | %d | %d |" % (rep["implementation"], a["calls"], rep["passed"], rep["failed"], rep["skipped"]))
    servers = list(dependent)
    out += ["", "## Which servlet container each library matches", "",
            "On the %d cases where the containers compute different canonical requests (or one refuses" % n_dependent,
            "what another accepts), how many of each container's answers the library gives, as",
            "`qshcheck run --server NAME` counts them (docs/RULES.md, What the servers compute).", "",
            "| implementation | " + " | ".join(servers) + " |", "| --- | " + " | ".join("---" for _ in servers) + " |"]
    for a, rep, fails in results:
        if a["id"] in matches:
            out.append("| %s | %s |" % (rep["implementation"], " | ".join(
                "%d of %d" % (matches[a["id"]][n], len(dependent[n])) for n in servers)))
    out += ["", "## Passed cases per vector file", "",
            "| file | cases | " + " | ".join(a["id"] for a, _, _ in results) + " |",
            "| --- | --- | " + " | ".join("---" for _ in results) + " |"]
    for stem, n in counts.items():
        row = []
        for a, rep, fails in results:
            tally = rep["files"].get(stem, {})
            passed, skipped = tally.get("passed", 0), tally.get("skipped", 0)
            row.append("skipped" if skipped == n else
                       "%d (%d skipped)" % (passed, skipped) if skipped else "%d" % passed)
        out.append("| %s | %d | %s |" % (stem, n, " | ".join(row)))
    out += ["", "A cell counts the passed cases; skipped ones are counted apart (a library that takes no",
            "`product` profile skips those). The token files need the `verify` operation; the qsh files",
            "need `canonical` or `qsh`."]
    for a, rep, fails in results:
        out += ["", "## %s" % rep["implementation"], "", "Called: %s." % a["calls"], ""]
        groups = collections.OrderedDict()
        for f, kind, label in fails:
            groups.setdefault((kind, label), []).append(f)
        order = {"mistake": 0, "lenient": 1, "rejects": 2, "unexplained": 3, "broken": 4}
        if not groups:
            out.append("Every case passes.")
        for (kind, label), fs in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], -len(kv[1]), kv[0][1])):
            f = fs[0]
            head = {"mistake": "Mistake: **%s**" % label}.get(kind, label[0].upper() + label[1:])
            if kind == "mistake":
                desc = "; ".join(MISTAKES[m] for m in label.replace(" or ", " + ").split(" + "))
                head += " (%s)" % desc
            out.append("- %s. %d case%s: %s." % (head, len(fs), "" if len(fs) == 1 else "s",
                                                ", ".join(x["key"] for x in fs[:12]) + (", ..." if len(fs) > 12 else "")))
            inp = f["input"]
            if f["key"].startswith("token_"):
                out.append("  Example: %s (%s); the library says %s." % (
                    f["comment"], f["key"], "valid" if f["actual"]["outcome"] == "canonical" else md(f["actual"].get("status"))))
                continue
            example = "%s %s" % (inp["method"], md_short(inp["target"]))
            if inp.get("baseUrl"):
                example += " with base URL %s" % md_short(inp["baseUrl"])
            if inp.get("body") is not None:
                example += " and body %s (%s)" % (md_short(inp["body"]), inp.get("contentType", ""))
            want = f["expected"].get("canonicalRequest") or "rejected (" + f["expected"].get("status", "") + ")"
            got = f["actual"].get("canonicalRequest") or f["actual"].get("status") or f["actual"].get("qsh")
            out.append("  Example (%s profile): %s; expected %s, the library gives %s." %
                       (inp["profile"], example, md_short(want) if "rejected" not in want else want,
                        md_short(got)))
    return "\n".join(out) + "\n", expected_files


def main():
    args = sys.argv[1:]
    qshcheck = args[args.index("--qshcheck") + 1] if "--qshcheck" in args else os.path.join(ROOT, "build", "bin", "qshcheck")
    doc, expected = build(qshcheck)
    files = {DOC: doc}
    files.update({os.path.join(EXPECTED, k + ".txt"): v for k, v in expected.items()})
    if "--check" in args:
        stale = []
        for path, text in files.items():
            try:
                with open(path) as fh:
                    if fh.read() != text:
                        stale.append(os.path.relpath(path, ROOT))
            except FileNotFoundError:
                stale.append(os.path.relpath(path, ROOT))
        if stale:
            print("stale (run python3 harness/adapters/matrix.py): " + ", ".join(stale))
            print("0 passed, 1 failed")
            return 1
        print("1 passed, 0 failed")
        return 0
    for path, text in files.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
