#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the vector corpus, so that the seeds follow
the vectors: fuzz/corpus/<target>/seed-<sha1>. Files named regress-* (inputs of bugs found)
are left alone.

    python3 fuzz/make_seeds.py          # rewrite the seeds
    python3 fuzz/make_seeds.py --check  # exit 1 if the committed seeds differ
"""

import glob
import hashlib
import json
import os
import re
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
VECTORS = os.path.join(ROOT, "vectors")
# The one list of targets: every fuzz/fuzz_*.c but the canary (as fuzz/targets.sh prints it).
TARGETS = sorted(os.path.basename(f)[:-2] for f in glob.glob(os.path.join(FUZZ, "fuzz_*.c"))
                 if not f.endswith("fuzz_canary.c"))
MAX_SEED = 64 * 1024
# Whole vector files longer than this are seeded as excerpts (a few tests of each group): a
# fuzz_vectors run costs in proportion to the input, and the excerpts keep every structure.
MAX_WHOLE_FILE = 16 * 1024
# The clock, keys and request of fuzz/fuzz_token_fixture.h.
FX_NOW = 1700000000
FX_ISS = "jira:7f3c9a10-tenant"
FX_SECRET = b"s3cr3t-shared-by-jira-and-the-app-0123456789"
FX_CLIENT_KEY = "7f3c9a10-0e4b-4d45-9a1c-client-key"
FX_BASE = "https://app.example.com/connect"
FX_CANONICAL = b"GET&/panel&issueKey=ABC-1&lic=active&xdm_e=https%3A%2F%2Fyour-domain.atlassian.net"


def token_seeds(out):
    """Tokens of the token vectors, for the verifier (as both carriages and every kind), and
    claims texts for the round trip."""
    tokens = []
    for path in sorted(glob.glob(os.path.join(VECTORS, "token_*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        # fuzz_token_verify has five kinds: a lifecycle token seeds the module one.
        kinds = {"module": 0, "webhook": 1, "context": 2, "install": 3, "app-to-product": 4, "lifecycle": 0}
        for g in doc["testGroups"]:
            for t in g["tests"]:
                tok = t.get("token")
                if tok is None or len(tok) > 8200:
                    continue
                if t["kind"] == "forge-invocation":  # fuzz_fit_verify: its JWKS, then the token
                    out["fuzz_fit_verify"].add(b"\x02" + t["jwks"].encode() + b"\xff" + tok.encode())
                    out["fuzz_fit_verify"].add(b"\x00" + tok.encode())
                    continue
                tokens.append(tok)
                k = kinds[t["kind"]]
                out["fuzz_token_verify"].add(bytes([k | 0x80]) + tok.encode())
                out["fuzz_token_verify"].add(bytes([k]) + tok.encode())
    if tokens:  # one over QSH_MAX_TOKEN_LEN (8192), in both carriages: TOKEN_TOO_LARGE
        big = (tokens[0] + "A" * 8300)[:8250].encode()
        out["fuzz_token_verify"].add(b"\x80" + big)
        out["fuzz_token_verify"].add(b"\x00" + big)
    fixture_tokens(out)
    roundtrip_seeds(out, tokens)
    out["fuzz_fit_verify"].add(b"\x01" + b"b1946ac9-invocation")  # a round trip


def b64url(data):
    import base64
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fixture_token(claims, rs256=False):
    """A token for fuzz/fuzz_token_fixture.h's request, keys and clock: HS256 with the
    tenant's secret, or RS256 with vectors/keys/test-rsa-private.pem (deterministic)."""
    import hmac
    import subprocess
    header = {"alg": "RS256", "typ": "JWT", "kid": "test-install-key"} if rs256 else \
        {"alg": "HS256", "typ": "JWT"}
    signing = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    if rs256:
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                              os.path.join(VECTORS, "keys", "test-rsa-private.pem")],
                             input=signing.encode(), capture_output=True, check=True).stdout
    else:
        sig = hmac.new(FX_SECRET, signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64url(sig)


def fixture_tokens(out):
    """Tokens the verifier accepts for each kind of fuzz_token_verify (kind in byte 0, bit 7
    the carriage), so that its evaluation of accepted tokens runs for every kind, RS256
    included; and tokens one claim away from acceptance (expired, not yet valid, issued in the
    future, wrong aud, context-qsh on a module), which a verifier skipping that check accepts."""
    qsh = hashlib.sha256(FX_CANONICAL).hexdigest()
    base = {"iss": FX_ISS, "iat": FX_NOW - 60, "exp": FX_NOW + 600, "qsh": qsh}
    install = dict(base, iss=FX_CLIENT_KEY, aud=[FX_BASE])
    cases = [(0, base, False), (1, base, False), (2, base, False),
             (2, dict(base, qsh="context-qsh"), False), (4, dict(base, aud=[FX_CLIENT_KEY]), False),
             (3, install, True),
             (0, dict(base, exp=FX_NOW - 1), False), (0, dict(base, nbf=FX_NOW + 120), False),
             (0, dict(base, iat=FX_NOW + 120, exp=FX_NOW + 600), False),
             (0, dict(base, qsh="context-qsh"), False), (4, dict(base, aud=["another"]), False),
             (3, dict(install, exp=FX_NOW - 1), True), (3, dict(install, aud=["another"]), True)]
    for kind, claims, rs256 in cases:
        tok = fixture_token(claims, rs256).encode()
        out["fuzz_token_verify"].add(bytes([kind | 0x80]) + tok)
        out["fuzz_token_verify"].add(bytes([kind]) + tok)


def excerpt(doc, per_group=2):
    """A vector file cut to its first tests of each group, its count and notes to match."""
    def small(t):
        return len(json.dumps(t)) <= 4096  # the limits' multi-megabyte targets left out
    groups = [dict(g, tests=[t for t in g["tests"] if small(t)][:per_group])
              for g in doc["testGroups"]]
    flags = {f for g in groups for t in g["tests"] for f in t.get("flags", [])}
    cut = dict(doc, testGroups=groups, numberOfTests=sum(len(g["tests"]) for g in groups))
    if "notes" in doc:
        cut["notes"] = {k: v for k, v in doc["notes"].items() if k in flags}
    return json.dumps(cut).encode()


def b64url_json(segment):
    import base64
    try:
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError):  # the token vectors hold broken and deep claims
        return None


def depth(j):
    """How deep JSON nests: 0 for a scalar, 1 for a flat object or array."""
    if isinstance(j, dict):
        return 1 + max(map(depth, j.values()), default=0)
    if isinstance(j, list):
        return 1 + max(map(depth, j), default=0)
    return 0


def roundtrip_seed(iat, exp, iss, sub=b"", aud=b"", context=b""):
    """fuzz_token_roundtrip's framing: iat and exp as offsets from the clock, then the fields."""
    back = max(0, min(0xFFFF, FX_NOW - iat))
    ahead = max(0, min(0xFFFFFF, exp - FX_NOW - 1))
    return back.to_bytes(2, "little") + ahead.to_bytes(3, "little") + b"\0\0\0" + \
        b"\xff".join([iss, sub, aud, context])


def roundtrip_seeds(out, tokens):
    """The claims of every token vector whose claims decode, signed again; and the edges: a NUL
    or bad UTF-8 in a claim, a context that is not an object, claims big enough for a token
    over QSH_MAX_TOKEN_LEN."""
    for tok in tokens:
        parts = tok.split(".")
        claims = b64url_json(parts[1]) if len(parts) == 3 else None
        if not isinstance(claims, dict) or not isinstance(claims.get("iss"), str):
            continue
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int):
            continue
        if depth(claims.get("context")) > 14:
            # qsh_token_sign signs such a context, which the verifier then refuses as deeper
            # than QSH_MAX_JSON_DEPTH: a known defect of the signer, kept out of the seeds
            # until the signer refuses it.
            continue
        aud = claims.get("aud")
        aud = aud[0] if isinstance(aud, list) and aud and isinstance(aud[0], str) else aud
        fields = [claims["iss"], claims.get("sub"), aud if isinstance(aud, str) else None,
                  json.dumps(claims["context"]) if isinstance(claims.get("context"), dict) else None]
        enc = [f.encode("utf-8", "surrogatepass") if isinstance(f, str) else b"" for f in fields]
        if all(b"\xff" not in f for f in enc):
            out["fuzz_token_roundtrip"].add(roundtrip_seed(iat, exp, *enc))
    edges = [
        (b"jira:7f3c9a10-tenant", b"557058:user", b"client-key", b'{"user":{"accountId":"x"}}'),
        (b"jira:7f3c9a10-tenant",),
        (b"caf\xc3\xa9", b"", b"", b"[1]"),
        (b"iss-with-\0-nul", b"sub"),
        (b"bad-utf8-\xc0\xaf",),
        (b"x", b"y" * 3000, b"z" * 3000),
        (b"x", b"", b"", b'{"k":"' + b"v" * 6000 + b'"}'),
        (b"\xe2\x80\xae", b"\xf0\x9f\x98\x80", b"\\\"", b'{"a":{"b":{"c":[1,2,{"d":null}]}}}'),
    ]
    for e in edges:
        out["fuzz_token_roundtrip"].add(roundtrip_seed(FX_NOW - 60, FX_NOW + 180, *e))


def mistake_bits():
    """Each mistake's bit in fuzz_mistakes' input: its place in the catalogue, harness/mistakes/catalogue.h."""
    with open(os.path.join(ROOT, "harness", "mistakes", "catalogue.h"), encoding="utf-8") as f:
        names = re.findall(r"^\s*X\((\w+), [01],", f.read(), re.M)
    return {n: i for i, n in enumerate(names)}


def load_tests():
    docs = {}
    for path in sorted(glob.glob(os.path.join(VECTORS, "qsh_*.json"))):
        with open(path, encoding="utf-8") as f:
            docs[os.path.basename(path)] = json.load(f)
    return docs


def base_path(url):
    if "://" not in url:
        return url
    rest = url.split("://", 1)[1]
    return rest[rest.index("/") + 1:] if "/" in rest else ""


def http_seed(flags, method, target, headers=(), body=b""):
    """An input of fuzz_http: flags, then method, target, headers and body split at 0xFF."""
    return bytes([flags]) + b"\xff".join([method, target, b"\n".join(headers), body])


def http_seeds(out, docs):
    """Calls to the mock product (base URL https://tenant.example/wiki): the vectors' requests
    under the context path, signed right for most, with the product profile's qsh, another
    secret, the token in the query or none for some; and the edges of the context path, the
    form media type and the carriage."""
    calls = []
    for doc in docs.values():
        for g in doc["testGroups"]:
            for t in g["tests"]:
                if t["profile"] != "server" or not t["target"].startswith("/") or \
                        len(t["target"]) > 2048:
                    continue
                headers = [b"Content-Type: " + t["contentType"].encode()] if \
                    t.get("contentType") else []
                calls.append((t["tcId"], t["method"].encode(), b"/wiki" + t["target"].encode(),
                              headers, t.get("body", "").encode()))
    for tc, method, target, headers, body in calls[:: max(1, len(calls) // 150)]:
        flags = 3 if tc % 5 == 1 else 9 if tc % 7 == 2 else 5 if tc % 11 == 3 else \
            0 if tc % 13 == 4 else 1
        out["fuzz_http"].add(http_seed(flags, method, target, headers, body))
    form = b"Content-Type: application/x-www-form-urlencoded"
    for flags, method, target, headers, body in [
            (1, b"GET", b"/rest/api/2/myself", [], b""),
            (1, b"GET", b"/wikipedia/x", [], b""),
            (1, b"GET", b"/wiki", [], b""),
            (1, b"GET", b"https://tenant.example/wiki/rest/api/content?limit=5", [], b""),
            (1, b"POST", b"/wiki/rest/x?z=1", [form], b"b=x+y&a=1"),
            (1, b"POST", b"/wiki/rest/x", [form + b"; charset=UTF-8"], b"a=1"),
            (1, b"POST", b"/wiki/rest/x", [b"Content-Type: Application/X-WWW-Form-Urlencoded"],
             b"a=1"),
            (1, b"PUT", b"/wiki/rest/x", [form], b"a=1"),
            (3, b"GET", b"/wiki/rest/api/content/a%2Fb", [], b""),
            (3, b"GET", b"/wiki/rest/%7Euser?q=[1]", [], b""),
            (9, b"GET", b"/wiki/rest/x?a=1", [], b""),
            (1, b"GET", b"/wiki/rest/x", [b"Authorization: JWT a.b.c"], b""),
            (0, b"GET", b"/wiki/rest/x?j%77t=1", [], b""),
            (0, b"GET", b"/wiki/rest/x", [b"Authorization: Bearer x"], b"")]:
        out["fuzz_http"].add(http_seed(flags, method, target, headers, body))


def seeds(docs):
    out = {t: set() for t in TARGETS}
    bits = mistake_bits()
    singles = []
    for name, doc in docs.items():
        text = json.dumps(doc).encode()
        if len(text) <= MAX_WHOLE_FILE:
            out["fuzz_vectors"].add(text)
        elif len(excerpt(doc)) <= MAX_WHOLE_FILE:
            out["fuzz_vectors"].add(excerpt(doc))
        for g in doc["testGroups"]:
            for t in g["tests"]:
                target = t["target"].encode()
                if len(target) > MAX_SEED:
                    continue
                flag = b"\x01" if t["profile"] == "product" else b"\x00"
                if b"?" in target:
                    out["fuzz_query"].add(target.split(b"?", 1)[1])
                out["fuzz_path"].add(flag + base_path(t.get("baseUrl", "")).encode() + b"\n" + target)
                fields = [t["method"], t["target"], t.get("baseUrl", ""), t.get("body", ""), t.get("contentType", "")]
                # bit 1: a fresh second context, for one case in four
                fresh = bytes([flag[0] | (2 if t["tcId"] % 4 == 0 else 0)])
                out["fuzz_request"].add(fresh + b"\xff".join(x.encode() for x in fields))
                mask = sum(1 << bits[x] for x in t["flags"] if x in bits)  # the case's mistakes
                out["fuzz_mistakes"].add(mask.to_bytes(8, "little") + flag + b"\xff".join(x.encode() for x in fields))
                if t["result"] == "invalid" or "canonicalRequest" not in t:
                    answer = {"id": t["tcId"], "error": {"status": t.get("status", "rejected"),
                                                         "message": t["comment"]}}
                else:
                    answer = {"id": t["tcId"], "result": {"canonicalRequest": t["canonicalRequest"], "qsh": t["qsh"]}}
                if len(t["target"]) < 4096:
                    out["fuzz_protocol"].add(json.dumps(answer).encode())
                one = dict(doc, numberOfTests=1, testGroups=[dict(g, tests=[t])])
                one["notes"] = {k: v for k, v in doc["notes"].items() if k in t["flags"]}
                singles.append(json.dumps(one).encode())
    # Many parameters, which no corpus case has: from 64 on the reference sorts names by a
    # radix sort, then the runs of names that share their first 8 or 16 bytes, or repeat, by
    # their bytes and values.
    values = [b"b", b"a%20c", b"caf%C3%A9", b"", b"%F0%9F%98%80"]
    many = b"&".join((b"customfield_1%04d" % (i * 37 % 120) if i % 3 else b"f%d" % (i % 9))
                     + b"=" + values[i % 5] for i in range(80))
    out["fuzz_query"].add(many)
    out["fuzz_request"].add(b"\x00" + b"\xff".join([b"GET", b"/rest/api/2/search?" + many,
                                                    b"https://x.atlassian.net", b"", b""]))
    for s in singles[:: max(1, len(singles) // 60)]:
        out["fuzz_vectors"].add(s)
    with open(os.path.join(VECTORS, "schema", "qsh_canonical_v2.schema.json"), "rb") as f:
        schema = f.read()
    for s in singles[:: max(1, len(singles) // 20)]:
        out["fuzz_schema"].add(schema + b"\x00" + s)
    token_seeds(out)
    out["fuzz_schema"].add(b'{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}\x00{}')
    out["fuzz_protocol"].add(b'{"type":"hello","protocol":1,"name":"x","version":"1","operations":["canonical","qsh"],"profiles":["server"]}')
    out["fuzz_protocol"].add(b'{"id":3,"skipped":"no"}')
    out["fuzz_protocol"].add(b'{"id":1,"result":{"valid":true}}')  # PROTOCOL.md's verify answer
    out["fuzz_protocol"].add(b'{"type":"hello","protocol":1,"name":"v","operations":["verify"]}')
    out["fuzz_protocol"].add(b'{"id":4,"result":{"qsh":"' + b"a" * 64 + b'"}}')
    out["fuzz_schema"].add(b'{"anyOf":[{"anyOf":[{"type":"string"},{"pattern":"^(a|b)*$"}]},{"not":{}}]}\x00"abab"')
    http_seeds(out, docs)
    return out


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for target, items in seeds(load_tests()).items():
        d = os.path.join(FUZZ, "corpus", target)
        os.makedirs(d, exist_ok=True)
        want = {"seed-" + hashlib.sha1(x).hexdigest(): x for x in items}
        have = {f for f in os.listdir(d) if f.startswith("seed-")}
        if check:
            if have != set(want):
                stale.append(target)
            continue
        for f in have - set(want):
            os.remove(os.path.join(d, f))
        for f, x in want.items():
            with open(os.path.join(d, f), "wb") as fh:
                fh.write(x)
    if stale:
        print("stale seed corpora (run fuzz/make_seeds.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
