"""What the mock product's tests share: starting `qshcheck mock-product` on a free loopback
port and stopping it on every exit path, signing a Connect JWT here (hmac and hashlib, apart
from the reference), and sending a request with its target exactly as given."""

import base64
import hashlib
import hmac
import json
import os
import select
import signal
import socket
import subprocess
import time


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def qsh_of(canonical):
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign(secret, iss, qsh, iat=None, exp=None):
    """An HS256 Connect JWT with these claims."""
    now = int(time.time())
    iat = now if iat is None else iat
    exp = now + 180 if exp is None else exp
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"iss": iss, "iat": iat, "exp": exp, "qsh": qsh}).encode())
    mac = hmac.new(secret.encode(), (header + "." + claims).encode(), hashlib.sha256).digest()
    return header + "." + claims + "." + b64url(mac)


class MockProduct:
    """`qshcheck mock-product` on 127.0.0.1, any free port; a context manager that stops it
    (SIGTERM, then SIGKILL after a bounded wait) however the block ends."""

    def __init__(self, binary, base_path, app_key, secret, log, *extra, env=None):
        self.binary, self.app_key, self.secret, self.log = binary, app_key, secret, log
        self.base_path = base_path
        self.extra = list(extra)
        self.env = env
        self.proc = None
        self.returncode, self.stderr = None, ""

    def __enter__(self):
        # The base URL's origin does not matter to the server profile: only its path.
        self.base_url = "http://127.0.0.1" + self.base_path
        self.proc = subprocess.Popen(
            [self.binary, "mock-product", "--listen", "127.0.0.1:0", "--base-url",
             self.base_url, "--app-key", self.app_key, "--secret", self.secret, "--log",
             self.log, *self.extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("listening on http://"):
            self.__exit__(None, None, None)
            raise RuntimeError("mock-product did not start: %r" % line)
        self.addr = line.split("http://", 1)[1].strip()
        host, port = self.addr.rsplit(":", 1)
        self.host, self.port = host, int(port)
        return self

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc is not None:
            self.returncode = self.proc.returncode
            self.stderr = self.proc.stderr.read()
            self.proc.stdout.close()
            self.proc.stderr.close()
        return False

    def stopped_cleanly(self):
        """Exit 0 on SIGTERM and nothing on stderr (a sanitizer's report would be there)."""
        return self.returncode == 0 and self.stderr == ""

    def url(self, target):
        return "http://%s%s" % (self.addr, target)

    def log_lines(self):
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]


def raw_request(host, port, data, timeout=10):
    """Sends bytes as they are, reads the whole answer (the server closes: Connection: close
    is the caller's). Returns (status, headers dict with lower-case names, body bytes)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                b = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not b:
                break
            chunks.append(b)
    return parse_response(b"".join(chunks))


def parse_response(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/1."):
        return None, {}, resp
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        name, _, value = ln.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def call(mp, method, target, token=None, headers=(), body=b""):
    """One request with the target byte for byte; Connection: close."""
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s" % mp.addr, "Connection: close"]
    if token is not None:
        lines.append("Authorization: JWT " + token)
    lines += list(headers)
    if body or method in ("POST", "PUT"):
        lines.append("Content-Length: %d" % len(body))
    data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    return raw_request(mp.host, mp.port, data)


def rss_kib(pid):
    """The resident set of a process, in KiB (Linux /proc)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fresh_dir(parent, name):
    path = os.path.join(parent, name)
    os.makedirs(path, exist_ok=True)
    return path
