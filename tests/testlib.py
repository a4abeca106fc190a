"""What the Python test scripts share: counting checks the way the C tests do (a failure
prints what broke; the last line is "N passed, N failed"), and running qshcheck."""

import subprocess


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
