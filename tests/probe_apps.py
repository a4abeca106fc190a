"""Starting the apps the probe tests aim at, and stopping them on every exit path: each app
listens on an ephemeral loopback port and prints it on its first line of stdout."""

import contextlib
import os
import select
import socket
import subprocess

START_SECONDS = 30


@contextlib.contextmanager
def app(argv, env=None):
    """Yields the port of the app that argv starts (with env added to the environment); stops
    it when the block ends."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    try:
        ready, _, _ = select.select([p.stdout], [], [], START_SECONDS)
        line = p.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            raise RuntimeError("%s did not start: %r %s" % (argv, line,
                               p.stderr.read() if p.poll() is not None else ""))
        yield int(line)
    finally:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)
        p.stdout.close()
        p.stderr.close()


def free_port():
    """A loopback port nothing listens on now: for a server started later (the probe's key
    server, whose address the app must be given when it starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
