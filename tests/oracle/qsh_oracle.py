"""An independent implementation of SPEC.md section 1, written in Python from the rules and
sharing no code with the C reference, plus a catalogue of the known mistakes of real
implementations (SPEC.md section 3), each a switch that makes the computation go wrong the way
a real library does.

The tests use it two ways: every expectation in the corpus must agree with it, and every
mistake must change the canonical request of at least one `valid` case that names it.
"""

import re

UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
TCHAR = set("!#$%&'*+-.^_`|~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$", re.S)

# The catalogue: flag name -> what the library does wrong.
MISTAKES = {
    "ContextPathNotStripped": "the base URL's path (Confluence's /wiki) is hashed, not stripped",
    "BasePathStringPrefix": "the base path is stripped as a string prefix, not on a segment boundary",
    "ServerPathDecoded": "the server profile hashes the percent-decoded path",
    "ServerPathReencoded": "the server profile decodes the path and encodes it again",
    "AllTrailingSlashesRemoved": "every trailing '/' is removed, not exactly one",
    "TrailingSlashKept": "the trailing '/' is not removed",
    "RawAmpersandInPath": "a '&' in the path is left raw instead of %26",
    "QueryIgnored": "the query is not hashed at all",
    "QueryFromBodyOnly": "parameters are read from the form body only, not from the query",
    "PlusNotSpace": "'+' in the query is taken as a literal plus and sent as %2B",
    "SpaceAsPlus": "a space is encoded as '+' instead of %20",
    "SubDelimsUnencoded": "!'()* are left unencoded (JavaScript encodeURIComponent)",
    "TildeEncoded": "'~' is encoded as %7E",
    "UnderscoreEncoded": "'_' is encoded as %5F",
    "LowercaseHex": "percent-escapes are written with lower-case hex",
    "NamesNotEncoded": "parameter names are written decoded, without percent-encoding",
    "NamesSortedDecoded": "names are sorted by their decoded bytes, not their encoded form",
    "NamesSortedUtf16": "names are sorted by UTF-16 code units of the decoded name",
    "ValuesNotSorted": "repeated values are kept in the order they were sent",
    "ValuesSortedEncoded": "repeated values are sorted by their encoded form",
    "RepeatedLastWins": "only the last value of a repeated parameter is kept",
    "RepeatedFirstWins": "only the first value of a repeated parameter is kept",
    "RepeatedNotJoined": "repeated parameters are written as a=1&a=2, not a=1,2",
    "SemicolonSeparator": "';' is taken as a parameter separator like '&'",
    "ValueCutAtSecondEquals": "a value is cut at its first '=' (a=b=c gives b)",
    "JwtKept": "the jwt parameter is hashed",
    "JwtCaseInsensitive": "parameters named JWT, Jwt... are dropped as well as jwt",
    "ValuelessBare": "a parameter without '=' is written as 'a' instead of 'a='",
    "ValuelessNull": "a parameter without '=' is written as 'a=null'",
    "NumericNamesReordered": "integer-like names go first in numeric order (JavaScript object keys)",
    "NameCharsToUnderscore": "'.' and ' ' in names become '_' (PHP's parse_str)",
    "DoubleEncoded": "already percent-encoded names and values are encoded again",
    "MethodNotUppercased": "the method is hashed in the case it was given",
    # Found in real libraries by this suite, beyond SPEC.md section 3.
    "BodyIgnoredWithQuery": "the form body counts only when the query is empty",
    "BasePathCutByLength": "as many characters as the base path has are cut from the path, unchecked",
    "ProductPathNotDecoded": "the product profile hashes the path as sent instead of decoded",
    "ParameterLimit1000": "only the first 1000 parameters are kept (Node's querystring maxKeys)",
    "EmptyNameKept": "a parameter with an empty name (=v) is hashed instead of dropped",
    "LeadingSlashNotAdded": "the URI is not given a leading '/', nor '/' when it is empty",
}

# The mistakes of SPEC.md section 3; each must be caught by a `valid` case. The others may be
# caught by `acceptable` cases, where the rules leave the reference a choice.
SPEC_MISTAKES = frozenset(list(MISTAKES)[:list(MISTAKES).index("BodyIgnoredWithQuery")])


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


def _encode(b, mistakes, is_name=False):
    if is_name and "NamesNotEncoded" in mistakes:
        return b.decode("utf-8")
    out = []
    for x in b:
        ch = chr(x)
        if x in UNRESERVED and not (
            (ch == "~" and "TildeEncoded" in mistakes) or (ch == "_" and "UnderscoreEncoded" in mistakes)
        ):
            out.append(ch)
        elif ch == " " and "SpaceAsPlus" in mistakes:
            out.append("+")
        elif ch in "!'()*" and "SubDelimsUnencoded" in mistakes:
            out.append(ch)
        else:
            out.append(("%%%02x" if "LowercaseHex" in mistakes else "%%%02X") % x)
    return "".join(out)


def _utf16_key(s):
    return s.encode("utf-16-be")  # byte order of big-endian UTF-16 = code-unit order


def _is_array_index(name):
    return re.fullmatch(r"0|[1-9][0-9]*", name) is not None and int(name) < 2**32 - 1


def _params(data, mistakes, out):
    """Appends (decoded name bytes, decoded value bytes, had '=') for each piece of data."""
    pieces = re.split("[&;]", data) if "SemicolonSeparator" in mistakes else data.split("&")
    if "ParameterLimit1000" in mistakes:
        pieces = [p for p in pieces if p != ""][:1000]
    for piece in pieces:
        if piece == "":
            continue
        had_eq = "=" in piece
        name, _, value = piece.partition("=")
        if "ValueCutAtSecondEquals" in mistakes:
            value = value.split("=")[0]
        plus = "PlusNotSpace" not in mistakes
        dn = _pct_decode(name, plus)
        _utf8(dn)  # the first problem from the left is the one reported
        dv = _pct_decode(value, plus)
        _utf8(dv)
        if "DoubleEncoded" in mistakes:
            dn, dv = name.encode(), value.encode()
        if dn == b"" and "EmptyNameKept" not in mistakes:
            continue
        if "NameCharsToUnderscore" in mistakes:
            dn = dn.replace(b".", b"_").replace(b" ", b"_")
        if "JwtKept" not in mistakes:
            if dn == b"jwt" or ("JwtCaseInsensitive" in mistakes and dn.lower() == b"jwt"):
                continue
        out.append((dn, dv, had_eq))


def canonical(method, target, base_url="", profile="server", body=None, content_type=None, mistakes=()):
    """Returns (method, uri, query) or raises Reject."""
    mistakes = frozenset(mistakes)
    if profile not in ("server", "product"):
        raise Reject("QSH_E_PROFILE_INVALID")
    if method == "":
        raise Reject("QSH_E_METHOD_EMPTY")
    if len(method.encode()) > 64:
        raise Reject("QSH_E_METHOD_TOO_LONG")
    if any(c not in TCHAR for c in method):
        raise Reject("QSH_E_METHOD_INVALID")
    cmethod = method if "MethodNotUppercased" in mistakes else method.upper()

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
    if method.upper() in ("POST", "PUT") and content_type is not None:
        media = content_type.split(";")[0].strip(" \t").lower()
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

    decode_path = (profile == "product" and "ProductPathNotDecoded" not in mistakes) or \
        (profile == "server" and ("ServerPathDecoded" in mistakes or "ServerPathReencoded" in mistakes))
    if decode_path:
        path = _utf8(_pct_decode(path, False))
        try:
            base_path = _utf8(_pct_decode(base_path, False))
        except Reject:
            raise Reject("QSH_E_BASE_URL_INVALID") from None
        if profile == "server" and "ServerPathReencoded" in mistakes:
            path = "".join(c if c == "/" or ord(c) in UNRESERVED else "".join("%%%02X" % x for x in c.encode()) for c in path)
    else:
        _pct_check(path)

    raw_base_path, base_path = base_path, base_path.rstrip("/")
    if base_path and "ContextPathNotStripped" not in mistakes:
        if "BasePathCutByLength" in mistakes:
            path = path[len(raw_base_path):]
        elif "BasePathStringPrefix" in mistakes:
            if path.startswith(base_path):
                path = path[len(base_path) :]
        elif path == base_path or path.startswith(base_path + "/"):
            path = path[len(base_path) :]
    if "AllTrailingSlashesRemoved" in mistakes:
        path = path.rstrip("/")
    elif "TrailingSlashKept" not in mistakes and len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if not path.startswith("/") and "LeadingSlashNotAdded" not in mistakes:
        path = "/" + path
    if "RawAmpersandInPath" not in mistakes:
        path = path.replace("&", "%26")

    params = []
    if "QueryIgnored" not in mistakes and "QueryFromBodyOnly" not in mistakes:
        _params(query, mistakes, params)
    else:  # still a request the server would reject
        _params(query, frozenset(), [])
    if "BodyIgnoredWithQuery" in mistakes and params:
        with_body = False
    if with_body and "QueryIgnored" not in mistakes:
        _params(body, mistakes, params)

    groups = {}
    order = []
    for dn, dv, had_eq in params:
        if dn not in groups:
            groups[dn] = []
            order.append(dn)
        groups[dn].append((dv, had_eq))

    def name_key(dn):
        if "NamesSortedUtf16" in mistakes:
            return (0, _utf16_key(dn.decode()))
        if "NamesSortedDecoded" in mistakes:
            return (0, dn)
        key = _encode(dn, frozenset()).encode()
        if "NumericNamesReordered" in mistakes:
            s = dn.decode()
            return (0, int(s).to_bytes(8, "big")) if _is_array_index(s) else (1, key)
        return (0, key)

    out = []
    for dn in sorted(order, key=name_key):
        values = groups[dn]
        if "ValuesSortedEncoded" in mistakes:
            values = sorted(values, key=lambda v: _encode(v[0], mistakes))
        elif "ValuesNotSorted" not in mistakes:
            values = sorted(values, key=lambda v: _utf16_key(v[0].decode()))
        if "RepeatedLastWins" in mistakes:
            values = values[-1:] if "ValuesNotSorted" in mistakes else [groups[dn][-1]]
        if "RepeatedFirstWins" in mistakes:
            values = [groups[dn][0]]
        name = _encode(dn, mistakes, is_name=True)

        def one(v):
            dv, had_eq = v
            if not had_eq and dv == b"" and "ValuelessBare" in mistakes:
                return name
            if not had_eq and dv == b"" and "ValuelessNull" in mistakes:
                return name + "=null"
            return name + "=" + _encode(dv, mistakes)

        if "RepeatedNotJoined" in mistakes:
            out.extend(one(v) for v in values)
        else:
            first = one(values[0])
            out.append(",".join([first] + [_encode(v[0], mistakes) for v in values[1:]]))
    return cmethod, path, "&".join(out)
