"""An independent implementation of the canonical request of docs/RULES.md, written in Python from the rules and
sharing no code with the C reference. Every expectation in the corpus must agree with it
(tests/check_vectors_independent.py), and random requests must get the same answer from it and
from the reference (tests/test_differential.py).

The catalogue of known mistakes is not here: it is the C one (harness/mistakes/catalogue.h), which
`qshcheck diagnose`, `fuzz-diff` and `serve --mistakes` use.
"""

import re

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
TCHAR = set("!#$%&'*+-.^_`|~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$", re.S)

class Reject(Exception):
    """The input cannot be canonicalized; .status is the reference's status name."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def _wire(s, status):
    if any(not (0x21 <= ord(c) <= 0x7E) for c in s):
        raise Reject(status)


def _pct_check(s, status="QSH_E_PERCENT_MALFORMED"):
    i = 0
    while i < len(s):
        if s[i] == "%":
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", s[i + 1 : i + 3]):
                raise Reject(status)
            i += 3
        else:
            i += 1


def _pct_decode(s, plus_is_space, status="QSH_E_PERCENT_MALFORMED"):
    _pct_check(s, status)
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "%":
            out.append(int(s[i + 1 : i + 3], 16))
            i += 3
            continue
        out += b" " if (c == "+" and plus_is_space) else c.encode("ascii")
        i += 1
    return bytes(out)


def _utf8(b, status="QSH_E_UTF8_INVALID"):
    try:
        return b.decode("utf-8", "strict")  # rejects overlongs, surrogates, > U+10FFFF
    except UnicodeDecodeError:
        raise Reject(status) from None


def _origin(scheme, authority, status_scheme, status_invalid):
    scheme = scheme.lower()
    if scheme not in ("http", "https"):
        raise Reject(status_scheme)
    if authority == "" or "@" in authority:
        raise Reject(status_invalid)
    m = re.fullmatch(r"(\[[^\]]+\]|[^:\[\]]+)(?::([0-9]*))?", authority)
    if not m:
        raise Reject(status_invalid)
    port = {"http": 80, "https": 443}[scheme]
    if m.group(2):
        if int(m.group(2)) > 65535:
            raise Reject(status_invalid)
        port = int(m.group(2))
    return (scheme, m.group(1).lower(), port)


def _encode(b):
    return "".join(chr(x) if x in UNRESERVED else "%%%02X" % x for x in b)


def _utf16_key(s):
    return s.encode("utf-16-be")  # byte order of big-endian UTF-16 = code-unit order


def _params(data, out):
    """Appends (decoded name bytes, decoded value bytes) for each piece of data."""
    for piece in data.split("&"):
        if piece == "":
            continue
        name, _, value = piece.partition("=")
        dn = _pct_decode(name, True)
        _utf8(dn)  # the first problem from the left is the one reported
        dv = _pct_decode(value, True)
        _utf8(dv)
        if dn == b"" or dn == b"jwt":
            continue
        out.append((dn, dv))


def canonical(method, target, base_url="", profile="server", body=None, content_type=None):
    """Returns (method, uri, query) or raises Reject."""
    if profile not in ("server", "product"):
        raise Reject("QSH_E_PROFILE_INVALID")
    if method == "":
        raise Reject("QSH_E_METHOD_EMPTY")
    if len(method.encode()) > 64:
        raise Reject("QSH_E_METHOD_TOO_LONG")
    if any(c not in TCHAR for c in method):
        raise Reject("QSH_E_METHOD_INVALID")
    cmethod = method.upper()

    if target == "":
        raise Reject("QSH_E_TARGET_EMPTY")
    if len(target.encode()) > 1024 * 1024:
        raise Reject("QSH_E_TARGET_TOO_LONG")
    _wire(target, "QSH_E_TARGET_BYTE")

    base_origin, base_path = None, ""
    if base_url:
        if len(base_url.encode()) > 4096:
            raise Reject("QSH_E_BASE_URL_TOO_LONG")
        _wire(base_url, "QSH_E_BASE_URL_INVALID")
        m = ABSOLUTE.match(base_url)
        if not m or "?" in m.group(3) or "#" in m.group(3):
            raise Reject("QSH_E_BASE_URL_INVALID")
        try:
            base_origin = _origin(m.group(1), m.group(2), "x", "x")
        except Reject:
            raise Reject("QSH_E_BASE_URL_INVALID") from None
        base_path = m.group(3)
        _pct_check(base_path, "QSH_E_BASE_URL_INVALID")

    with_body = False
    # As Jira's Tomcat reads a form body: the method exactly POST, the media type exactly
    # application/x-www-form-urlencoded (case-sensitive), before any ';', blanks trimmed.
    if method == "POST" and content_type is not None:
        media = content_type.split(";")[0].strip(" \t")
        if media == "application/x-www-form-urlencoded":
            body = body or ""
            if len(body.encode()) > 4 * 1024 * 1024:
                raise Reject("QSH_E_BODY_TOO_LONG")
            _wire(body, "QSH_E_BODY_BYTE")
            with_body = True

    m = ABSOLUTE.match(target)
    rest = target
    if m:
        origin = _origin(m.group(1), m.group(2), "QSH_E_URL_SCHEME", "QSH_E_URL_INVALID")
        rest = m.group(3)
        if base_origin and origin != base_origin:
            raise Reject("QSH_E_ORIGIN_MISMATCH")
    rest = rest.split("#", 1)[0]
    path, _, query = rest.partition("?")

    if profile == "product":
        path = _utf8(_pct_decode(path, False))
        try:
            base_path = _utf8(_pct_decode(base_path, False))
        except Reject:
            raise Reject("QSH_E_BASE_URL_INVALID") from None
    else:
        _pct_check(path)

    base_path = base_path.rstrip("/")
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path):]
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if not path.startswith("/"):
        path = "/" + path
    path = path.replace("&", "%26")

    params = []
    _params(query, params)
    if with_body:
        _params(body, params)

    groups = {}
    for dn, dv in params:
        groups.setdefault(dn, []).append(dv)
    out = []
    for dn in sorted(groups, key=lambda n: _encode(n).encode()):
        values = sorted(groups[dn], key=lambda v: _utf16_key(v.decode()))
        out.append(_encode(dn) + "=" + ",".join(_encode(v) for v in values))
    return cmethod, path, "&".join(out)
