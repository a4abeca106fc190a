#!/usr/bin/env python3
"""`qshcheck mock-product` over real HTTP: the request target reaches the canonicalizer byte
for byte (paths with %2F, +, %7E, raw [ and ;, which libmicrohttpd would decode), the product's
verification (token only in the header, iss, secret, exp and iat with the leeway, qsh of the
raw target less the context path, the form body of exactly a POST of exactly the form type),
the 401 messages and diagnoses, the log written before each answer, calls.json, and the
dashboard as headless Chromium shows it (its DOM and the colours of a screenshot).

Every expected canonical request below is written by hand from docs/RULES.md and hashed here.

usage: test_mock_product.py QSHCHECK [CHROMIUM]
"""

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mock_product_lib import MockProduct, call, qsh_of, sign  # noqa: E402
from testlib import Checks  # noqa: E402

BIN = sys.argv[1]
CHROMIUM = sys.argv[2] if len(sys.argv) > 2 else shutil.which("chromium")
check = Checks()
KEY, SECRET = "com.example.app", "s3cret-shared"
FORM = "application/x-www-form-urlencoded"

# (target as sent under the context path /wiki, the canonical request the rules give, the one
# a library hashing the percent-decoded path gives, or None when decoding changes nothing)
TARGETS = [
    ("/wiki/rest/api/content/a%2Fb", "GET&/rest/api/content/a%2Fb&",
     "GET&/rest/api/content/a/b&"),
    ("/wiki/rest/a+b/c", "GET&/rest/a+b/c&", None),
    ("/wiki/rest/%7Euser", "GET&/rest/%7Euser&", "GET&/rest/~user&"),
    ("/wiki/rest/[x]/y?q=[1]", "GET&/rest/[x]/y&q=%5B1%5D", None),
    ("/wiki/rest/p;v=1/z?a=1;b=2", "GET&/rest/p;v=1/z&a=1%3Bb%3D2", None),
    ("/wiki/rest/%e2%82%ac/?b=2&a=1", "GET&/rest/%e2%82%ac&a=1&b=2", "GET&/rest/\u20ac&a=1&b=2"),
]


def targets_byte_for_byte(mp):
    before = len(mp.log_lines())
    for target, canonical, decoded in TARGETS:
        st, hd, body = call(mp, "GET", target, sign(SECRET, KEY, qsh_of(canonical)))
        check(st == 200, "%s signed over %r: 200 (got %s %r)" % (target, canonical, st, body))
        if decoded is not None:
            st, hd, body = call(mp, "GET", target, sign(SECRET, KEY, qsh_of(decoded)))
            check(st == 401 and hd.get("x-qshcheck-reason") == "QSH_MISMATCH",
                  "%s signed over the decoded path: 401 QSH_MISMATCH (got %s)" % (target, st))
    logged = mp.log_lines()[before:]
    sent = [t for t, _, _ in TARGETS]
    check([c["request"]["target"] for c in logged if c["status"] == 200] == sent,
          "the log holds each target exactly as sent")


def product_rules(mp):
    t = "/wiki/rest/api/space?limit=5"
    c = "GET&/rest/api/space&limit=5"
    good = sign(SECRET, KEY, qsh_of(c))
    st, hd, body = call(mp, "GET", t + "&jwt=" + good)
    check(st == 401 and hd.get("x-qshcheck-reason") == "TOKEN_IN_QUERY",
          "a token in the query: 401 TOKEN_IN_QUERY (got %s)" % st)
    st, hd, body = call(mp, "GET", t)
    check(st == 401 and hd.get("x-qshcheck-reason") == "CARRIAGE_MISSING", "no token: 401")
    st, hd, body = call(mp, "GET", t, headers=["Authorization: Bearer " + good])
    check(st == 401 and hd.get("x-qshcheck-reason") == "CARRIAGE_SCHEME", "Bearer: 401")
    st, hd, body = call(mp, "GET", t, good, headers=["Authorization: JWT " + good])
    check(st == 401 and hd.get("x-qshcheck-reason") == "CARRIAGE_AMBIGUOUS",
          "two Authorization headers: 401 CARRIAGE_AMBIGUOUS (got %s)" % hd)
    st, hd, body = call(mp, "GET", t, sign(SECRET, "other.app", qsh_of(c)))
    check(st == 401 and hd.get("x-qshcheck-reason") == "ISS_UNKNOWN", "another iss: 401")
    st, hd, body = call(mp, "GET", t, sign("wrong", KEY, qsh_of(c)))
    check(st == 401 and hd.get("x-qshcheck-reason") == "SIG_INVALID", "another secret: 401")
    now = int(time.time())
    # the server runs with --leeway 60
    st, hd, body = call(mp, "GET", t, sign(SECRET, KEY, qsh_of(c), now - 300, now - 30))
    check(st == 200, "expired 30 s ago, within the 60 s leeway: 200 (got %s %r)" % (st, body))
    st, hd, body = call(mp, "GET", t, sign(SECRET, KEY, qsh_of(c), now - 400, now - 120))
    check(st == 401 and body.startswith(b"Expired at ") and b"and time is now" in body,
          "expired 120 s ago: 401 with the products' message (got %s %r)" % (st, body))
    st, hd, body = call(mp, "GET", t, sign(SECRET, KEY, qsh_of(c), now + 30, now + 200))
    check(st == 200, "iat 30 s ahead, within the leeway: 200 (got %s)" % st)
    st, hd, body = call(mp, "GET", t, sign(SECRET, KEY, qsh_of(c), now + 120, now + 300))
    check(st == 401 and hd.get("x-qshcheck-reason") == "IAT_IN_FUTURE", "iat 120 s ahead: 401")
    st, hd, body = call(mp, "GET", "/rest/api/space", sign(SECRET, KEY, qsh_of(c)))
    check(st == 404 and hd.get("x-qshcheck-reason") == "OUTSIDE_CONTEXT_PATH",
          "a path outside the context path /wiki: 404 (got %s)" % st)
    st, hd, body = call(mp, "GET", "/wikipedia/x", sign(SECRET, KEY, qsh_of("GET&/wikipedia/x&")))
    check(st == 404, "/wikipedia is not under /wiki: 404 (got %s)" % st)


def form_bodies(mp):
    t = "/wiki/rest/api/x?z=1"
    with_body = "POST&/rest/api/x&a=1&b=x%20y&z=1"
    without = "POST&/rest/api/x&z=1"
    body = b"b=x+y&a=1"
    cases = [  # method, content type, the canonical request a product hashes
        ("POST", FORM, with_body),
        ("POST", FORM + "; charset=UTF-8", with_body),
        ("POST", " " + FORM + " ", with_body),
        ("POST", "Application/X-WWW-Form-Urlencoded", without),  # Tomcat compares exactly
        ("POST", "application/json", without),
        ("PUT", FORM, without.replace("POST", "PUT")),  # Tomcat parses POST bodies only
    ]
    for method, ctype, canonical in cases:
        other = without if canonical == with_body else with_body
        other = other.replace("POST", method)
        st, _, resp = call(mp, method, t, sign(SECRET, KEY, qsh_of(canonical)),
                           ["Content-Type: " + ctype], body)
        check(st == 200, "%s %r: the product hashes %r (got %s %r)" % (method, ctype, canonical,
                                                                     st, resp))
        st, _, _ = call(mp, method, t, sign(SECRET, KEY, qsh_of(other)),
                        ["Content-Type: " + ctype], body)
        check(st == 401, "%s %r: not %r (got %s)" % (method, ctype, other, st))


def diagnoses(mp):
    """The 401 of a qsh mismatch: the products' message with X and Y, the catalogue's
    diagnosis in a header, the same in the log."""
    t = "/wiki/rest/api/content?expand=body&spaceKey=DEV"
    correct = "GET&/rest/api/content&expand=body&spaceKey=DEV"
    theirs = "GET&/wiki/rest/api/content&expand=body&spaceKey=DEV"  # context path kept
    st, hd, body = call(mp, "GET", t, sign(SECRET, KEY, qsh_of(theirs)))
    msg = ("Expecting claim 'qsh' to have value '%s' but instead it has the value '%s'\n"
           % (qsh_of(correct), qsh_of(theirs))).encode()
    check(st == 401 and body == msg, "the qsh message (got %s %r)" % (st, body))
    diag = hd.get("x-qshcheck-diagnosis", "")
    check("ContextPathNotStripped" in diag and correct in diag and theirs in diag,
          "the diagnosis names the mistake and both canonical requests: %r" % diag)
    last = mp.log_lines()[-1]
    check(last.get("mistakes") == "ContextPathNotStripped" and
          last.get("canonicalRequest") == correct and last.get("appCanonicalRequest") == theirs
          and last.get("differsIn") == "uri" and last.get("firstDifference") == 5
          and last.get("diagnosis") == diag and last.get("claimedQsh") == qsh_of(theirs),
          "the log has the diagnosis: %r" % last)
    # a value no mistake gives
    st, hd, body = call(mp, "GET", t, sign(SECRET, KEY, "0" * 64))
    check(st == 401 and "matches no known mistake" in hd.get("x-qshcheck-diagnosis", ""),
          "an unexplained qsh says so: %r" % hd)


def log_before_answer(mp):
    """Each call is in the log by the time its answer arrives, once."""
    ok = True
    for i in range(20):
        n = len(mp.log_lines())
        call(mp, "GET", "/wiki/rest/x?i=%d" % i, sign(SECRET, KEY, qsh_of("GET&/rest/x&i=%d" % i)))
        lines = mp.log_lines()
        ok = ok and len(lines) == n + 1 and lines[-1]["request"]["target"] == "/wiki/rest/x?i=%d" % i
    check(ok, "every call is in the log, once, before its answer")


def calls_json(mp):
    st, hd, body = call(mp, "GET", "/_qshcheck/calls.json")
    doc = json.loads(body)
    logged = mp.log_lines()
    check(st == 200 and doc["total"] == len(logged) and doc["calls"] == logged[::-1],
          "calls.json holds the log's calls, newest first")


class Cells(HTMLParser):
    """The rows of the dashboard: for each <tr class="call ...">, the text of each cell by
    its class, and the text inside <mark>."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_mark, self.tags = [], None, False, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "tr" and "call" in (a.get("class") or ""):
            self.rows.append({"class": a["class"], "mark": ""})
        elif tag == "td" and self.rows:
            self.cell = a.get("class")
            self.rows[-1][self.cell] = ""
        elif tag == "mark":
            self.in_mark = True

    def handle_endtag(self, tag):
        if tag == "mark":
            self.in_mark = False
        elif tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.rows and self.cell:
            self.rows[-1][self.cell] += data
            if self.in_mark:
                self.rows[-1]["mark"] += data


def png_pixels(path):
    """The set of RGB colours of a PNG (8-bit RGB or RGBA, not interlaced), decoded here."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            bpp = {2: 3, 6: 4}[ctype]
            assert depth == 8 and chunk[12] == 0
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            colours.add(bytes(line[x:x + 3]))
        prev = line
    return colours


def chromium(args, timeout=90):
    """Runs headless Chromium in its own process group and a fresh profile; the group is
    killed however the run ends."""
    profile = tempfile.mkdtemp(prefix="qshcheck-chromium-")
    p = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                          *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return out.decode("utf-8", "replace")
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def first_diff(a, b):
    return next(i for i in range(min(len(a), len(b)) + 1) if i == min(len(a), len(b)) or
                a[i] != b[i])


def dashboard(mp, tmp):
    if CHROMIUM is None or not os.path.exists(CHROMIUM):
        check(False, "the dashboard needs Chromium (apt-get install chromium)")
        return
    # an app's target is shown as text, never as markup
    call(mp, "GET", "/wiki/x?q=<b>bold</b>&s=<script>document.title='owned'</script>",
         sign(SECRET, KEY, "1" * 64))
    # the newest call: a qsh mismatch with the decoded path (%2F)
    call(mp, "GET", "/wiki/rest/api/content/a%2Fb",
         sign(SECRET, KEY, qsh_of("GET&/rest/api/content/a/b&")))
    dom = chromium(["--dump-dom", mp.url("/_qshcheck/")])
    cells = Cells()
    cells.feed(dom)
    rows = cells.rows
    ids = [int(r.get("id", "0")) for r in rows]
    total = len(mp.log_lines())
    check(len(rows) == total and ids == sorted(ids, reverse=True) and ids[0] == total,
          "the page lists every call, newest first (%d rows, ids %s...)" % (len(rows), ids[:3]))
    top = rows[0] if rows else {}
    check("rejected 401" in top.get("verdict", "") and "QSH_MISMATCH" in top.get("reason", ""),
          "the newest row shows its verdict and reason: %r" % top)
    diag = top.get("diagnosis", "")
    check("correct canonical request" in diag and "GET&/rest/api/content/a%2Fb&" in diag and
          "GET&/rest/api/content/a/b&" in diag and "ServerPathDecoded" in diag and
          "first difference" in diag and "in the uri at byte %d" % first_diff(
              "GET&/rest/api/content/a%2Fb&", "GET&/rest/api/content/a/b&") in diag,
          "the newest row shows the diagnosis: %r" % diag)
    check(top.get("mark") == "/", "the first differing byte is marked: %r" % top.get("mark"))
    check(cells.tags.get("b", 0) == 0 and cells.tags.get("script", 0) == 0 and
          "<title>qshcheck mock product</title>" in dom and
          any("q=<b>bold</b>" in r.get("request", "") for r in rows),
          "markup in a target is shown as text: %s" % cells.tags)
    ok_rows = [r for r in rows if "accepted" in r["class"]]
    check(ok_rows and "accepted 200" in ok_rows[0].get("verdict", ""),
          "accepted calls show as accepted")
    shot = os.path.join(tmp, "dashboard.png")
    chromium(["--screenshot=" + shot, "--window-size=1280,900", mp.url("/_qshcheck/")])
    colours = png_pixels(shot) if os.path.exists(shot) else set()
    check(bytes.fromhex("ff8f73") in colours, "the screenshot shows the marked difference")
    check(bytes.fromhex("ffebe6") in colours and bytes.fromhex("e3fcef") in colours,
          "the screenshot shows rejected and accepted rows in their colours")


def bad_arguments():
    p = subprocess.run([BIN, "mock-product", "--listen", "127.0.0.1:0"], capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 2 and "--base-url" in p.stderr, "missing options: exit 2")
    p = subprocess.run([BIN, "mock-product", "--listen", "127.0.0.1:0", "--base-url", "ftp://x",
                        "--app-key", "k", "--secret", "s"], capture_output=True, text=True,
                       timeout=30)
    check(p.returncode == 2 and "base URL" in p.stderr, "a bad base URL: exit 2: %r" % p.stderr)
    p = subprocess.run([BIN, "mock-product", "--listen", "nowhere:1", "--base-url", "http://h",
                        "--app-key", "k", "--secret", "s"], capture_output=True, text=True,
                       timeout=30)
    check(p.returncode == 3 and "IPv4" in p.stderr, "a bad --listen: exit 3")
    p = subprocess.run([BIN, "mock-product", "--help"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 0 and "Authorization: JWT" in p.stdout, "--help")


def main():
    with tempfile.TemporaryDirectory(prefix="qshcheck-mock-") as tmp:
        bad_arguments()
        with MockProduct(BIN, "/wiki", KEY, SECRET, os.path.join(tmp, "calls.jsonl"),
                         "--leeway", "60") as mp:
            targets_byte_for_byte(mp)
            product_rules(mp)
            form_bodies(mp)
            diagnoses(mp)
            log_before_answer(mp)
            calls_json(mp)
            dashboard(mp, tmp)
        check(mp.stopped_cleanly(), "the server stops cleanly (exit %s, stderr %r)"
              % (mp.returncode, mp.stderr[-500:]))
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
