"""The line protocol of a token adapter (harness/protocol/PROTOCOL.md): answer the hello, then
each verify request, one JSON line in and one out, flushed. Shared by the PyJWT adapters."""

import json
import sys


def serve_verify(hello, verify, takes, skip_reason):
    """hello: the hello's name and version; verify(request) raises on a token it refuses;
    takes(request) says whether this adapter verifies the request's kind of token, and the
    others are answered skipped with skip_reason."""
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("type") == "hello":
            out = dict({"type": "hello", "protocol": 1}, **hello, operations=["verify"])
        elif not takes(msg):
            out = {"id": msg["id"], "skipped": skip_reason}
        else:
            try:
                verify(msg)
                out = {"id": msg["id"], "result": {"valid": True}}
            except Exception as e:  # PyJWT's exceptions, and the adapter's own checks
                out = {"id": msg["id"], "error": {"status": type(e).__name__, "message": str(e)[:200]}}
        print(json.dumps(out), flush=True)
