#!/usr/bin/python3
"""The recipe's program: the qshcheck line protocol on stdin/stdout (no arguments), or

    adapter.py sign SECRET ISS NOW METHOD TARGET BASE_URL   prints "JWT <token>"
    adapter.py example NOW                                  the seed example's header
    adapter.py call SECRET ISS METHOD TARGET BASE_URL       signs now and sends the call: prints
                                                            the status, then the body
"""

import hashlib
import http.client
import json
import os
import platform
import sys
from urllib.parse import urlsplit

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


def call(secret, iss, method, target, base_url):
    """Signs an app-to-product call at the current time and sends it to the base URL's origin.
    Exit status 0 when a response came, 1 on a transport error, 2 on bad arguments."""
    connections = {"http": http.client.HTTPConnection, "https": http.client.HTTPSConnection}
    try:
        url = urlsplit(base_url)
        if url.scheme not in connections:
            raise ValueError("not an http or https URL")
        port = url.port  # raises ValueError when it is not a port
        authorization = sign(secret, iss, method, target, base_url)
    except ValueError as e:  # QshError is a ValueError: a target or base URL it cannot sign
        sys.stderr.write("adapter.py: cannot call %r on %r: %s\n" % (target, base_url, e))
        return 2
    # http.client writes the target into the request line as given (it refuses only controls
    # and spaces), so the product hashes the very bytes that were signed; urllib.request would
    # take the URL apart first.
    conn = connections[url.scheme](url.hostname, port, timeout=30)
    try:
        conn.request(method, target, headers={"Authorization": authorization})
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as e:
        sys.stderr.write("adapter.py: %s %s://%s%s: %s\n" % (method, url.scheme, url.netloc,
                                                              target, e))
        return 1
    finally:
        conn.close()
    sys.stdout.buffer.write(b"%d\n%s" % (response.status, body))
    return 0


def main(args):
    if not args:
        serve()
        return 0
    if args[0] == "sign" and len(args) == 7:
        secret, iss, now, method, target, base_url = args[1:]
        print(sign(secret, iss, method, target, base_url, now=int(now)))
        return 0
    if args[0] == "call" and len(args) == 6:
        return call(*args[1:])
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
