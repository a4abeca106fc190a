#!/usr/bin/python3
"""qshcheck adapter for Debian's python3-jwt (PyJWT) on the token vectors (the verify
operation), called as a Python Connect app would call it:

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, key, algorithms=[alg], audience=..., leeway=..., options=...)

with the key chosen by the unverified iss (HS256) or kid (RS256) and require=["exp", "iat"].
PyJWT knows nothing of qsh, so the qsh is compared with the one qshcheck's independent oracle
(tests/oracle/qsh_oracle.py) computes, and context-qsh is accepted only on context
endpoints: a failure here is PyJWT's, not a qsh library's. PyJWT reads the system clock; the adapter
pins it to the case's `now` by replacing the datetime that jwt.api_jwt uses.

Run it with Debian's python3 (/usr/bin/python3).
"""

import datetime as _dt
import sys
from urllib.parse import parse_qsl, urlsplit

import jwt
import jwt.api_jwt
import hashlib
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "oracle"))
import qsh_oracle  # noqa: E402
from debian_version import debian_version  # noqa: E402
from verify_loop import serve_verify  # noqa: E402

NOW = [0]


class _FixedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.fromtimestamp(NOW[0], tz=tz or _dt.timezone.utc)


jwt.api_jwt.datetime = _FixedDatetime


def carried_token(req):
    auth = req.get("authorization")
    params = [v for k, v in parse_qsl(urlsplit(req["target"]).query, keep_blank_values=True) if k == "jwt"]
    if auth is not None and params:
        raise ValueError("CARRIAGE_AMBIGUOUS")
    if auth is not None:
        if not auth.startswith("JWT "):
            raise ValueError("CARRIAGE_SCHEME")
        return auth[4:]
    if len(params) != 1:
        raise ValueError("CARRIAGE_MISSING" if not params else "CARRIAGE_AMBIGUOUS")
    if req["kind"] == "app-to-product":  # the products answer 401 to ?jwt= since 2022-02-01
        raise ValueError("CARRIAGE_QUERY_NOT_ALLOWED")
    return params[0]


def expected_qsh(req):
    try:
        parts = qsh_oracle.canonical(req["method"], req["target"], req.get("baseUrl", ""), req["profile"],
                                     req.get("body"), req.get("contentType"))
    except qsh_oracle.Reject as r:
        raise ValueError("REQUEST_INVALID: " + r.status) from None
    return hashlib.sha256("&".join(parts).encode()).hexdigest()


def verify(req):
    NOW[0] = req["now"]
    token = carried_token(req)
    install = req["kind"] == "install"
    header = jwt.get_unverified_header(token)
    if install:
        key = req["publicKeys"].get(header.get("kid"))
        if key is None:
            raise ValueError("KEY_UNKNOWN")
    else:
        unverified = jwt.decode(token, options={"verify_signature": False})
        key = req["secrets"].get(unverified.get("iss"))
        if key is None:
            raise ValueError("ISS_UNKNOWN")
    claims = jwt.decode(token, key, algorithms=["RS256" if install else "HS256"], audience=req.get("audience"),
                        leeway=req["leeway"], options={"require": ["exp", "iat"]})
    if (install or "clientKey" in req) and claims.get("iss") != req.get("clientKey"):
        raise ValueError("ISS_MISMATCH")
    if "subject" in req and claims.get("sub") != req["subject"]:  # PyJWT 2.6 has no subject check
        raise ValueError("SUB_MISMATCH")
    q = claims.get("qsh")
    if q == "context-qsh":
        if req["kind"] != "context":
            raise ValueError("QSH_CONTEXT_NOT_ALLOWED")
    elif q != expected_qsh(req):
        raise ValueError("QSH_MISMATCH")


def main():
    serve_verify({"name": "python3-jwt", "version": debian_version("python3-jwt", jwt.__version__)},
                 verify, lambda m: m.get("kind") != "forge-invocation", "a Forge Invocation Token, not a Connect JWT")


if __name__ == "__main__":
    main()
