"""A loader of the qshcheck vectors for pytest, in the style of pyca/cryptography's
load_wycheproof_tests: each case becomes one parametrized test, with its file and tcId as id.

    from qsh_vectors import qsh_vector_tests

    @qsh_vector_tests("qsh_*.json")
    def test_qsh(case):
        ...

The corpus is read from $QSHCHECK_VECTORS (an installed share/qshcheck/vectors, the npm
package's folder, or a checkout's vectors/).
"""

import glob
import json
import os

import pytest


class QshVectorCase:
    """One case of a vector file: its fields, and the file's notes for its flags."""

    def __init__(self, path, group, test, notes):
        self.path = path
        self.file = os.path.basename(path)
        self.group = group
        self.test = test
        self.notes = {f: notes.get(f) for f in test.get("flags", [])}

    @property
    def valid(self):
        return self.test["result"] == "valid"

    @property
    def acceptable(self):
        return self.test["result"] == "acceptable"

    @property
    def invalid(self):
        return self.test["result"] == "invalid"

    def __getitem__(self, key):
        return self.test[key]

    def get(self, key, default=None):
        return self.test.get(key, default)


def vectors_dir():
    path = os.environ.get("QSHCHECK_VECTORS", "")
    if not path:
        raise RuntimeError("set QSHCHECK_VECTORS to the folder of the qshcheck vectors")
    return path


def load_qsh_vector_tests(*patterns):
    """The cases of the files matching patterns (relative to the corpus), in file order."""
    root = vectors_dir()
    paths = sorted({p for pat in patterns for p in glob.glob(os.path.join(root, pat))})
    if not paths:
        raise RuntimeError("no vector files match %s in %s" % (", ".join(patterns), root))
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for group in doc["testGroups"]:
            for test in group["tests"]:
                yield QshVectorCase(path, group, test, doc.get("notes", {}))


def qsh_vector_tests(*patterns):
    """Parametrizes the decorated test over every case; ids are FILE/TCID as qshcheck names them."""
    cases = list(load_qsh_vector_tests(*patterns))
    return pytest.mark.parametrize("case", cases, ids=["%s/%d" % (c.file, c["tcId"]) for c in cases])
