"""Helpers for writing qsh cases by hand.

A case states its input and its expected canonical URI and query, written from the rules of
docs/RULES.md by the author of the case. generate.py joins them into the canonical request
and hashes it with Python's hashlib; it never runs the C reference. tests/oracle checks every
expectation against an independent implementation of the rules.
"""

UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def enc(text):
    """The canonical query's rule 6 (docs/RULES.md), stated directly: unreserved stays, every other UTF-8 byte is %XX."""
    return "".join(c if c in UNRESERVED else "".join("%%%02X" % b for b in c.encode()) for c in text)


def T(comment, target, uri, query, flags=(), method="GET", cmethod="GET", base="",
      profile="server", body=None, ct=None, result="valid"):
    """A case the rules canonicalize: uri and query are the expected canonical parts."""
    return dict(comment=comment, target=target, uri=uri, query=query, flags=list(flags),
                method=method, cmethod=cmethod, base=base, profile=profile, body=body, ct=ct,
                result=result)


def A(comment, target, uri, query, flags=(), **kw):
    """An `acceptable` case: the reference's decision where the sources leave room."""
    return T(comment, target, uri, query, flags, result="acceptable", **kw)


def X(comment, target, status, flags=(), method="GET", base="", profile="server", body=None,
      ct=None):
    """A case the rules cannot canonicalize: the reference must answer `status`."""
    return dict(comment=comment, target=target, status=status, flags=list(flags), method=method,
                base=base, profile=profile, body=body, ct=ct, result="invalid")
