// Package connect computes the query string hash (qsh) of Atlassian Connect JWTs, signs
// app-to-product calls and verifies product-to-app tokens, following the rules of qshcheck's
// docs/RULES.md. Standard library only.
package connect

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Profile says whose view of the request is hashed.
type Profile int

const (
	// Server is what a product computes for a request it receives (your app's call to Jira),
	// or what your app computes for a request made to it: the path exactly as sent.
	Server Profile = iota
	// Product is what Jira or Confluence signs when it calls your app: the decoded path.
	Product
)

// Request is an HTTP request as the qsh sees it.
type Request struct {
	Method  string // as sent; upper-cased by ASCII rules
	Target  string // the request target as sent: "/path?query" or an absolute URL
	BaseURL string // the tenant's baseUrl (app to product) or your app's; "" for none
	// A form body counts only for POST with exactly application/x-www-form-urlencoded.
	Body, ContentType string
}

// Error is an input the rules cannot canonicalize; Status is the reference's status name.
type Error struct{ Status string }

func (e *Error) Error() string { return "cannot canonicalize the request: " + e.Status }

// The named limits, in bytes: over one is an error, never a truncation.
const maxMethod, maxTarget, maxBaseURL, maxBody = 64, 1 << 20, 4096, 4 << 20

var (
	methodToken = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$") // RFC 9110
	// Only visible ASCII can be sent in a request line or a form body; a space, control or
	// non-ASCII byte would have been encoded by the client, and guessing how is wrong.
	onTheWire   = regexp.MustCompile(`^[\x21-\x7e]*$`)
	absoluteURL = regexp.MustCompile(`(?s)^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$`)
	hostPort    = regexp.MustCompile(`^(\[[^\]]+\]|[^:\[\]@]+)(?::([0-9]{0,5}))?$`) // no userinfo
)

// QSH is the lowercase hex SHA-256 of the canonical request.
func QSH(r Request, p Profile) (string, error) {
	c, err := CanonicalRequest(r, p)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:]), nil
}

// CanonicalRequest is METHOD "&" CANONICAL_URI "&" CANONICAL_QUERY.
func CanonicalRequest(r Request, p Profile) (string, error) {
	// Read the body as Jira's Tomcat does: the method exactly POST (as sent), the media type
	// before any ';', blanks trimmed, exactly the form type in these letters.
	media, _, _ := strings.Cut(r.ContentType, ";")
	form := r.Method == "POST" && strings.Trim(media, " \t") == "application/x-www-form-urlencoded"
	baseOrigin, basePath, _ := splitURL(r.BaseURL)
	origin, rest, absolute := splitURL(r.Target)
	rest, _, _ = strings.Cut(rest, "#")
	path, query, _ := strings.Cut(rest, "?")
	if form {
		query += "&" + r.Body // merged, as a servlet's parameter map merges them
	}
	decodedPath, pathErr := url.PathUnescape(path) // a '%' without two hex digits is an error
	decodedBase, baseErr := url.PathUnescape(basePath)
	// No escape and no UTF-8 sequence can span an ASCII '&' or '=', so the whole query is valid
	// exactly when each name and value is.
	decodedQuery, queryErr := url.QueryUnescape(query)
	// The rules in order: the first that fails names the status.
	for _, rule := range []struct {
		failed bool
		status string
	}{
		{r.Method == "", "METHOD_EMPTY"},
		{len(r.Method) > maxMethod, "METHOD_TOO_LONG"},
		{!methodToken.MatchString(r.Method), "METHOD_INVALID"},
		{r.Target == "", "TARGET_EMPTY"},
		{len(r.Target) > maxTarget, "TARGET_TOO_LONG"},
		{!onTheWire.MatchString(r.Target), "TARGET_BYTE"},
		{form && len(r.Body) > maxBody, "BODY_TOO_LONG"},
		{form && !onTheWire.MatchString(r.Body), "BODY_BYTE"},
		{len(r.BaseURL) > maxBaseURL, "BASE_URL_TOO_LONG"},
		{r.BaseURL != "" && (baseOrigin == "" || !onTheWire.MatchString(r.BaseURL)), "BASE_URL_INVALID"},
		{strings.ContainsAny(basePath, "?#") || baseErr != nil, "BASE_URL_INVALID"},
		{p == Product && !utf8.ValidString(decodedBase), "BASE_URL_INVALID"},
		// An absolute target is http(s) with a host and a valid port, on the base URL's origin:
		// on another, its path cannot be made relative to the base path.
		{absolute && origin == "", "URL_INVALID"},
		{absolute && r.BaseURL != "" && origin != baseOrigin, "ORIGIN_MISMATCH"},
		{pathErr != nil || queryErr != nil, "PERCENT_MALFORMED"},
		{p == Product && !utf8.ValidString(decodedPath), "UTF8_INVALID"},
		{!utf8.ValidString(decodedQuery), "UTF8_INVALID"}, // overlongs, surrogates, cut short...
	} {
		if rule.failed {
			return "", &Error{"QSH_E_" + rule.status}
		}
	}
	if p == Product { // a product hashes the decoded path: %20 is a space, %2F a '/'
		path, basePath = decodedPath, decodedBase
	}
	return strings.ToUpper(r.Method) + "&" + canonicalURI(path, basePath) + "&" + canonicalQuery(query), nil
}

// splitURL gives the origin of an absolute URL and what follows it; absolute is false when u
// is not scheme://... The origin is "scheme://host:port", the default port made explicit so
// that https://h and https://H:443 are one; "" for another scheme, userinfo or a bad port.
func splitURL(u string) (origin, rest string, absolute bool) {
	m := absoluteURL.FindStringSubmatch(u)
	if m == nil {
		return "", u, false
	}
	scheme := strings.ToLower(m[1])
	port, known := map[string]string{"http": "80", "https": "443"}[scheme]
	host := hostPort.FindStringSubmatch(m[2])
	if host != nil && host[2] != "" { // an empty port is the default one
		port = host[2]
	}
	if n, _ := strconv.Atoi(port); known && host != nil && n <= 65535 {
		origin = scheme + "://" + strings.ToLower(host[1]) + ":" + strconv.Itoa(n)
	}
	return origin, m[3], true
}

func canonicalURI(path, basePath string) string {
	// Strip the base path on a segment boundary only: /wiki/x -> /x, but /wikipedia stays.
	basePath = strings.TrimRight(basePath, "/")
	if basePath != "" && (path == basePath || strings.HasPrefix(path, basePath+"/")) {
		path = path[len(basePath):]
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/") // exactly one trailing slash goes: /p// -> /p/
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path // an empty path becomes "/"
	}
	// A raw & in the path would read as a separator of the canonical request.
	return strings.ReplaceAll(path, "&", "%26")
}

// canonicalQuery sorts and encodes the parameters of a query whose escapes and UTF-8 are valid.
func canonicalQuery(query string) string {
	groups := map[string][]string{} // encoded name -> decoded values
	// Split on & only (';' is data), each piece at its first '='; skip empty pieces.
	for _, piece := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(piece, "=")
		name, _ = url.QueryUnescape(name) // a '+' is a space here, %2B a '+'
		value, _ = url.QueryUnescape(value)
		if name != "" && name != "jwt" { // exactly "jwt": JWT is a parameter like any other
			groups[percentEncode(name)] = append(groups[percentEncode(name)], value)
		}
	}
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names) // by encoded bytes: a%5Bb%5D before a.c
	for i, name := range names {
		values := groups[name]
		// Values sort by their decoded text in UTF-16 code-unit order (Java's compareTo),
		// not by their encoded form: v=A,%5B.
		sort.Slice(values, func(i, j int) bool { return utf16Less(values[i], values[j]) })
		for j, v := range values {
			values[j] = percentEncode(v)
		}
		names[i] = name + "=" + strings.Join(values, ",")
	}
	return strings.Join(names, "&")
}

// utf16Less orders strings as Java's String.compareTo does, by UTF-16 code units: unlike
// code-point order, a character above U+FFFF (a surrogate pair) sorts before U+E000..U+FFFF.
func utf16Less(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for len(ua) > 0 && len(ub) > 0 && ua[0] == ub[0] {
		ua, ub = ua[1:], ub[1:]
	}
	return len(ub) > 0 && (len(ua) == 0 || ua[0] < ub[0])
}

// percentEncode writes every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX, upper-case hex:
// QueryEscape does so, but for a space, which it writes as '+' (a '+' itself is %2B).
func percentEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
