#!/usr/bin/python3
"""qshcheck adapter for Debian's python3-jira (the `jira` package, module jira.client): its
QshGenerator, called as jira.JIRA does for Atlassian Connect JWT authentication. JIRA takes
the context path from the server URL (urlparse(server).path, or "/"), and requests' JWTAuth
calls the generator with the prepared request, whose URL requests has already normalized.

Run it with Debian's python3 (/usr/bin/python3), where python3-jira is installed.
"""

import json
import sys
from urllib.parse import urlparse

import requests
from jira import __version__ as jira_version
from jira.client import QshGenerator

from debian_version import debian_version

ORIGIN = "https://your-domain.atlassian.net"


def handle(req):
    base = req.get("baseUrl") or ""
    context_path = urlparse(base).path if base else ""
    if not context_path:
        context_path = "/"  # what JIRA's options default to
    target = req["target"]
    if "://" in target.split("?")[0]:
        url = target
    else:
        origin = "{0.scheme}://{0.netloc}".format(urlparse(base)) if base else ORIGIN
        url = origin + (target if target.startswith("/") else "/" + target)
    data, headers = None, {}
    if "body" in req:
        data = req["body"].encode()
        headers["Content-Type"] = req.get("contentType", "")
    prepared = requests.Request(req["method"], url, data=data, headers=headers).prepare()
    gen = QshGenerator(context_path)
    return {"canonicalRequest": gen._generate_qsh(prepared), "qsh": gen(prepared)}


def main():
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("type") == "hello":
            out = {"type": "hello", "protocol": 1, "name": "python3-jira",
                   "version": debian_version("python3-jira", jira_version),
                   "operations": ["canonical", "qsh"], "profiles": ["server"]}
        else:
            try:
                out = {"id": msg["id"], "result": handle(msg)}
            except Exception as e:  # the library's own exceptions are its verdict
                out = {"id": msg["id"], "error": {"status": type(e).__name__, "message": str(e)[:200]}}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
