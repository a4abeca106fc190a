"""Cases for the encoding of every printable ASCII character, form bodies, the product
profile, inputs that cannot be canonicalized, and documented or real-world requests."""

from cases_common import A, T, X, enc

FORM = "application/x-www-form-urlencoded"

# Characters with a meaning of their own when raw in a query: they get cases of their own.
RAW_SPECIAL = {"&", "=", "#", "%", "+"}


def _encoding_flags(c, escaped):
    """The known mistakes a case of character c shows, by the rule each mistake breaks."""
    flags = ["AsciiEncoding"]
    if escaped and c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~":
        flags.append("DoubleEncoded")
    if any(h in enc(c) for h in "ABCDEF") and enc(c) != c:
        flags.append("LowercaseHex")
    flags += {"!": ["SubDelimsUnencoded"], "'": ["SubDelimsUnencoded"], "(": ["SubDelimsUnencoded"],
              ")": ["SubDelimsUnencoded"], "*": ["SubDelimsUnencoded"], "~": ["TildeEncoded"],
              "_": ["UnderscoreEncoded"], " ": ["SpaceAsPlus"]}.get(c, [])
    if c == ";" and not escaped:
        flags.append("SemicolonSeparator")
    return flags


def _encoding_cases():
    cases = []
    printable = [chr(i) for i in range(0x21, 0x7F)]
    for c in [" "] + printable:
        esc = "%%%02X" % ord(c)
        cases.append(T("escaped %r (%s) in a value" % (c, esc), "/e?v=a" + esc + "b", "/e", "v=a" + enc(c) + "b",
                       _encoding_flags(c, True)))
    for c in printable:
        if c in RAW_SPECIAL:
            continue
        cases.append(T("raw %r in a value" % c, "/e?v=a" + c + "b", "/e", "v=a" + enc(c) + "b", _encoding_flags(c, False)))
    for c in [" "] + printable:
        esc = "%%%02X" % ord(c)
        flags = _encoding_flags(c, True)
        if enc(c) != c:
            flags.append("NamesNotEncoded")
        cases.append(T("escaped %r (%s) in a name" % (c, esc), "/e?a" + esc + "b=v", "/e", "a" + enc(c) + "b=v", flags))
    for c in printable:
        if c in RAW_SPECIAL:
            continue
        flags = _encoding_flags(c, False)
        if enc(c) != c:
            flags.append("NamesNotEncoded")
        cases.append(T("raw %r in a name" % c, "/e?a" + c + "b=v", "/e", "a" + enc(c) + "b=v", flags))
    return cases


ENCODING = _encoding_cases() + [
    T("raw '+' in a value is a space", "/e?v=a+b", "/e", "v=a%20b", ["AsciiEncoding", "PlusNotSpace", "SpaceAsPlus"]),
    T("raw '+' in a name is a space", "/e?a+b=v", "/e", "a%20b=v", ["AsciiEncoding", "PlusNotSpace", "SpaceAsPlus"]),
    T("raw '=' in a value is data", "/e?v=a=b", "/e", "v=a%3Db", ["AsciiEncoding", "ValueCutAtSecondEquals"]),
    T("raw '&' ends a value", "/e?v=a&b", "/e", "b=&v=a", ["AsciiEncoding", "ValuelessBare"]),
    T("raw '#' ends the query", "/e?v=a#b", "/e", "v=a", ["AsciiEncoding", "Fragment"]),
    T("lower-case escape of '/'", "/e?v=%2f", "/e", "v=%2F", ["HexCase", "LowercaseHex", "DoubleEncoded"]),
    T("lower-case escape of '~' gives '~'", "/e?v=%7e", "/e", "v=~", ["HexCase", "TildeEncoded", "DoubleEncoded"]),
    T("escaped letter gives the letter", "/e?v=%41", "/e", "v=A", ["HexCase", "DoubleEncoded"]),
    T("mixed-case escape", "/e?v=%2a%2A", "/e", "v=%2A%2A", ["HexCase", "SubDelimsUnencoded", "DoubleEncoded"]),
    T("escaped control character U+0001", "/e?v=%01", "/e", "v=%01", ["AsciiEncoding", "DoubleEncoded"]),
    T("escaped NUL", "/e?v=a%00b", "/e", "v=a%00b", ["AsciiEncoding", "DoubleEncoded"]),
    T("escaped DEL", "/e?v=%7F", "/e", "v=%7F", ["AsciiEncoding", "DoubleEncoded", "LowercaseHex"]),
    T("escaped tab and newline", "/e?v=%09%0A", "/e", "v=%09%0A", ["AsciiEncoding", "DoubleEncoded", "LowercaseHex"]),
    T("JavaScript encodeURIComponent leaves !'()* raw", "/e?q=it's+(very)+fine!*", "/e", "q=it%27s%20%28very%29%20fine%21%2A", ["SubDelimsUnencoded", "PlusNotSpace"]),
]

BODY = [
    T("form POST: body parameters count", "/p", "/p", "a=1&b=2", ["FormBody", "QueryIgnored", "FormBodyIgnored"], method="POST", cmethod="POST", body="a=1&b=2", ct=FORM),
    T("form POST: body and query merge", "/p?b=2", "/p", "a=1&b=2", ["FormBody", "QueryFromBodyOnly", "QueryIgnored", "BodyIgnoredWithQuery", "FormBodyIgnored"], method="POST", cmethod="POST", body="a=1", ct=FORM),
    T("form POST: the same name in body and query", "/p?a=2", "/p", "a=1,2", ["FormBody", "QueryFromBodyOnly", "RepeatedNotJoined", "FormBodyIgnored"], method="POST", cmethod="POST", body="a=1", ct=FORM),
    T("form PUT: Tomcat does not read the body", "/p", "/p", "", ["FormBody", "FormBodyContainer"], method="PUT", cmethod="PUT", body="x=y", ct=FORM),
    T("form POST with a lower-case method: Tomcat does not read the body", "/p", "/p", "", ["FormBody", "FormBodyContainer", "MethodNotUppercased"], method="post", cmethod="POST", body="a=1", ct=FORM),
    T("form POST with a charset parameter", "/p", "/p", "a=1", ["FormBody"], method="POST", cmethod="POST", body="a=1", ct=FORM + "; charset=UTF-8"),
    T("form POST, the media type in other letters: Tomcat does not read the body", "/p", "/p", "", ["FormBody", "FormBodyContainer"], method="POST", cmethod="POST", body="a=1", ct="Application/X-WWW-Form-URLEncoded"),
    T("form POST: blanks around the media type", "/p", "/p", "a=1", ["FormBody"], method="POST", cmethod="POST", body="a=1", ct=" " + FORM + " ;charset=utf-8"),
    T("form POST: '+' in the body is a space", "/p", "/p", "q=a%20b", ["FormBody", "PlusNotSpace"], method="POST", cmethod="POST", body="q=a+b", ct=FORM),
    T("form POST: jwt in the body is dropped", "/p", "/p", "a=1", ["FormBody", "JwtKept"], method="POST", cmethod="POST", body="jwt=abc&a=1", ct=FORM),
    T("form POST: an empty body", "/p?a=1", "/p", "a=1", ["FormBody"], method="POST", cmethod="POST", body="", ct=FORM),
    T("form POST: body values sort with query values", "/p?a=b", "/p", "a=a,b", ["FormBody", "ValuesNotSorted"], method="POST", cmethod="POST", body="a=a", ct=FORM),
    A("form POST: empty pieces in the body", "/p", "/p", "a=1", ["FormBody", "EmptyPiece"], method="POST", cmethod="POST", body="&&a=1&", ct=FORM),
    T("PATCH: a form body does not count", "/p?a=1", "/p", "a=1", ["BodyIgnored"], method="PATCH", cmethod="PATCH", body="b=2", ct=FORM),
    T("GET: a form body does not count", "/p", "/p", "", ["BodyIgnored"], body="b=2", ct=FORM),
    T("POST with a JSON body: the body does not count", "/p", "/p", "", ["BodyIgnored"], method="POST", cmethod="POST", body='{"a":1}', ct="application/json"),
    T("POST with a multipart body: the body does not count", "/p", "/p", "", ["BodyIgnored"], method="POST", cmethod="POST", body="a=1", ct="multipart/form-data; boundary=x"),
    T("POST with a JSON body that has spaces: not parsed", "/p?a=1", "/p", "a=1", ["BodyIgnored"], method="POST", cmethod="POST", body='{"a": "b c"}', ct="application/json"),
    X("form POST: a space in the body", "/p", "QSH_E_BODY_BYTE", ["NotOnTheWire"], method="POST", body="a=b c", ct=FORM),
    X("form POST: raw UTF-8 in the body", "/p", "QSH_E_BODY_BYTE", ["NotOnTheWire"], method="POST", body="a=caf\u00e9", ct=FORM),
    X("form POST: a malformed escape in the body", "/p", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"], method="POST", body="a=%zz", ct=FORM),
    X("form POST: invalid UTF-8 in the body", "/p", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], method="POST", body="a=%FF", ct=FORM),
    # Found by qshcheck fuzz-diff: atlassian-jwt reads the body only when the query has no
    # parameter at all, jwt included.
    T("form POST: a query of only jwt, the body still counts", "/p?jwt=abc", "/p", "a=1", ["FormBody", "BodyIgnoredWithQuery", "JwtKept", "FormBodyIgnored"], method="POST", cmethod="POST", body="a=1", ct=FORM),
]

P = dict(profile="product")
APP = "https://app.example.com"

PRODUCT = [
    T("product: the path is decoded", "/my%20file%28v2%29.png", "/my file(v2).png", "", ["ProductDecodedPath", "ProductPathNotDecoded"], **P),
    T("product: %2F becomes '/'", "/a%2Fb", "/a/b", "", ["ProductDecodedPath", "ProductPathNotDecoded"], **P),
    T("product: %26 decodes to '&', written %26", "/a%26b", "/a%26b", "", ["ProductDecodedPath", "RawAmpersandInPath"], **P),
    T("product: a raw '&' is %26", "/a&b", "/a%26b", "", ["RawAmpersandInPath"], **P),
    T("product: %3F becomes '?'", "/a%3Fb", "/a?b", "", ["ProductDecodedPath", "ProductPathNotDecoded"], **P),
    T("product: %23 becomes '#'", "/a%23b", "/a#b", "", ["ProductDecodedPath", "ProductPathNotDecoded"], **P),
    T("product: '+' in the path stays '+'", "/a+b", "/a+b", "", ["ProductPlusInPath"], **P),
    T("product: %2B becomes '+'", "/a%2Bb", "/a+b", "", ["ProductDecodedPath", "ProductPathNotDecoded"], **P),
    T("product: UTF-8 in the path is hashed as UTF-8", "/caf%C3%A9", "/caf\u00e9", "", ["ProductDecodedPath", "ProductPathNotDecoded", "Utf8"], **P),
    T("product: lower-case escapes", "/a%7eb", "/a~b", "", ["ProductDecodedPath", "ProductPathNotDecoded", "HexCase"], **P),
    T("product: %25 becomes '%'", "/100%25", "/100%", "", ["ProductDecodedPath", "ProductPathNotDecoded"], **P),
    T("product: an escaped trailing '/' is a trailing slash", "/p%2F", "/p", "", ["ProductDecodedPath", "ProductPathNotDecoded", "TrailingSlashKept"], **P),
    T("product: one trailing slash removed", "/p//", "/p/", "", ["AllTrailingSlashesRemoved"], **P),
    T("product: the app base path is stripped", "/connect/page", "/page", "", ["ContextPathNotStripped"], base=APP + "/connect", **P),
    T("product: a decoded base path is stripped", "/my%20app/x%20y", "/x y", "", ["ContextPathNotStripped", "ProductDecodedPath", "ProductPathNotDecoded"], base=APP + "/my%20app", **P),
    T("product: base path written raw, path escaped", "/my%20app/x", "/x", "", ["ContextPathNotStripped"], base=APP + "/my%20app/", **P),
    T("product: base path only on a segment boundary", "/connected/x", "/connected/x", "", ["BasePathStringPrefix"], base=APP + "/connect", **P),
    T("product: query rules are the same", "/p?b=x+y&a=%7e", "/p", "a=~&b=x%20y", ["PlusNotSpace", "TildeEncoded"], **P),
    T("product: jwt is dropped", "/p?jwt=abc&lic=none&xdm_e=https%3A%2F%2Fx.atlassian.net", "/p", "lic=none&xdm_e=https%3A%2F%2Fx.atlassian.net", ["JwtKept"], **P),
    T("product: absolute URL on the app's origin", APP + "/connect/a%20b?x=1", "/a b", "x=1", ["ProductDecodedPath", "ProductPathNotDecoded", "AbsoluteTarget"], base=APP + "/connect", **P),
    X("product: invalid UTF-8 in the path", "/a%FFb", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a malformed escape in the path", "/a%zzb", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"], **P),
    X("product: a base path that is not UTF-8", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base=APP + "/%C3", **P),
    # Found by qshcheck fuzz-diff in atlassian-jwt and atlassian-connect-express, which compare
    # the base path undecoded.
    T("product: base path escaped, path written raw", "/jira-x/issue", "/issue", "", ["ContextPathNotStripped", "ProductDecodedPath", "ProductPathNotDecoded"], base=APP + "/jira%2Dx", **P),
    # The UTF-8 rules on a decoded path (RFC 3629, Unicode table 3-7), at their boundaries.
    T("product: a 3-byte character in the path (U+20AC)", "/%E2%82%AC", "/\u20ac", "", ["ProductDecodedPath", "ProductPathNotDecoded", "Utf8"], **P),
    T("product: the first 3-byte character (U+0800)", "/%E0%A0%80", "/\u0800", "", ["ProductDecodedPath", "ProductPathNotDecoded", "Utf8"], **P),
    T("product: the last character before the surrogates (U+D7FF)", "/%ED%9F%BF", "/\ud7ff", "", ["ProductDecodedPath", "ProductPathNotDecoded", "Utf8"], **P),
    T("product: a 4-byte character in the path (U+1F600)", "/%F0%9F%98%80", "/\U0001F600", "", ["ProductDecodedPath", "ProductPathNotDecoded", "Utf8"], **P),
    T("product: the last code point (U+10FFFF)", "/%F4%8F%BF%BF", "/\U0010FFFF", "", ["ProductDecodedPath", "ProductPathNotDecoded", "Utf8"], **P),
    X("product: an overlong 2-byte form of '/'", "/%C0%AF", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: an overlong 3-byte form", "/%E0%80%AF", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: an overlong 4-byte form", "/%F0%80%80%AF", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a surrogate (U+D800)", "/%ED%A0%80", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: above U+10FFFF", "/%F4%90%80%80", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a byte that never leads (F5)", "/%F5%80%80%80", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a lone continuation byte", "/a%80", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a character cut short", "/%E2%82", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a continuation byte missing before ASCII", "/%E2%82a", "QSH_E_UTF8_INVALID", ["InvalidUtf8"], **P),
    X("product: a base path cut short in UTF-8", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base=APP + "/%E2%82%AC%E2", **P),
]

INVALID = [
    X("empty target", "", "QSH_E_TARGET_EMPTY", ["EmptyTarget"]),
    X("'%zz' in a value", "/p?a=%zz", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'%4' at the end", "/p?a=%4", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("a trailing '%'", "/p?a=%", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'%' in a name", "/p?%=1", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'%%41'", "/p?a=%%41", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'%G1'", "/p?a=%G1", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'%4g'", "/p?a=%4g", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'%+1'", "/p?a=%+1", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("'100%' as sent by a careless client", "/p?discount=100%", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("a malformed escape in a dropped jwt", "/p?jwt=%zz", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("a malformed escape in the server path", "/p%zz", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("a trailing '%' in the server path", "/p%", "QSH_E_PERCENT_MALFORMED", ["MalformedEscape"]),
    X("a space in the path", "/p q", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("a space in the query", "/p?q=a b", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("a tab", "/p\t", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("a newline (request splitting)", "/p?a=1\r\nX-Injected: 1", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("a NUL byte", "/p\u0000x", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("a DEL byte", "/p\u007f", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("a space inside the fragment", "/p#a b", "QSH_E_TARGET_BYTE", ["NotOnTheWire"]),
    X("ftp URL", "ftp://h.example/x", "QSH_E_URL_SCHEME", ["BadAbsoluteUrl"]),
    X("ws URL", "ws://h.example/x", "QSH_E_URL_SCHEME", ["BadAbsoluteUrl"]),
    X("absolute URL without a host", "https:///x", "QSH_E_URL_INVALID", ["BadAbsoluteUrl"]),
    X("absolute URL with userinfo", "https://user:pw@your-domain.atlassian.net/x", "QSH_E_URL_INVALID", ["BadAbsoluteUrl"]),
    X("absolute URL with a port above 65535", "https://h.example:65536/x", "QSH_E_URL_INVALID", ["BadAbsoluteUrl"]),
    X("absolute URL with a port that is not a number", "https://h.example:8a/x", "QSH_E_URL_INVALID", ["BadAbsoluteUrl"]),
    X("absolute URL with an unclosed IPv6 host", "https://[::1/x", "QSH_E_URL_INVALID", ["BadAbsoluteUrl"]),
    X("base URL without a scheme", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="your-domain.atlassian.net/wiki"),
    X("base URL with a query", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="https://h.example/wiki?x=1"),
    X("base URL with a fragment", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="https://h.example/wiki#f"),
    X("base URL with an ftp scheme", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="ftp://h.example/"),
    X("base URL without a host", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="https://"),
    X("base URL with a malformed escape", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="https://h.example/wi%zz"),
    X("base URL with a space", "/x", "QSH_E_BASE_URL_INVALID", ["BadBaseUrl"], base="https://h.example/w iki"),
]

JQL = "project%20%3D%20ABC%20AND%20status%20in%20(%22In%20Progress%22%2C%20Done)%20ORDER%20BY%20created%20DESC"
JQL_C = "project%20%3D%20ABC%20AND%20status%20in%20%28%22In%20Progress%22%2C%20Done%29%20ORDER%20BY%20created%20DESC"

EXAMPLES = [
    T("Atlassian's worked example (spaces sent as %20)",
      "/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202",
      "/path/to/service", "first=param&repeated=parameter%201,parameter%202&zee_last=param",
      ["DocumentedExample", "RepeatedNotJoined", "RepeatedLastWins", "SpaceAsPlus"]),
    T("Atlassian's worked example (spaces sent as '+')",
      "/path/to/service?zee_last=param&repeated=parameter+1&first=param&repeated=parameter+2",
      "/path/to/service", "first=param&repeated=parameter%201,parameter%202&zee_last=param",
      ["DocumentedExample", "PlusNotSpace", "RepeatedFirstWins"]),
    T("documented: POST /user", "/user", "/user", "", ["DocumentedExample"], method="POST", cmethod="POST"),
    T("Jira search with JQL", "/rest/api/2/search?jql=" + JQL + "&maxResults=50&startAt=0&fields=summary,status",
      "/rest/api/2/search", "fields=summary%2Cstatus&jql=" + JQL_C + "&maxResults=50&startAt=0",
      ["SubDelimsUnencoded", "QueryIgnored"], base="https://your-domain.atlassian.net"),
    T("Jira search with JQL sent with '+'", "/rest/api/3/search?jql=assignee+%3D+currentUser()&expand=names",
      "/rest/api/3/search", "expand=names&jql=assignee%20%3D%20currentUser%28%29",
      ["PlusNotSpace", "SubDelimsUnencoded"], base="https://your-domain.atlassian.net"),
    T("Confluence content by space and title", "/wiki/rest/api/content?spaceKey=DEV&title=Release+notes+2.0&expand=body.storage,version",
      "/rest/api/content", "expand=body.storage%2Cversion&spaceKey=DEV&title=Release%20notes%202.0",
      ["ContextPathNotStripped", "PlusNotSpace"], base="https://your-domain.atlassian.net/wiki"),
    T("Confluence CQL search", "/wiki/rest/api/search?cql=text~%22hello%20world%22&limit=10",
      "/rest/api/search", "cql=text~%22hello%20world%22&limit=10",
      ["ContextPathNotStripped", "TildeEncoded"], base="https://your-domain.atlassian.net/wiki"),
    T("iframe URL signed by the product", "/panel?xdm_e=https%3A%2F%2Fyour-domain.atlassian.net&xdm_c=channel-x&cp=%2Fwiki&lic=none&cv=1.0&jwt=abc",
      "/panel", "cp=%2Fwiki&cv=1.0&lic=none&xdm_c=channel-x&xdm_e=https%3A%2F%2Fyour-domain.atlassian.net",
      ["JwtKept"], base="https://app.example.com", profile="product"),
    T("webhook with a user key", "/webhooks/issue-updated?user_id=admin&user_key=admin",
      "/webhooks/issue-updated", "user_id=admin&user_key=admin", ["UnderscoreEncoded"], method="POST", cmethod="POST",
      base="https://app.example.com"),
    T("Bitbucket repository listing", "/api/2.0/repositories/team?q=name~%22core%22&sort=-updated_on&pagelen=25",
      "/api/2.0/repositories/team", "pagelen=25&q=name~%22core%22&sort=-updated_on", ["TildeEncoded"]),
    T("many parameters with repeats and escapes", "/rest/x?expand=a&expand=b&fields=*all&properties=p1&properties=p0&validateQuery=strict",
      "/rest/x", "expand=a,b&fields=%2Aall&properties=p0,p1&validateQuery=strict",
      ["SubDelimsUnencoded", "ValuesNotSorted", "RepeatedNotJoined"]),
]

MAX_TARGET = 1024 * 1024  # QSH_MAX_TARGET_LEN
MAX_BASE = 4096  # QSH_MAX_BASE_URL_LEN
_BASE_AT_LIMIT = "https://h.example/" + "b" * (MAX_BASE - len("https://h.example/"))

LIMITS = [
    X("a target one byte over 1 MiB", "/" + "a" * MAX_TARGET, "QSH_E_TARGET_TOO_LONG", ["TooLong"]),
    X("a base URL one byte over 4096", "/x", "QSH_E_BASE_URL_TOO_LONG", ["TooLong"], base=_BASE_AT_LIMIT + "b"),
    T("a base URL of exactly 4096 bytes", _BASE_AT_LIMIT[len("https://h.example"):] + "/x", "/x", "",
      ["TooLong", "ContextPathNotStripped"], base=_BASE_AT_LIMIT),
    T("about 8 KiB (Tomcat's default header limit): 1024 parameters in reverse order",
      "/p?" + "&".join("k%04d=v" % i for i in range(1023, -1, -1)),
      "/p", "&".join("k%04d=v" % i for i in range(1024)), ["NameOrder", "QueryIgnored", "ParameterLimit1000"]),
]

# Shapes seen in reports from the field. Each expectation is written from the rules.
J = "https://your-domain.atlassian.net"
C = J + "/wiki"
ZEPHYR = "https://prod-api.zephyr4jiracloud.com/connect"
BITBUCKET = "https://api.bitbucket.org"
FIELD = [
    T("Confluence: a later '/wiki' in the path stays", "/wiki/rest/api/space/wiki/content?type=page",
      "/rest/api/space/wiki/content", "type=page", ["FieldReport", "WikiRemovedEverywhere"], base=C),
    T("Confluence: a value holding '/wiki' stays", "/wiki/rest/api/content/search?cql=space%3Dwiki%20AND%20ancestor%3D%2Fwiki",
      "/rest/api/content/search", "cql=space%3Dwiki%20AND%20ancestor%3D%2Fwiki", ["FieldReport"], base=C),
    T("Jira: a path starting with '/wiki' keeps it (no context path)", "/wiki/rest/api/content?limit=1",
      "/wiki/rest/api/content", "limit=1", ["FieldReport", "WikiRemovedEverywhere"], base=J),
    T("Jira: '/wiki' inside a path keeps it", "/rest/api/2/project/DOC/wiki/properties",
      "/rest/api/2/project/DOC/wiki/properties", "", ["FieldReport", "WikiRemovedEverywhere"], base=J),
    T("a value in double quotes keeps them", "/rest/api/2/search?jql=%22Epic%20Link%22%20%3D%20ABC-1",
      "/rest/api/2/search", "jql=%22Epic%20Link%22%20%3D%20ABC-1", ["FieldReport"], base=J),
    T("a value that is all one quoted string keeps its quotes", "/rest/api/2/user/search?query=%22Jane%20Doe%22",
      "/rest/api/2/user/search", "query=%22Jane%20Doe%22", ["FieldReport", "ValuesTrimmedUnquoted"], base=J),
    T("a value padded with spaces keeps them", "/rest/api/2/search?jql=%20project%20%3D%20ABC%20",
      "/rest/api/2/search", "jql=%20project%20%3D%20ABC%20", ["FieldReport", "ValuesTrimmedUnquoted"], base=J),
    T("a value padded with '+' keeps the spaces", "/rest/api/2/groups/picker?query=+dev+",
      "/rest/api/2/groups/picker", "query=%20dev%20", ["FieldReport", "ValuesTrimmedUnquoted", "PlusNotSpace"], base=J),
    T("Confluence attachment: spaces and parentheses under /wiki",
      "/wiki/download/attachments/123456/my%20file%20(1).png?version=1&modificationDate=1700000000000&api=v2",
      "/download/attachments/123456/my%20file%20(1).png", "api=v2&modificationDate=1700000000000&version=1",
      ["FieldReport", "ContextPathNotStripped", "ServerPathDecoded"], base=C),
    T("Confluence attachment: escaped parentheses stay escaped",
      "/wiki/download/attachments/123456/Screen%20Shot%20%282%29.png?api=v2",
      "/download/attachments/123456/Screen%20Shot%20%282%29.png", "api=v2",
      ["FieldReport", "ContextPathNotStripped", "ServerPathDecoded"], base=C),
    T("Confluence attachment REST call with a file name in the query",
      "/wiki/rest/api/content/123456/child/attachment?filename=my%20file%20(1).png&expand=version",
      "/rest/api/content/123456/child/attachment", "expand=version&filename=my%20file%20%281%29.png",
      ["FieldReport", "ContextPathNotStripped", "SubDelimsUnencoded"], base=C),
    T("Zephyr Squad Cloud: the /connect base path is stripped",
      "/connect/public/rest/api/1.0/cycles/search?projectId=10000&versionId=-1",
      "/public/rest/api/1.0/cycles/search", "projectId=10000&versionId=-1", ["FieldReport", "ContextPathNotStripped"], base=ZEPHYR),
    T("Zephyr Squad Cloud: an absolute target on its own origin",
      ZEPHYR + "/public/rest/api/2.0/executions/search/cycle/-1?projectId=10000&versionId=-1&offset=0&size=50",
      "/public/rest/api/2.0/executions/search/cycle/-1", "offset=0&projectId=10000&size=50&versionId=-1",
      ["FieldReport", "ContextPathNotStripped"], base=ZEPHYR),
    T("Bitbucket: a /2.0/ API path on api.bitbucket.org",
      "/2.0/repositories/team/repo/pullrequests?state=OPEN&pagelen=50",
      "/2.0/repositories/team/repo/pullrequests", "pagelen=50&state=OPEN", ["FieldReport", "NameOrder"], base=BITBUCKET),
    T("Bitbucket: escaped braces of UUIDs stay as sent",
      "/2.0/repositories/%7Bworkspace-uuid%7D/%7Brepo-uuid%7D/commits?pagelen=10",
      "/2.0/repositories/%7Bworkspace-uuid%7D/%7Brepo-uuid%7D/commits", "pagelen=10",
      ["FieldReport", "ServerPathDecoded"], base=BITBUCKET),
    T("Bitbucket: a source path with one trailing '/'",
      "/2.0/repositories/team/repo/src/main/docs/",
      "/2.0/repositories/team/repo/src/main/docs", "", ["FieldReport", "TrailingSlashKept"], base=BITBUCKET),
]
