#!/usr/bin/env python3
"""`qshcheck mock-product` under load: 10,240 signed requests over 64 concurrent connections,
half of them kept alive and half closed after each request. Every tenth request carries a qsh
of another request and must be answered 401 QSH_MISMATCH, the others 200; each request has its
own number, and the log must hold each number exactly once, with the verdict it was answered.
Bounded: every socket has a timeout and the whole run a deadline. Not a speed test (the
benchmark, qshcheck-mock-bench, prints figures).

usage: test_mock_product_load.py QSHCHECK
"""

import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mock_product_lib import MockProduct, parse_response, qsh_of, sign  # noqa: E402
from testlib import Checks  # noqa: E402

BIN = sys.argv[1]
check = Checks()
KEY, SECRET = "com.example.load", "load-secret"
CONNECTIONS, PER_CONNECTION = 64, 160
DEADLINE = 240  # seconds for the whole run


def request_bytes(mp, n, keep_alive):
    target = "/jira/rest/api/2/issue/LOAD-%d?fields=summary&n=%d" % (n, n)
    canonical = "GET&/rest/api/2/issue/LOAD-%d&fields=summary&n=%d" % (n, n)
    wrong = n % 10 == 0
    token = sign(SECRET, KEY, qsh_of(canonical + ("&extra=1" if wrong else "")))
    head = ["GET %s HTTP/1.1" % target, "Host: " + mp.addr, "Authorization: JWT " + token]
    if not keep_alive:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode(), 401 if wrong else 200


def read_response(sock, buf):
    """One response from sock (Content-Length framed); returns (status, headers, rest)."""
    while b"\r\n\r\n" not in buf:
        b = sock.recv(65536)
        if not b:
            raise ConnectionError("closed before the response")
        buf += b
    head, _, rest = buf.partition(b"\r\n\r\n")
    status, headers, _ = parse_response(head + b"\r\n\r\n")
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        b = sock.recv(65536)
        if not b:
            raise ConnectionError("closed within the body")
        rest += b
    return status, headers, rest[length:]


def worker(mp, w, results, errors):
    keep_alive = w % 2 == 0
    sock, buf = None, b""
    try:
        for k in range(PER_CONNECTION):
            n = w * PER_CONNECTION + k
            data, want = request_bytes(mp, n, keep_alive)
            if sock is None:
                sock = socket.create_connection((mp.host, mp.port), timeout=30)
                buf = b""
            sock.sendall(data)
            status, headers, buf = read_response(sock, buf)
            results[n] = (status, want, headers.get("x-qshcheck-reason"))
            if not keep_alive:
                sock.close()
                sock = None
    except (OSError, ValueError) as e:
        errors.append("connection %d: %s" % (w, e))
    finally:
        if sock is not None:
            sock.close()


def main():
    with tempfile.TemporaryDirectory(prefix="qshcheck-load-") as tmp:
        log = os.path.join(tmp, "calls.jsonl")
        with MockProduct(BIN, "/jira", KEY, SECRET, log) as mp:
            results, errors = {}, []
            threads = [threading.Thread(target=worker, args=(mp, w, results, errors))
                       for w in range(CONNECTIONS)]
            start = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(max(1, DEADLINE - (time.monotonic() - start)))
            check(not any(t.is_alive() for t in threads), "the run ends within its deadline")
            check(not errors, "no connection failed: %s" % errors[:3])
            total = CONNECTIONS * PER_CONNECTION
            check(len(results) == total, "%d answers of %d" % (len(results), total))
            wrong = [(n, r) for n, r in results.items() if r[0] != r[1] or
                     (r[1] == 401 and r[2] != "QSH_MISMATCH")]
            check(not wrong, "every answer is the right one (first wrong: %s)" % wrong[:3])
            alive = mp.proc.poll() is None
        check(alive, "the server ran through the load")
        check(mp.stopped_cleanly(), "the server stops cleanly (exit %s, stderr %r)"
              % (mp.returncode, mp.stderr[-500:]))
        calls = [line for line in open(log, encoding="utf-8")]
        seen = {}
        import json
        for line in calls:
            c = json.loads(line)
            n = int(c["request"]["target"].rsplit("=", 1)[1])
            seen.setdefault(n, []).append(c["status"])
        check(len(calls) == total and sorted(seen) == list(range(total)) and
              all(len(v) == 1 for v in seen.values()),
              "the log holds each request exactly once (%d lines)" % len(calls))
        check(all(seen[n][0] == results[n][0] for n in results if n in seen),
              "the log's verdicts are those answered")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
