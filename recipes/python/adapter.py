#!/usr/bin/python3
"""The recipe's program: the qshcheck line protocol on stdin/stdout (no arguments), or

    adapter.py sign SECRET ISS NOW METHOD TARGET BASE_URL   prints "JWT <token>"
    adapter.py example NOW                                  the seed example's header
"""

import hashlib
import json
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connect_jwt import JwtError, sign, verify, verify_forge_invocation  # noqa: E402
from connect_qsh import QshError, canonical_request, qsh  # noqa: E402


def version():
    try:
        import cryptography
        rs256 = "cryptography " + cryptography.__version__
    except ImportError:
        rs256 = "no cryptography"
    return "1 (Python %s, %s)" % (platform.python_version(), rs256)


HELLO = {"type": "hello", "protocol": 1, "name": "recipe-python", "version": version(),
         "operations": ["canonical", "qsh", "verify"], "profiles": ["server", "product"]}


def answer(msg):
    request = (msg["method"], msg["target"], msg["baseUrl"], msg["profile"], msg.get("body"),
               msg.get("contentType"))
    if msg["op"] == "verify" and msg["kind"] == "forge-invocation":
        verify_forge_invocation(msg.get("authorization"), jwks=msg["jwks"], app_id=msg["appId"],
                                now=msg["now"], leeway=msg["leeway"])
        return {"valid": True}
    if msg["op"] == "verify":
        verify(*request[:3], profile=msg["profile"], body=msg.get("body"),
               content_type=msg.get("contentType"), kind=msg["kind"], now=msg["now"],
               leeway=msg["leeway"], authorization=msg.get("authorization"),
               secrets=msg.get("secrets", {}), public_keys=msg.get("publicKeys", {}),
               audience=msg.get("audience"), client_key=msg.get("clientKey"),
               subject=msg.get("subject"))
        return {"valid": True}
    if msg["op"] == "canonical":
        canonical = canonical_request(*request)
        return {"canonicalRequest": canonical,
                "qsh": hashlib.sha256(canonical.encode("utf-8")).hexdigest()}
    return {"qsh": qsh(*request)}


def serve():
    for line in sys.stdin:
        try:
            msg = json.loads(line)
            request_id = msg["id"] if msg.get("type") != "hello" else None
        except (ValueError, KeyError, AttributeError):
            sys.stderr.write("adapter.py: not a protocol message: %r\n" % line[:200])
            continue
        if request_id is None:
            out = HELLO
        else:
            try:
                out = {"id": request_id, "result": answer(msg)}
            except (QshError, JwtError) as e:
                out = {"id": request_id, "error": {"status": e.status, "message": str(e)}}
            except (ValueError, KeyError, TypeError) as e:  # a message missing what it needs
                out = {"id": request_id, "error": {"status": "BAD_REQUEST", "message": repr(e)}}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


def main(args):
    if not args:
        serve()
        return 0
    if args[0] == "sign" and len(args) == 7:
        secret, iss, now, method, target, base_url = args[1:]
        print(sign(secret, iss, method, target, base_url, now=int(now)))
        return 0
    if args[0] == "example" and len(args) == 2:
        # An app calls Jira on a tenant whose base URL has a context path: /jira is stripped.
        print(sign("example-shared-secret", "com.example.app", "GET",
                   "/jira/rest/api/latest/issue/TEST-2", "https://example.atlassian.net/jira",
                   now=int(args[1])))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (QshError, ValueError) as e:
        sys.stderr.write("adapter.py: %s\n" % e)
        sys.exit(1)
