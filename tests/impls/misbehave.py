#!/usr/bin/env python3
"""A protocol implementation that misbehaves on purpose, to test the harness: it answers with
the independent oracle, except on targets containing a trigger word:

  CRASH   kills itself with SIGSEGV      EXIT     exits with status 3
  HANG    sleeps forever                 GARBAGE  prints a line that is not JSON
  WRONGID answers with another id        FLOOD    prints 80 MiB without a newline
  NOANSWER answers nothing (and goes on) SKIPME   answers "skipped"
  CLOSEOUT closes its stdout and sleeps
  VERIFYSHAPED answers {"result":{"valid":true}}

With --bad-hello it answers the hello with garbage; with --slow-start it waits 2 s first;
with --record FILE it appends every line it reads and writes to FILE ("< " and "> " first).
Breaking the protocol between answers: --blank-after writes a blank line after each answer,
--twice writes each answer twice, --next-id also answers the next id, --no-flush never flushes.
--delay S waits S seconds before each answer. --pidfile FILE starts `sleep 120` as its child
and writes its own pid and the child's to FILE, one a line; --background does the same with
the child holding stdout open, as `sleep 120 & exec prog` would.
"""

import json
import os
import signal
import subprocess
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
    if "CLOSEOUT" in t:
        sys.stdout.flush()
        os.close(1)
        time.sleep(3600)
    rid = req["id"] + (1000 if "WRONGID" in t else 0)
    if "SKIPME" in t:
        return json.dumps({"id": rid, "skipped": "not today"})
    if "VERIFYSHAPED" in t:
        return json.dumps({"id": rid, "result": {"valid": True}})
    try:
        m, u, q = qsh_oracle.canonical(req["method"], t, req.get("baseUrl", ""), req["profile"],
                                       req.get("body"), req.get("contentType"))
        return json.dumps({"id": rid, "result": {"canonicalRequest": "&".join([m, u, q])}})
    except qsh_oracle.Reject as r:
        return json.dumps({"id": rid, "error": {"status": r.status}})


def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


RECORD = option("--record")
UNFLUSHED = []


def record(prefix, line):
    if RECORD:
        with open(RECORD, "a") as f:
            f.write(prefix + line.rstrip("\n") + "\n")


def start_child():
    """A child in the program's process group; with --background it holds stdout open."""
    path = option("--pidfile") or option("--background")
    if path is None:
        return
    out = None if "--background" in sys.argv else subprocess.DEVNULL
    child = subprocess.Popen(["sleep", "120"], stdin=subprocess.DEVNULL, stdout=out)
    with open(path + ".tmp", "w") as f:
        f.write("%d\n%d\n" % (os.getpid(), child.pid))
    os.rename(path + ".tmp", path)


def send(out, req):
    """Writes one answer, broken between answers as the options ask."""
    if "--delay" in sys.argv:
        time.sleep(float(option("--delay")))
    text = out + "\n"
    if "--twice" in sys.argv:
        text += out + "\n"
    if "--blank-after" in sys.argv:
        text += "\n"
    if "--next-id" in sys.argv:
        text += json.dumps({"id": req["id"] + 1, "error": {"status": "EARLY"}}) + "\n"
    if "--no-flush" in sys.argv:
        UNFLUSHED.append(text)  # as a buffer that is never flushed (whatever PYTHONUNBUFFERED says)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def main():
    if "--slow-start" in sys.argv:
        time.sleep(2)
    start_child()
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
            send(out, req)
        elif not sys.stdout.closed and "--no-flush" not in sys.argv:
            sys.stdout.flush()


if __name__ == "__main__":
    main()
