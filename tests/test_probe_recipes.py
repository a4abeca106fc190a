"""A recipe's verifier behind the probe: the recipe's strict verifier in a tiny app on
loopback (the recipe's "app" in recipes/recipes.json, built by its "appBuild" step first),
probed on every kind of route, signed installs through the probe's key server included; the
app must have no failure, and its signed installs must be accepted.

usage: test_probe_recipes.py QSHCHECK 'APP COMMAND'"""

import json
import shlex
import sys

from probe_apps import app, free_port
from testlib import Checks, run

SECRET, KEY = "recipe-probe-secret", "tenant-recipe-1"
ROUTES = [("module", "/module"), ("webhook", "/webhook"), ("context", "/context"),
          ("lifecycle", "/installed"), ("lifecycle", "/uninstalled")]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    qc, argv = sys.argv[1], shlex.split(sys.argv[2])
    c = Checks()
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
        c(rc == 0 and failures == [], "the recipe behind the probe: exit %d, %d failures %s %s" %
          (rc, len(failures), failures[:5], err[-500:]))
        c(len(doc["results"]) > 400, "%d requests" % len(doc["results"]))
        installs = [r for r in doc["results"] if r["kind"] == "lifecycle" and not r["attack"]]
        c(len(installs) == 2 and all(r["status"] == 200 for r in installs),
          "the signed installs are accepted: %s" % [r["status"] for r in installs])
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
