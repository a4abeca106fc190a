#!/usr/bin/env python3
"""Checks, with the openssl command line and nothing of the reference, every signature that a
token vector's verdict relies on (`signatureValid: true`): HS256 with
`openssl dgst -sha256 -mac HMAC`, RS256 with `openssl dgst -sha256 -verify`. A verdict past
the signature step (valid, or an exp, aud or qsh failure) is only right if the signature is.
A Forge Invocation Token's key is the JWK of its kid in the test's `jwks`: its n and e are
written here as a DER RSAPublicKey and turned into a PEM key by `openssl rsa`.

usage: check_token_signatures.py VECTORS_DIR
"""

import base64
import glob
import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import parse_qsl, urlsplit


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_uint(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")  # one more bit: the sign stays positive
    return b"\x02" + der_len(len(b)) + b


def jwk_pem(tmp, jwks, kid):
    """The PEM public key of the JWK named kid, through `openssl rsa -RSAPublicKey_in`."""
    key = [k for k in json.loads(jwks)["keys"] if k.get("kid") == kid][0]
    body = der_uint(int.from_bytes(b64d(key["n"]), "big")) + der_uint(int.from_bytes(b64d(key["e"]), "big"))
    der = os.path.join(tmp, "key.der")
    with open(der, "wb") as f:
        f.write(b"\x30" + der_len(len(body)) + body)
    p = subprocess.run(["openssl", "rsa", "-RSAPublicKey_in", "-inform", "DER", "-in", der, "-pubout"],
                       capture_output=True, text=True, check=True)
    return p.stdout


def token_of(t):
    if "token" in t:
        return t["token"]
    if t.get("authorization", "").startswith("JWT "):
        return t["authorization"][4:]
    for name, value in parse_qsl(urlsplit(t["target"]).query, keep_blank_values=True):
        if name == "jwt":
            return value
    return None


def openssl(args, data):
    return subprocess.run(["openssl"] + args, input=data, capture_output=True)


def main(vectors):
    checked = failed = 0
    files = sorted(glob.glob(os.path.join(vectors, "token_*.json")))
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            doc = json.load(open(path))
            for g in doc["testGroups"]:
                for t in g["tests"]:
                    if not t["signatureValid"]:
                        continue
                    where = "%s tcId %d" % (os.path.basename(path), t["tcId"])
                    tok = token_of(t)
                    if tok is None:
                        print("FAIL %s: no token found" % where)
                        failed += 1
                        continue
                    head, payload, sig = tok.split(".")
                    header, claims = json.loads(b64d(head)), json.loads(b64d(payload))
                    signing_input = (head + "." + payload).encode()
                    if header.get("alg") == "RS256":
                        pem = os.path.join(tmp, "key.pem")
                        sigfile = os.path.join(tmp, "sig")
                        with open(pem, "w") as f:
                            f.write(jwk_pem(tmp, t["jwks"], header["kid"]) if "jwks" in t
                                    else doc["publicKeys"][header["kid"]])
                        with open(sigfile, "wb") as f:
                            f.write(b64d(sig))
                        p = openssl(["dgst", "-sha256", "-verify", pem, "-signature", sigfile], signing_input)
                        ok = p.returncode == 0 and b"Verified OK" in p.stdout
                    else:
                        secret = doc["secrets"][claims["iss"]]
                        p = openssl(["dgst", "-sha256", "-mac", "HMAC", "-macopt", "key:" + secret, "-binary"],
                                    signing_input)
                        ok = p.returncode == 0 and p.stdout == b64d(sig)
                    checked += 1
                    if not ok:
                        failed += 1
                        print("FAIL %s: openssl does not verify the signature" % where)
    print("%d signatures checked with openssl" % checked)
    print("%d passed, %d failed" % (checked - failed, failed))
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
