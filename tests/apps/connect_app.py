"""A tiny Connect app on http.server that verifies the product's tokens with the Python recipe
(recipes/python/connect_jwt.py): the subject of tests/test_probe.py.

    connect_app.py --secret S --client-key K [--broken] [--keys URL [--broken-install]]

Listens on 127.0.0.1 on an ephemeral port and prints the port on stdout. Routes: /module
(kind module), /webhook (webhook), /installed, /uninstalled, /enabled, /disabled (lifecycle),
/context (context). --broken makes the mistake of CVE-2021-26073: a token whose qsh is
context-qsh is verified as a context token on every route. With --keys, the lifecycle routes
take signed installs (RS256), their public key fetched from URL/KID as from Atlassian's key
service. --broken-install makes the algorithm confusion of RS256 verifiers: a signed install
whose header says HS256 is verified with the kid's public key (its PEM text) as the secret.
"""

import argparse
import http.server
import json
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "recipes", "python"))
from connect_jwt import JwtError, verify  # noqa: E402

KINDS = {"/module": "module", "/webhook": "webhook", "/context": "context",
         "/installed": "lifecycle", "/uninstalled": "lifecycle", "/enabled": "lifecycle",
         "/disabled": "lifecycle"}
MAX_BODY = 65536


def unverified_qsh(authorization, target):
    """The qsh a token claims, read without verifying anything (what the broken app trusts)."""
    import base64
    from urllib.parse import parse_qs, urlsplit
    token = authorization[4:] if authorization else parse_qs(urlsplit(target).query).get(
        "jwt", [""])[0]
    try:
        claims = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4))).get("qsh")
    except (IndexError, ValueError, AttributeError):
        return None


def unverified_header(authorization):
    """The header of a token in Authorization, read without verifying anything."""
    import base64
    try:
        header = (authorization or "")[4:].split(".")[0]
        value = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def unverified_alg(authorization):
    return unverified_header(authorization).get("alg")


def unverified_kid(authorization):
    """The kid of the header of a token in Authorization, if it is one a URL can hold."""
    kid = unverified_header(authorization).get("kid")
    return kid if isinstance(kid, str) and re.fullmatch(r"[A-Za-z0-9._-]{1,128}", kid) else None


def public_keys(keys_url, authorization):
    """{kid: PEM} of the token's kid from the key service, or {} when it has none."""
    kid = unverified_kid(authorization)
    if kid is None:
        return {}
    try:
        with urllib.request.urlopen("%s/%s" % (keys_url, kid), timeout=5) as r:
            return {kid: r.read(65536).decode("ascii")}
    except (OSError, ValueError):
        return {}


def make_handler(args):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no delayed ACK

        def log_message(self, *_):
            pass

        def answer(self, status, text):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.answer(413, "body too large")
                return
            body = self.rfile.read(length).decode("utf-8", "replace") if length else None
            kind = KINDS.get(self.path.split("?")[0])
            if kind is None:
                self.answer(404, "no such route")
                return
            authorization = self.headers.get("Authorization")
            if args.broken and unverified_qsh(authorization, self.path) == "context-qsh":
                kind = "context"
            base_url = "http://127.0.0.1:%d" % self.server.server_address[1]
            try:
                client_key = json.loads(body or "{}").get("clientKey")
            except (ValueError, AttributeError):
                client_key = None
            client_key = client_key if isinstance(client_key, str) else ""
            secrets, extra = {args.client_key: args.secret}, {}
            if args.keys and kind == "lifecycle":
                keys = public_keys(args.keys, authorization)
                if args.broken_install and unverified_alg(authorization) == "HS256" and keys:
                    secrets = {client_key: next(iter(keys.values()))}  # the confusion
                else:
                    kind = "install"
                    extra = {"audience": base_url, "client_key": client_key, "public_keys": keys}
            try:
                claims = verify(method, self.path, base_url, kind=kind, secrets=secrets,
                                authorization=authorization, body=body,
                                content_type=self.headers.get("Content-Type"), **extra)
            except JwtError as e:
                self.answer(401, "invalid token: %s" % e)
                return
            if kind in ("lifecycle", "install") and client_key != claims["iss"]:
                self.answer(401, "the body's clientKey is not the token's iss")
                return
            self.answer(200, "ok")

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--secret", required=True)
    p.add_argument("--client-key", required=True)
    p.add_argument("--broken", action="store_true")
    p.add_argument("--keys", help="the key service of signed installs, e.g. http://127.0.0.1:N")
    p.add_argument("--broken-install", action="store_true")
    args = p.parse_args()
    server = http.server.HTTPServer(("127.0.0.1", 0), make_handler(args))
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
