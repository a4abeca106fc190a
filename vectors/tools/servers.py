"""What the real servlet containers compute for each case, from the committed measurement
(servers/measured.json, written by servers/measure.py), and the result class that follows.

The expectation of a case is written by hand from the rules; the measurement only adds what
each container answers and decides whether the case is `valid`, `acceptable` or `invalid`
(docs/RULES.md, "What the servers compute"):
- a case the rules canonicalize stays `valid` while every container that accepts the request
  computes the rules' canonical request; it becomes `acceptable` when one computes another;
- a case the rules reject stays `invalid` while every container refuses it (or none can be
  asked); it becomes `acceptable` when one accepts it;
- a refusal (an HTTP status) never changes the class by itself, and neither does an answer to
  a request line the container read as HTTP/0.9 (a raw CR LF cut the target, so the answer is
  not for this target);
- a case written `acceptable` stays so.
"""

import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "servers"))

import measure  # noqa: E402  (which cases are measured, and how they are keyed)

MEASURED = os.path.join(ROOT, "servers", "measured.json")


class Measurements:
    def __init__(self, path=MEASURED):
        with open(path, encoding="ascii") as f:
            doc = json.load(f)
        self.configurations = doc["configurations"]
        self.answers = {measure.key_order(c): c["answers"] for c in doc["cases"]}
        self.missing = []

    def measurable(self, test):
        """measure.py sends every server-profile case whose base URL a container can host."""
        return test["profile"] == "server" and measure.context_path(test["baseUrl"]) is not None

    def for_test(self, name, test):
        """The `servers` member of a test, or None when the case is not measured (and then,
        for a case that should be, it is noted in self.missing)."""
        if not self.measurable(test):
            return None
        answers = self.answers.get(measure.key_order(measure.case_key(test)))
        if answers is None:
            self.missing.append("%s/%d" % (name, test["tcId"]))
            return None
        out = {}
        for server in sorted(answers):
            a = answers[server]
            if "canonicalRequest" in a:
                cr = a["canonicalRequest"]
                out[server] = {"canonicalRequest": cr,
                               "qsh": hashlib.sha256(cr.encode("utf-8")).hexdigest()}
                if a.get("http09"):
                    out[server]["http09"] = True
            else:
                out[server] = {"refused": a["refused"]}
                if a.get("http09"):
                    out[server]["http09"] = True
        return out


def accepted(servers):
    """{server: canonical request} of the containers that computed one for this very target."""
    return {n: a["canonicalRequest"] for n, a in servers.items()
            if "canonicalRequest" in a and not a.get("http09")}


def result_class(written, canonical_request, servers):
    """The result class of a case written `written` with the rules' canonical request (None
    for a case the rules reject), given its servers member (None: not measured)."""
    if servers is None or written == "acceptable":
        return written
    got = accepted(servers)
    if written == "invalid":
        return "acceptable" if got else "invalid"
    return "acceptable" if any(cr != canonical_request for cr in got.values()) else "valid"
