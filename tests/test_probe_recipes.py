"""The recipes' verifiers behind the probe: each recipe's strict verifier in a tiny app on
loopback, probed on every kind of route, signed installs through the probe's key server
included; a recipe's app must have no failure. (The Python recipe's app is tests/test_probe.py's
subject.) The Go app is built first, offline, into a temporary folder.

usage: test_probe_recipes.py QSHCHECK javascript|go"""

import json
import os
import subprocess
import sys
import tempfile

from probe_apps import app, free_port
from testlib import Checks, run

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET, KEY = "recipe-probe-secret", "tenant-recipe-1"
GO_APP = os.path.join(HERE, "apps", "go")


def build_go(out):
    """Builds tests/apps/go as out/qshprobeapp with the standard library only, offline."""
    env = {**os.environ, "GOCACHE": os.path.join(out, "cache"),
           "GOPATH": os.path.join(out, "path"), "GOFLAGS": "", "GOPROXY": "off",
           "GO111MODULE": "on", "CGO_ENABLED": "0"}
    binary = os.path.join(out, "qshprobeapp")
    subprocess.run(["go", "build", "-trimpath", "-o", binary, "."], cwd=GO_APP, env=env,
                   check=True, timeout=600)
    return [binary]
ROUTES = [("module", "/module"), ("webhook", "/webhook"), ("context", "/context"),
          ("lifecycle", "/installed"), ("lifecycle", "/uninstalled")]


def check_recipe(c, qc, name, argv):
    kport = free_port()
    keys = "http://127.0.0.1:%d" % kport
    with app(argv + ["--secret", SECRET, "--client-key", KEY, "--keys", keys]) as port:
        args = []
        for kind, path in ROUTES:
            args += ["--route", "%s=http://127.0.0.1:%d%s" % (kind, port, path)]
        rc, out, err = run(qc, "probe", "--secret", SECRET, "--client-key", KEY, "--format",
                           "json", "--key-server", "127.0.0.1:%d" % kport, *args, timeout=300)
        doc = json.loads(out) if out.startswith("{") else {"results": []}
        failures = [(r["label"], r["target"][:60], r["status"], r["answer"][:80])
                    for r in doc["results"] if r["failure"]]
        c(rc == 0 and failures == [], "the %s recipe behind the probe: exit %d, failures %s %s" %
          (name, rc, failures[:5], err))
        c(len(doc["results"]) > 400, "%s: %d requests" % (name, len(doc["results"])))
        installs = [r for r in doc["results"] if r["kind"] == "lifecycle" and not r["attack"]]
        c(len(installs) == 2 and all(r["status"] == 200 for r in installs),
          "%s: the signed installs are accepted" % name)


def main():
    qc, recipe = sys.argv[1], sys.argv[2]
    c = Checks()
    with tempfile.TemporaryDirectory(prefix="qshcheck-probe-") as tmp:
        if recipe == "javascript":
            argv = ["node", os.path.join(HERE, "apps", "recipe_js_app.js")]
        elif recipe == "go":
            argv = build_go(tmp)
        else:
            print("unknown recipe %r (javascript or go)" % recipe)
            return 2
        check_recipe(c, qc, recipe, argv)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
