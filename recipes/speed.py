#!/usr/bin/env python3
"""A benchmark: qsh per second of each recipe and of the reference, on the benchmark mix
(harness/bench/requests.json), through the line protocol. Each implementation gets the same
requests over a pipe, pipelined in windows of 64, and the time from the first request sent to
the last answer read is taken, best of ROUNDS rounds; the reference is libqsh through
`qshcheck plugin-host` and the reference plugin, so pipe and JSON costs are the same for all.
These figures are measured, printed and, with --write, stored in recipes/speed.json for
docs/recipes.md; no test asserts them (a shared machine is noisy: compare the ratios).

    python3 recipes/speed.py [--build build] [--write]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REQUESTS = 20000
ROUNDS = 3
WINDOW = 64


def mix():
    with open(os.path.join(ROOT, "harness", "bench", "requests.json"), encoding="utf-8") as f:
        reqs = json.load(f)["requests"]
    lines = []
    for i in range(REQUESTS):
        r = reqs[i % len(reqs)]
        msg = {"id": i + 1, "op": "qsh", "method": r["method"], "target": r["target"],
               "baseUrl": r.get("baseUrl", ""), "profile": r.get("profile", "server")}
        for k in ("body", "contentType"):
            if k in r:
                msg[k] = r[k]
        lines.append((json.dumps(msg) + "\n").encode())
    return lines


def measure(command, lines):
    """Best qsh per second over ROUNDS runs of the program."""
    best = 0.0
    for _ in range(ROUNDS):
        p = subprocess.Popen(command, shell=True, cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            p.stdin.write(b'{"type":"hello","protocol":1}\n')
            p.stdin.flush()
            if not p.stdout.readline():
                raise SystemExit("%s: no hello" % command)
            start = time.perf_counter()
            sent = read = 0
            while read < len(lines):
                while sent < len(lines) and sent - read < WINDOW:
                    p.stdin.write(lines[sent])
                    sent += 1
                p.stdin.flush()
                answer = p.stdout.readline()
                if not answer or b'"error"' in answer:
                    raise SystemExit("%s: request %d failed: %r" % (command, read + 1, answer[:200]))
                read += 1
            best = max(best, len(lines) / (time.perf_counter() - start))
        finally:
            p.stdin.close()
            p.kill()
            p.wait()
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    with open(os.path.join(HERE, "recipes.json"), encoding="utf-8") as f:
        rs = json.load(f)["recipes"]
    lines = mix()
    figures = {"reference": measure("'%s/bin/qshcheck' plugin-host '%s/lib/ref_plugin.so'"
                                    % (build, build), lines)}
    print("%-12s %10.0f qsh/s" % ("reference", figures["reference"]))
    for r in rs:
        if "build" in r:
            subprocess.run(r["build"].replace("@BUILD@", build), shell=True, cwd=ROOT, check=True,
                           capture_output=True, timeout=900)
        figures[r["id"]] = measure(r["command"].replace("@BUILD@", build), lines)
        print("%-12s %10.0f qsh/s  (%.2f of the reference)"
              % (r["id"], figures[r["id"]], figures[r["id"]] / figures["reference"]))
    if args.write:
        doc = {"about": "Measured by `python3 recipes/speed.py --write` on %s (%s): %d requests "
                        "of the benchmark mix through the line protocol, pipelined 64 deep, best of %d. "
                        "Each figure includes reading and writing a JSON line per request; the "
                        "reference's own speed, in process, is in docs/PERFORMANCE.md."
                        % (platform.processor() or platform.machine(), platform.system(), REQUESTS, ROUNDS),
               "figures": {k: round(v) for k, v in figures.items()}}
        with open(os.path.join(HERE, "speed.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
