#!/usr/bin/env python3
"""A protocol implementation that misbehaves on purpose, to test the harness: it answers with
the independent oracle, except on targets containing a trigger word:

  CRASH   kills itself with SIGSEGV      EXIT     exits with status 3
  HANG    sleeps forever                 GARBAGE  prints a line that is not JSON
  WRONGID answers with another id        FLOOD    prints 80 MiB without a newline
  NOANSWER answers nothing (and goes on) SKIPME   answers "skipped"

With --bad-hello it answers the hello with garbage; with --slow-start it waits 2 s first;
with --record FILE it appends every line it reads and writes to FILE ("< " and "> " first).
"""

import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
import qsh_oracle  # noqa: E402


def answer(req):
    t = req["target"]
    if "CRASH" in t:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "EXIT" in t:
        sys.exit(3)
    if "HANG" in t:
        time.sleep(3600)
    if "GARBAGE" in t:
        return "this is not json"
    if "FLOOD" in t:
        chunk = "x" * (1 << 20)
        for _ in range(80):
            sys.stdout.write(chunk)
        return None
    if "NOANSWER" in t:
        return None
    rid = req["id"] + (1000 if "WRONGID" in t else 0)
    if "SKIPME" in t:
        return json.dumps({"id": rid, "skipped": "not today"})
    try:
        m, u, q = qsh_oracle.canonical(req["method"], t, req.get("baseUrl", ""), req["profile"],
                                       req.get("body"), req.get("contentType"))
        return json.dumps({"id": rid, "result": {"canonicalRequest": "&".join([m, u, q])}})
    except qsh_oracle.Reject as r:
        return json.dumps({"id": rid, "error": {"status": r.status}})


RECORD = sys.argv[sys.argv.index("--record") + 1] if "--record" in sys.argv else None


def record(prefix, line):
    if RECORD:
        with open(RECORD, "a") as f:
            f.write(prefix + line.rstrip("\n") + "\n")


def main():
    if "--slow-start" in sys.argv:
        time.sleep(2)
    for line in sys.stdin:
        record("< ", line)
        req = json.loads(line)
        if req.get("type") == "hello":
            if "--bad-hello" in sys.argv:
                print("hello?", flush=True)
                continue
            hello = json.dumps({"type": "hello", "protocol": 1, "name": "misbehave", "version": "1",
                                "operations": ["canonical"]})
            record("> ", hello)
            print(hello, flush=True)
            continue
        out = answer(req)
        if out is not None:
            record("> ", out)
            print(out, flush=True)
        else:
            sys.stdout.flush()


if __name__ == "__main__":
    main()
