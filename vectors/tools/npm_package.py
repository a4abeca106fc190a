#!/usr/bin/env python3
"""Writes the npm package of the corpus: vectors/package.json and vectors/index.json.

    python3 vectors/tools/npm_package.py          # rewrite them
    python3 vectors/tools/npm_package.py --check  # exit 1 if a committed one differs

index.json (the package's main: require("qshcheck-vectors")) lists every vector file with its
schema, algorithm and number of cases, and the schemas; the package's version is the corpus
version (release.py), so `npm install qshcheck-vectors@1` follows CHANGELOG.md's major numbers.
"""

import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from outputs import write_or_check  # noqa: E402
from release import CORPUS_VERSION  # noqa: E402

VECTORS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTOR_PATTERNS = ["qsh_*.json", "token_*.json"]


def index():
    files = []
    for path in sorted(p for pat in VECTOR_PATTERNS for p in glob.glob(os.path.join(VECTORS, pat))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        files.append({"file": os.path.basename(path), "schema": "schema/" + doc["schema"],
                      "algorithm": doc["algorithm"], "numberOfTests": doc["numberOfTests"]})
    schemas = sorted("schema/" + os.path.basename(p) for p in glob.glob(os.path.join(VECTORS, "schema", "*.json")))
    return {"corpusVersion": CORPUS_VERSION, "files": files, "schemas": schemas}


def package():
    return {
        "name": "qshcheck-vectors",
        "version": CORPUS_VERSION,
        "description": "Test vectors for the qsh claim and the Connect JWTs of Atlassian Connect, "
                       "with their JSON Schemas (the qshcheck corpus)",
        "keywords": ["atlassian-connect", "jwt", "qsh", "test-vectors", "wycheproof"],
        "main": "index.json",
        "files": ["index.json", "README.md"] + VECTOR_PATTERNS + ["schema/*.json"],
    }


def main():
    def text(doc):
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    files = {os.path.join(VECTORS, "index.json"): text(index()),
             os.path.join(VECTORS, "package.json"): text(package())}
    return write_or_check(files, "--check" in sys.argv[1:], "vectors/tools/npm_package.py")


if __name__ == "__main__":
    sys.exit(main())
