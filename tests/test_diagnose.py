#!/usr/bin/env python3
"""`qshcheck diagnose` on real requests. For every mistake of the catalogue, a request and the
canonical request a library making that mistake computes, both written here by hand from the
rules (docs/RULES.md) and hashed with hashlib: diagnose must name the mistake for the
wrong value and the correct rules for the right one. Then the problems people reported (a
Confluence /wiki base URL, a base URL with a path such as Zephyr's /connect, query parameters
ignored, '+' for a space, a POST with form parameters), as a developer meets them: the pasted
401 message, or the token. Then the failures: a value nothing explains, and bad input.

usage: test_diagnose.py QSHCHECK
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Checks, run  # noqa: E402

BIN = sys.argv[1]
check = Checks()
FORM = "application/x-www-form-urlencoded"
WIKI = "https://example.atlassian.net/wiki"


def h(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def diagnose(*args):
    return run(BIN, "diagnose", *args)


def run_bytes(*args):
    p = subprocess.run([BIN, "diagnose", *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


# mistake -> (request options, method, target, correct canonical request, the mistake's)
MANY = "&".join("k%04d=1" % i for i in range(1001))
CASES = {
    "ContextPathNotStripped": ({"base": WIKI}, "GET", "/wiki/rest/api/content?expand=body",
                               "GET&/rest/api/content&expand=body", "GET&/wiki/rest/api/content&expand=body"),
    "BasePathStringPrefix": ({"base": WIKI}, "GET", "/wikipedia/page", "GET&/wikipedia/page&", "GET&/pedia/page&"),
    "ServerPathDecoded": ({}, "GET", "/a%20b", "GET&/a%20b&", "GET&/a b&"),
    "ServerPathReencoded": ({}, "GET", "/a:b", "GET&/a:b&", "GET&/a%3Ab&"),
    "AllTrailingSlashesRemoved": ({}, "GET", "/p//", "GET&/p/&", "GET&/p&"),
    "TrailingSlashKept": ({}, "GET", "/p/", "GET&/p&", "GET&/p/&"),
    "RawAmpersandInPath": ({}, "GET", "/a&b", "GET&/a%26b&", "GET&/a&b&"),
    "QueryIgnored": ({}, "GET", "/s?q=1", "GET&/s&q=1", "GET&/s&"),
    "QueryFromBodyOnly": ({"body": "b=2"}, "POST", "/s?q=1", "POST&/s&b=2&q=1", "POST&/s&b=2"),
    "PlusNotSpace": ({}, "GET", "/s?q=a+b", "GET&/s&q=a%20b", "GET&/s&q=a%2Bb"),
    "SpaceAsPlus": ({}, "GET", "/s?q=a%20b", "GET&/s&q=a%20b", "GET&/s&q=a+b"),
    "SubDelimsUnencoded": ({}, "GET", "/s?q=it's(1)*", "GET&/s&q=it%27s%281%29%2A", "GET&/s&q=it's(1)*"),
    "TildeEncoded": ({}, "GET", "/s?q=~u", "GET&/s&q=~u", "GET&/s&q=%7Eu"),
    "UnderscoreEncoded": ({}, "GET", "/s?a_b=1", "GET&/s&a_b=1", "GET&/s&a%5Fb=1"),
    "LowercaseHex": ({}, "GET", "/s?q=%2f", "GET&/s&q=%2F", "GET&/s&q=%2f"),
    "NamesNotEncoded": ({}, "GET", "/s?a%20b=1", "GET&/s&a%20b=1", "GET&/s&a b=1"),
    # encoded, '%' (0x25) sorts before '.' (0x2E); decoded, '.' before '[' (0x5B)
    "NamesSortedDecoded": ({}, "GET", "/s?a.c=1&a[b]=2", "GET&/s&a%5Bb%5D=2&a.c=1", "GET&/s&a.c=1&a%5Bb%5D=2"),
    # U+FF21 before U+1F600 in UTF-8 bytes, after it in UTF-16 (surrogate D83D < FF21)
    "NamesSortedUtf16": ({}, "GET", "/s?%EF%BC%A1=1&%F0%9F%98%80=2",
                         "GET&/s&%EF%BC%A1=1&%F0%9F%98%80=2", "GET&/s&%F0%9F%98%80=2&%EF%BC%A1=1"),
    "ValuesNotSorted": ({}, "GET", "/s?a=2&a=1", "GET&/s&a=1,2", "GET&/s&a=2,1"),
    # decoded, 'A' (0x41) before '[' (0x5B); encoded, '%5B' before 'A'
    "ValuesSortedEncoded": ({}, "GET", "/s?v=A&v=%5B", "GET&/s&v=A,%5B", "GET&/s&v=%5B,A"),
    "RepeatedLastWins": ({}, "GET", "/s?a=1&a=2", "GET&/s&a=1,2", "GET&/s&a=2"),
    "RepeatedFirstWins": ({}, "GET", "/s?a=1&a=2", "GET&/s&a=1,2", "GET&/s&a=1"),
    "RepeatedNotJoined": ({}, "GET", "/s?a=1&a=2", "GET&/s&a=1,2", "GET&/s&a=1&a=2"),
    "SemicolonSeparator": ({}, "GET", "/s?a=1;b=2", "GET&/s&a=1%3Bb%3D2", "GET&/s&a=1&b=2"),
    "ValueCutAtSecondEquals": ({}, "GET", "/s?a=b=c", "GET&/s&a=b%3Dc", "GET&/s&a=b"),
    "JwtKept": ({}, "GET", "/s?jwt=x&a=1", "GET&/s&a=1", "GET&/s&a=1&jwt=x"),
    "JwtCaseInsensitive": ({}, "GET", "/s?JWT=x&a=1", "GET&/s&JWT=x&a=1", "GET&/s&a=1"),
    "ValuelessBare": ({}, "GET", "/s?a", "GET&/s&a=", "GET&/s&a"),
    "ValuelessNull": ({}, "GET", "/s?a", "GET&/s&a=", "GET&/s&a=null"),
    "NumericNamesReordered": ({}, "GET", "/s?10=a&9=b", "GET&/s&10=a&9=b", "GET&/s&9=b&10=a"),
    "NameCharsToUnderscore": ({}, "GET", "/s?a.b=1", "GET&/s&a.b=1", "GET&/s&a_b=1"),
    "DoubleEncoded": ({}, "GET", "/s?q=%20", "GET&/s&q=%20", "GET&/s&q=%2520"),
    "MethodNotUppercased": ({}, "get", "/s", "GET&/s&", "get&/s&"),
    "BodyIgnoredWithQuery": ({"body": "b=2"}, "POST", "/s?q=1", "POST&/s&b=2&q=1", "POST&/s&q=1"),
    "BasePathCutByLength": ({"base": WIKI}, "GET", "/rest/api/2/myself", "GET&/rest/api/2/myself&",
                            "GET&/api/2/myself&"),
    "ProductPathNotDecoded": ({"profile": "product"}, "GET", "/my%20file", "GET&/my file&", "GET&/my%20file&"),
    "ParameterLimit1000": ({}, "GET", "/s?" + MANY, "GET&/s&" + MANY, "GET&/s&" + MANY[:MANY.rindex("&")]),
    "EmptyNameKept": ({}, "GET", "/s?=v&a=1", "GET&/s&a=1", "GET&/s&=v&a=1"),
    "LeadingSlashNotAdded": ({"base": WIKI}, "GET", "/wiki", "GET&/&", "GET&&"),
    "FormBodyIgnored": ({"body": "a=1"}, "POST", "/s", "POST&/s&a=1", "POST&/s&"),
    "WikiRemovedEverywhere": ({}, "GET", "/rest/api/2/project/DOC/wiki/x", "GET&/rest/api/2/project/DOC/wiki/x&",
                              "GET&/rest/api/2/project/DOC/x&"),
    "ValuesTrimmedUnquoted": ({}, "GET", "/s?q=%22a%20b%22", "GET&/s&q=%22a%20b%22", "GET&/s&q=a%20b"),
}


def request_args(opts, method, target):
    args = ["--profile", opts.get("profile", "server")]
    if "base" in opts:
        args += ["--base-url", opts["base"]]
    if "body" in opts:
        args += ["--body", opts["body"], "--content-type", FORM]
    return args + ["--", method, target]


def test_every_mistake():
    rc, out, _ = run(BIN, "mistakes", "--json")
    catalogue = [m["name"] for m in json.loads(out)["mistakes"]]
    check(sorted(catalogue) == sorted(CASES), "a hand-written case for every mistake of the catalogue "
          "(missing: %s; unknown: %s)" % (set(catalogue) - set(CASES), set(CASES) - set(catalogue)))
    for name, (opts, method, target, right, wrong) in sorted(CASES.items()):
        rc, out, err = diagnose("--json", "--expected", h(right), "--claimed", h(wrong),
                                *request_args(opts, method, target))
        if rc != 0:
            check(False, "%s: diagnose exits %d: %s" % (name, rc, err.strip()[-200:]))
            continue
        doc = json.loads(out)
        expected, claimed = doc["values"]
        check([c["canonicalRequest"] for c in doc["correct"]] == [right],
              "%s: the correct canonical request is %r (got %r)" % (name, right, doc["correct"]))
        check(expected["explained"] and [m["mistakes"] for m in expected["matches"]] == [[]],
              "%s: the expected value is the correct rules' (got %r)" % (name, expected["matches"]))
        names = [m["mistakes"] for m in claimed["matches"]]
        check(claimed["explained"] and [name] in names and
              all(m["canonicalRequest"] == wrong for m in claimed["matches"]),
              "%s: the claimed value is explained by it (got %r)" % (name, names))


def test_pairs_and_nothing():
    # '+' taken literally and the trailing '/' kept: only the pair gives this request.
    rc, out, _ = diagnose("--json", "--profile", "server", "--claimed", h("GET&/s/&q=a%2Bb"), "GET", "/s/?q=a+b")
    doc = json.loads(out)
    names = [sorted(m["mistakes"]) for m in doc["values"][0]["matches"]]
    check(rc == 0 and ["PlusNotSpace", "TrailingSlashKept"] in names and all(len(x) == 2 for x in names),
          "a pair of mistakes is found, and only pairs (got %r)" % names)
    rc, out, _ = run(BIN, "mistakes", "--json")
    n = len(json.loads(out)["mistakes"])
    rc, out, _ = diagnose("--json", "--claimed", h("GET&/elsewhere&"), "GET", "/s?q=1")
    doc = json.loads(out)
    check(rc == 1 and not doc["values"][0]["explained"] and doc["values"][0]["matches"] == [],
          "a value nothing gives: exit 1, not explained")
    check(doc["tried"] == {"correct": 2, "singleMistakes": 2 * n, "pairsOfMistakes": n * (n - 1)},
          "it lists what it tried: both profiles, every mistake and every pair (got %r)" % doc["tried"])
    rc, out, _ = diagnose("--claimed", h("GET&/elsewhere&"), "GET", "/s?q=1")
    check(rc == 1 and "matches nothing tried" in out and "Correct canonical request (server profile): GET&/s&q=1" in out
          and "each of the %d known mistakes alone and all %d pairs of them" % (n, n * (n - 1) // 2) in out,
          "people's output says nothing matched and what was tried:\n" + out)


def message(expected, claimed):
    return "Expecting claim 'qsh' to have value '%s' but instead it has the value '%s'" % (h(expected), h(claimed))


def test_reported_problems():
    # A Confluence app: the base URL has the /wiki context path, the library hashed it.
    rc, out, _ = diagnose("--base-url", WIKI, "--message",
                          message("GET&/rest/api/content&expand=body", "GET&/wiki/rest/api/content&expand=body"),
                          "GET", "/wiki/rest/api/content?expand=body")
    check(rc == 0 and "ContextPathNotStripped" in out and "hashed the URI `/wiki/rest/api/content`" in out
          and "the rules give `/rest/api/content`" in out and "must be stripped" in out,
          "Confluence /wiki: the context path not stripped\n" + out)
    # A base URL with a path, as Zephyr's /connect: the library hashed the path with it.
    zephyr = "https://prod-api.zephyr4jiracloud.com/connect"
    rc, out, _ = diagnose("--base-url", zephyr, "--message",
                          message("GET&/public/rest/api/1.0/cycles/search&projectId=10000&versionId=-1",
                                  "GET&/connect/public/rest/api/1.0/cycles/search&projectId=10000&versionId=-1"),
                          "GET", "/connect/public/rest/api/1.0/cycles/search?versionId=-1&projectId=10000")
    check(rc == 0 and "ContextPathNotStripped" in out and "`/connect/public/rest/api/1.0/cycles/search`" in out,
          "a base URL with /connect: its path not stripped\n" + out)
    # Query parameters ignored.
    rc, out, _ = diagnose("--message", message("GET&/rest/api/2/search&jql=project%3DTEST", "GET&/rest/api/2/search&"),
                          "GET", "/rest/api/2/search?jql=project%3DTEST")
    check(rc == 0 and "QueryIgnored" in out and "hashed an empty query; the rules give `jql=project%3DTEST`" in out,
          "query parameters ignored\n" + out)
    # '+' for a space, both ways: encoded as '+', and '+' in the target taken as a plus.
    rc, out, _ = diagnose("--message", message("GET&/rest/api/2/search&jql=project%20%3D%20TEST",
                                               "GET&/rest/api/2/search&jql=project+%3D+TEST"),
                          "GET", "/rest/api/2/search?jql=project%20%3D%20TEST")
    check(rc == 0 and "SpaceAsPlus" in out and "encoded %20" in out, "a space encoded as '+'\n" + out)
    rc, out, _ = diagnose("--message", message("GET&/rest/api/2/search&jql=project%20%3D%20TEST",
                                               "GET&/rest/api/2/search&jql=project%2B%3D%2BTEST"),
                          "GET", "/rest/api/2/search?jql=project+%3D+TEST")
    check(rc == 0 and "PlusNotSpace" in out, "'+' taken as a plus\n" + out)
    # A POST with form parameters the library left out.
    rc, out, _ = diagnose("--body", "name=a%20b&tag=x", "--content-type", FORM, "--message",
                          message("POST&/rest/api/2/thing&name=a%20b&tag=x", "POST&/rest/api/2/thing&"),
                          "POST", "/rest/api/2/thing")
    check(rc == 0 and "FormBodyIgnored" in out, "a POST's form parameters left out\n" + out)


def jwt(claims):
    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    head = b64({"alg": "HS256", "typ": "JWT"}) + "." + b64(claims)
    sig = hmac.new(b"secret", head.encode(), hashlib.sha256).digest()
    return head + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


def test_token():
    token = jwt({"iss": "app", "iat": 1700000000, "exp": 1700000180, "qsh": h("GET&/s&q=a+b")})
    for t in (token, "JWT " + token, " " + token + "\n", "jwt\t" + token):
        rc, out, _ = diagnose("--json", "--token", t, "GET", "/s?q=a%20b")
        doc = json.loads(out) if rc in (0, 1) else {"values": [{}]}
        v = doc["values"][0]
        check(rc == 0 and v.get("role") == "claimed" and [["SpaceAsPlus"]] == [m["mistakes"] for m in v["matches"][:1]],
              "--token takes the claimed value from the qsh claim (%s)" % t[:4])
    rc, _, err = diagnose("--token", jwt({"iss": "app", "qsh": "context-qsh"}), "GET", "/s")
    check(rc == 2 and "context-qsh" in err, "a context-qsh token is explained, exit 2")
    rc, _, err = diagnose("--token", jwt({"iss": "app"}), "GET", "/s")
    check(rc == 2 and "no qsh claim" in err, "a token without qsh: exit 2")
    rc, _, err = diagnose("--token", "abc", "GET", "/s")
    check(rc == 2 and "three segments" in err, "not a token: exit 2")


def test_context_path():
    # A Confluence request diagnosed without --base-url: the verifier's value is explained only by
    # the /wiki context path, so diagnose says so and takes the base URL that gives it.
    right, wrong = "GET&/rest/api/content&expand=body", "GET&/wiki/rest/api/content&expand=body"
    target = "/wiki/rest/api/content?expand=body"
    rc, out, _ = diagnose("--message", message(right, wrong), "GET", target)
    check(rc == 0 and "context path" in out and "--base-url https://your-domain.atlassian.net/wiki" in out
          and "matches nothing" not in out and "ContextPathNotStripped" in out
          and "is the correct qsh (server and product profiles) of " + right in out,
          "without --base-url, a value explained by the /wiki context path is said so\n" + out)
    rc, out, _ = diagnose("--json", "--message", message(right, wrong), "GET", target)
    doc = json.loads(out) if rc in (0, 1) else {}
    vals = doc.get("values", [{}, {}])
    check(rc == 0 and doc["request"]["baseUrl"] == "https://your-domain.atlassian.net/wiki"
          and any("/wiki" in n and "--base-url" in n for n in doc.get("notes", []))
          and vals[0].get("matches") and all(m["mistakes"] == [] for m in vals[0]["matches"])
          and ["ContextPathNotStripped"] in [m["mistakes"] for m in vals[1].get("matches", [])],
          "--json: the context path's base URL, a note, and both values explained (got %r)" % doc)
    # An absolute target keeps its own origin.
    rc, out, _ = diagnose("--expected", h(right), "GET", "https://acme.atlassian.net" + target)
    check(rc == 0 and "--base-url https://acme.atlassian.net/wiki" in out,
          "an absolute target: the context path's base URL has its origin\n" + out)
    # With --base-url given, nothing is assumed.
    rc, out, _ = diagnose("--base-url", WIKI, "--message", message(right, wrong), "GET", target)
    check(rc == 0 and "your-domain" not in out and "Note:" not in out, "with --base-url: no note\n" + out)


def test_inputs_that_say_something():
    token = jwt({"iss": "app", "iat": 1, "exp": 2, "qsh": h("GET&/s&")})
    msg = message("GET&/s&", "GET&/s&q=1")
    for args, why in [(("--message", msg, "--claimed", h("GET&/s&")), "--message with --claimed"),
                      (("--message", msg, "--expected", h("GET&/s&")), "--message with --expected"),
                      (("--message", msg, "--token", token), "--message with --token"),
                      (("--token", token, "--claimed", h("GET&/s&")), "--token with --claimed")]:
        rc, out, err = diagnose(*args, "GET", "/s")
        check(rc == 2 and err.startswith("qshcheck: ") and "excludes" in err and out == "",
              "%s: a usage error, not one silently winning (rc %d, %r)" % (why, rc, err[:200]))
    rc, out, _ = diagnose("--expected", h("GET&/s&q=1"), "--claimed", h("GET&/s&q=1"), "GET", "/s?q=1")
    check(rc == 0 and "there is no mismatch" in out, "equal values: there is no mismatch\n" + out)
    rc, out, _ = diagnose("--json", "--expected", h("GET&/s&q=1"), "--claimed", h("GET&/s&q=1"), "GET", "/s?q=1")
    check(rc == 0 and any("there is no mismatch" in n for n in json.loads(out).get("notes", [])),
          "equal values, --json: the note is in the document")
    rc, out, _ = diagnose("--expected", h("GET&/s&"), "--claimed", h("GET&/s&q=1"), "GET", "/s?q=1")
    check(rc == 0 and "look swapped" in out, "swapped values get a hint\n" + out)
    rc, out, _ = diagnose("--expected", h("GET&/s&q=1"), "--claimed", h("GET&/s&"), "GET", "/s?q=1")
    check(rc == 0 and "swapped" not in out, "values the right way round: no swap hint")
    rc, out, _ = diagnose("--claimed", h("POST&/s&a=1"), "POST", "/s")
    check(rc == 1 and "--body and --content-type" in out, "a POST without --body gets a hint\n" + out)
    rc, out, err = diagnose("--json", "--claimed", "a" * 64, "GET", "/a b")
    doc = json.loads(out) if out.strip() else {}
    check(rc == 2 and doc.get("rejected", {}).get("status") == "QSH_E_TARGET_BYTE"
          and doc.get("request", {}).get("target") == "/a b" and "QSH_E_TARGET_BYTE" in err,
          "--json on a request the rules reject prints a document saying so (got %r)" % out[:300])


def test_control_bytes():
    # The product profile decodes the path: ESC and a newline from %1B and %0A are shown escaped.
    rc, out, _ = run_bytes("--profile", "product", "--claimed", h("GET&/a\x1bb\nc&"), "GET", "/a%1Bb%0Ac")
    check(rc == 0 and b"\x1b" not in out and b"b\nc" not in out and b"/a\\x1Bb\\x0Ac" in out,
          "diagnose escapes control bytes of a decoded path: %r" % out[:400])


def test_bad_input():
    for args, why in [(("--claimed", "zz", "GET", "/"), "a claimed value that is not hex"),
                      (("--expected", "a" * 63, "GET", "/"), "63 hex digits"),
                      (("--message", "Expecting claim 'qsh' to have value '%s'" % ("a" * 64), "GET", "/"),
                       "a message with one value"),
                      (("GET", "/"), "no value at all"),
                      (("--claimed", "a" * 64, "GET"), "no target"),
                      (("--claimed", "a" * 64, "--profile", "browser", "GET", "/"), "an unknown profile"),
                      (("--claimed", "a" * 64, "--body", "a=1", "POST", "/"), "--body without --content-type"),
                      (("--claimed", "a" * 64, "--frob", "GET", "/"), "an unknown option")]:
        rc, out, err = diagnose(*args)
        check(rc == 2 and err.startswith("qshcheck: ") and out == "", "%s: exit 2 with a message" % why)
    rc, _, err = diagnose("--claimed", "a" * 64, "GET", "/a b")
    check(rc == 2 and "QSH_E_TARGET_BYTE" in err, "a request the rules reject: exit 2, with the status")
    rc, out, _ = diagnose("--help")
    check(rc == 0 and out.startswith("usage: qshcheck diagnose"), "diagnose --help")


def main():
    test_every_mistake()
    test_pairs_and_nothing()
    test_reported_problems()
    test_token()
    test_context_path()
    test_inputs_that_say_something()
    test_control_bytes()
    test_bad_input()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
