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
TARGETS = ["fuzz_query", "fuzz_path", "fuzz_request", "fuzz_vectors", "fuzz_schema", "fuzz_protocol",
           "fuzz_mistakes", "fuzz_token_verify", "fuzz_token_roundtrip"]
MAX_SEED = 64 * 1024


def token_seeds(out):
    """Tokens of the token vectors, for the verifier (as both carriages and every kind), and
    claims texts for the round trip."""
    for path in sorted(glob.glob(os.path.join(VECTORS, "token_*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        kinds = {"module": 0, "webhook": 1, "context": 2, "install": 3, "app-to-product": 4}
        for g in doc["testGroups"]:
            for t in g["tests"]:
                tok = t.get("token")
                if tok is None or len(tok) > 8200:
                    continue
                k = kinds[t["kind"]]
                out["fuzz_token_verify"].add(bytes([k | 0x80]) + tok.encode())
                out["fuzz_token_verify"].add(bytes([k]) + tok.encode())
    out["fuzz_token_roundtrip"].add(b"\x10\x00\x20\x00\x00\x00\x00\x00jira:7f3c9a10-tenant\xff557058:user\xffclient-key\xff{\"user\":{\"accountId\":\"x\"}}")
    out["fuzz_token_roundtrip"].add(b"\x00\x00\x01\x00\x00\x00\x00\x00jira:7f3c9a10-tenant")
    out["fuzz_token_roundtrip"].add(b"\xff\xff\xff\xff\xff\x00\x00\x00caf\xc3\xa9\xff\xff\xff[1]")


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


def seeds(docs):
    out = {t: set() for t in TARGETS}
    bits = mistake_bits()
    singles = []
    for name, doc in docs.items():
        text = json.dumps(doc).encode()
        if len(text) <= MAX_SEED * 4:
            out["fuzz_vectors"].add(text)
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
                out["fuzz_request"].add(flag + b"\xff".join(x.encode() for x in fields))
                mask = sum(1 << bits[x] for x in t["flags"] if x in bits)  # the case's mistakes
                out["fuzz_mistakes"].add(mask.to_bytes(8, "little") + flag + b"\xff".join(x.encode() for x in fields))
                if t["result"] == "invalid":
                    answer = {"id": t["tcId"], "error": {"status": t["status"], "message": t["comment"]}}
                else:
                    answer = {"id": t["tcId"], "result": {"canonicalRequest": t["canonicalRequest"], "qsh": t["qsh"]}}
                if len(t["target"]) < 4096:
                    out["fuzz_protocol"].add(json.dumps(answer).encode())
                one = dict(doc, numberOfTests=1, testGroups=[dict(g, tests=[t])])
                one["notes"] = {k: v for k, v in doc["notes"].items() if k in t["flags"]}
                singles.append(json.dumps(one).encode())
    for s in singles[:: max(1, len(singles) // 60)]:
        out["fuzz_vectors"].add(s)
    with open(os.path.join(VECTORS, "schema", "qsh_canonical_v1.schema.json"), "rb") as f:
        schema = f.read()
    for s in singles[:: max(1, len(singles) // 20)]:
        out["fuzz_schema"].add(schema + b"\x00" + s)
    token_seeds(out)
    out["fuzz_schema"].add(b'{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}\x00{}')
    out["fuzz_protocol"].add(b'{"type":"hello","protocol":1,"name":"x","version":"1","operations":["canonical","qsh"],"profiles":["server"]}')
    out["fuzz_protocol"].add(b'{"id":3,"skipped":"no"}')
    out["fuzz_protocol"].add(b'{"id":4,"result":{"qsh":"' + b"a" * 64 + b'"}}')
    out["fuzz_schema"].add(b'{"anyOf":[{"anyOf":[{"type":"string"},{"pattern":"^(a|b)*$"}]},{"not":{}}]}\x00"abab"')
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
