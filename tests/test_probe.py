"""qshcheck probe end to end: against a correct app (the Python recipe's verifier behind
http.server, tests/apps/connect_app.py), the same app making CVE-2021-26073's mistake, signed
installs through the probe's key server (and the app confusing HS256 with RS256), a raw loopback
listener that records the bytes on the wire, a port nothing listens on, and bad arguments.

usage: test_probe.py QSHCHECK"""

import json
import os
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET

from probe_apps import app, free_port
from testlib import Checks, run

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "apps", "connect_app.py")
SECRET, KEY = "probe-shared-secret", "tenant-probe-1"
PY = "/usr/bin/python3"


def routes(port):
    base = "http://127.0.0.1:%d" % port
    return ["--route", "module=%s/module" % base, "--route", "webhook=%s/webhook" % base,
            "--route", "lifecycle=%s/installed" % base, "--route", "context=%s/context" % base]


def probe(qc, *args):
    return run(qc, "probe", "--secret", SECRET, "--client-key", KEY, *args, timeout=120)


def check_correct_app(c, qc):
    with app([PY, APP, "--secret", SECRET, "--client-key", KEY]) as port:
        rc, out, err = probe(qc, "--format", "json", *routes(port))
        c(rc == 0, "a correct app: exit 0, got %d: %s %s" % (rc, out[-2000:], err))
        doc = json.loads(out) if out.startswith("{") else {"results": []}
        res = doc["results"]
        c(doc.get("interop_failures") == 0 and doc.get("security_failures") == 0,
          "a correct app: no failure")
        valid = [r for r in res if not r["attack"]]
        attacks = [r for r in res if r["attack"]]
        c(len(valid) >= 4 * 20, "at least 20 valid requests per route, got %d" % len(valid))
        c(all(r["class"] == "accepted" and r["status"] == 200 for r in valid),
          "every valid request accepted with 200")
        c(all(r["class"] == "rejected" and r["status"] == 401 for r in attacks),
          "every attack rejected with 401")
        kinds = {r["kind"] for r in res}
        c(kinds == {"module", "webhook", "lifecycle", "context"}, "all four kinds probed")
        labels = {r["label"] for r in attacks}
        for a in ["qsh of another request", "no qsh claim", "alg none, no signature",
                  "expired an hour ago", "issued an hour from now", "tampered signature",
                  "a token of another tenant", "context-qsh on a module route",
                  "context-qsh on a webhook route", "context-qsh on a lifecycle route"]:
            c(a in labels, "attack sent: " + a)
        c(any(r["label"].startswith("two carriers") for r in attacks), "two carriers sent")
        module = [r for r in valid if r["kind"] == "module"]
        c(all("jwt=" in r["target"] and r["authorization"] is None for r in module),
          "module requests carry the token in ?jwt= only")
        hooks = [r for r in valid if r["kind"] == "webhook"]
        c(all(r["method"] == "POST" and r["authorization"].startswith("JWT ") and
              "jwt=" not in r["target"] and r["body"].startswith("{") for r in hooks),
          "webhooks are POSTs with a JSON body and the token in the header")
        # The corpus's queries are on the wire: repeats and escapes as the corpus has them.
        c(any("%20" in r["target"] or "+" in r["target"] for r in module),
          "a corpus query with an encoded space")
        # JUnit: well-formed, no failure.
        rc, out, _ = probe(qc, "--format", "junit", *routes(port))
        root = ET.fromstring(out) if rc == 0 else None
        c(root is not None and root.get("failures") == "0" and
          len(root.findall(".//testcase")) == len(res), "JUnit report of a correct app")


def check_broken_app(c, qc):
    with app([PY, APP, "--secret", SECRET, "--client-key", KEY, "--broken"]) as port:
        rc, out, err = probe(qc, *routes(port))
        c(rc == 1, "an app accepting context-qsh everywhere: exit 1, got %d %s" % (rc, err))
        for kind in ["module", "webhook", "lifecycle"]:
            c("SECURITY failure: context-qsh on a %s route (an attack accepted)" % kind in out,
              "the broken app's context-qsh on %s is a security failure" % kind)
        c(out.count("SECURITY failure") == 3 and "INTEROP failure" not in out,
          "exactly three security failures and no interop failure:\n" + out[-3000:])
        c("    GET /module?jwt=" in out, "the failing module request is shown")
        c(out.rstrip().endswith("0 interop failures, 3 security failures"), "the closing line")
        rc, out, _ = probe(qc, "--format", "junit", *routes(port))
        root = ET.fromstring(out) if out.startswith("<?xml") else None
        fails = root.findall(".//failure") if root is not None else []
        c(rc == 1 and root.get("failures") == "3" and
          all(f.get("type") == "security" for f in fails) and len(fails) == 3,
          "JUnit report of the broken app: three security failures")


def token_header(authorization):
    import base64
    seg = authorization[4:].split(".")[0]
    return json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))


INSTALL_ATTACKS = {"HS256 signed with the public key of the kid",
                   "RS256 signed by a key that is not the kid's", "aud of another app"}


def check_signed_installs(c, qc):
    kport = free_port()
    keys = "http://127.0.0.1:%d" % kport
    with app([PY, APP, "--secret", SECRET, "--client-key", KEY, "--keys", keys]) as port:
        base = "http://127.0.0.1:%d" % port
        rc, out, err = probe(qc, "--format", "json", "--key-server", "127.0.0.1:%d" % kport,
                             "--route", "lifecycle=%s/installed" % base,
                             "--route", "lifecycle=%s/uninstalled" % base)
        c(rc == 0, "signed installs to a correct app: exit 0, got %d %s %s" % (rc, out[-1500:],
                                                                             err))
        res = json.loads(out)["results"] if out.startswith("{") else []
        valid = [r for r in res if not r["attack"]]
        c(len(valid) == 2 and all(r["status"] == 200 for r in valid),
          "the signed installs are accepted (the app fetched the key from the key server)")
        hdrs = [token_header(r["authorization"]) for r in valid]
        c(all(h.get("alg") == "RS256" and h.get("kid", "").startswith("qshcheck-probe-")
              for h in hdrs), "a signed install is RS256 with the probe's kid: %s" % hdrs)
        labels = {r["label"] for r in res if r["attack"]}
        c(INSTALL_ATTACKS <= labels, "the attacks of signed installs are sent")
        c(all(r["class"] == "rejected" for r in res if r["attack"]), "and rejected")
    # The same app making the algorithm confusion: exactly that attack is accepted.
    kport = free_port()
    keys = "http://127.0.0.1:%d" % kport
    with app([PY, APP, "--secret", SECRET, "--client-key", KEY, "--keys", keys,
              "--broken-install"]) as port:
        rc, out, _ = probe(qc, "--key-server", "127.0.0.1:%d" % kport,
                           "--route", "lifecycle=http://127.0.0.1:%d/installed" % port)
        c(rc == 1 and out.count("SECURITY failure") == 1 and
          "SECURITY failure: HS256 signed with the public key of the kid" in out,
          "the HS256/RS256 confusion is the one security failure:\n" + out[-2000:])
    # The key server's address: loopback, with a port; one in use is not a usage error.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        rc, _, err = probe(qc, "--key-server", "127.0.0.1:%d" % busy.getsockname()[1],
                           "--route", "lifecycle=http://127.0.0.1:1/installed")
        c(rc == 3 and "cannot listen" in err, "a key server port in use: exit 3, got %d" % rc)


class RawListener:
    """Records the head of every request exactly as received and answers 401, keep-alive."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(30)
        self.heads = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            while True:
                conn, _ = self.sock.accept()
                threading.Thread(target=self.connection, args=(conn,), daemon=True).start()
        except OSError:
            pass

    def connection(self, conn):
        conn.settimeout(30)
        buf = b""
        with conn:
            try:
                while True:
                    while b"\r\n\r\n" not in buf:
                        data = conn.recv(65536)
                        if not data:
                            return
                        buf += data
                    head, _, buf = buf.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    while len(buf) < length:
                        buf += conn.recv(65536)
                    buf = buf[length:]
                    self.heads.append(head)
                    conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                return

    def close(self):
        self.sock.close()


def check_wire(c, qc):
    listener = RawListener()
    try:
        port = listener.sock.getsockname()[1]
        # Dot segments, an encoded slash, ';', '[' and ']', '~' and its escape: what a URL
        # library would normalize; the probe must send them as given.
        target = "/a/../b/./c%2Fd;p=1/[x]?q=%7E~&r=a+b&r=a%20b"
        rc, out, err = probe(qc, "--format", "json", "--route",
                             "module=http://127.0.0.1:%d%s" % (port, target))
        c(rc == 1, "every valid request refused by the listener: exit 1, got %d %s" % (rc, err))
        doc = json.loads(out) if out.startswith("{") else {"results": []}
        sent = ["%s %s HTTP/1.1" % (r["method"], r["target"]) for r in doc["results"]]
        got = [h.split(b"\r\n")[0].decode("latin-1") for h in listener.heads]
        c(len(sent) > 20 and sent == got,
          "each request line on the wire is the reported one, byte for byte:\n%s\n%s" %
          (sent[:2], got[:2]))
        c(all(g.startswith("GET " + target) for g in got), "the route's target kept as given")
        first = listener.heads[0] if listener.heads else b""
        c(b"\r\nAuthorization:" not in first, "a module request has no Authorization header")
    finally:
        listener.close()


def check_unreachable(c, qc):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    rc, out, _ = probe(qc, "--timeout", "5", "--route", "webhook=http://127.0.0.1:%d/w" % port)
    c(rc == 1 and "INTEROP failure: the route as given (a valid request other)" in out and
      "answer: Couldn't connect to server" in out,
      "a port nothing listens on: interop failures with curl's reason, got %d\n%s" % (rc, out))


def check_usage(c, qc):
    rc, out, _ = run(qc, "probe", "--help")
    c(rc == 0 and out.startswith("usage: qshcheck probe"), "probe --help")
    rc, out, _ = run(qc, "--help")
    c("  probe " in out, "probe in the top-level usage")
    url = "module=http://127.0.0.1:1/m"
    for args, what in [
        ([], "no options"),
        (["--client-key", KEY, "--route", url], "no --secret"),
        (["--secret", SECRET, "--route", url], "no --client-key"),
        (["--secret", SECRET, "--client-key", KEY], "no --route"),
        (["--secret", "", "--client-key", KEY, "--route", url], "an empty secret"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "iframe=http://h/m"], "bad KIND"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "module"], "no URL"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "module=ftp://h/m"], "ftp"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "module=http:///m"], "no host"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "module=http://h/m#f"], "fragment"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "module=http://h/a b"], "space"),
        (["--secret", SECRET, "--client-key", KEY, "--route", "module=http://h/%zz"], "bad %"),
        (["--secret", SECRET, "--client-key", KEY, "--route", url, "--format", "tap"], "tap"),
        (["--secret", SECRET, "--client-key", KEY, "--route", url, "--rate", "0"], "rate 0"),
        (["--secret", SECRET, "--client-key", KEY, "--route", url, "--timeout", "-1"], "timeout"),
        (["--secret", SECRET, "--client-key", KEY, "--route", url, "--base-url", "h"], "base"),
        (["--secret", SECRET, "--client-key", KEY] + ["--route", url] * 33, "33 routes"),
    ] + [
        (["--secret", SECRET, "--client-key", KEY, "--route", url, "--key-server", a],
         "key server " + a)
        for a in ["127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "0.0.0.0:8000",
                  "192.0.2.1:80", "localhost:80", "127.0.0.1:80x"]
    ]:
        rc, out, err = run(qc, "probe", *args)
        c(rc == 2 and out == "" and "usage: qshcheck probe" in err,
          "usage error for %s: got %d %s" % (what, rc, err[:200]))


def check_no_corpus(c, qc):
    env = {**os.environ, "QSHCHECK_VECTORS": os.path.join(HERE, "no-such-corpus")}
    p = subprocess.run([qc, "probe", "--secret", SECRET, "--client-key", KEY, "--route",
                        "module=http://127.0.0.1:1/m"], capture_output=True, text=True, env=env,
                       timeout=60)
    c(p.returncode == 3 and p.stdout == "" and "no-such-corpus" in p.stderr,
      "a corpus that cannot be read: exit 3 before anything is sent, got %d %s" %
      (p.returncode, p.stderr))


def main():
    qc = sys.argv[1]
    c = Checks()
    check_usage(c, qc)
    check_no_corpus(c, qc)
    check_wire(c, qc)
    check_unreachable(c, qc)
    check_correct_app(c, qc)
    check_broken_app(c, qc)
    check_signed_installs(c, qc)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
