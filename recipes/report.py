#!/usr/bin/env python3
"""Writes docs/recipes.md from a run of every recipe of recipes/recipes.json against the corpus:
per recipe, the results by vector file and the token gaps its expected.txt lists, and its
speed beside the reference's from recipes/speed.json (written by recipes/speed.py, a benchmark;
the figures are measured, never asserted).

    python3 recipes/report.py --qshcheck build/bin/qshcheck [--build build]          # rewrite
    python3 recipes/report.py --qshcheck build/bin/qshcheck [--build build] --check  # stale?
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VECTORS = os.path.join(ROOT, "vectors")
DOC = os.path.join(ROOT, "docs", "recipes.md")


def recipes(build):
    with open(os.path.join(HERE, "recipes.json"), encoding="utf-8") as f:
        doc = json.load(f)
    for r in doc["recipes"]:
        r["command"] = r["command"].replace("@BUILD@", build)
        if "build" in r:
            r["build"] = r["build"].replace("@BUILD@", build)
    return doc["recipes"]


def run(qshcheck, recipe, built):
    if "build" in recipe and not built:
        subprocess.run(recipe["build"], shell=True, cwd=ROOT, check=True, capture_output=True,
                       timeout=900)
    p = subprocess.run([qshcheck, "run", "--format", "json", "--hide-stderr", "--exec",
                        recipe["command"], VECTORS], capture_output=True, text=True, cwd=ROOT,
                       timeout=1800)
    if p.returncode not in (0, 1):
        raise SystemExit("%s: qshcheck run failed (%d): %s" % (recipe["id"], p.returncode,
                                                               p.stderr[-500:]))
    return json.loads(p.stdout)


def gaps(recipe):
    """The expected.txt lines: FILE/TCID and the reason."""
    out = []
    with open(os.path.join(HERE, recipe["id"], "expected.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, why = line.partition("#")
                out.append((key.strip(), why.strip()))
    return out


def counts():
    out = {}
    for name in sorted(os.listdir(VECTORS)):
        # The vector files only: index.json and package.json (the npm package) sit beside them.
        if name.startswith(("qsh_", "token_")) and name.endswith(".json"):
            with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
                out[name[:-5]] = json.load(f)["numberOfTests"]
    return out


def speeds():
    try:
        with open(os.path.join(HERE, "speed.json"), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def build_doc(qshcheck, build, built):
    rs = recipes(build)
    reps = [(r, run(qshcheck, r, built)) for r in rs]
    n = counts()
    out = ["# Recipes", "",
           "Written by `python3 recipes/report.py` from a run of every recipe in",
           "[`recipes/`](../recipes/) against the corpus (%d cases). Do not edit by hand; a test" % sum(n.values()),
           "fails when this file is stale. Each recipe must pass every qsh case; its token gaps,",
           "what its language's libraries cannot check, are listed with their reasons.", "",
           "| recipe | implementation | passed | failed | skipped | token gaps |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r, rep in reps:
        out.append("| [%s](../recipes/%s/) | %s | %d | %d | %d | %d |" % (
            r["language"], r["id"], rep["implementation"], rep["passed"], rep["failed"],
            rep["skipped"], len(gaps(r))))
    out += ["", "## Passed cases per vector file", "",
            "| file | cases | " + " | ".join(r["id"] for r, _ in reps) + " |",
            "| --- | --- | " + " | ".join("---" for _ in reps) + " |"]
    for stem, total in n.items():
        row = [str(rep["files"].get(stem, {}).get("passed", 0)) for _, rep in reps]
        out.append("| %s | %d | %s |" % (stem, total, " | ".join(row)))
    sp = speeds()
    out += ["", "## Speed", ""]
    if sp is None:
        out.append("Not measured yet: `python3 recipes/speed.py --write` measures it.")
    else:
        out += [sp["about"], "",
                "| implementation | qsh per second | of the reference's |", "| --- | --- | --- |"]
        ref = sp["figures"].get("reference")
        for name, qps in sorted(sp["figures"].items(), key=lambda kv: -kv[1]):
            out.append("| %s | %.0f | %s |" % (name, qps, "%.2f" % (qps / ref) if ref else "-"))
    for r, rep in reps:
        out += ["", "## %s" % r["language"], ""]
        g = gaps(r)
        if not g:
            out.append("No gaps: every case passes.")
        for key, why in g:
            out.append("- %s: %s" % (key, why))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qshcheck", default=os.path.join(ROOT, "build", "bin", "qshcheck"))
    ap.add_argument("--build", default=None, help="the CMake build folder (default: qshcheck's)")
    ap.add_argument("--check", action="store_true")
    # CTest's recipe_<id>_build fixtures have built them; building again here would replace a
    # recipe's program while another test runs it.
    ap.add_argument("--built", action="store_true", help="the recipes are built already")
    args = ap.parse_args()
    qshcheck = os.path.abspath(args.qshcheck)
    build = os.path.abspath(args.build or os.path.dirname(os.path.dirname(qshcheck)))
    text = build_doc(qshcheck, build, args.built)
    if args.check:
        try:
            with open(DOC, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        print("docs/recipes.md is %s" % ("up to date" if same else "stale (run python3 recipes/report.py)"))
        print("%d passed, %d failed" % (1 if same else 0, 0 if same else 1))
        return 0 if same else 1
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
