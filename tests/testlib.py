"""What the Python test scripts share: counting checks the way the C tests do (a failure
prints what broke; the last line is "N passed, N failed"), running qshcheck, and a sample of
the corpus's requests."""

import glob
import json
import os
import subprocess

VECTORS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "vectors")


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: " + what)

    def finish(self):
        """Prints the closing line and returns the exit status."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def run(binary, *args, timeout=300):
    """(exit status, stdout, stderr) of `binary args...`."""
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def sample_valid_requests(keep, per_file):
    """Valid server-profile cases without a body for which keep(case) holds, spread evenly over
    each qsh file, at most per_file from each."""
    out = []
    for name in sorted(glob.glob(os.path.join(VECTORS, "qsh_*.json"))):
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        tests = [t for g in doc["testGroups"] for t in g["tests"]
                 if t["result"] == "valid" and t["profile"] == "server" and "body" not in t
                 and len(t["target"]) < 2000 and keep(t)]
        out += tests[:: max(1, len(tests) // per_file)][:per_file]
    return out
