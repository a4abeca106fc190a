"""The query string hash (qsh) of an Atlassian Connect request, from the rules in docs/RULES.md.

    from connect_qsh import qsh
    qsh("GET", "/wiki/rest/api/content?limit=10", "https://your-domain.atlassian.net/wiki")

Python 3 standard library only. Anything the rules cannot canonicalize raises QshError, whose
status names the problem (the reference library's status names).
"""

import hashlib
import re
from urllib.parse import quote, unquote_to_bytes

MAX_METHOD = 64
MAX_TARGET = 1024 * 1024
MAX_BASE_URL = 4096
MAX_BODY = 4 * 1024 * 1024

# RFC 9110 section 5.6.2: a method is a token.
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Only visible ASCII can be sent in a request line or a form body (RFC 9112 section 3.2): a
# space, a control or a non-ASCII character is rejected rather than encoded by guess.
ON_THE_WIRE = re.compile(r"[\x21-\x7e]*")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
ABSOLUTE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)(.*)", re.S)
AUTHORITY = re.compile(r"(\[[^\]]*\]|[^:\[\]]+)(?::([0-9]*))?")
DEFAULT_PORTS = {"http": 80, "https": 443}
FORM = "application/x-www-form-urlencoded"


class QshError(ValueError):
    """The request cannot be canonicalized; status says why."""

    def __init__(self, status, message=""):
        super().__init__(message or status)
        self.status = status


def qsh(method, target, base_url="", profile="server", body=None, content_type=None):
    """Lowercase hex SHA-256 of the canonical request."""
    canonical = canonical_request(method, target, base_url, profile, body, content_type)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def canonical_request(method, target, base_url="", profile="server", body=None, content_type=None):
    """METHOD&URI&QUERY. profile "server" hashes the path as sent (what a product computes for
    an app's call); "product" hashes the percent-decoded path (what a product signs when it
    calls an app). body counts only for POST with exactly the form media type."""
    if profile not in ("server", "product"):
        raise QshError("QSH_E_PROFILE_INVALID", "profile must be server or product")
    method = _method(method)
    base_origin, base_path = _base_url(base_url)
    form = _form_body(method, body, content_type)
    path, query = _split_target(target, base_origin)
    if profile == "product":
        path = _decode(path, plus_is_space=False)
        try:
            base_path = _decode(base_path, plus_is_space=False)
        except QshError:
            raise QshError("QSH_E_BASE_URL_INVALID", "the base URL's path is not UTF-8") from None
    elif BAD_ESCAPE.search(path):
        raise QshError("QSH_E_PERCENT_MALFORMED", "a % without two hex digits in the path")
    params = parameters(query)
    if form is not None:
        params += parameters(form)  # merged with the query's, as a servlet's parameter map is
    # The token itself is not hashed: drop the name exactly jwt (JWT is just a parameter).
    params = [(name, value) for name, value in params if name != "jwt"]
    return "&".join((method.upper(), _canonical_uri(path, base_path), _canonical_query(params)))


def _method(method):
    if method == "":
        raise QshError("QSH_E_METHOD_EMPTY", "empty method")
    if len(method.encode("utf-8")) > MAX_METHOD:
        raise QshError("QSH_E_METHOD_TOO_LONG", "method over %d bytes" % MAX_METHOD)
    if not TOKEN.fullmatch(method):
        raise QshError("QSH_E_METHOD_INVALID", "the method is not an HTTP token")
    return method  # upper-cased by ASCII rules later: str.upper() of ASCII is locale-free


def _origin(scheme, authority):
    """(scheme, host, port) of an absolute http(s) URL, or None when it is not one."""
    scheme = scheme.lower()
    m = AUTHORITY.fullmatch(authority)  # no match for "", for userinfo (@) and for bad brackets
    if scheme not in DEFAULT_PORTS or not m or "@" in authority:
        return None
    port = int(m.group(2)) if m.group(2) else DEFAULT_PORTS[scheme]
    return None if port > 65535 else (scheme, m.group(1).lower(), port)


def _base_url(base_url):
    """The origin and path of the base URL ("" for none)."""
    if base_url == "":
        return None, ""
    if len(base_url.encode("utf-8")) > MAX_BASE_URL:
        raise QshError("QSH_E_BASE_URL_TOO_LONG", "base URL over %d bytes" % MAX_BASE_URL)
    m = ABSOLUTE.fullmatch(base_url) if ON_THE_WIRE.fullmatch(base_url) else None
    origin = m and _origin(m.group(1), m.group(2))
    if not origin or "?" in m.group(3) or "#" in m.group(3) or BAD_ESCAPE.search(m.group(3)):
        raise QshError("QSH_E_BASE_URL_INVALID", "the base URL is not an absolute http(s) URL")
    return origin, m.group(3)


def _form_body(method, body, content_type):
    """The body when it holds form parameters, else None. As Jira's Tomcat reads it: only for
    the method exactly POST, the media type exactly (case-sensitive) the form type."""
    if method != "POST" or content_type is None:
        return None
    if content_type.split(";")[0].strip(" \t") != FORM:
        return None
    body = body or ""
    if len(body.encode("utf-8")) > MAX_BODY:
        raise QshError("QSH_E_BODY_TOO_LONG", "body over %d bytes" % MAX_BODY)
    if not ON_THE_WIRE.fullmatch(body):
        raise QshError("QSH_E_BODY_BYTE", "a space, control or non-ASCII character in the body")
    return body


def _split_target(target, base_origin):
    """The path and the raw query of the request target (origin or absolute form)."""
    if target == "":
        raise QshError("QSH_E_TARGET_EMPTY", "empty request target")
    if len(target.encode("utf-8")) > MAX_TARGET:
        raise QshError("QSH_E_TARGET_TOO_LONG", "target over %d bytes" % MAX_TARGET)
    if not ON_THE_WIRE.fullmatch(target):
        raise QshError("QSH_E_TARGET_BYTE", "a space, control or non-ASCII character in the target")
    m = ABSOLUTE.fullmatch(target)
    if m:
        if m.group(1).lower() not in DEFAULT_PORTS:
            raise QshError("QSH_E_URL_SCHEME", "an absolute target that is not http(s)")
        origin = _origin(m.group(1), m.group(2))
        if origin is None:
            raise QshError("QSH_E_URL_INVALID", "an absolute target with a bad host or port")
        # Its path cannot be made relative to a base URL on another origin.
        if base_origin and origin != base_origin:
            raise QshError("QSH_E_ORIGIN_MISMATCH", "the target is on another origin")
        target = m.group(3)
    path, _, query = target.partition("#")[0].partition("?")
    return path, query


def _canonical_uri(path, base_path):
    # The base path goes only on a segment boundary: /wiki/x -> /x, /wiki -> "", /wikipedia stays.
    base_path = base_path.rstrip("/")
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path):]
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]  # exactly one trailing slash: /p// -> /p/
    if not path.startswith("/"):
        path = "/" + path
    # A raw & in the path would read as a parameter separator of the canonical request.
    return path.replace("&", "%26")


def _decode(text, plus_is_space):
    """The percent-decoded text, whose bytes must be UTF-8."""
    if BAD_ESCAPE.search(text):
        raise QshError("QSH_E_PERCENT_MALFORMED", "a % without two hex digits")
    if plus_is_space:
        text = text.replace("+", " ")  # before unescaping, so %2B stays a +
    try:
        # Strict: overlongs, surrogates, beyond U+10FFFF, cut short all fail (no U+FFFD).
        return unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        raise QshError("QSH_E_UTF8_INVALID", "decoded bytes that are not UTF-8") from None


def parameters(data):
    """The (name, value) strings of a raw query or form body, decoded as form data."""
    params = []
    for piece in data.split("&"):  # only &: a ; is data
        if piece == "":
            continue  # &&, a leading or trailing &
        name, _, value = piece.partition("=")  # the first = splits; "a" is a=""
        name = _decode(name, plus_is_space=True)
        value = _decode(value, plus_is_space=True)
        if name != "":  # an empty name is dropped, as Tomcat does
            params.append((name, value))
    return params


def _encode(text):
    # Every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX in upper case: space is %20, + is %2B.
    return quote(text.encode("utf-8"), safe="")


def _canonical_query(params):
    groups = {}
    for name, value in params:
        groups.setdefault(_encode(name), []).append(value)
    pieces = []
    # Names sort by their encoded bytes (ASCII, so str order is byte order).
    for name, values in sorted(groups.items()):
        # Values sort by their decoded text in UTF-16 code units, as Java's String.compareTo
        # does (big-endian UTF-16 bytes sort the same way); Python's code-point order differs
        # for characters above U+FFFF against U+E000 to U+FFFF.
        values.sort(key=lambda value: value.encode("utf-16-be"))
        pieces.append(name + "=" + ",".join(_encode(value) for value in values))
    return "&".join(pieces)
