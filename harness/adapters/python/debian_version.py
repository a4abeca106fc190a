"""The exact version of the Debian package that provides a library under test, for an adapter's
hello: the expected-failure lists are made with one version, and the Debian revision (such as
+deb12u1, a security fix) can change what the library gets wrong."""

import subprocess


def debian_version(package, fallback):
    """The installed version of PACKAGE as dpkg knows it, else FALLBACK (the module's own)."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return fallback
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else fallback
