"""The glossary of flags shared by every qsh vector file. Each file carries the entries of the
flags it uses. bugType: KNOWN_MISTAKE (docs/RULES.md, Known mistakes: a real library got this wrong),
BASIC (the plain rule), EDGE_CASE (a corner of the rules), DECISION (the sources leave it
open; the reference's choice), DOCUMENTED (an example from Atlassian's documentation)."""

SPEC = "docs/RULES.md#the-canonical-request"
SERVERS = "docs/RULES.md#what-the-servers-compute"
DECISIONS = "docs/RULES.md#decisions"
JWT_DOC = "https://developer.atlassian.com/cloud/jira/platform/understanding-jwt-for-connect-apps/"
BB_DOC = "https://developer.atlassian.com/cloud/bitbucket/query-string-hash/"
TOMCAT = "https://tomcat.apache.org/tomcat-9.0-doc/api/org/apache/tomcat/util/http/Parameters.html"

M = "KNOWN_MISTAKE"


def note(bug_type, description, *links):
    return {"bugType": bug_type, "description": description, "links": list(links)}


NOTES = {
    # Known mistakes of real implementations (docs/RULES.md, Known mistakes).
    "ContextPathNotStripped": note(M, "The base URL's path (Confluence Cloud's /wiki) is hashed instead of stripped: /wiki/rest/api/content hashes as /rest/api/content.", JWT_DOC),
    "BasePathStringPrefix": note(M, "The base path is stripped as a string prefix: /wikipedia/x loses '/wiki'. It must be stripped only on a segment boundary.", BB_DOC),
    "BasePathCutByLength": note(M, "As many characters as the base path has are cut from the path without checking that the path starts with it: /rest/api/2/myself under /wiki loses '/rest' (python3-jira's QshGenerator).", SPEC),
    "WikiRemovedEverywhere": note(M, "Every '/wiki' is removed from the path, wherever it is and whatever the base URL (str_replace('/wiki', '', $path), as two PHP Connect libraries do): /wiki/rest/api/space/wiki/content hashes as /rest/api/space/content.", JWT_DOC),
    "ValuesTrimmedUnquoted": note(M, "A value loses its surrounding blanks and one pair of double quotes, as an HTTP header-value parser applied to a query string does: jql=%22a%20b%22 hashes as a%20b.", JWT_DOC),
    "FormBodyIgnored": note(M, "The parameters of an application/x-www-form-urlencoded body of a POST are not hashed (atlassian-jwt's createQueryStringHash without checkBodyForParams, its default); a servlet merges them with the query's.", SPEC),
    "BodyIgnoredWithQuery": note(M, "The form body counts only when the query has no parameter at all, jwt included (atlassian-jwt's checkBodyForParams); a servlet merges both.", SPEC),
    "ParameterLimit1000": note(M, "Only the first 1000 parameters are kept, as Node's querystring.parse does by default (maxKeys); the server hashes all of them.", "https://nodejs.org/api/querystring.html#querystringparsestr-sep-eq-options"),
    "EmptyNameKept": note(M, "A parameter with an empty name (=v) is hashed as '=v'; the server's parameter parser drops it.", SPEC),
    "LeadingSlashNotAdded": note(M, "The canonical URI is not given a leading '/', nor '/' when empty (rest/x stays rest/x).", BB_DOC),
    "ProductPathNotDecoded": note(M, "An app verifying product-signed requests hashes the path as sent; the product hashed the decoded path (/my file(v2).png).", SPEC),
    "ServerPathDecoded": note(M, "The server profile hashes the percent-decoded path; a server hashes the path exactly as sent.", SPEC),
    "ServerPathReencoded": note(M, "The server profile decodes the path and encodes it again, changing escapes such as %7E and raw ':' or '@'.", SPEC),
    "AllTrailingSlashesRemoved": note(M, "Every trailing '/' is removed; exactly one must go (/p// is /p/).", BB_DOC),
    "TrailingSlashKept": note(M, "The trailing '/' is kept; the canonical URI ends with '/' only when it is '/'.", BB_DOC),
    "RawAmpersandInPath": note(M, "A '&' in the path is left raw; it must be %26 so that path and query cannot collide (the 2014 fix).", BB_DOC),
    "QueryIgnored": note(M, "The query is not hashed at all.", JWT_DOC),
    "QueryFromBodyOnly": note(M, "Parameters are read from the form body only; the query's count too.", SPEC),
    "PlusNotSpace": note(M, "'+' in the query is taken as a literal plus (sent as %2B); in application/x-www-form-urlencoded it is a space (%20).", "https://url.spec.whatwg.org/#application/x-www-form-urlencoded"),
    "SpaceAsPlus": note(M, "A space is encoded as '+'; it must be %20.", JWT_DOC),
    "SubDelimsUnencoded": note(M, "!'()* are left unencoded, as JavaScript's encodeURIComponent does; only A-Z a-z 0-9 - . _ ~ stay.", "https://www.rfc-editor.org/rfc/rfc3986#section-2.3"),
    "TildeEncoded": note(M, "'~' is encoded as %7E; it is unreserved and stays.", "https://www.rfc-editor.org/rfc/rfc3986#section-2.3"),
    "UnderscoreEncoded": note(M, "'_' is encoded as %5F; it is unreserved and stays.", "https://www.rfc-editor.org/rfc/rfc3986#section-2.3"),
    "LowercaseHex": note(M, "Percent-escapes are written with lower-case hex; they must be upper-case.", "https://www.rfc-editor.org/rfc/rfc3986#section-2.1"),
    "NamesNotEncoded": note(M, "Parameter names are written decoded; names are percent-encoded like values.", JWT_DOC),
    "NamesSortedDecoded": note(M, "Names are sorted by their decoded bytes; they sort by their encoded form (a%5Bb%5D before a.c).", SPEC),
    "NamesSortedUtf16": note(M, "Names are sorted by UTF-16 code units of the decoded name; they sort by the bytes of their encoded form.", SPEC),
    "ValuesNotSorted": note(M, "Values of a repeated parameter are kept in the order sent; they are sorted.", JWT_DOC),
    "ValuesSortedEncoded": note(M, "Values are sorted by their encoded form; they sort by their decoded text (v=A,%5B).", SPEC),
    "RepeatedLastWins": note(M, "Only the last value of a repeated parameter is kept.", JWT_DOC),
    "RepeatedFirstWins": note(M, "Only the first value of a repeated parameter is kept.", JWT_DOC),
    "RepeatedNotJoined": note(M, "Repeated parameters are written as a=1&a=2; their values are joined with ',' (a=1,2).", JWT_DOC),
    "SemicolonSeparator": note(M, "';' is taken as a parameter separator; only '&' separates, ';' is data (%3B).", "https://url.spec.whatwg.org/#urlencoded-parsing"),
    "ValueCutAtSecondEquals": note(M, "A value is cut at a second '='; a piece splits at its first '=' only (a=b=c has the value b=c).", "https://url.spec.whatwg.org/#urlencoded-parsing"),
    "JwtKept": note(M, "The jwt parameter is hashed; it must be left out.", JWT_DOC),
    "JwtCaseInsensitive": note(M, "JWT, Jwt and the like are dropped too; only the exact name jwt is.", SPEC),
    "ValuelessBare": note(M, "A parameter without '=' is written 'a'; it has the value \"\" and is written 'a='.", SPEC),
    "ValuelessNull": note(M, "A parameter without '=' is written 'a=null'.", SPEC),
    "NumericNamesReordered": note(M, "Integer-like names go first in numeric order, as JavaScript orders object keys; names sort by bytes (10 before 2).", "https://tc39.es/ecma262/#sec-ordinaryownpropertykeys"),
    "NameCharsToUnderscore": note(M, "'.' and ' ' in names become '_', as PHP's parse_str does.", "https://www.php.net/manual/en/language.variables.external.php"),
    "DoubleEncoded": note(M, "Already percent-encoded input is encoded again (%20 becomes %2520); names and values are decoded first.", SPEC),
    "MethodNotUppercased": note(M, "The method is hashed in the case it was given; it is upper-cased.", BB_DOC),
    # The plain rules and their corners.
    "Basic": note("BASIC", "A plain request that every implementation must get right.", SPEC),
    "DocumentedExample": note("DOCUMENTED", "An example from Atlassian's documentation.", JWT_DOC, BB_DOC),
    "LocaleFreeUppercase": note("EDGE_CASE", "The method is upper-cased by ASCII rules; a Turkish locale would turn 'i' into a dotted capital I.", SPEC),
    "MethodToken": note("EDGE_CASE", "Any RFC 9110 token is a method; its letters are upper-cased and its other characters kept.", "https://www.rfc-editor.org/rfc/rfc9110#section-9.1"),
    "RawPath": note("EDGE_CASE", "The server profile hashes the path exactly as sent: escapes, their hex case, dot segments and repeated '/' stay.", SPEC),
    "Fragment": note("EDGE_CASE", "A fragment is not part of the request; it and what follows '#' are dropped.", "https://www.rfc-editor.org/rfc/rfc3986#section-3.5"),
    "AbsoluteTarget": note("EDGE_CASE", "The target is an absolute URL: scheme, host and port are dropped after the origin is checked.", BB_DOC),
    "BaseUrlTrailingSlash": note("DECISION", "A base URL with a trailing '/' names the same base path as one without.", DECISIONS),
    "PathOutsideBase": note("EDGE_CASE", "A path that is not under the base path is hashed as it is.", SPEC),
    "EmptyPiece": note("DECISION", "An empty piece (&&, a leading or trailing &) carries no parameter; the reference skips it as Tomcat does. An implementation may reject it instead.", TOMCAT),
    "EmptyName": note("DECISION", "A parameter with an empty name (=v) is dropped, as Tomcat's parameter parser drops it. An implementation may reject it instead.", TOMCAT),
    "Valueless": note("EDGE_CASE", "A parameter without '=' has the value \"\".", "https://url.spec.whatwg.org/#urlencoded-parsing"),
    "EncodedJwtName": note("EDGE_CASE", "The jwt name is compared after decoding: j%77t is jwt.", SPEC),
    "AsciiEncoding": note("BASIC", "A printable ASCII character in a name or value, raw or escaped, and its canonical encoding.", "https://www.rfc-editor.org/rfc/rfc3986#section-2.3"),
    "HexCase": note("EDGE_CASE", "Escapes are decoded in either hex case and written in upper case.", "https://www.rfc-editor.org/rfc/rfc3986#section-2.1"),
    "Utf8": note("EDGE_CASE", "UTF-8 of 2, 3 or 4 bytes: each byte is escaped.", "https://www.rfc-editor.org/rfc/rfc3629"),
    "NoNormalization": note("EDGE_CASE", "Text is not Unicode-normalized: e + U+0301 stays two characters.", SPEC),
    "Utf16Order": note("EDGE_CASE", "Values sort in UTF-16 code-unit order (Java String.compareTo): U+10000 and above sort before U+E000..U+FFFF, unlike code-point or byte order.", "https://docs.oracle.com/javase/8/docs/api/java/lang/String.html#compareTo-java.lang.String-"),
    "NameOrder": note("BASIC", "Names are sorted by the bytes of their encoded form: upper case before lower case, a prefix before its extensions.", SPEC),
    "ValueOrder": note("BASIC", "Values of one name are sorted as strings, not as numbers.", SPEC),
    "FormBody": note("EDGE_CASE", "A form-encoded POST body's parameters join the query's, as a servlet's parameter map merges them.", "https://jakarta.ee/specifications/servlet/6.0/jakarta-servlet-spec-6.0#when-parameters-are-available"),
    "BodyIgnored": note("EDGE_CASE", "The body does not count: the method is not POST, or the body is not application/x-www-form-urlencoded.", SPEC),
    "FormBodyContainer": note("EDGE_CASE", "Tomcat, Jira's container, reads a form body only for exactly POST with exactly application/x-www-form-urlencoded; Jetty also for PUT, for 'post' and for other letter cases of the media type. The rules follow Tomcat.", SERVERS),
    "ServerDependent": note("EDGE_CASE", "The servlet containers compute another canonical request than the rules, or accept a request the rules reject (see the case's servers member): the case is acceptable, and an implementation that reproduces a container passes it.", SERVERS),
    "FieldReport": note("EDGE_CASE", "A request of a shape seen in reports from the field: a Confluence attachment, Zephyr Squad Cloud's /connect base URL, Bitbucket's /2.0/ API.", SPEC),
    "ProductDecodedPath": note("EDGE_CASE", "The product profile hashes the percent-decoded path; an implementation that hashes the raw path fails these.", SPEC),
    "ProductPlusInPath": note("EDGE_CASE", "In a path '+' is not a space, so the product profile keeps it.", "https://www.rfc-editor.org/rfc/rfc3986#section-3.3"),
    "MalformedEscape": note("DECISION", "A '%' without two hex digits: the reference rejects the request (Tomcat cannot decode it either) rather than guess.", TOMCAT),
    "InvalidUtf8": note("DECISION", "Bytes that are not UTF-8 after decoding (overlong, surrogate, above U+10FFFF, truncated, stray continuation): rejected.", "https://www.rfc-editor.org/rfc/rfc3629#section-3"),
    "NotOnTheWire": note("DECISION", "A space, control or non-ASCII byte cannot be in a request target or form body as sent; rejected rather than encoded by guess.", "https://www.rfc-editor.org/rfc/rfc9112#section-3.2"),
    "BadMethod": note("DECISION", "The method is empty, too long, or not an RFC 9110 token: rejected.", "https://www.rfc-editor.org/rfc/rfc9110#section-9.1"),
    "BadAbsoluteUrl": note("DECISION", "An absolute target that is not http(s), has no host, has userinfo or a bad port: rejected.", "https://www.rfc-editor.org/rfc/rfc3986#section-3.2"),
    "OriginMismatch": note("DECISION", "An absolute target on another origin than the base URL: rejected, since its path cannot be made relative to the base.", DECISIONS),
    "BadBaseUrl": note("DECISION", "A base URL that is not an absolute http(s) URL, or has a query, fragment or bad escape: rejected.", DECISIONS),
    "TooLong": note("DECISION", "An input at or over a named limit of the reference (target 1 MiB, base URL 4096 bytes): at the limit it is canonicalized, over it rejected with its own status, never truncated.", DECISIONS),
    "EmptyTarget": note("DECISION", "An empty request target: rejected.", DECISIONS),
}
