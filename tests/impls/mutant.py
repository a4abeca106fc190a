#!/usr/bin/env python3
"""A deliberately broken implementation for the negative controls: the independent oracle
(tests/oracle/qsh_oracle.py) making the known mistakes named on the command line, served over
the qshcheck line protocol.

usage: mutant.py MISTAKE[,MISTAKE...]
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
import qsh_oracle  # noqa: E402


def main():
    mistakes = frozenset(m for m in sys.argv[1].split(",") if m) if len(sys.argv) > 1 else frozenset()
    unknown = mistakes - qsh_oracle.MISTAKES.keys()
    if unknown:
        sys.exit("unknown mistakes: " + ", ".join(sorted(unknown)))
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("type") == "hello":
            out = {"type": "hello", "protocol": 1, "name": "mutant " + ",".join(sorted(mistakes)),
                   "version": "1", "operations": ["canonical"]}
        else:
            try:
                parts = qsh_oracle.canonical(msg["method"], msg["target"], msg["baseUrl"], msg["profile"],
                                             msg.get("body"), msg.get("contentType"), mistakes)
                out = {"id": msg["id"], "result": {"canonicalRequest": "&".join(parts)}}
            except qsh_oracle.Reject as r:
                out = {"id": msg["id"], "error": {"status": r.status}}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
