"""Atlassian Connect JWTs: sign an app's call to a product, verify a product's call to the app.

    from connect_jwt import sign, verify
    headers["Authorization"] = sign(shared_secret, app_key, "GET", target, tenant_base_url)
    claims = verify(method, target, app_base_url, kind="module", secrets={client_key: secret},
                    authorization=request_headers.get("Authorization"))

HS256 with hmac and hashlib from the standard library. Signed install callbacks (RS256) need
Debian's python3-cryptography; without it, verifying an install raises JwtError(KEY_INVALID),
and everything else still works.
"""

import base64
import hashlib
import hmac
import json
import math
import re
import time

from connect_qsh import QshError, parameters, qsh

MAX_TOKEN = 8192
MAX_DEPTH = 16
MAX_DATE = 2**63 - 1
LIFETIME = 180  # seconds; the products accept a few minutes
B64URL = re.compile(r"[A-Za-z0-9_-]*")
KID = re.compile(r"[A-Za-z0-9._-]{1,128}")
HEX64 = re.compile(r"[0-9a-f]{64}")


class JwtError(ValueError):
    """The token is refused; status names the first rule it breaks."""

    def __init__(self, status, message=""):
        super().__init__(message or status)
        self.status = status


def _b64encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(secret, iss, method, target, base_url, now=None, body=None, content_type=None, sub=None):
    """The Authorization header's value for an app-to-product call. iss is the app key; qsh is
    in the server profile, against the tenant's base URL (its context path, e.g. /wiki, is
    stripped). Bitbucket also wants sub, the tenant's clientKey."""
    iat = int(time.time()) if now is None else int(now)
    claims = {"iss": iss, "iat": iat, "exp": iat + LIFETIME,
              "qsh": qsh(method, target, base_url, "server", body, content_type)}
    if sub is not None:
        claims["sub"] = sub
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(_b64encode(json.dumps(part, separators=(",", ":")).encode("utf-8"))
                             for part in (header, claims))
    mac = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return "JWT " + signing_input + "." + _b64encode(mac)


def _b64decode(segment):
    # Strict base64url: no padding, no other characters, no unused bits set (so that a token
    # has exactly one encoding; lenient decoding lets altered signatures through).
    if not B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise JwtError("B64_INVALID", "a segment is not unpadded base64url")
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if _b64encode(data) != segment:
        raise JwtError("B64_INVALID", "unused bits set in a segment")
    return data


def _no_duplicates(pairs):
    names = [name for name, _ in pairs]  # escaped names arrive unescaped: \u0061lg is alg
    if len(set(names)) != len(names):
        raise JwtError("JSON_DUP_MEMBER", "a member name appears twice")
    return dict(pairs)


def _reject_constant(name):
    raise JwtError("JSON_INVALID", "%s is not JSON" % name)


def _finite(text):
    value = float(text)
    if not math.isfinite(value):
        raise JwtError("JSON_INVALID", "a number beyond a double")
    return value


def _check_values(value, depth=1):
    """What json.loads lets through: nesting past the bound, lone surrogate escapes, NUL
    (which would cut strings short elsewhere) and integers beyond 64 bits."""
    if depth > MAX_DEPTH:
        raise JwtError("JSON_TOO_DEEP", "nested deeper than %d" % MAX_DEPTH)
    children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, str):
            if "\0" in child or any("\ud800" <= c <= "\udfff" for c in child):
                raise JwtError("JSON_INVALID", "a NUL or a lone surrogate in a string")
        elif type(child) is int and not -(2**63) <= child <= MAX_DATE:
            raise JwtError("JSON_INVALID", "an integer beyond 64 bits")
        elif isinstance(child, (dict, list)):
            _check_values(child, depth + 1)


def _json_object(data):
    """A JSON object, read strictly: UTF-8 (no byte order mark), no member twice, bounded."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates,
                           parse_constant=_reject_constant, parse_float=_finite)
    except RecursionError:  # json's own bound, far past ours
        raise JwtError("JSON_TOO_DEEP", "nested deeper than %d" % MAX_DEPTH) from None
    except JwtError:
        raise
    except (UnicodeDecodeError, ValueError):
        raise JwtError("JSON_INVALID", "not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise JwtError("JSON_NOT_OBJECT", "not a JSON object")
    _check_values(value)
    return value


def _carried_token(target, authorization):
    """The token of `Authorization: JWT <token>` or of the one jwt query parameter."""
    query = target.partition("#")[0].partition("?")[2]
    try:
        tokens = [value for name, value in parameters(query) if name == "jwt"]  # j%77t is jwt too
    except QshError as e:
        raise JwtError("REQUEST_INVALID", str(e)) from None
    if len(tokens) + (authorization is not None) > 1:
        raise JwtError("CARRIAGE_AMBIGUOUS", "more than one token")
    if authorization is not None:
        token = authorization[4:]
        # The scheme is case-sensitive, followed by one space and one token.
        if not authorization.startswith("JWT ") or token == "" or " " in token:
            raise JwtError("CARRIAGE_SCHEME", "not the JWT scheme with one token")
    elif tokens:
        token = tokens[0]
    else:
        raise JwtError("CARRIAGE_MISSING", "no token")
    if len(token) > MAX_TOKEN:
        raise JwtError("TOKEN_TOO_LARGE", "a token over %d bytes" % MAX_TOKEN)
    return token


def _check_header(header, rs256):
    alg = "RS256" if rs256 else "HS256"
    if header.get("alg") != alg:  # exact: never none, never the other family
        raise JwtError("ALG_NOT_ALLOWED", "alg must be " + alg)
    if "crit" in header:  # this verifier understands no extension
        raise JwtError("CRIT_UNSUPPORTED", "crit names extensions")
    # jku, jwk, x5u and x5c are never read. kid reaches a key store: check its syntax first.
    kid = header.get("kid")
    kid_ok = isinstance(kid, str) and KID.fullmatch(kid) and ".." not in kid  # no traversal
    if (rs256 or kid is not None) and not kid_ok:
        raise JwtError("KID_INVALID", "kid is not 1 to 128 of A-Z a-z 0-9 . _ -")


def _check_signature(signing_input, signature, header, claims, rs256, secrets, public_keys):
    if not rs256:
        iss = claims.get("iss")
        if not isinstance(iss, str):
            raise JwtError("ISS_MISSING", "no iss string")
        if iss not in secrets:
            raise JwtError("ISS_UNKNOWN", "iss is not a known tenant")
        mac = hmac.new(secrets[iss].encode("utf-8"), signing_input, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, signature):  # constant time
            raise JwtError("SIG_INVALID", "bad signature")
        return
    if header["kid"] not in public_keys:
        raise JwtError("KEY_UNKNOWN", "no public key of that kid")
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
    except ImportError:
        raise JwtError("KEY_INVALID", "RS256 needs python3-cryptography") from None
    try:
        key = serialization.load_pem_public_key(public_keys[header["kid"]].encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        key = None
    if not isinstance(key, rsa.RSAPublicKey):
        raise JwtError("KEY_INVALID", "the key is not an RSA public key")
    if len(signature) != (key.key_size + 7) // 8:  # no leading zero or trailing byte
        raise JwtError("SIG_INVALID", "the signature is not the key's size")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise JwtError("SIG_INVALID", "bad signature") from None


def _numeric_date(claims, name, required=True):
    if name not in claims:
        if required:
            raise JwtError(name.upper() + "_MISSING", "no " + name)
        return None
    value = claims[name]
    # An integer NumericDate: not a bool (an int in Python), a string, a real or negative.
    if type(value) is not int or value < 0:
        raise JwtError(name.upper() + "_TYPE", name + " is not a non-negative integer")
    return value


def _check_claims(claims, now, leeway, audience):
    exp = _numeric_date(claims, "exp")
    iat = _numeric_date(claims, "iat")
    nbf = _numeric_date(claims, "nbf", required=False)
    if not now < exp + leeway:
        raise JwtError("EXP_EXPIRED", "expired")
    if not iat <= now + leeway:
        raise JwtError("IAT_IN_FUTURE", "issued in the future")
    if nbf is not None and not nbf <= now + leeway:
        raise JwtError("NBF_NOT_YET", "not valid yet")
    if not exp > iat:
        raise JwtError("EXP_BEFORE_IAT", "exp is not after iat")
    if audience is not None:
        aud = claims.get("aud")
        if aud is None:
            raise JwtError("AUD_MISSING", "no aud")
        if not (aud == audience or isinstance(aud, list) and audience in aud):
            raise JwtError("AUD_MISMATCH", "aud is not " + audience)


def verify(method, target, base_url, *, kind, secrets, now=None, leeway=0, authorization=None,
           profile="product", body=None, content_type=None, audience=None, client_key=None,
           public_keys=None):
    """The claims of a valid token, else JwtError. kind is module, webhook, lifecycle (HS256),
    context (also takes qsh "context-qsh"), install (RS256: public_keys maps kid to PEM; aud
    must be audience, your baseUrl; iss must be client_key, the body's clientKey) or
    app-to-product. secrets maps each tenant's clientKey to its sharedSecret."""
    rs256 = kind == "install"
    if rs256 and (audience is None or client_key is None):
        raise ValueError("an install token needs audience (your baseUrl) and the body's clientKey")
    now = int(time.time()) if now is None else now
    token = _carried_token(target, authorization)
    segments = token.split(".")
    if len(segments) != 3:
        raise JwtError("SEGMENTS", "not three segments")
    header_data, claims_data, signature = (_b64decode(s) for s in segments)
    header, claims = _json_object(header_data), _json_object(claims_data)
    _check_header(header, rs256)
    signing_input = (segments[0] + "." + segments[1]).encode("ascii")
    _check_signature(signing_input, signature, header, claims, rs256, secrets, public_keys or {})
    if rs256 and claims.get("iss") != client_key:
        raise JwtError("ISS_MISMATCH", "iss is not the body's clientKey")
    _check_claims(claims, now, leeway, audience)
    claimed = claims.get("qsh")
    if claimed is None:
        raise JwtError("QSH_MISSING", "no qsh")
    if claimed == "context-qsh" and kind == "context":
        return claims  # a context token: never hashed, and never taken on other endpoints
    if claimed == "context-qsh":
        raise JwtError("QSH_CONTEXT_NOT_ALLOWED", "context-qsh on a %s endpoint" % kind)
    if not isinstance(claimed, str) or not HEX64.fullmatch(claimed):
        raise JwtError("QSH_TYPE", "qsh is not 64 lower-case hex digits")
    try:
        expected = qsh(method, target, base_url, profile, body, content_type)
    except QshError as e:
        raise JwtError("REQUEST_INVALID", str(e)) from None
    if not hmac.compare_digest(claimed, expected):
        raise JwtError("QSH_MISMATCH", "qsh is not the request's")
    return claims
