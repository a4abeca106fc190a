#!/usr/bin/env python3
"""Writes vectors/token_*.json, the Connect JWT verification vectors, from the hand-written
cases below. Each case states its token (built here from a header and claims, then signed with
hmac/hashlib or `openssl dgst -sign`), its request and clock, and the verdict written from the
rules of docs/RULES.md (Connect JWTs). The canonical requests behind every qsh are written by hand too.

    python3 vectors/tools/gen_tokens.py          # rewrite the files
    python3 vectors/tools/gen_tokens.py --check  # exit 1 if a committed file differs

tests/check_token_signatures.py checks every signature the verdicts rely on with the openssl
command line, independently of the reference.
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from outputs import write_or_check  # noqa: E402
from release import CORPUS_VERSION  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.dirname(HERE)
KEYS = os.path.join(VECTORS, "keys")
SCHEMA = "qsh_token_v2.schema.json"

NOW = 1700000000
ISS = "jira:7f3c9a10-tenant"
SECRET = "s3cr3t-shared-by-jira-and-the-app-0123456789"
OTHER_SECRET = "another-tenants-secret-9876543210"
KID = "test-install-key"
APP = "https://app.example.com/connect"
CLIENT_KEY = "7f3c9a10-0e4b-4d45-9a1c-client-key"
JIRA = "https://your-domain.atlassian.net"
APP_KEY = "com.example.connect-app"  # the Jira app's key: never a tenant
STAGING_KID = "staging-install-key"
BB_CLIENT_KEY = "bitbucket-5e1d2c7a-client-key"
BB_SECRET = "bitbucket-shared-secret-from-the-installed-body-42"
BB_APP_KEY = "com.example.bitbucket-app"
BB_APP_SECRET = "bitbucket-app-secret-for-calls-to-the-api-77"

# Requests and their canonical requests, written from the rules (docs/RULES.md).
PANEL = dict(method="GET", target="/connect/panel?issueKey=ABC-1&lic=active&xdm_e=https%3A%2F%2Fyour-domain.atlassian.net",
             baseUrl=APP, profile="product")
PANEL_CANON = "GET&/panel&issueKey=ABC-1&lic=active&xdm_e=https%3A%2F%2Fyour-domain.atlassian.net"
HOOK = dict(method="POST", target="/connect/webhooks/issue-updated?user_id=admin", baseUrl=APP, profile="product")
HOOK_CANON = "POST&/webhooks/issue-updated&user_id=admin"
CTX = dict(method="GET", target="/connect/api/context-data?page=2", baseUrl=APP, profile="product")
CTX_CANON = "GET&/api/context-data&page=2"
INSTALL = dict(method="POST", target="/connect/installed", baseUrl=APP, profile="product")
INSTALL_CANON = "POST&/installed&"
FILE = dict(method="GET", target="/connect/files/My%20Report%20%282024%29.pdf?download=true", baseUrl=APP, profile="product")
FILE_CANON = "GET&/files/My Report (2024).pdf&download=true"
FILE_RAW_CANON = "GET&/files/My%20Report%20%282024%29.pdf&download=true"
OUT = dict(method="GET", target="/wiki/rest/api/content?spaceKey=DEV&limit=25", baseUrl=JIRA + "/wiki", profile="server")
OUT_CANON = "GET&/rest/api/content&limit=25&spaceKey=DEV"
OUT_UNSTRIPPED = "GET&/wiki/rest/api/content&limit=25&spaceKey=DEV"
ENABLED = dict(method="POST", target="/connect/enabled", baseUrl=APP, profile="product")
ENABLED_CANON = "POST&/enabled&"
BB_INSTALLED = dict(method="POST", target="/connect/installed", baseUrl=APP, profile="product")
BB_UNINSTALLED = dict(method="POST", target="/connect/uninstalled", baseUrl=APP, profile="product")
BB_UNINSTALLED_CANON = "POST&/uninstalled&"
BB_API = dict(method="GET", target="/2.0/repositories/team/repo?pagelen=10", baseUrl="https://api.bitbucket.org",
              profile="server")
BB_API_CANON = "GET&/2.0/repositories/team/repo&pagelen=10"


def qsh(canon):
    return hashlib.sha256(canon.encode()).hexdigest()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def enc(part):
    """A header or claims: a dict (compact JSON), a str (raw JSON text) or bytes."""
    if isinstance(part, dict) or isinstance(part, list):
        part = json.dumps(part, separators=(",", ":"), ensure_ascii=False)
    if isinstance(part, str):
        part = part.encode()
    return b64(part)


def rsa_sign(data, key, digest="-sha256", opts=()):
    p = subprocess.run(["openssl", "dgst", digest, "-sign", os.path.join(KEYS, key)] + list(opts), input=data,
                       capture_output=True, check=True)
    return p.stdout


def sign(header, claims, key=SECRET, how="hs256"):
    signing_input = enc(header) + "." + enc(claims)
    if how == "hs256":
        sig = hmac.new(key.encode() if isinstance(key, str) else key, signing_input.encode(), hashlib.sha256).digest()
    elif how == "rs256":
        sig = rsa_sign(signing_input.encode(), key)
    elif how == "rs384":
        sig = rsa_sign(signing_input.encode(), key, "-sha384")
    elif how == "ps256":  # a salt of 0 octets, so that the signature is deterministic
        sig = rsa_sign(signing_input.encode(), key, "-sha256",
                       ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:0"])
    else:
        sig = b""
    return signing_input + "." + b64(sig), sig


HS = {"alg": "HS256", "typ": "JWT"}
RS = {"alg": "RS256", "typ": "JWT", "kid": KID}


def overridden(c, over):
    """c with each claim of `over` set, or removed where its value is None."""
    for k, v in over.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def claims(canon=PANEL_CANON, **over):
    return overridden({"iss": ISS, "iat": NOW - 60, "exp": NOW + 120, "qsh": qsh(canon)}, over)


def install_claims(**over):
    return overridden({"iss": CLIENT_KEY, "iat": NOW - 60, "exp": NOW + 120, "aud": APP,
                       "qsh": qsh(INSTALL_CANON), "sub": "557058:admin"}, over)


def case(comment, flags, result, reason, token=None, kind="module", req=PANEL, carriage="query",
         authorization=None, now=NOW, leeway=0, sig_checked=None, **extra):
    """A test. carriage: 'query' appends jwt=<token> to the target; 'header' sends it as
    Authorization: JWT <token>; 'none' sends neither (authorization/target as given)."""
    t = {"comment": comment, "flags": flags, "kind": kind, "now": now, "leeway": leeway,
         "method": req["method"], "target": req["target"], "baseUrl": req["baseUrl"], "profile": req["profile"]}
    if carriage == "query" and token is not None:
        t["target"] += ("&" if "?" in t["target"] else "?") + "jwt=" + token
    elif carriage == "header" and token is not None:
        t["authorization"] = "JWT " + token
    if authorization is not None:
        t["authorization"] = authorization
    if kind == "install":
        t["audience"] = extra.pop("audience", APP)
        t["clientKey"] = extra.pop("clientKey", CLIENT_KEY)
    elif "audience" in extra:
        t["audience"] = extra.pop("audience")
    if token is not None:
        t["token"] = token
    t.update(extra)
    t["result"] = result
    t["reason"] = reason
    # Whether the verdict relies on the signature being right: the test checks it with openssl.
    t["signatureValid"] = sig_checked if sig_checked is not None else (result == "valid" or reason in AFTER_SIGNATURE)
    if result == "acceptable" and sig_checked is None:
        t["signatureValid"] = True  # acceptable where Atlassian verifies it: the signature is right
    return t


AFTER_SIGNATURE = {"EXP_MISSING", "EXP_TYPE", "EXP_EXPIRED", "IAT_MISSING", "IAT_TYPE", "IAT_IN_FUTURE", "NBF_TYPE",
                   "NBF_NOT_YET", "EXP_BEFORE_IAT", "AUD_MISSING", "AUD_MISMATCH", "ISS_MISMATCH", "SUB_MISMATCH", "FIT_ISS_INVALID", "FIT_APP_INVALID", "QSH_MISSING",
                   "QSH_TYPE", "QSH_MISMATCH", "QSH_CONTEXT_NOT_ALLOWED", "REQUEST_INVALID"}


def hs(c=None, h=HS, key=SECRET):
    return sign(h, c if c is not None else claims(), key)[0]


def rs(c=None, h=RS, key="test-rsa-private.pem"):
    return sign(h, c if c is not None else install_claims(), key, "rs256")[0]


def with_sig(token, sig_b64):
    return token.rsplit(".", 1)[0] + "." + sig_b64


def tamper_sig(token):
    head, sig = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[0] ^= 1
    return head + "." + b64(bytes(raw))


def positive():
    return [
        case("module: a valid iframe token in the jwt parameter", ["PositiveControl"], "valid", "OK", hs()),
        case("module: the same token in the Authorization header", ["PositiveControl"], "valid", "OK", hs(), carriage="header"),
        case("webhook: a valid token", ["PositiveControl"], "valid", "OK", hs(claims(HOOK_CANON)), kind="webhook", req=HOOK, carriage="header"),
        case("context: context-qsh where context tokens are taken", ["PositiveControl", "ContextQsh"], "valid", "OK",
             hs(claims(qsh="context-qsh")), kind="context", req=CTX, carriage="header"),
        case("context: a real qsh is also taken", ["PositiveControl"], "valid", "OK", hs(claims(CTX_CANON)), kind="context", req=CTX, carriage="header"),
        case("app to product: Confluence request, /wiki stripped", ["PositiveControl"], "valid", "OK",
             hs(claims(OUT_CANON, aud=[CLIENT_KEY])), kind="app-to-product", req=OUT, carriage="header", audience=CLIENT_KEY),
        case("install: a valid RS256 signed install callback", ["PositiveControl", "SignedInstall"], "valid", "OK", rs(),
             kind="install", req=INSTALL, carriage="header"),
        case("module: extra claims sub and context", ["PositiveControl"], "valid", "OK",
             hs(claims(sub="557058:user", context={"user": {"accountId": "557058:user"}}))),
        case("module: the product's decoded path", ["PositiveControl", "ProductDecodedPath"], "valid", "OK",
             hs(claims(FILE_CANON)), req=FILE),
        case("module: 15 levels of nesting are within the bound", ["PositiveControl", "JsonDepth"], "valid", "OK",
             hs(claims(context=json.loads("{\"a\":" * 14 + "1" + "}" * 14)))),
        case("module: escaped member names count after unescaping", ["PositiveControl", "EscapedName"], "valid", "OK",
             sign('{"\\u0061lg":"HS256","typ":"JWT"}', claims())[0]),
        case("module: header members jku, x5u and x5c are ignored, never fetched", ["PositiveControl", "UntrustedHeaderKey"], "valid", "OK",
             hs(h={"alg": "HS256", "jku": "https://evil.example/keys", "x5u": "https://evil.example/cert", "x5c": ["MIIB"]})),
        case("module: a kid of the right syntax is ignored for HS256", ["PositiveControl"], "valid", "OK",
             hs(h={"alg": "HS256", "kid": "tenant-key.1_a"})),
    ]


def carriage_cases():
    big = hs(claims(context={"pad": "x" * 6300}))
    return [
        case("no token at all", ["Carriage"], "invalid", "CARRIAGE_MISSING", None, carriage="none"),
        case("a token in both header and query", ["Carriage", "AtlassianQueryWins"], "acceptable", "CARRIAGE_AMBIGUOUS", hs(),
             authorization="JWT " + hs()),
        case("the jwt parameter twice", ["Carriage"], "invalid", "CARRIAGE_AMBIGUOUS", None, carriage="none",
             **{"target": PANEL["target"] + "&jwt=" + hs() + "&jwt=" + hs()}),
        case("Bearer scheme", ["Carriage"], "invalid", "CARRIAGE_SCHEME", None, authorization="Bearer " + hs()),
        case("lower-case jwt scheme", ["Carriage", "AtlassianSchemeCase"], "acceptable", "CARRIAGE_SCHEME", hs(),
             carriage="none", authorization="jwt " + hs()),
        case("two spaces after JWT", ["Carriage", "AtlassianTrimsHeader"], "acceptable", "CARRIAGE_SCHEME", hs(),
             carriage="none", authorization="JWT  " + hs()),
        case("JWT with no token", ["Carriage"], "invalid", "CARRIAGE_SCHEME", None, authorization="JWT"),
        case("JWT and two tokens", ["Carriage"], "invalid", "CARRIAGE_SCHEME", None, authorization="JWT " + hs() + " " + hs()),
        case("a token over 8 KiB", ["Carriage", "TokenSize"], "invalid", "TOKEN_TOO_LARGE", big,
             sig_checked=False),
        case("an escaped parameter name j%77t carries the token", ["Carriage"], "valid", "OK", None, carriage="none",
             **{"target": PANEL["target"] + "&j%77t=" + hs()}),
        case("a parameter named JWT is not the token", ["Carriage"], "invalid", "CARRIAGE_MISSING", None, carriage="none",
             **{"target": PANEL["target"] + "&JWT=" + hs()}),
    ]


def structure():
    good = hs()
    h, c, s = good.split(".")
    odd = odd_header_token()
    oh, oc, osig = odd.split(".")
    cases = [
        case("two segments", ["Structure"], "invalid", "SEGMENTS", h + "." + c),
        case("four segments", ["Structure"], "invalid", "SEGMENTS", good + ".e30"),
        case("a trailing dot", ["Structure"], "invalid", "SEGMENTS", good + "."),
        case("one segment", ["Structure"], "invalid", "SEGMENTS", h),
        case("empty segments", ["Structure"], "invalid", "JSON_INVALID", ".."),
        case("padding in the header", ["Base64"], "invalid", "B64_INVALID", h + "=." + c + "." + s),
        case("padding after the signature", ["Base64"], "invalid", "B64_INVALID", good + "="),
        case("standard base64 characters in the signature", ["Base64", "LenientSignatureDecoding"], "invalid", "B64_INVALID",
             h + "." + c + "." + "+/" + s[2:]),
        case("a '+' in the claims", ["Base64"], "invalid", "B64_INVALID", h + "." + c[:-1] + "+" + "." + s, carriage="header"),
        case("a space in the signature", ["Base64"], "invalid", "B64_INVALID", None, carriage="none",
             authorization=None, **{"target": PANEL["target"] + "&jwt=" + h + "." + c + "." + s[:10] + "%20" + s[10:]}),
        case("a header of 4n+1 characters", ["Base64"], "invalid", "B64_INVALID", h + "A." + c + "." + s),
        case("unused bits set in the last header character", ["Base64", "NonCanonicalBase64"], "invalid", "B64_INVALID",
             flip_unused(oh) + "." + oc + "." + osig),
        case("the header whose last character has unused bits, encoded right", ["Base64", "PositiveControl"], "valid", "OK", odd),
        case("unused bits set in the last signature character", ["Base64", "NonCanonicalBase64", "LenientSignatureDecoding"],
             "invalid", "B64_INVALID", h + "." + c + "." + flip_unused(s)),
        case("a non-ASCII character in the header", ["Base64"], "invalid", "B64_INVALID", None, carriage="none",
             **{"target": PANEL["target"] + "&jwt=" + h + "%C3%A9." + c + "." + s}),
        case("a dot-only token", ["Structure"], "invalid", "SEGMENTS", "."),
    ]
    return cases


def odd_header_token():
    """A valid token whose header's encoding ends with unused bits (length 2 or 3 mod 4)."""
    for pad in range(4):
        h = {"alg": "HS256", "typ": "JWT", "v": "x" * pad}
        if len(enc(h)) % 4 in (2, 3):
            return hs(h=h)
    raise AssertionError("no header length works")


def flip_unused(seg):
    """The same bytes with the last character's unused bits set: an alternative encoding."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused = {2: 4, 3: 2}[len(seg) % 4]
    v = alphabet.index(seg[-1])
    return seg[:-1] + alphabet[v | ((1 << unused) - 1)]


def json_cases():
    raw = lambda hdr, clm: sign(hdr, clm)[0]
    ok_claims = json.dumps(claims(), separators=(",", ":"))
    return [
        case("the header is not JSON", ["Json"], "invalid", "JSON_INVALID", raw("{alg:HS256}", claims())),
        case("the claims are not JSON", ["Json"], "invalid", "JSON_INVALID", raw(HS, "{\"iss\":")),
        case("the header is an array", ["Json"], "invalid", "JSON_NOT_OBJECT", raw("[\"HS256\"]", claims())),
        case("the claims are a string", ["Json"], "invalid", "JSON_NOT_OBJECT", raw(HS, "\"claims\"")),
        case("alg twice in the header", ["Json", "DuplicateMember"], "invalid", "JSON_DUP_MEMBER",
             raw('{"alg":"none","alg":"HS256"}', claims())),
        case("alg and an escaped alg in the header", ["Json", "DuplicateMember", "EscapedName"], "invalid", "JSON_DUP_MEMBER",
             raw('{"alg":"HS256","\\u0061lg":"none"}', claims())),
        case("exp twice in the claims", ["Json", "DuplicateMember"], "invalid", "JSON_DUP_MEMBER",
             raw(HS, ok_claims[:-1] + ',"exp":99999999999}')),
        case("qsh twice in the claims", ["Json", "DuplicateMember"], "invalid", "JSON_DUP_MEMBER",
             raw(HS, ok_claims[:-1] + ',"qsh":"context-qsh"}')),
        case("a NUL in iss", ["Json", "NulInString"], "invalid", "JSON_INVALID",
             raw(HS, ok_claims.replace(ISS, ISS + "\\u0000evil"))),
        case("invalid UTF-8 in the claims", ["Json"], "invalid", "JSON_INVALID",
             raw(HS, ok_claims.replace("tenant", "tenant\xff").encode("latin-1"))),
        case("a lone surrogate escape", ["Json"], "invalid", "JSON_INVALID", raw(HS, ok_claims.replace("tenant", "tenant\\ud800"))),
        case("a byte order mark before the claims", ["Json"], "invalid", "JSON_INVALID", raw(HS, "\ufeff" + ok_claims)),
        case("text after the claims object", ["Json"], "invalid", "JSON_INVALID", raw(HS, ok_claims + "x")),
        case("17 levels of nesting", ["Json", "JsonDepth"], "invalid", "JSON_TOO_DEEP",
             hs(claims(context=json.loads("{\"a\":" * 16 + "1" + "}" * 16)))),
        case("2100 levels of nesting, beyond the parser's own limit", ["Json", "JsonDepth"], "invalid", "JSON_TOO_DEEP",
             raw(HS, ok_claims[:-1] + ',"x":' + "[" * 2100 + "]" * 2100 + "}"), sig_checked=False),
        case("exp 1e400 overflows", ["Json", "NumberRange"], "invalid", "JSON_INVALID",
             raw(HS, ok_claims.replace('"exp":%d' % (NOW + 120), '"exp":1e400'))),
        case("exp 2^63 overflows", ["Json", "NumberRange"], "invalid", "JSON_INVALID",
             raw(HS, ok_claims.replace('"exp":%d' % (NOW + 120), '"exp":9223372036854775808'))),
        case("an empty header object", ["Json", "AlgorithmConfusion"], "invalid", "ALG_NOT_ALLOWED", raw("{}", claims())),
    ]


def alg_cases():
    pub = open(os.path.join(KEYS, "test-rsa-public.pem")).read()
    cases = []
    for name in ["none", "None", "NONE", "nOnE"]:
        t = sign({"alg": name, "typ": "JWT"}, claims(), how="none")[0]
        cases.append(case("alg %s with no signature" % name, ["AlgNone"], "invalid", "ALG_NOT_ALLOWED", t))
    for alg, comment in [("hs256", "lower-case hs256"), ("HS256 ", "HS256 with a trailing space"), ("HS512", "HS512"),
                         ("HS384", "HS384"), ("ES256", "ES256"), ("PS256", "PS256"), ("", "an empty alg")]:
        cases.append(case("alg: " + comment, ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED",
                          sign({"alg": alg, "typ": "JWT"}, claims())[0]))
    cases += [
        case("alg as an array", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED", sign({"alg": ["HS256"]}, claims())[0]),
        case("alg null", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED", sign({"alg": None}, claims())[0]),
        case("alg as a number", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED", sign({"alg": 256}, claims())[0]),
        case("no alg", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED", sign({"typ": "JWT"}, claims())[0]),
        case("RS256 on an iframe endpoint", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED",
             rs(claims(), {"alg": "RS256", "kid": KID})),
        case("HS256 on the install endpoint", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED",
             hs(install_claims(), {"alg": "HS256", "kid": KID}, CLIENT_KEY), kind="install", req=INSTALL, carriage="header"),
        case("install: HS256 signed with the public key as HMAC secret", ["AlgorithmConfusion"], "invalid", "ALG_NOT_ALLOWED",
             hs(install_claims(), {"alg": "HS256", "kid": KID}, pub), kind="install", req=INSTALL, carriage="header"),
        case("module: HS256 signed with the public key as HMAC secret", ["AlgorithmConfusion"], "invalid", "SIG_INVALID",
             hs(claims(), HS, pub)),
    ]
    return cases


def header_cases():
    long_kid = "k" * 129
    return [
        case("crit lists exp", ["Crit"], "invalid", "CRIT_UNSUPPORTED", hs(h={"alg": "HS256", "crit": ["exp"]})),
        case("crit is empty", ["Crit"], "invalid", "CRIT_UNSUPPORTED", hs(h={"alg": "HS256", "crit": []})),
        case("crit is a string", ["Crit"], "invalid", "CRIT_UNSUPPORTED", hs(h={"alg": "HS256", "crit": "b64"})),
        case("jku names the attacker's keys; signed with the attacker's secret", ["UntrustedHeaderKey"], "invalid", "SIG_INVALID",
             hs(h={"alg": "HS256", "jku": "https://evil.example/jwks.json"}, key=OTHER_SECRET)),
        case("install: jwk embeds the attacker's key, which signed it", ["UntrustedHeaderKey"], "invalid", "SIG_INVALID",
             rs(h={"alg": "RS256", "kid": KID, "jwk": {"kty": "RSA", "n": "attacker", "e": "AQAB"}}, key="attacker-rsa-private.pem"),
             kind="install", req=INSTALL, carriage="header"),
        case("install: x5u points at the attacker; signed by the attacker", ["UntrustedHeaderKey"], "invalid", "SIG_INVALID",
             rs(h={"alg": "RS256", "kid": KID, "x5u": "https://evil.example/cert.pem"}, key="attacker-rsa-private.pem"),
             kind="install", req=INSTALL, carriage="header"),
        case("install: kid with path traversal", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256", "kid": "../../etc/passwd"}), kind="install", req=INSTALL, carriage="header"),
        case("install: kid with a SQL injection", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256", "kid": "x' OR '1'='1"}), kind="install", req=INSTALL, carriage="header"),
        case("install: kid with a slash", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256", "kid": "keys/test"}), kind="install", req=INSTALL, carriage="header"),
        case("install: an empty kid", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256", "kid": ""}), kind="install", req=INSTALL, carriage="header"),
        case("install: a kid of 129 characters", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256", "kid": long_kid}), kind="install", req=INSTALL, carriage="header"),
        case("install: a numeric kid", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256", "kid": 5}), kind="install", req=INSTALL, carriage="header"),
        case("install: no kid", ["KidInjection"], "invalid", "KID_INVALID",
             rs(h={"alg": "RS256"}), kind="install", req=INSTALL, carriage="header"),
        case("install: an unknown kid", ["SignedInstall"], "invalid", "KEY_UNKNOWN",
             rs(h={"alg": "RS256", "kid": "no-such-key"}), kind="install", req=INSTALL, carriage="header"),
        case("install: a kid naming a key that is not RSA", ["SignedInstall"], "invalid", "KEY_INVALID",
             rs(h={"alg": "RS256", "kid": "ec-key"}), kind="install", req=INSTALL, carriage="header"),
        case("module: kid with path traversal is rejected before any lookup", ["KidInjection"], "invalid", "KID_INVALID",
             hs(h={"alg": "HS256", "kid": "../secrets"})),
    ]


def signature_cases():
    good = hs()
    raw_sig = base64.urlsafe_b64decode(good.rsplit(".", 1)[1] + "=")
    good_rs = rs()
    rs_sig = base64.urlsafe_b64decode(good_rs.rsplit(".", 1)[1] + "=" * (-len(good_rs.rsplit(".", 1)[1]) % 4))
    return [
        case("one bit of the signature flipped", ["Signature"], "invalid", "SIG_INVALID", tamper_sig(good)),
        case("an empty signature", ["Signature"], "invalid", "SIG_INVALID", with_sig(good, "")),
        case("signed with another tenant's secret", ["Signature"], "invalid", "SIG_INVALID", hs(key=OTHER_SECRET)),
        case("the HMAC cut to 16 bytes", ["Signature"], "invalid", "SIG_INVALID", with_sig(good, b64(raw_sig[:16]))),
        case("the HMAC with a byte appended", ["Signature"], "invalid", "SIG_INVALID", with_sig(good, b64(raw_sig + b"\x00"))),
        case("claims changed after signing", ["Signature"], "invalid", "SIG_INVALID",
             good.split(".")[0] + "." + enc(claims(sub="admin")) + "." + good.split(".")[2]),
        case("an unknown iss", ["Signature"], "invalid", "ISS_UNKNOWN", hs(claims(iss="jira:unknown-tenant"))),
        case("no iss", ["Signature"], "invalid", "ISS_MISSING", hs(claims(iss=None))),
        case("iss as a number", ["Signature"], "invalid", "ISS_MISSING", hs(claims(iss=12345))),
        case("install: the RS256 signature with a byte appended", ["Signature", "LenientSignatureDecoding"], "invalid", "SIG_INVALID",
             with_sig(good_rs, b64(rs_sig + b"\x00")), kind="install", req=INSTALL, carriage="header"),
        case("install: the RS256 signature with a zero byte in front", ["Signature", "LenientSignatureDecoding"], "invalid",
             "SIG_INVALID", with_sig(good_rs, b64(b"\x00" + rs_sig)), kind="install", req=INSTALL, carriage="header"),
        case("install: signed by a key the app does not trust", ["Signature"], "invalid", "SIG_INVALID",
             rs(key="attacker-rsa-private.pem"), kind="install", req=INSTALL, carriage="header"),
        case("install: one bit of the RS256 signature flipped", ["Signature"], "invalid", "SIG_INVALID",
             tamper_sig(good_rs), kind="install", req=INSTALL, carriage="header"),
    ]


def time_cases():
    T = []
    add = lambda comment, flags, result, reason, c, **kw: T.append(case(comment, flags, result, reason, hs(c), **kw))
    add("no exp", ["MissingExp"], "invalid", "EXP_MISSING", claims(exp=None))
    add("exp as a string", ["NumericDate"], "invalid", "EXP_TYPE", claims(exp=str(NOW + 120)))
    add("exp with a fraction", ["NumericDate", "AtlassianTruncatesDates"], "acceptable", "EXP_TYPE", claims(exp=NOW + 120.5))
    add("exp as a real with no fraction", ["NumericDate", "AtlassianTruncatesDates"], "acceptable", "EXP_TYPE",
        claims(exp=float(NOW + 120)))
    add("exp negative", ["NumericDate"], "invalid", "EXP_TYPE", claims(exp=-1))
    add("exp true", ["NumericDate"], "invalid", "EXP_TYPE", claims(exp=True))
    add("exp null", ["NumericDate"], "invalid", "EXP_TYPE", claims(exp=None) | {"exp": None})
    add("exp equal to now has expired", ["TimeBoundary"], "invalid", "EXP_EXPIRED", claims(exp=NOW))
    add("exp one second after now", ["TimeBoundary"], "valid", "OK", claims(exp=NOW + 1))
    add("exp one second before now, leeway 1", ["TimeBoundary", "Leeway"], "invalid", "EXP_EXPIRED", claims(exp=NOW - 1), leeway=1)
    add("exp equal to now, leeway 1", ["TimeBoundary", "Leeway"], "valid", "OK", claims(exp=NOW), leeway=1)
    add("expired an hour ago", ["TimeBoundary"], "invalid", "EXP_EXPIRED", claims(iat=NOW - 7200, exp=NOW - 3600))
    add("exp 0", ["TimeBoundary"], "invalid", "EXP_EXPIRED", claims(iat=0, exp=0))
    add("exp the largest 64-bit integer, leeway a day", ["NumberRange"], "valid", "OK", claims(exp=2**63 - 1), leeway=86400)
    add("no iat", ["NumericDate"], "invalid", "IAT_MISSING", claims(iat=None))
    add("iat as a string", ["NumericDate"], "invalid", "IAT_TYPE", claims(iat=str(NOW)))
    add("iat negative", ["NumericDate"], "invalid", "IAT_TYPE", claims(iat=-5))
    add("iat with a fraction", ["NumericDate", "AtlassianTruncatesDates"], "acceptable", "IAT_TYPE", claims(iat=NOW - 0.5))
    add("iat one second in the future", ["TimeBoundary"], "invalid", "IAT_IN_FUTURE", claims(iat=NOW + 1))
    add("iat one second in the future, leeway 1", ["TimeBoundary", "Leeway"], "valid", "OK", claims(iat=NOW + 1), leeway=1)
    add("iat equal to now", ["TimeBoundary"], "valid", "OK", claims(iat=NOW))
    add("nbf in the future", ["TimeBoundary"], "invalid", "NBF_NOT_YET", claims(nbf=NOW + 30))
    add("nbf equal to now", ["TimeBoundary"], "valid", "OK", claims(nbf=NOW))
    add("nbf as a string", ["NumericDate"], "invalid", "NBF_TYPE", claims(nbf="now"))
    add("nbf 10 s ahead, leeway 10", ["TimeBoundary", "Leeway"], "valid", "OK", claims(nbf=NOW + 10), leeway=10)
    add("exp equal to iat", ["TimeBoundary"], "invalid", "EXP_BEFORE_IAT", claims(iat=NOW + 5, exp=NOW + 5), leeway=10)
    add("exp before iat", ["TimeBoundary"], "invalid", "EXP_BEFORE_IAT", claims(iat=NOW + 8, exp=NOW + 6), leeway=10)
    add("a lifetime of years is not limited here", ["TimeBoundary"], "valid", "OK", claims(exp=NOW + 10 * 365 * 86400))
    return T


def aud_cases():
    return [
        case("install: aud missing", ["Audience", "SignedInstall"], "invalid", "AUD_MISSING", rs(install_claims(aud=None)),
             kind="install", req=INSTALL, carriage="header"),
        case("install: aud of another app", ["Audience", "SignedInstall"], "invalid", "AUD_MISMATCH",
             rs(install_claims(aud="https://evil.example/connect")), kind="install", req=INSTALL, carriage="header"),
        case("install: aud with a trailing slash", ["Audience", "SignedInstall"], "invalid", "AUD_MISMATCH",
             rs(install_claims(aud=APP + "/")), kind="install", req=INSTALL, carriage="header"),
        case("install: aud in another case", ["Audience", "SignedInstall"], "invalid", "AUD_MISMATCH",
             rs(install_claims(aud=APP.upper())), kind="install", req=INSTALL, carriage="header"),
        case("install: aud as an array holding the app", ["Audience", "SignedInstall"], "valid", "OK",
             rs(install_claims(aud=["https://other.example", APP])), kind="install", req=INSTALL, carriage="header"),
        case("install: aud as an array without the app", ["Audience", "SignedInstall"], "invalid", "AUD_MISMATCH",
             rs(install_claims(aud=["https://other.example"])), kind="install", req=INSTALL, carriage="header"),
        case("install: aud as a number", ["Audience", "SignedInstall"], "invalid", "AUD_MISMATCH",
             rs(install_claims(aud=42)), kind="install", req=INSTALL, carriage="header"),
        case("install: iss is not the body's clientKey", ["SignedInstall"], "invalid", "ISS_MISMATCH",
             rs(install_claims(iss="another-client-key")), kind="install", req=INSTALL, carriage="header"),
        case("app to product: aud names another tenant", ["Audience"], "invalid", "AUD_MISMATCH",
             hs(claims(OUT_CANON, aud=["someone-else"])), kind="app-to-product", req=OUT, carriage="header", audience=CLIENT_KEY),
        case("app to product: aud missing", ["Audience"], "invalid", "AUD_MISSING",
             hs(claims(OUT_CANON)), kind="app-to-product", req=OUT, carriage="header", audience=CLIENT_KEY),
        case("module: an aud that nobody asked for is ignored", ["Audience"], "valid", "OK", hs(claims(aud=["anything"]))),
    ]


def qsh_cases():
    return [
        case("no qsh", ["Qsh"], "invalid", "QSH_MISSING", hs(claims(qsh=None))),
        case("qsh in upper-case hex", ["Qsh"], "invalid", "QSH_TYPE", hs(claims(qsh=qsh(PANEL_CANON).upper()))),
        case("qsh of 63 digits", ["Qsh"], "invalid", "QSH_TYPE", hs(claims(qsh=qsh(PANEL_CANON)[:63]))),
        case("qsh as a number", ["Qsh"], "invalid", "QSH_TYPE", hs(claims(qsh=12345))),
        case("an empty qsh", ["Qsh"], "invalid", "QSH_TYPE", hs(claims(qsh=""))),
        case("qsh of another request", ["Qsh"], "invalid", "QSH_MISMATCH", hs(claims(HOOK_CANON))),
        case("qsh of the raw path where the product hashes the decoded one", ["Qsh", "ProductPathNotDecoded"], "invalid",
             "QSH_MISMATCH", hs(claims(FILE_RAW_CANON)), req=FILE),
        case("app to product: qsh with /wiki not stripped", ["Qsh", "ContextPathNotStripped"], "invalid", "QSH_MISMATCH",
             hs(claims(OUT_UNSTRIPPED, aud=[CLIENT_KEY])), kind="app-to-product", req=OUT, carriage="header", audience=CLIENT_KEY),
        case("qsh of the lower-case method", ["Qsh"], "invalid", "QSH_MISMATCH", hs(claims(PANEL_CANON.replace("GET", "get", 1)))),
        case("qsh that hashed the jwt parameter too", ["Qsh"], "invalid", "QSH_MISMATCH",
             hs(claims(PANEL_CANON + "&jwt=x"))),
        case("a request that cannot be canonicalized", ["Qsh"], "invalid", "REQUEST_INVALID",
             hs(claims()), req=dict(PANEL, target="/connect/panel?issueKey=%zz")),
    ]


def context_cases():
    return [
        case("context-qsh on an iframe endpoint", ["ContextQsh", "CVE-2021-26073"], "invalid", "QSH_CONTEXT_NOT_ALLOWED",
             hs(claims(qsh="context-qsh"))),
        case("context-qsh on a webhook", ["ContextQsh", "CVE-2021-26073"], "invalid", "QSH_CONTEXT_NOT_ALLOWED",
             hs(claims(qsh="context-qsh")), kind="webhook", req=HOOK, carriage="header"),
        case("context-qsh on the install callback", ["ContextQsh", "CVE-2021-26074"], "invalid", "QSH_CONTEXT_NOT_ALLOWED",
             rs(install_claims(qsh="context-qsh")), kind="install", req=INSTALL, carriage="header"),
        case("context-qsh on a call to the product", ["ContextQsh"], "invalid", "QSH_CONTEXT_NOT_ALLOWED",
             hs(claims(qsh="context-qsh", aud=[CLIENT_KEY])), kind="app-to-product", req=OUT, carriage="header", audience=CLIENT_KEY),
        case("Context-qsh in another case on a context endpoint", ["ContextQsh"], "invalid", "QSH_TYPE",
             hs(claims(qsh="Context-qsh")), kind="context", req=CTX, carriage="header"),
        case("a wrong hash on a context endpoint", ["ContextQsh"], "invalid", "QSH_MISMATCH",
             hs(claims(PANEL_CANON)), kind="context", req=CTX, carriage="header"),
        case("context-qsh on a context endpoint, token in the query", ["ContextQsh", "PositiveControl"], "valid", "OK",
             hs(claims(qsh="context-qsh")), kind="context", req=CTX),
    ]


def since_2021_cases():
    """What the products enforce since 2021 (docs/RULES.md, What the products enforce since 2021)."""
    a2p = dict(kind="app-to-product", req=OUT, audience=CLIENT_KEY)
    staging = "test-staging-rsa-private.pem"
    inst = dict(kind="install", req=INSTALL, carriage="header")
    return [
        # The header is the only carrier of an app-to-product token.
        case("app to product: the token in the jwt parameter", ["QueryCarrierRefused"], "invalid",
             "CARRIAGE_QUERY_NOT_ALLOWED", hs(claims(OUT_CANON, aud=[CLIENT_KEY])), **a2p),
        case("app to product: the same token in the header", ["QueryCarrierRefused", "PositiveControl"], "valid", "OK",
             hs(claims(OUT_CANON, aud=[CLIENT_KEY])), carriage="header", **a2p),
        case("module: the jwt parameter is still a carrier for product-to-app tokens", ["QueryCarrierRefused",
             "PositiveControl"], "valid", "OK", hs()),
        # Lifecycle callbacks and webhooks need a computed qsh (CVE-2021-26073's fix).
        case("lifecycle: enabled callback with its qsh", ["LifecycleQsh", "PositiveControl"], "valid", "OK",
             hs(claims(ENABLED_CANON)), kind="lifecycle", req=ENABLED, carriage="header"),
        case("lifecycle: enabled callback without qsh", ["LifecycleQsh", "CVE-2021-26073"], "invalid", "QSH_MISSING",
             hs(claims(ENABLED_CANON, qsh=None)), kind="lifecycle", req=ENABLED, carriage="header"),
        case("lifecycle: enabled callback with context-qsh", ["LifecycleQsh", "CVE-2021-26073"], "invalid",
             "QSH_CONTEXT_NOT_ALLOWED", hs(claims(qsh="context-qsh")), kind="lifecycle", req=ENABLED, carriage="header"),
        case("lifecycle: the qsh of another callback", ["LifecycleQsh"], "invalid", "QSH_MISMATCH",
             hs(claims(INSTALL_CANON)), kind="lifecycle", req=ENABLED, carriage="header"),
        case("install: signed install without qsh", ["LifecycleQsh", "CVE-2021-26073"], "invalid", "QSH_MISSING",
             rs(install_claims(qsh=None)), **inst),
        case("webhook: no qsh", ["LifecycleQsh", "CVE-2021-26073"], "invalid", "QSH_MISSING",
             hs(claims(HOOK_CANON, qsh=None)), kind="webhook", req=HOOK, carriage="header"),
        case("context: a session token without any qsh", ["SessionTokenWithoutQsh"], "invalid", "QSH_MISSING",
             hs(claims(qsh=None)), kind="context", req=CTX, carriage="header"),
        case("context: a session token without qsh, in the query", ["SessionTokenWithoutQsh"], "invalid", "QSH_MISSING",
             hs(claims(qsh=None)), kind="context", req=CTX),
        # The tenant is iss, never aud[0].
        case("aud[0] names the tenant, iss unknown, signed with the tenant's secret", ["TenantFromAud"], "invalid",
             "ISS_UNKNOWN", hs(claims(iss="jira:unknown-tenant", aud=[ISS])), sig_checked=False),
        case("aud[0] names the tenant, iss is the app key", ["TenantFromAud"], "invalid", "ISS_UNKNOWN",
             hs(claims(iss=APP_KEY, aud=[ISS])), carriage="header", sig_checked=False),
        case("aud[0] names no tenant, iss the tenant: the secret of iss verifies", ["TenantFromAud", "PositiveControl"],
             "valid", "OK", hs(claims(aud=["jira:unknown-tenant", ISS]))),
        # The header format of one Python client.
        case("Authorization: JWT token=<jwt>", ["AuthParamHeader"], "invalid", "CARRIAGE_SCHEME", None,
             authorization="JWT token=" + hs()),
        case("Authorization: JWT jwt=<jwt>", ["AuthParamHeader"], "invalid", "CARRIAGE_SCHEME", None,
             authorization="JWT jwt=" + hs()),
        # What Atlassian's Java verifier accepts and the strict verifier refuses.
        case("upper- and lower-case Jwt scheme", ["Carriage", "AtlassianSchemeCase"], "acceptable", "CARRIAGE_SCHEME", hs(),
             carriage="none", authorization="Jwt " + hs()),
        case("a blank before the scheme", ["Carriage", "AtlassianTrimsHeader"], "acceptable", "CARRIAGE_SCHEME", hs(),
             carriage="none", authorization=" JWT " + hs()),
        case("a blank after the token", ["Carriage", "AtlassianTrimsHeader"], "acceptable", "CARRIAGE_SCHEME", hs(),
             carriage="none", authorization="JWT " + hs() + " "),
        case("a forged header token beside a valid query token: the query wins there", ["Carriage", "AtlassianQueryWins"],
             "acceptable", "CARRIAGE_AMBIGUOUS", hs(), authorization="JWT " + hs(key=OTHER_SECRET), sig_checked=True),
        case("a forged query token beside a valid header token: the query wins, and fails", ["Carriage",
             "AtlassianQueryWins"], "invalid", "CARRIAGE_AMBIGUOUS", hs(key=OTHER_SECRET), authorization="JWT " + hs()),
        case("nbf with a fraction", ["NumericDate", "AtlassianTruncatesDates"], "acceptable", "NBF_TYPE",
             hs(claims(nbf=NOW - 0.25))),
        case("exp with a fraction that truncates to now has expired", ["NumericDate"], "invalid", "EXP_TYPE",
             hs(claims(exp=NOW + 0.5))),
        # Signed install: aud as a string or a one-element array.
        case("install: aud as a one-element array", ["SignedInstall", "Audience", "PositiveControl"], "valid", "OK",
             rs(install_claims(aud=[APP])), **inst),
        case("install: aud as a one-element array of another app", ["SignedInstall", "Audience"], "invalid",
             "AUD_MISMATCH", rs(install_claims(aud=["https://evil.example/connect"])), **inst),
        # Key environments: the verifier trusts the set it was given (here production), never one the token picks.
        case("install: signed with the staging key under the production kid", ["KeyEnvironment"], "invalid",
             "SIG_INVALID", rs(key=staging), **inst),
        case("install: signed with the staging key under its own kid", ["KeyEnvironment"], "invalid", "KEY_UNKNOWN",
             rs(h={"alg": "RS256", "kid": STAGING_KID}, key=staging), **inst),
        case("install: staging key, jku naming the staging key server", ["KeyEnvironment", "UntrustedHeaderKey"],
             "invalid", "KEY_UNKNOWN",
             rs(h={"alg": "RS256", "kid": STAGING_KID,
                   "jku": "https://cs-migrations--cdn.us-east-1.staging.public.atl-paas.net/"}, key=staging), **inst),
        case("install: staging key, claims saying the install comes from staging", ["KeyEnvironment"], "invalid",
             "SIG_INVALID", rs(install_claims(aud=APP, env="staging",
                                              baseUrl="https://your-domain.jira-dev.com"), key=staging), **inst),
        # Bitbucket: HS256 lifecycle callbacks signed with the shared secret, sub = clientKey towards the product.
        case("Bitbucket: installed callback, HS256 with the shared secret", ["Bitbucket", "PositiveControl"], "valid", "OK",
             hs(claims(INSTALL_CANON, iss=BB_CLIENT_KEY), key=BB_SECRET), kind="lifecycle", req=BB_INSTALLED,
             carriage="header", clientKey=BB_CLIENT_KEY),
        case("Bitbucket: uninstalled callback", ["Bitbucket", "PositiveControl"], "valid", "OK",
             hs(claims(BB_UNINSTALLED_CANON, iss=BB_CLIENT_KEY), key=BB_SECRET), kind="lifecycle", req=BB_UNINSTALLED,
             carriage="header", clientKey=BB_CLIENT_KEY),
        case("Bitbucket: installed callback whose iss is not the body's clientKey", ["Bitbucket"], "invalid",
             "ISS_MISMATCH", hs(claims(INSTALL_CANON)), kind="lifecycle", req=BB_INSTALLED, carriage="header",
             clientKey=BB_CLIENT_KEY),
        case("Bitbucket: installed callback without qsh", ["Bitbucket", "LifecycleQsh"], "invalid", "QSH_MISSING",
             hs(claims(INSTALL_CANON, iss=BB_CLIENT_KEY, qsh=None), key=BB_SECRET), kind="lifecycle", req=BB_INSTALLED,
             carriage="header", clientKey=BB_CLIENT_KEY),
        case("Bitbucket: installed callback RS256, as a signed install would be", ["Bitbucket"], "invalid",
             "ALG_NOT_ALLOWED", rs(install_claims(iss=BB_CLIENT_KEY)), kind="lifecycle", req=BB_INSTALLED,
             carriage="header", clientKey=BB_CLIENT_KEY),
        case("Bitbucket: installed callback signed with another secret", ["Bitbucket"], "invalid", "SIG_INVALID",
             hs(claims(INSTALL_CANON, iss=BB_CLIENT_KEY), key=OTHER_SECRET), kind="lifecycle", req=BB_INSTALLED,
             carriage="header", clientKey=BB_CLIENT_KEY),
        case("Bitbucket: app to product with sub = clientKey", ["Bitbucket", "PositiveControl"], "valid", "OK",
             hs(claims(BB_API_CANON, iss=BB_APP_KEY, sub=BB_CLIENT_KEY), key=BB_APP_SECRET), kind="app-to-product",
             req=BB_API, carriage="header", subject=BB_CLIENT_KEY),
        case("Bitbucket: app to product without sub", ["Bitbucket"], "invalid", "SUB_MISMATCH",
             hs(claims(BB_API_CANON, iss=BB_APP_KEY), key=BB_APP_SECRET), kind="app-to-product", req=BB_API,
             carriage="header", subject=BB_CLIENT_KEY),
        case("Bitbucket: app to product with another client's sub", ["Bitbucket"], "invalid", "SUB_MISMATCH",
             hs(claims(BB_API_CANON, iss=BB_APP_KEY, sub="bitbucket-other-client"), key=BB_APP_SECRET),
             kind="app-to-product", req=BB_API, carriage="header", subject=BB_CLIENT_KEY),
        case("Bitbucket: app to product in the query", ["Bitbucket", "QueryCarrierRefused"], "invalid",
             "CARRIAGE_QUERY_NOT_ALLOWED", hs(claims(BB_API_CANON, iss=BB_APP_KEY, sub=BB_CLIENT_KEY), key=BB_APP_SECRET),
             kind="app-to-product", req=BB_API, subject=BB_CLIENT_KEY),
    ]


FIT_APP = "5f0e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
FIT_ARI = "ari:cloud:ecosystem::app/" + FIT_APP
FIT_KID = "forge-prod-key-1"
FIT_OTHER_KID = "forge-prod-key-2"
FIT_STAGING_KID = "forge-stg-key-1"
FIT_REQ = dict(method="POST", target="/forge/remote/issue-panel", baseUrl="https://remote.example.com", profile="product")
PROD_API = "https://api.atlassian.com/ex/jira/0b8f2c1e-cloud-id"
STG_API = "https://api.stg.atlassian.com/ex/jira/0b8f2c1e-cloud-id"


def b64uint(v):
    return b64(v.to_bytes((v.bit_length() + 7) // 8, "big"))


def rsa_modulus(pem):
    out = subprocess.run(["openssl", "rsa", "-pubin", "-in", os.path.join(KEYS, pem), "-modulus", "-noout"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip().split("=", 1)[1], 16)


def jwk(pem="test-rsa-public.pem", kid=FIT_KID, **over):
    """The JWK of a test public key (e is 65537 for every test key), with members overridden."""
    return overridden({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64uint(rsa_modulus(pem)),
                       "e": b64uint(65537)}, over)


def jwks_text(*keys):
    return json.dumps({"keys": list(keys)}, separators=(",", ":"))


def prod_jwks():
    """The JWKS the verifier trusts: the production keys (two, as during a rotation)."""
    return jwks_text(jwk(), jwk("attacker-rsa-public.pem", FIT_OTHER_KID))


def fit_claims(**over):
    return overridden({"iss": "forge/invocation-token", "aud": FIT_ARI, "iat": NOW - 10, "nbf": NOW - 10,
                       "exp": NOW + 290, "jti": "b1946ac9-invocation",
                       "app": {"id": FIT_ARI, "installationId": "ari:cloud:ecosystem::installation/6a7c0f1e",
                               "apiBaseUrl": PROD_API, "environment": {"type": "PRODUCTION", "id": "env-1"},
                               "module": {"type": "xen:macro", "key": "issue-panel"}},
                       "context": {"cloudId": "0b8f2c1e-cloud-id", "moduleKey": "issue-panel"},
                       "principal": "557058:user"}, over)


FIT_RS = {"alg": "RS256", "kid": FIT_KID, "typ": "JWT"}


def fit(c=None, h=FIT_RS, key="test-rsa-private.pem"):
    return sign(h, c if c is not None else fit_claims(), key, "rs256")[0]


def fit_case(comment, flags, result, reason, token, jwks=None, app_id=FIT_APP, authorization=None, **kw):
    auth = None if authorization is False else authorization if authorization is not None else "Bearer " + token
    return case(comment, flags, result, reason, token, kind="forge-invocation", req=FIT_REQ, carriage="none",
                authorization=auth,
                jwks=jwks if jwks is not None else prod_jwks(), appId=app_id, **kw)


def forge_cases():
    pub = open(os.path.join(KEYS, "test-rsa-public.pem")).read()
    good = fit()
    head, payload, sig = good.split(".")
    raw_sig = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    rs_sig_of = lambda h, c: sign(h, c, "test-rsa-private.pem", "rs256")[0].rsplit(".", 1)[1]
    unsigned = lambda h: enc(h) + "." + enc(fit_claims()) + "." + rs_sig_of(FIT_RS, fit_claims())
    n = rsa_modulus("test-rsa-public.pem")
    staging_claims = fit_claims(app=dict(fit_claims()["app"], apiBaseUrl=STG_API,
                                         environment={"type": "STAGING", "id": "env-stg"}))
    big = fit(fit_claims(context={"pad": "x" * 6200}))
    C = fit_case
    return [
        C("a valid Forge Invocation Token", ["PositiveControl", "ForgeInvocation"], "valid", "OK", good),
        C("aud as an array holding the app's ARI", ["PositiveControl", "Audience"], "valid", "OK",
          fit(fit_claims(aud=[FIT_ARI]))),
        C("the app id configured as its ARI", ["PositiveControl", "ForgeInvocation"], "valid", "OK", good, app_id=FIT_ARI),
        C("the second key of the JWKS", ["PositiveControl", "JwksKey"], "valid", "OK",
          fit(h=dict(FIT_RS, kid=FIT_OTHER_KID), key="attacker-rsa-private.pem")),
        C("no nbf, no context, no principal", ["PositiveControl", "ForgeInvocation"], "valid", "OK",
          fit(fit_claims(nbf=None, context=None, principal=None))),
        C("exp equal to now, leeway 1", ["PositiveControl", "TimeBoundary", "Leeway"], "valid", "OK",
          fit(fit_claims(exp=NOW)), leeway=1),
        C("apiBaseUrl of staging, signed with the production key: the claims choose no key", ["ForgeEnvironment",
          "PositiveControl"], "valid", "OK", fit(staging_claims)),
        # Algorithms: RS256 only.
        C("alg none, no signature", ["AlgNone"], "invalid", "ALG_NOT_ALLOWED",
          enc({"alg": "none", "typ": "JWT"}) + "." + enc(fit_claims()) + "."),
        C("alg None with the RS256 signature kept", ["AlgNone"], "invalid", "ALG_NOT_ALLOWED", unsigned({"alg": "None", "kid": FIT_KID})),
        C("HS256 signed with the JWKS key's PEM as the secret", ["AlgorithmConfusion"], "invalid", "ALG_NOT_ALLOWED",
          hs(fit_claims(), {"alg": "HS256", "kid": FIT_KID}, pub)),
        C("HS256 signed with the modulus n as the secret", ["AlgorithmConfusion"], "invalid", "ALG_NOT_ALLOWED",
          hs(fit_claims(), {"alg": "HS256", "kid": FIT_KID}, n.to_bytes(256, "big"))),
        C("RS384, signed with the JWKS key", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED",
          sign({"alg": "RS384", "kid": FIT_KID}, fit_claims(), "test-rsa-private.pem", "rs384")[0]),
        C("PS256, signed with the JWKS key (salt of 0 octets)", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED",
          sign({"alg": "PS256", "kid": FIT_KID}, fit_claims(), "test-rsa-private.pem", "ps256")[0]),
        C("ES256 (no EC key is trusted; the signature bytes are RS256's)", ["AlgorithmNotAllowed"], "invalid",
          "ALG_NOT_ALLOWED", unsigned({"alg": "ES256", "kid": FIT_KID})),
        C("lower-case rs256", ["AlgorithmNotAllowed"], "invalid", "ALG_NOT_ALLOWED", unsigned({"alg": "rs256", "kid": FIT_KID})),
        # kid
        C("no kid", ["KidInjection"], "invalid", "KID_INVALID", fit(h={"alg": "RS256", "typ": "JWT"})),
        C("a kid the JWKS does not have", ["JwksKey"], "invalid", "KEY_UNKNOWN", fit(h=dict(FIT_RS, kid="forge-prod-key-9"))),
        C("the JWKS names the kid twice", ["JwksKey", "MalformedJwks"], "invalid", "JWKS_INVALID", good,
          jwks=jwks_text(jwk(), jwk("attacker-rsa-public.pem"))),
        C("kid with path traversal", ["KidInjection"], "invalid", "KID_INVALID", fit(h=dict(FIT_RS, kid="../../jwks.json"))),
        C("kid with a SQL injection", ["KidInjection"], "invalid", "KID_INVALID", fit(h=dict(FIT_RS, kid="k' OR '1'='1"))),
        C("kid as a number", ["KidInjection"], "invalid", "KID_INVALID", fit(h=dict(FIT_RS, kid=1))),
        C("kid twice in the header", ["DuplicateMember"], "invalid", "JSON_DUP_MEMBER",
          sign('{"alg":"RS256","kid":"forge-prod-key-9","kid":"%s"}' % FIT_KID, fit_claims(), "test-rsa-private.pem", "rs256")[0]),
        # The JWK of the kid
        C("the JWK's kty is EC", ["JwksKey"], "invalid", "KEY_INVALID", good, jwks=jwks_text(jwk(kty="EC"))),
        C("the JWK's use is enc", ["JwksKey"], "invalid", "KEY_INVALID", good, jwks=jwks_text(jwk(use="enc"))),
        C("the JWK's alg is RS512", ["JwksKey"], "invalid", "KEY_INVALID", good, jwks=jwks_text(jwk(alg="RS512"))),
        C("the JWK's n has a leading zero octet", ["JwksKey"], "invalid", "KEY_INVALID", good,
          jwks=jwks_text(jwk(n=b64(b"\x00" + n.to_bytes(256, "big"))))),
        C("the JWK's n is 1024 bits", ["JwksKey"], "invalid", "KEY_INVALID", good,
          jwks=jwks_text(jwk(n=b64(n.to_bytes(256, "big")[:128])))),
        C("the JWK's e is even", ["JwksKey"], "invalid", "KEY_INVALID", good, jwks=jwks_text(jwk(e=b64uint(65536)))),
        C("the JWK's n is padded base64", ["JwksKey"], "invalid", "KEY_INVALID", good,
          jwks=jwks_text(jwk(n=base64.urlsafe_b64encode(b"\x01" + n.to_bytes(256, "big")).decode()))),
        C("the JWK has no n", ["JwksKey"], "invalid", "KEY_INVALID", good, jwks=jwks_text(jwk(n=None))),
        # Malformed JWKS documents
        C("the JWKS is not JSON", ["MalformedJwks"], "invalid", "JWKS_INVALID", good, jwks="{keys:[]}"),
        C("the JWKS is an array of keys", ["MalformedJwks"], "invalid", "JWKS_INVALID", good, jwks=json.dumps([jwk()])),
        C("the JWKS has no keys", ["MalformedJwks"], "invalid", "JWKS_INVALID", good, jwks="{}"),
        C("the JWKS has an empty keys array", ["MalformedJwks"], "invalid", "JWKS_INVALID", good, jwks='{"keys":[]}'),
        C("a key of the JWKS is a string", ["MalformedJwks"], "invalid", "JWKS_INVALID", good,
          jwks='{"keys":["%s",%s]}' % (FIT_KID, json.dumps(jwk()))),
        C("keys twice in the JWKS", ["MalformedJwks", "DuplicateMember"], "invalid", "JWKS_INVALID", good,
          jwks='{"keys":[],"keys":[%s]}' % json.dumps(jwk())),
        C("65 keys in the JWKS", ["MalformedJwks"], "invalid", "JWKS_INVALID", good,
          jwks=jwks_text(*([jwk(kid="k%d" % i) for i in range(64)] + [jwk()]))),
        C("an empty JWKS document", ["MalformedJwks"], "invalid", "JWKS_INVALID", good, jwks=""),
        # Keys the token points at are never used.
        C("jku names the attacker's JWKS, kid the attacker's key, signed by it", ["UntrustedHeaderKey"], "invalid",
          "KEY_UNKNOWN", fit(h=dict(FIT_RS, kid="attacker-key", jku="https://evil.example/jwks.json"),
                             key="attacker-rsa-private.pem")),
        C("jwk embeds the attacker's key under the production kid, signed by it", ["UntrustedHeaderKey"], "invalid",
          "SIG_INVALID", fit(h=dict(FIT_RS, jwk=jwk("attacker-rsa-public.pem")), key="attacker-rsa-private.pem")),
        # Claims
        C("iss with a trailing space", ["ForgeIssuer"], "invalid", "FIT_ISS_INVALID", fit(fit_claims(iss="forge/invocation-token "))),
        C("iss a Connect clientKey", ["ForgeIssuer"], "invalid", "FIT_ISS_INVALID", fit(fit_claims(iss=CLIENT_KEY))),
        C("no iss", ["ForgeIssuer"], "invalid", "FIT_ISS_INVALID", fit(fit_claims(iss=None))),
        C("aud the bare app id instead of its ARI", ["ForgeAudience"], "invalid", "AUD_MISMATCH",
          fit(fit_claims(aud=FIT_APP))),
        C("aud another app's ARI", ["ForgeAudience"], "invalid", "AUD_MISMATCH",
          fit(fit_claims(aud="ari:cloud:ecosystem::app/00000000-other-app"))),
        C("no aud", ["ForgeAudience"], "invalid", "AUD_MISSING", fit(fit_claims(aud=None))),
        C("expired", ["TimeBoundary"], "invalid", "EXP_EXPIRED", fit(fit_claims(iat=NOW - 400, nbf=NOW - 400, exp=NOW - 100))),
        C("no exp", ["MissingExp"], "invalid", "EXP_MISSING", fit(fit_claims(exp=None))),
        C("iat in the future", ["TimeBoundary"], "invalid", "IAT_IN_FUTURE", fit(fit_claims(iat=NOW + 60, nbf=NOW + 60, exp=NOW + 360))),
        C("nbf in the future", ["TimeBoundary"], "invalid", "NBF_NOT_YET", fit(fit_claims(nbf=NOW + 60))),
        C("no app claim", ["ForgeApp"], "invalid", "FIT_APP_INVALID", fit(fit_claims(app=None))),
        C("app.id another app's ARI", ["ForgeApp"], "invalid", "FIT_APP_INVALID",
          fit(fit_claims(app=dict(fit_claims()["app"], id="ari:cloud:ecosystem::app/00000000-other-app")))),
        C("app without installationId", ["ForgeApp"], "invalid", "FIT_APP_INVALID",
          fit(fit_claims(app={k: v for k, v in fit_claims()["app"].items() if k != "installationId"}))),
        # Environments: the claims never choose the JWKS.
        C("apiBaseUrl of staging, signed with a staging key under its own kid", ["ForgeEnvironment"], "invalid",
          "KEY_UNKNOWN", fit(staging_claims, h=dict(FIT_RS, kid=FIT_STAGING_KID), key="test-staging-rsa-private.pem")),
        C("apiBaseUrl of staging, signed with a staging key under the production kid", ["ForgeEnvironment"], "invalid",
          "SIG_INVALID", fit(staging_claims, key="test-staging-rsa-private.pem")),
        # Carriage, size, signature
        C("Authorization: JWT <fit>", ["Carriage"], "invalid", "CARRIAGE_SCHEME", good, authorization="JWT " + good),
        C("lower-case bearer", ["Carriage", "BearerSchemeCase"], "acceptable", "CARRIAGE_SCHEME", good,
          authorization="bearer " + good),
        C("two spaces after Bearer", ["Carriage"], "invalid", "CARRIAGE_SCHEME", good, authorization="Bearer  " + good),
        C("the FIT in a jwt query parameter, no Authorization header", ["Carriage"], "invalid", "CARRIAGE_MISSING",
          good, authorization=False, target=FIT_REQ["target"] + "?jwt=" + good),
        C("a FIT over 8 KiB", ["TokenSize"], "invalid", "TOKEN_TOO_LARGE", big, sig_checked=False),
        C("one bit of the signature flipped", ["Signature"], "invalid", "SIG_INVALID", tamper_sig(good)),
        C("a zero byte in front of the signature", ["Signature", "LenientSignatureDecoding"], "invalid", "SIG_INVALID",
          with_sig(good, b64(b"\x00" + raw_sig))),
        C("claims changed after signing", ["Signature"], "invalid", "SIG_INVALID",
          head + "." + enc(fit_claims(principal="557058:admin")) + "." + sig),
        # The token's kid must name one key; other kids are not compared (RFC 7517 section 4.5
        # only says they SHOULD differ).
        C("another kid twice in the JWKS, the token's once", ["JwksKey", "MalformedJwks", "PositiveControl"],
          "valid", "OK", good, jwks=jwks_text(jwk(), jwk("attacker-rsa-public.pem", FIT_OTHER_KID),
                                               jwk("test-staging-rsa-public.pem", FIT_OTHER_KID))),
    ]


NOTES = {
    "PositiveControl": ("BASIC", "A token that must verify: a verifier rejecting it is broken, not strict."),
    "Carriage": ("EDGE_CASE", "How the token travels: Authorization: JWT <token>, exactly, or one jwt query parameter; both, or two parameters, are ambiguous."),
    "TokenSize": ("DECISION", "Tokens are capped at 8 KiB (QSH_MAX_TOKEN_LEN) before any decoding."),
    "Structure": ("EDGE_CASE", "A compact JWS has exactly three segments."),
    "Base64": ("EDGE_CASE", "Segments are base64url without padding and without any other character (RFC 7515 section 2)."),
    "NonCanonicalBase64": ("EDGE_CASE", "Unused bits of the last character must be zero, so that a token has one encoding."),
    "LenientSignatureDecoding": ("KNOWN_MISTAKE", "Signature bytes decoded leniently (standard base64, extra or missing bytes, set unused bits) let an altered token verify; seen in RS256 verifiers."),
    "Json": ("EDGE_CASE", "Header and claims must be UTF-8 JSON objects (RFC 7519 section 7.2)."),
    "DuplicateMember": ("KNOWN_MISTAKE", "Duplicate member names: parsers differ on which one wins, so a token can mean two things (RFC 7515 section 5.2, RFC 8725 section 3.1)."),
    "EscapedName": ("EDGE_CASE", "Member names compare after unescaping: \\u0061lg is alg."),
    "NulInString": ("DECISION", "A NUL inside a string is rejected: C string handling would cut it short."),
    "NumberRange": ("DECISION", "Numbers are read without undefined behaviour: those beyond a 64-bit integer or a double make the JSON invalid; the largest 64-bit integer is a valid date."),
    "JsonDepth": ("DECISION", "Nesting is bounded (QSH_MAX_JSON_DEPTH = 16)."),
    "AlgNone": ("KNOWN_MISTAKE", "alg none, in any case: an unsigned token accepted (RFC 8725 section 2.1)."),
    "AlgorithmNotAllowed": ("EDGE_CASE", "The algorithm is fixed by the endpoint and compared exactly: HS256, or RS256 for signed installs."),
    "AlgorithmConfusion": ("KNOWN_MISTAKE", "RS/HS confusion: a token signed with HMAC using the RSA public key as the secret (RFC 8725 section 2.1)."),
    "Crit": ("EDGE_CASE", "A crit header names extensions the verifier must understand; this one understands none (RFC 7515 section 4.1.11)."),
    "UntrustedHeaderKey": ("KNOWN_MISTAKE", "jku, jwk, x5u and x5c in the header point at keys the attacker chose; they are never used."),
    "KidInjection": ("KNOWN_MISTAKE", "kid reaches key stores: path traversal or injection unless its syntax is checked before any lookup."),
    "SignedInstall": ("EDGE_CASE", "Install and uninstall callbacks are RS256 with the kid of Atlassian's key, aud the app's baseUrl and iss the body's clientKey."),
    "Signature": ("BASIC", "The signature is checked, in constant time for HMAC."),
    "MissingExp": ("KNOWN_MISTAKE", "A token without exp accepted as never expiring."),
    "NumericDate": ("EDGE_CASE", "exp, iat and nbf are integer NumericDates: strings, fractions, reals, negatives and booleans are rejected."),
    "TimeBoundary": ("EDGE_CASE", "now < exp + leeway, iat <= now + leeway, nbf <= now + leeway, exp > iat, at their exact boundaries."),
    "Leeway": ("EDGE_CASE", "The leeway stretches each time check by the same number of seconds."),
    "Audience": ("EDGE_CASE", "aud, when expected, is a string or an array holding exactly the expected audience."),
    "Qsh": ("BASIC", "qsh is 64 lowercase hex digits equal to the hash of the request as the verifier computes it."),
    "ProductDecodedPath": ("EDGE_CASE", "The product signs the decoded path."),
    "ProductPathNotDecoded": ("KNOWN_MISTAKE", "A verifier hashing the raw path rejects what the product signed."),
    "ContextPathNotStripped": ("KNOWN_MISTAKE", "The base URL's path (/wiki) hashed instead of stripped."),
    "ContextQsh": ("EDGE_CASE", "context-qsh is taken only where context tokens are meant to go."),
    "CVE-2021-26073": ("KNOWN_MISTAKE", "atlassian-connect-express accepted context-qsh tokens on every endpoint (CVE-2021-26073)."),
    "CVE-2021-26074": ("KNOWN_MISTAKE", "Connect Spring Boot accepted context-qsh tokens on lifecycle callbacks (CVE-2021-26074, CVE-2021-26077)."),
    "QueryCarrierRefused": ("DOCUMENTED", "Since 2022-02-01 Jira and Confluence answer 401 to an app-to-product JWT in the query string: the Authorization header is its only carrier."),
    "LifecycleQsh": ("DOCUMENTED", "Lifecycle callbacks (installed, uninstalled, enabled, disabled) and webhooks carry a computed qsh: none, or context-qsh, is refused."),
    "SessionTokenWithoutQsh": ("KNOWN_MISTAKE", "A token with no qsh at all (an old context JWT, or a framework's session token) taken on a context endpoint: it needs the context-qsh literal."),
    "TenantFromAud": ("KNOWN_MISTAKE", "The tenant (and its secret) picked from aud[0] instead of iss: a token of an unknown issuer verifies with another tenant's secret."),
    "AuthParamHeader": ("KNOWN_MISTAKE", "Authorization: JWT token=<jwt>, the format one Python client sent by default: not the Connect format."),
    "AtlassianSchemeCase": ("DOCUMENTED", "Atlassian's Java verifier matches the JWT scheme case-insensitively; the strict verifier does not (acceptable)."),
    "AtlassianTrimsHeader": ("DOCUMENTED", "Atlassian's Java verifier trims blanks around the header value and the token; the strict verifier does not (acceptable)."),
    "AtlassianQueryWins": ("DOCUMENTED", "Atlassian's Java verifier reads the jwt query parameter first and ignores the header then; the strict verifier calls two carriers ambiguous (acceptable when the query token is valid)."),
    "AtlassianTruncatesDates": ("DOCUMENTED", "Atlassian's Java verifier reads NumericDates through a library that truncates fractions; the strict verifier takes integers only (acceptable when the truncated date passes)."),
    "KeyEnvironment": ("KNOWN_MISTAKE", "The install key server (production, staging, FedRAMP) is chosen from the unverified request or claims: the verifier must use the one key set it was configured with."),
    "ForgeInvocation": ("DOCUMENTED", "A Forge Invocation Token: Authorization: Bearer, RS256, the key by kid from the JWKS the verifier was given, iss forge/invocation-token, aud the app's ARI, the time claims, and the app claim."),
    "JwksKey": ("EDGE_CASE", "The key is the one JWK of the given JWKS with the token's kid: kty RSA, use sig and alg RS256 when present, n and e minimal unpadded base64url, n of 2048 to 8192 bits, e odd."),
    "MalformedJwks": ("EDGE_CASE", "The JWKS is the verifier's input too: a JSON object without duplicate names whose keys array holds 1 to 64 JWK objects, the token's kid in one of them only (other kids are not compared)."),
    "ForgeIssuer": ("DOCUMENTED", "iss is exactly forge/invocation-token."),
    "ForgeAudience": ("KNOWN_MISTAKE", "aud is the app's ARI, ari:cloud:ecosystem::app/<id>; a verifier comparing it with the bare app id, or not at all, takes another app's token."),
    "ForgeApp": ("DOCUMENTED", "The app claim holds installationId and apiBaseUrl, and its id, when present, is this app's ARI."),
    "ForgeEnvironment": ("KNOWN_MISTAKE", "The JWKS (production or staging) is chosen from the unverified app.apiBaseUrl claim (atlassian-connect-express 11.5.3): a token signed with a staging key verifies in production."),
    "BearerSchemeCase": ("DECISION", "HTTP auth schemes are case-insensitive (RFC 7235 section 2.1); the strict verifier takes Bearer exactly, so a lower-case scheme is acceptable."),
    "Bitbucket": ("DOCUMENTED", "Bitbucket Connect: install and uninstall callbacks are HS256 with the shared secret of the body (no signed install); its app-to-product tokens carry sub = clientKey."),
}
LINKS = {
    "CVE-2021-26073": ["https://nvd.nist.gov/vuln/detail/CVE-2021-26073"],
    "CVE-2021-26074": ["https://nvd.nist.gov/vuln/detail/CVE-2021-26074", "https://nvd.nist.gov/vuln/detail/CVE-2021-26077"],
    "AlgNone": ["https://www.rfc-editor.org/rfc/rfc8725#section-2.1"],
    "AlgorithmConfusion": ["https://www.rfc-editor.org/rfc/rfc8725#section-2.1"],
    "DuplicateMember": ["https://www.rfc-editor.org/rfc/rfc7515#section-5.2"],
    "Crit": ["https://www.rfc-editor.org/rfc/rfc7515#section-4.1.11"],
    "QueryCarrierRefused": ["docs/RULES.md#what-the-products-enforce-since-2021"],
    "LifecycleQsh": ["https://nvd.nist.gov/vuln/detail/CVE-2021-26073", "docs/RULES.md#what-the-products-enforce-since-2021"],
    "SessionTokenWithoutQsh": ["docs/RULES.md#what-the-products-enforce-since-2021"],
    "TenantFromAud": ["docs/RULES.md#what-the-products-enforce-since-2021"],
    "AtlassianSchemeCase": ["docs/RULES.md#what-atlassians-own-verifier-accepts"],
    "AtlassianTrimsHeader": ["docs/RULES.md#what-atlassians-own-verifier-accepts"],
    "AtlassianQueryWins": ["docs/RULES.md#what-atlassians-own-verifier-accepts"],
    "AtlassianTruncatesDates": ["docs/RULES.md#what-atlassians-own-verifier-accepts"],
    "KeyEnvironment": ["docs/RULES.md#what-the-products-enforce-since-2021"],
    "Bitbucket": ["docs/RULES.md#what-the-products-enforce-since-2021"],
    "ForgeInvocation": ["docs/RULES.md#forge-invocation-tokens"],
    "JwksKey": ["https://www.rfc-editor.org/rfc/rfc7517#section-4", "https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1"],
    "MalformedJwks": ["https://www.rfc-editor.org/rfc/rfc7517#section-5"],
    "ForgeIssuer": ["docs/RULES.md#forge-invocation-tokens"],
    "ForgeAudience": ["docs/RULES.md#forge-invocation-tokens"],
    "ForgeApp": ["docs/RULES.md#forge-invocation-tokens"],
    "ForgeEnvironment": ["docs/RULES.md#forge-invocation-tokens"],
    "BearerSchemeCase": ["https://www.rfc-editor.org/rfc/rfc7235#section-2.1"],
}

FILES = [
    ("token_carriage_structure.json", "Positive controls, how the token is carried, and its compact form.",
     lambda: positive() + carriage_cases() + structure()),
    ("token_json_header.json", "JSON of header and claims, the algorithm, crit, untrusted key headers and kid.",
     lambda: json_cases() + alg_cases() + header_cases()),
    ("token_signature_claims.json", "Signatures, time claims and their boundaries, audiences and issuers.",
     lambda: signature_cases() + time_cases() + aud_cases()),
    ("token_qsh.json", "The qsh claim and context-qsh on each kind of endpoint.",
     lambda: qsh_cases() + context_cases()),
    ("token_products_2021.json", "What the products enforce since 2021: carriers, lifecycle qsh, tenant from iss, "
     "what Atlassian's own verifier accepts, key environments and Bitbucket.",
     lambda: since_2021_cases()),
    ("token_forge_invocation.json", "Forge Invocation Tokens: carriage, RS256, the JWKS and its keys, kid, iss, aud, "
     "the time claims, the app claim and environments.",
     lambda: forge_cases()),
]


def build(description, tests):
    used = sorted({f for t in tests for f in t["flags"]})
    missing = [f for f in used if f not in NOTES]
    if missing:
        raise SystemExit("flags without a note: %s" % missing)
    keys = {KID: open(os.path.join(KEYS, "test-rsa-public.pem")).read(),
            "ec-key": open(os.path.join(KEYS, "test-ec-public.pem")).read()}
    out = []
    for i, t in enumerate(tests, 1):
        out.append(dict({"tcId": i}, **t))
    return {
        "schema": SCHEMA, "algorithm": "ATLASSIAN-CONNECT-JWT", "version": "1", "corpusVersion": CORPUS_VERSION,
        "numberOfTests": len(out),
        "header": [description, "Generated by vectors/tools/gen_tokens.py; see vectors/README.md."],
        "notes": {f: {"bugType": NOTES[f][0], "description": NOTES[f][1], "links": LINKS.get(f, [])} for f in used},
        "secrets": {ISS: SECRET, BB_CLIENT_KEY: BB_SECRET, BB_APP_KEY: BB_APP_SECRET},
        "publicKeys": keys,
        "testGroups": [{"type": "JwtVerify", "tests": out}],
    }


def main():
    files = {os.path.join(VECTORS, name): json.dumps(build(description, make()), indent=2, ensure_ascii=False) + "\n"
             for name, description, make in FILES}
    return write_or_check(files, "--check" in sys.argv[1:], "vectors/tools/gen_tokens.py")


if __name__ == "__main__":
    sys.exit(main())
