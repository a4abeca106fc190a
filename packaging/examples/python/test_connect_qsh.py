"""The test suite of a Python qsh library (the recipe's connect_qsh.py) over the corpus.

A case the rules call acceptable may be rejected by a library: such a rejection is reported as
skipped, with the library's status, rather than counted as a pass.
"""

import pytest

import connect_qsh
from qsh_vectors import qsh_vector_tests


def compute(case):
    return connect_qsh.canonical_request(case["method"], case["target"], case["baseUrl"],
                                         case["profile"], case.get("body"), case.get("contentType"))


@qsh_vector_tests("qsh_*.json")
def test_canonical_request(case):
    if case.invalid:
        with pytest.raises(connect_qsh.QshError):
            compute(case)
        return
    try:
        got = compute(case)
    except connect_qsh.QshError as e:
        if case.acceptable:
            pytest.skip("acceptable case rejected: %s" % e.status)
        raise
    if "canonicalRequest" in case.test:
        assert got == case["canonicalRequest"]
        assert connect_qsh.qsh(case["method"], case["target"], case["baseUrl"], case["profile"],
                               case.get("body"), case.get("contentType")) == case["qsh"]
