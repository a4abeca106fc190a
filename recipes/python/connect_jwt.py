"""Atlassian Connect JWTs: sign an app's call to a product, verify a product's call to the app,
and verify the Forge Invocation Token of a call to a Forge Remote back end.

    from connect_jwt import sign, verify, verify_forge_invocation
    headers["Authorization"] = sign(shared_secret, app_key, "GET", target, tenant_base_url)
    claims = verify(method, target, app_base_url, kind="module", secrets={client_key: secret},
                    authorization=request_headers.get("Authorization"))
    claims = verify_forge_invocation(request_headers.get("Authorization"), jwks=jwks_text,
                                     app_id=app_id)

HS256 with hmac and hashlib from the standard library. RS256 (signed install callbacks, Forge
Invocation Tokens) needs Debian's python3-cryptography; without it, those tokens raise
JwtError(KEY_INVALID), and everything else still works.
"""

import base64
import hashlib
import hmac
import json
import math
import re
import time

from connect_qsh import QshError, parameters, qsh

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
except ImportError:
    rsa = None

MAX_TOKEN = 8192
MAX_DEPTH = 16
MAX_DATE = 2**63 - 1
LIFETIME = 180  # seconds; the products accept a few minutes
B64URL = re.compile(r"[A-Za-z0-9_-]*")
KID = re.compile(r"[A-Za-z0-9._-]{1,128}")
HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_JWKS = 65536
MAX_JWKS_KEYS = 64
RSA_BITS = range(2048, 8193)
FIT_ISS = "forge/invocation-token"
APP_ARI = "ari:cloud:ecosystem::app/"


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


def _header_token(authorization, scheme):
    """The token of `Authorization: <scheme> <token>`: the scheme case-sensitive, one space, one
    token, which never holds "=" (`JWT token=<jwt>` is an auth-param, not the format)."""
    token = authorization[len(scheme) + 1:]
    if not authorization.startswith(scheme + " ") or token == "" or " " in token or "=" in token:
        raise JwtError("CARRIAGE_SCHEME", "not the %s scheme with one token" % scheme)
    return token


def _carried_token(target, authorization, kind):
    """The token of `Authorization: JWT <token>` or of the one jwt query parameter."""
    query = target.partition("#")[0].partition("?")[2]
    try:
        tokens = [value for name, value in parameters(query) if name == "jwt"]  # j%77t is jwt too
    except QshError as e:
        raise JwtError("REQUEST_INVALID", str(e)) from None
    if len(tokens) + (authorization is not None) > 1:
        raise JwtError("CARRIAGE_AMBIGUOUS", "more than one token")
    if authorization is not None:
        return _header_token(authorization, "JWT")
    if not tokens:
        raise JwtError("CARRIAGE_MISSING", "no token")
    # Since 2022-02-01 the products answer 401 to an app's call whose token is in the query.
    if kind == "app-to-product":
        raise JwtError("CARRIAGE_QUERY_NOT_ALLOWED", "an app-to-product token in the query")
    return tokens[0]


def _parse(token):
    """The header, the claims, the signing input and the signature of a compact token."""
    if len(token) > MAX_TOKEN:
        raise JwtError("TOKEN_TOO_LARGE", "a token over %d bytes" % MAX_TOKEN)
    segments = token.split(".")
    if len(segments) != 3:
        raise JwtError("SEGMENTS", "not three segments")
    header_data, claims_data, signature = (_b64decode(s) for s in segments)
    header, claims = _json_object(header_data), _json_object(claims_data)
    return header, claims, (segments[0] + "." + segments[1]).encode("ascii"), signature


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


def _check_hs256(signing_input, signature, claims, secrets):
    # The tenant, and so the secret, comes from iss only: never from aud.
    iss = claims.get("iss")
    if not isinstance(iss, str):
        raise JwtError("ISS_MISSING", "no iss string")
    if iss not in secrets:
        raise JwtError("ISS_UNKNOWN", "iss is not a known tenant")
    mac = hmac.new(secrets[iss].encode("utf-8"), signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, signature):  # constant time
        raise JwtError("SIG_INVALID", "bad signature")


def _check_rs256(key, signing_input, signature):
    if len(signature) != (key.key_size + 7) // 8:  # no leading zero or trailing byte
        raise JwtError("SIG_INVALID", "the signature is not the key's size")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise JwtError("SIG_INVALID", "bad signature") from None


def _pem_key(pem):
    if rsa is None:
        raise JwtError("KEY_INVALID", "RS256 needs python3-cryptography")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        key = None
    if not isinstance(key, rsa.RSAPublicKey):
        raise JwtError("KEY_INVALID", "the key is not an RSA public key")
    return key


def _jwk_uint(jwk, name, max_octets):
    """A JWK's Base64urlUInt (RFC 7518 section 2): strict base64url of the fewest octets."""
    try:
        data = _b64decode(jwk[name]) if isinstance(jwk.get(name), str) else b""
    except JwtError:
        data = b""
    if data == b"" or data[0] == 0 or len(data) > max_octets:
        raise JwtError("KEY_INVALID", "the JWK's %s is not a minimal base64url integer" % name)
    return int.from_bytes(data, "big")


def _jwks_key(jwks, kid):
    """The RSA key of the one JWK whose kid is kid in the JWK Set document (its text)."""
    try:
        data = jwks.encode("utf-8")
        doc = _json_object(data) if len(data) <= MAX_JWKS else {}
    except (JwtError, UnicodeError):
        doc = {}
    keys = doc.get("keys")
    if not (isinstance(keys, list) and 1 <= len(keys) <= MAX_JWKS_KEYS
            and all(isinstance(jwk, dict) for jwk in keys)):
        raise JwtError("JWKS_INVALID", "not a JSON object of at most 64 KiB with 1 to 64 keys")
    matches = [jwk for jwk in keys if jwk.get("kid") == kid]
    if len(matches) > 1:  # which of the two keys is meant cannot be told
        raise JwtError("JWKS_INVALID", "the token's kid twice in the JWKS")
    if not matches:
        raise JwtError("KEY_UNKNOWN", "no key of that kid in the JWKS")
    jwk = matches[0]
    if (jwk.get("kty"), jwk.get("use", "sig"), jwk.get("alg", "RS256")) != ("RSA", "sig", "RS256"):
        raise JwtError("KEY_INVALID", "the JWK is not an RSA key for RS256 signatures")
    n, e = _jwk_uint(jwk, "n", RSA_BITS[-1] // 8), _jwk_uint(jwk, "e", 8)
    if n.bit_length() not in RSA_BITS or e % 2 == 0 or e < 3:
        raise JwtError("KEY_INVALID", "n is not of 2048 to 8192 bits, or e not odd and >= 3")
    if rsa is None:
        raise JwtError("KEY_INVALID", "RS256 needs python3-cryptography")
    return rsa.RSAPublicNumbers(e, n).public_key()


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
           subject=None, public_keys=None):
    """The claims of a valid token, else JwtError. kind is module, webhook, lifecycle (HS256),
    context (also takes qsh "context-qsh"), install (RS256: public_keys maps kid to PEM; aud
    must be audience, your baseUrl) or app-to-product (never in the query). secrets maps each
    tenant's clientKey to its sharedSecret. For a lifecycle callback or an install, iss must be
    client_key, the body's clientKey (always for installs, Bitbucket's installed callback too);
    sub must be subject when given (a Bitbucket app-to-product token's, the clientKey)."""
    if kind not in ("module", "webhook", "lifecycle", "context", "install", "app-to-product"):
        raise ValueError("unknown kind %r" % (kind,))  # a typo must not pick the rules
    rs256 = kind == "install"
    if rs256 and (audience is None or client_key is None):
        raise ValueError("an install token needs audience (your baseUrl) and the body's clientKey")
    now = int(time.time()) if now is None else now
    header, claims, signing_input, signature = _parse(_carried_token(target, authorization, kind))
    _check_header(header, rs256)
    if rs256:
        pem = (public_keys or {}).get(header["kid"])
        if pem is None:
            raise JwtError("KEY_UNKNOWN", "no public key of that kid")
        _check_rs256(_pem_key(pem), signing_input, signature)
    else:
        _check_hs256(signing_input, signature, claims, secrets)
    _check_claims(claims, now, leeway, audience)
    if client_key is not None and claims.get("iss") != client_key:
        raise JwtError("ISS_MISMATCH", "iss is not the body's clientKey")
    if subject is not None and claims.get("sub") != subject:
        raise JwtError("SUB_MISMATCH", "sub is not " + subject)
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


def verify_forge_invocation(authorization, *, jwks, app_id, now=None, leeway=0):
    """The claims of a valid Forge Invocation Token (a call to a Forge Remote back end), else
    JwtError. authorization is the request's Authorization header, `Bearer <token>`; jwks the
    text of the JWK Set you trust (Forge's production or staging one, fetched by you: nothing in
    the token chooses it); app_id your app's id, bare or as its ARI."""
    if authorization is None:
        raise JwtError("CARRIAGE_MISSING", "no Authorization header (never the query)")
    now = int(time.time()) if now is None else now
    header, claims, signing_input, signature = _parse(_header_token(authorization, "Bearer"))
    _check_header(header, rs256=True)
    _check_rs256(_jwks_key(jwks, header["kid"]), signing_input, signature)
    ari = app_id if app_id.startswith(APP_ARI) else APP_ARI + app_id
    _check_claims(claims, now, leeway, ari)  # aud holds the ARI: the bare id is not it
    if claims.get("iss") != FIT_ISS:
        raise JwtError("FIT_ISS_INVALID", "iss is not " + FIT_ISS)
    app = claims.get("app")
    if not (isinstance(app, dict) and isinstance(app.get("installationId"), str)
            and isinstance(app.get("apiBaseUrl"), str) and app.get("id", ari) == ari):
        raise JwtError("FIT_APP_INVALID", "app lacks installationId or apiBaseUrl, or is another")
    return claims  # no qsh: a FIT signs no request
