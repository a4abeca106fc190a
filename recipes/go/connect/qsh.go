// Package connect computes the query string hash (qsh) of Atlassian Connect JWTs, signs
// app-to-product calls and verifies product-to-app tokens, following the rules of qshcheck's
// docs/RULES.md. Standard library only.
package connect

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

func reject(status string) error { return &Error{"QSH_E_" + status} }

// The named limits, in bytes: over one is an error, never a truncation.
const maxMethod, maxTarget, maxBaseURL, maxBody = 64, 1 << 20, 4096, 4 << 20

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	tchar = alnum + "!#$%&'*+-.^_`|~" // the characters of an HTTP method (RFC 9110)
)

var (
	absoluteURL = regexp.MustCompile(`(?s)^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$`)
	hostPort    = regexp.MustCompile(`^(\[[^\]]+\]|[^:\[\]@]+)(?::([0-9]*))?$`) // no userinfo
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
	switch m, t := r.Method, r.Target; {
	case m == "":
		return "", reject("METHOD_EMPTY")
	case len(m) > maxMethod:
		return "", reject("METHOD_TOO_LONG")
	case strings.Trim(m, tchar) != "":
		return "", reject("METHOD_INVALID")
	case t == "":
		return "", reject("TARGET_EMPTY")
	case len(t) > maxTarget:
		return "", reject("TARGET_TOO_LONG")
	case !onTheWire(t):
		return "", reject("TARGET_BYTE")
	}
	baseOrigin, basePath, err := parseBaseURL(r.BaseURL)
	if err != nil {
		return "", err
	}
	// Read the body as Jira's Tomcat does: the method exactly POST (as sent), the media type
	// before any ';', blanks trimmed, exactly the form type in these letters.
	media := strings.Trim(strings.SplitN(r.ContentType, ";", 2)[0], " \t")
	withBody := r.Method == "POST" && media == "application/x-www-form-urlencoded"
	if withBody && len(r.Body) > maxBody {
		return "", reject("BODY_TOO_LONG")
	} else if withBody && !onTheWire(r.Body) {
		return "", reject("BODY_BYTE")
	}
	rest := r.Target
	if m := absoluteURL.FindStringSubmatch(rest); m != nil {
		origin, err := parseOrigin(m[1], m[2], "URL_SCHEME", "URL_INVALID")
		if err != nil {
			return "", err
		}
		if r.BaseURL != "" && origin != baseOrigin { // its path is not under the base URL
			return "", reject("ORIGIN_MISMATCH")
		}
		rest = m[3]
	}
	rest, _, _ = strings.Cut(rest, "#")
	path, query, _ := strings.Cut(rest, "?")
	if p == Product { // a product hashes the decoded path: %20 is a space, %2F a '/'
		if path, err = decodeText(path, false); err != nil {
			return "", err
		}
		if basePath, err = decodeText(basePath, false); err != nil {
			return "", reject("BASE_URL_INVALID")
		}
	} else if _, err = url.PathUnescape(path); err != nil {
		return "", reject("PERCENT_MALFORMED") // escapes stay as sent, but must be escapes
	}
	canonicalQuery, err := canonicalQuery(query, r.Body, withBody)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(r.Method) + "&" + canonicalURI(path, basePath) + "&" + canonicalQuery, nil
}

// parseBaseURL gives the origin and the path of an absolute http(s) URL without a query.
func parseBaseURL(u string) (origin, path string, err error) {
	if u == "" {
		return "", "", nil
	} else if len(u) > maxBaseURL {
		return "", "", reject("BASE_URL_TOO_LONG")
	}
	m := absoluteURL.FindStringSubmatch(u)
	if !onTheWire(u) || m == nil || strings.ContainsAny(m[3], "?#") {
		return "", "", reject("BASE_URL_INVALID")
	} else if _, err = url.PathUnescape(m[3]); err != nil {
		return "", "", reject("BASE_URL_INVALID")
	}
	origin, err = parseOrigin(m[1], m[2], "BASE_URL_INVALID", "BASE_URL_INVALID")
	return origin, m[3], err
}

// parseOrigin gives "scheme://host:port" with the default port made explicit, so that
// https://h and https://H:443 are the same origin.
func parseOrigin(scheme, authority, badScheme, bad string) (string, error) {
	scheme = strings.ToLower(scheme)
	port := map[string]int{"http": 80, "https": 443}[scheme]
	m := hostPort.FindStringSubmatch(authority)
	if port == 0 {
		return "", reject(badScheme)
	} else if m == nil {
		return "", reject(bad)
	} else if m[2] != "" { // an empty port is the default one
		n, err := strconv.Atoi(m[2])
		if err != nil || n > 65535 {
			return "", reject(bad)
		}
		port = n
	}
	return fmt.Sprintf("%s://%s:%d", scheme, strings.ToLower(m[1]), port), nil
}

func canonicalURI(path, basePath string) string {
	// Strip the base path on a segment boundary only: /wiki/x -> /x, but /wikipedia stays.
	basePath = strings.TrimRight(basePath, "/")
	if basePath != "" && (path == basePath || strings.HasPrefix(path, basePath+"/")) {
		path = path[len(basePath):]
	}
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		path = path[:len(path)-1] // exactly one trailing slash goes: /p// -> /p/
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// A raw & in the path would read as a separator of the canonical request.
	return strings.ReplaceAll(path, "&", "%26")
}

func canonicalQuery(query, body string, withBody bool) (string, error) {
	groups := map[string][]string{} // encoded name -> decoded values
	if withBody {
		query += "&" + body // merged, as a servlet's parameter map merges them
	}
	// Split on & only (';' is data), each piece at its first '='; skip empty pieces.
	for _, piece := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(piece, "=")
		for _, text := range []*string{&name, &value} {
			var err error
			if *text, err = decodeText(*text, true); err != nil {
				return "", err
			}
		}
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
	return strings.Join(names, "&"), nil
}

// utf16Less orders strings as Java's String.compareTo does, by UTF-16 code units: unlike
// code-point order, a character above U+FFFF (a surrogate pair) sorts before U+E000..U+FFFF.
func utf16Less(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// decodeText percent-decodes s (a plus is a space in a query or a form body; net/url
// refuses a '%' without two hex digits) into UTF-8 text.
func decodeText(s string, plusIsSpace bool) (string, error) {
	unescape := url.PathUnescape
	if plusIsSpace {
		unescape = url.QueryUnescape
	}
	t, err := unescape(s)
	if err != nil {
		return "", reject("PERCENT_MALFORMED")
	}
	if !utf8.ValidString(t) { // overlongs, surrogates, above U+10FFFF, cut short
		return "", reject("UTF8_INVALID")
	}
	return t, nil
}

// percentEncode writes every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX, upper-case hex:
// QueryEscape does so, but for a space, which it writes as '+' (a '+' itself is %2B).
func percentEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// onTheWire: only visible ASCII can be sent in a request line or a form body; a space,
// control or non-ASCII byte would have been encoded by the client, and guessing how is wrong.
func onTheWire(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7E }) < 0
}
