#!/usr/bin/env python3
"""`qshcheck mock-product` against hostile clients: slow connections (closed after the idle
timeout, held to the connection cap), an oversized request line, header and body (414, 431,
413, a chunked body too), malformed HTTP, disconnects in the middle of a request, and a flood
of connections. Throughout, the server must not crash, a signed request must still be
answered 200, and its resident memory must stay bounded; the figures are printed.

usage: test_mock_product_hostile.py QSHCHECK
"""

import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mock_product_lib import MockProduct, call, qsh_of, raw_request, rss_kib, sign  # noqa: E402
from testlib import Checks  # noqa: E402

BIN = sys.argv[1]
check = Checks()
KEY, SECRET = "com.example.hostile", "hostile-secret"
TIMEOUT, CAP = 2, 100  # --connection-timeout and --max-connections of the server
MAX_RSS_KIB = 256 * 1024  # 100 connections of 32 KiB heads and 256 KiB bodies fit in it


def served(mp, what):
    slug = what.replace(" ", "-")
    t = "/jira/rest/api/2/myself?what=%s" % slug
    st, _, body = call(mp, "GET", t, sign(SECRET, KEY, qsh_of("GET&/rest/api/2/myself&what=%s"
                                                                % slug)))
    check(st == 200, "a signed request is served %s (got %s %r)" % (what, st, body[:80]))


def alive(mp, what):
    check(mp.proc.poll() is None, "the server is running %s" % what)


def open_slow(mp, n):
    """n connections that send half a request line and stop."""
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection((mp.host, mp.port), timeout=10)
            s.sendall(b"GET /jira/rest/api/2/slow")
            socks.append(s)
        except OSError:
            break
    return socks


def closed_within(sock, seconds):
    """Whether the server closes sock within seconds."""
    sock.settimeout(seconds)
    try:
        while True:
            b = sock.recv(4096)
            if not b:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def slow_clients(mp):
    socks = open_slow(mp, CAP - 10)
    try:
        served(mp, "beside 90 slow connections")
        start = time.monotonic()
        closed = all(closed_within(s, TIMEOUT + 5) for s in socks[:5])
        check(closed, "slow connections are closed after the idle timeout (%.1f s)"
              % (time.monotonic() - start))
    finally:
        for s in socks:
            s.close()
    served(mp, "after the slow connections")


def connection_cap(mp):
    """CAP + 50 slow connections: those beyond the cap wait in the listen backlog, and a
    signed request is answered once the idle timeout has freed slots, within a bound."""
    socks = open_slow(mp, CAP + 50)
    try:
        time.sleep(0.5)
        print("rss with %d connections open: %d KiB" % (len(socks), rss_kib(mp.proc.pid)))
        start = time.monotonic()
        served(mp, "while the cap is reached")
        waited = time.monotonic() - start
        print("a signed request beside %d slow connections was answered in %.1f s"
              % (len(socks), waited))
        check(waited < 3 * TIMEOUT + 2, "answered within three idle timeouts (%.1f s)" % waited)
    finally:
        for s in socks:
            s.close()
    served(mp, "after the cap was reached")


def oversized(mp):
    st, _, _ = call(mp, "GET", "/jira/" + "a" * 100000)
    check(st == 414, "a 100 KB request line: 414 (got %s)" % st)
    st, _, _ = call(mp, "GET", "/jira/x", headers=["X-Big: " + "b" * 40000])
    check(st == 431, "a 40 KB header: 431 (got %s)" % st)
    st, _, _ = call(mp, "GET", "/jira/x", headers=["X-%d: v" % i for i in range(200)])
    check(st == 431, "200 header fields: 431 (got %s)" % st)
    st, _, _ = call(mp, "POST", "/jira/x", headers=["Content-Type: text/plain"],
                    body=b"x" * 300000)
    check(st == 413, "a 300 KB body: 413 (got %s)" % st)
    chunk = b"10000\r\n" + b"y" * 65536 + b"\r\n"
    st, _, _ = raw_request(mp.host, mp.port,
                           b"POST /jira/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                           b"Connection: close\r\n\r\n" + chunk * 5 + b"0\r\n\r\n")
    check(st == 413, "a 320 KB chunked body: 413 (got %s)" % st)
    st, _, _ = call(mp, "POST", "/jira/x", headers=["Content-Type: text/plain"],
                    body=b"x" * 200000)
    check(st == 401, "a 200 KB body, within the limit, is verified: 401 (got %s)" % st)


def malformed(mp):
    answers = {}
    for name, data in [
            ("no version", b"GARBAGE\r\n\r\n"),
            ("binary", b"\x00\xff\x01\x02binary\r\n\r\n"),
            ("HTTP/9.9", b"GET /jira/x HTTP/9.9\r\nHost: a\r\n\r\n"),
            ("no Host", b"GET /jira/x HTTP/1.1\r\n\r\n"),
            ("a space in the target", b"GET /jira/a b HTTP/1.1\r\nHost: a\r\n\r\n"),
            ("a header without colon", b"GET /jira/x HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"),
            ("a bad Content-Length", b"POST /jira/x HTTP/1.1\r\nHost: a\r\nContent-Length: -5"
                                     b"\r\n\r\n"),
            ("a bad chunk size", b"POST /jira/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
                                 b"chunked\r\n\r\nzz\r\n"),
            ("bare LF", b"GET /jira/x HTTP/1.1\nHost: a\n\n"),
            ("a NUL in the target", b"GET /jira/\x00x HTTP/1.1\r\nHost: a\r\n\r\n")]:
        start = time.monotonic()
        st, _, _ = raw_request(mp.host, mp.port, data, timeout=TIMEOUT + 5)
        answers[name] = (st, round(time.monotonic() - start, 1))
        check(st in (None, 400, 401, 404, 413, 505) and st != 200,
              "%s: refused or closed, not accepted (got %s)" % (name, st))
    print("malformed requests (status, seconds to close): %s" % answers)
    alive(mp, "after malformed requests")
    served(mp, "after malformed requests")


def disconnects(mp):
    for data in [b"GET /jira/rest", b"GET /jira/x HTTP/1.1\r\nHost: a\r\nAuthoriz",
                 b"POST /jira/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nabc"]:
        for _ in range(50):
            s = socket.create_connection((mp.host, mp.port), timeout=10)
            s.sendall(data)
            s.close()
    alive(mp, "after 150 disconnects mid-request")
    served(mp, "after disconnects mid-request")


def flood(mp):
    start = time.monotonic()
    opened = 0
    for _ in range(3000):
        try:
            s = socket.create_connection((mp.host, mp.port), timeout=10)
            s.close()
            opened += 1
        except OSError:
            pass
    print("flood: %d connections opened and closed in %.1f s" % (opened,
                                                              time.monotonic() - start))
    alive(mp, "after a flood of 3000 connections")
    served(mp, "after a flood")


def main():
    with tempfile.TemporaryDirectory(prefix="qshcheck-hostile-") as tmp:
        # Under AddressSanitizer freed memory is held in a quarantine, which would count as
        # growth: without it, the resident set measures the server's own memory.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0"
        with MockProduct(BIN, "/jira", KEY, SECRET, os.path.join(tmp, "calls.jsonl"),
                         "--connection-timeout", str(TIMEOUT), "--max-connections",
                         str(CAP), env=env) as mp:
            rss0 = rss_kib(mp.proc.pid)
            served(mp, "at first")
            peaks = []
            for round_ in range(2):  # twice: memory must not keep growing
                slow_clients(mp)
                connection_cap(mp)
                oversized(mp)
                malformed(mp)
                disconnects(mp)
                flood(mp)
                peaks.append(rss_kib(mp.proc.pid))
            print("rss: %d KiB at start, %d KiB after the first round, %d KiB after the second"
                  % (rss0, peaks[0], peaks[1]))
            check(max(peaks) < MAX_RSS_KIB, "resident memory stays under %d KiB" % MAX_RSS_KIB)
            check(peaks[1] - peaks[0] < 16 * 1024,
                  "a second round grows memory by under 16 MiB (%d KiB)" % (peaks[1] - peaks[0]))
            alive(mp, "at the end")
        check(mp.stopped_cleanly(), "the server stops cleanly on SIGTERM (exit %s, stderr %r)"
              % (mp.returncode, mp.stderr[-500:]))
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
