package connect

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TokenError says why a token was refused: Reason is the code of the first rule that failed.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return "JWT refused: " + e.Reason }

func refuse(reason string) error { return &TokenError{reason} }

// SignAppToProduct gives the Authorization header's value for an app's call to a product:
// HS256 with the shared secret, iss the app key, a lifetime of 180 s and the qsh of the
// request as the product computes it (profile Server, the tenant's baseUrl in r.BaseURL).
// Bitbucket also wants "sub": the clientKey; add it to the claims below if you call Bitbucket.
func SignAppToProduct(secret, appKey string, now time.Time, r Request) (string, error) {
	qsh, err := QSH(r, Server)
	if err != nil {
		return "", err
	}
	claims, err := json.Marshal(struct {
		Iss string `json:"iss"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
		Qsh string `json:"qsh"`
	}{appKey, now.Unix(), now.Unix() + 180, qsh})
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding
	signed := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + b64.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signed))
	return "JWT " + signed + "." + b64.EncodeToString(mac.Sum(nil)), nil
}

// Kind is the endpoint that receives the token.
type Kind string

const (
	Module       Kind = "module"         // an iframe URL
	Webhook      Kind = "webhook"        // a webhook
	Context      Kind = "context"        // an endpoint meant for AP.context.getToken()
	Install      Kind = "install"        // a signed install or uninstall callback (RS256)
	AppToProduct Kind = "app-to-product" // a product checking an app's call
	// Lifecycle is a lifecycle callback signed with HS256: enabled and disabled, and
	// Bitbucket's installed and uninstalled, which took no part in signed installs.
	Lifecycle Kind = "lifecycle"
	// ForgeInvocation is a Forge Invocation Token of Forge Remote: RS256 with a key of the JWKS
	// you configure, "Authorization: Bearer" only, no qsh.
	ForgeInvocation Kind = "forge-invocation"
)

// Verification is what a verifier knows besides the token.
type Verification struct {
	Kind          Kind
	Now           time.Time
	Leeway        time.Duration
	Authorization *string // the header's value; nil when the token is the jwt parameter
	Request       Request
	Profile       Profile           // Product for calls a product made to your app
	Audience      string            // "" when aud is not checked (required for Install)
	ClientKey     string            // Install, Lifecycle: the clientKey of the callback's body
	Subject       string            // the sub expected (Bitbucket: the clientKey); "" for none
	Secrets       map[string]string // iss (clientKey) -> sharedSecret
	PublicKeys    map[string]string // kid -> PEM public key, for Install
	// ForgeInvocation: the JWK Set document you trust, as configured, never the URL a token
	// names (production and staging publish different sets), and your app's id, bare or ARI.
	JWKS, AppID string
}

const maxToken, maxDepth = 8192, 16 // bytes of a carried token, levels of JSON

const fitIssuer, appARI = "forge/invocation-token", "ari:cloud:ecosystem::app/"

const maxJWKS, maxJWKSKeys = 64 << 10, 64 // bytes of a JWK Set, keys in it

const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var kidSyntax = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// Verify checks a token strictly, in a fixed order so that the first failure is always the
// same; it returns the verified claims.
func Verify(v Verification) (map[string]any, error) {
	switch v.Kind { // a typo, or a Kind left empty, must not pick the rules
	case Module, Webhook, Context, Install, AppToProduct, Lifecycle, ForgeInvocation:
	default:
		return nil, refuse("KIND_INVALID")
	}
	token, err := carriedToken(v)
	if err != nil {
		return nil, err
	}
	seg := strings.Split(token, ".")
	if len(seg) != 3 {
		return nil, refuse("SEGMENTS")
	}
	var raw [3][]byte
	for i, s := range seg {
		if raw[i], err = decodeSegment(s); err != nil {
			return nil, err
		}
	}
	header, err := parseObject(raw[0])
	if err != nil {
		return nil, err
	}
	claims, err := parseObject(raw[1])
	if err != nil {
		return nil, err
	}
	rs256 := v.Kind == Install || v.Kind == ForgeInvocation
	if alg, _ := header["alg"].(string); alg != map[bool]string{false: "HS256", true: "RS256"}[rs256] {
		return nil, refuse("ALG_NOT_ALLOWED") // exact: never none, never the other family
	}
	if _, ok := header["crit"]; ok {
		return nil, refuse("CRIT_UNSUPPORTED") // no extension is understood here
	}
	// jku, jwk, x5u and x5c are never read. A kid is checked before any key is looked up.
	kid, hasKid := header["kid"]
	kidText, _ := kid.(string)
	if (rs256 || hasKid) && (!kidSyntax.MatchString(kidText) || strings.Contains(kidText, "..")) {
		return nil, refuse("KID_INVALID")
	}
	if err = checkSignature(v, seg[0]+"."+seg[1], raw[2], claims, kidText); err != nil {
		return nil, err
	}
	if err = checkClaims(v, claims); err != nil {
		return nil, err
	}
	if v.Kind != ForgeInvocation { // a Forge Invocation Token has no qsh
		if err = checkQSH(v, claims); err != nil {
			return nil, err
		}
	}
	return claims, nil
}

// carriedToken finds the token: "Authorization: JWT <token>" or one jwt query parameter (never
// for AppToProduct: the products answer 401 since 2022), "Authorization: Bearer <token>" for
// ForgeInvocation. A compact token holds no '=': "JWT token=<jwt>" is not the format.
func carriedToken(v Verification) (string, error) {
	if a := v.Authorization; v.Kind == ForgeInvocation {
		switch {
		case a == nil:
			return "", refuse("CARRIAGE_MISSING")
		case !strings.HasPrefix(*a, "Bearer ") || len(*a) < 8 || strings.ContainsAny((*a)[7:], " ="):
			return "", refuse("CARRIAGE_SCHEME")
		case len(*a)-7 > maxToken:
			return "", refuse("TOKEN_TOO_LARGE")
		}
		return (*a)[7:], nil
	}
	path, _, _ := strings.Cut(v.Request.Target, "#")
	_, query, _ := strings.Cut(path, "?")
	var params []string
	for _, piece := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(piece, "=")
		if n, err := url.QueryUnescape(name); err == nil && n == "jwt" {
			params = append(params, value)
		}
	}
	if len(params) > 1 || len(params) == 1 && v.Authorization != nil {
		return "", refuse("CARRIAGE_AMBIGUOUS")
	}
	src := ""
	if a := v.Authorization; a != nil {
		// The scheme is case-sensitive, followed by exactly one space and one token.
		if !strings.HasPrefix(*a, "JWT ") || len(*a) < 5 || strings.ContainsAny((*a)[4:], " =") {
			return "", refuse("CARRIAGE_SCHEME")
		}
		src = (*a)[4:]
	} else if len(params) == 0 {
		return "", refuse("CARRIAGE_MISSING")
	} else if v.Kind == AppToProduct {
		return "", refuse("CARRIAGE_QUERY_NOT_ALLOWED")
	} else {
		src = params[0]
	}
	if len(src) > maxToken {
		return "", refuse("TOKEN_TOO_LARGE")
	}
	if v.Authorization != nil {
		return src, nil
	}
	t, err := url.QueryUnescape(src) // a query value is form-decoded, as a server does
	if err != nil {
		return "", refuse("B64_INVALID")
	}
	return t, nil
}

// decodeSegment reads base64url without padding, refusing what Go's decoder lets through
// (line breaks); Strict refuses unused bits that are set.
func decodeSegment(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || strings.Trim(s, base64URL) != "" {
		return nil, refuse("B64_INVALID")
	}
	return b, nil
}

// parseObject reads a JSON object strictly: UTF-8, no lone surrogate escape, no member twice
// (compared after unescaping, as json.Decoder's tokens are), at most maxDepth levels, nothing
// after it. Numbers stay json.Number so that integers are read exactly.
func parseObject(b []byte) (map[string]any, error) {
	if !utf8.Valid(b) || loneSurrogate(b) {
		return nil, refuse("JSON_INVALID")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := readValue(d, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, refuse("JSON_INVALID")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, refuse("JSON_NOT_OBJECT")
	}
	return obj, nil
}

func readValue(d *json.Decoder, depth int) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, refuse("JSON_INVALID")
	}
	delim, ok := t.(json.Delim)
	if !ok {
		return t, nil
	}
	if depth == maxDepth {
		return nil, refuse("JSON_TOO_DEEP")
	}
	obj, arr := map[string]any{}, []any{}
	for d.More() {
		var name string
		if delim == '{' {
			if t, err = d.Token(); err != nil {
				return nil, refuse("JSON_INVALID")
			}
			name = t.(string)
			if _, dup := obj[name]; dup {
				return nil, refuse("JSON_DUP_MEMBER")
			}
		}
		v, err := readValue(d, depth+1)
		if err != nil {
			return nil, err
		}
		if delim == '{' {
			obj[name] = v
		} else {
			arr = append(arr, v)
		}
	}
	if _, err := d.Token(); err != nil {
		return nil, refuse("JSON_INVALID")
	}
	if delim == '{' {
		return obj, nil
	}
	return arr, nil
}

// loneSurrogate finds a \uD800-\uDFFF escape that is not half of a pair; encoding/json would
// quietly turn it into U+FFFD. Backslashes occur only in strings, each starting an escape.
func loneSurrogate(b []byte) bool {
	unit := func(i int) int {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return -1
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		if err != nil {
			return -1
		}
		return int(n)
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		u := unit(i)
		switch {
		case u >= 0xD800 && u <= 0xDBFF:
			if lo := unit(i + 6); lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		case u >= 0xDC00 && u <= 0xDFFF:
			return true
		default:
			i++ // skip the escaped character, which may be a backslash
		}
	}
	return false
}

func checkSignature(v Verification, signed string, sig []byte, claims map[string]any, kid string) error {
	if v.Kind != Install && v.Kind != ForgeInvocation {
		iss, ok := claims["iss"].(string)
		if !ok {
			return refuse("ISS_MISSING")
		}
		secret, ok := v.Secrets[iss]
		if !ok {
			return refuse("ISS_UNKNOWN")
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(signed))
		if subtle.ConstantTimeCompare(mac.Sum(nil), sig) != 1 {
			return refuse("SIG_INVALID")
		}
		return nil
	}
	var key *rsa.PublicKey
	var err error
	if v.Kind == ForgeInvocation {
		key, err = jwksKey(v.JWKS, kid) // the configured set only: nothing in the token picks one
	} else {
		key, err = installKey(v.PublicKeys, kid)
	}
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(signed))
	// Exactly the key's size: no leading zero dropped or added, nothing appended.
	if len(sig) != key.Size() || rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return refuse("SIG_INVALID")
	}
	return nil
}

// installKey is the PEM public key of kid, which must be RSA.
func installKey(keys map[string]string, kid string) (*rsa.PublicKey, error) {
	pemKey, ok := keys[kid]
	if !ok {
		return nil, refuse("KEY_UNKNOWN")
	}
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil {
		return nil, refuse("KEY_INVALID")
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	key, isRSA := parsed.(*rsa.PublicKey)
	if err != nil || !isRSA {
		return nil, refuse("KEY_INVALID")
	}
	return key, nil
}

// jwksKey is the RSA key of kid in a JWK Set document: a JSON object (at most 64 KiB, no member
// twice, bounded depth) whose keys hold 1 to 64 objects, and kid in one of them only. That JWK
// has kty RSA, use sig and alg RS256 when present, n and e as minimal unpadded base64url
// (RFC 7518 section 6.3.1), n of 2048 to 8192 bits, e odd and at least 3.
func jwksKey(jwks, kid string) (*rsa.PublicKey, error) {
	if len(jwks) > maxJWKS {
		return nil, refuse("JWKS_INVALID")
	}
	doc, err := parseObject([]byte(jwks))
	keys, _ := doc["keys"].([]any)
	if err != nil || len(keys) == 0 || len(keys) > maxJWKSKeys {
		return nil, refuse("JWKS_INVALID")
	}
	var jwk map[string]any
	for _, k := range keys {
		obj, isObject := k.(map[string]any)
		if !isObject || obj["kid"] == kid && jwk != nil { // not a JWK, or the kid twice
			return nil, refuse("JWKS_INVALID")
		} else if obj["kid"] == kid {
			jwk = obj
		}
	}
	if jwk == nil {
		return nil, refuse("KEY_UNKNOWN")
	}
	use, hasUse := jwk["use"]
	alg, hasAlg := jwk["alg"]
	if jwk["kty"] != "RSA" || hasUse && use != "sig" || hasAlg && alg != "RS256" {
		return nil, refuse("KEY_INVALID")
	}
	n, e := base64URLUint(jwk["n"], 8192/8), base64URLUint(jwk["e"], 8)
	if n == nil || e == nil || n.BitLen() < 2048 || e.Bit(0) == 0 || e.BitLen() < 2 {
		return nil, refuse("KEY_INVALID")
	}
	if e.BitLen() > 31 { // crypto/rsa takes no larger exponent (the usual one is 65537)
		return nil, refuse("KEY_INVALID")
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// base64URLUint reads a Base64urlUInt (RFC 7518 section 2): unpadded base64url of the fewest
// octets (no leading zero), at most max of them; nil when v is not one.
func base64URLUint(v any, max int) *big.Int {
	s, _ := v.(string)
	b, err := decodeSegment(s)
	if err != nil || len(b) == 0 || len(b) > max || b[0] == 0 {
		return nil
	}
	return new(big.Int).SetBytes(b)
}

// numericDate reads an integer NumericDate >= 0: found is false when absent.
func numericDate(claims map[string]any, name string) (t int64, found bool, err error) {
	v, found := claims[name]
	if !found {
		return 0, false, nil
	}
	n, _ := v.(json.Number)
	// ParseInt refuses fractions, exponents and anything beyond 64 bits.
	t, perr := strconv.ParseInt(string(n), 10, 64)
	if perr != nil || t < 0 {
		return 0, true, refuse(strings.ToUpper(name) + "_TYPE")
	}
	return t, true, nil
}

func checkClaims(v Verification, claims map[string]any) error {
	exp, hasExp, err := numericDate(claims, "exp")
	if err != nil {
		return err
	}
	if !hasExp {
		return refuse("EXP_MISSING")
	}
	iat, hasIat, err := numericDate(claims, "iat")
	if err != nil {
		return err
	}
	if !hasIat {
		return refuse("IAT_MISSING")
	}
	nbf, hasNbf, err := numericDate(claims, "nbf")
	if err != nil {
		return err
	}
	// Compare as now - leeway against a date so that no sum can overflow.
	now, leeway := v.Now.Unix(), int64(v.Leeway/time.Second)
	switch {
	case now-leeway >= exp:
		return refuse("EXP_EXPIRED")
	case iat-leeway > now:
		return refuse("IAT_IN_FUTURE")
	case hasNbf && nbf-leeway > now:
		return refuse("NBF_NOT_YET")
	case exp <= iat:
		return refuse("EXP_BEFORE_IAT")
	}
	audience := v.Audience
	if v.Kind == ForgeInvocation { // the app's ARI, whether configured bare or as the ARI
		audience = appARI + strings.TrimPrefix(v.AppID, appARI)
	}
	if audience != "" || v.Kind == Install {
		aud, found := claims["aud"]
		if !found {
			return refuse("AUD_MISSING")
		}
		list, _ := aud.([]any)
		if s, ok := aud.(string); ok {
			list = []any{s}
		}
		match := false
		for _, a := range list {
			match = match || a == any(audience)
		}
		if !match {
			return refuse("AUD_MISMATCH")
		}
	}
	// A signed install's key is Atlassian's, and Bitbucket's callbacks are signed with the
	// secret of the body: either way iss must be the body's tenant.
	iss, _ := claims["iss"].(string)
	if (v.Kind == Install || v.Kind == Lifecycle && v.ClientKey != "") && iss != v.ClientKey {
		return refuse("ISS_MISMATCH")
	}
	if sub, _ := claims["sub"].(string); v.Subject != "" && sub != v.Subject {
		return refuse("SUB_MISMATCH")
	}
	if v.Kind != ForgeInvocation {
		return nil
	}
	if iss != fitIssuer {
		return refuse("FIT_ISS_INVALID")
	}
	app, _ := claims["app"].(map[string]any)
	_, hasInstallation := app["installationId"].(string)
	_, hasAPIBaseURL := app["apiBaseUrl"].(string)
	if id, hasID := app["id"]; !hasInstallation || !hasAPIBaseURL || hasID && id != any(audience) {
		return refuse("FIT_APP_INVALID")
	}
	return nil
}

func checkQSH(v Verification, claims map[string]any) error {
	q, found := claims["qsh"]
	if !found {
		return refuse("QSH_MISSING")
	}
	s, _ := q.(string)
	if s == "context-qsh" {
		// The literal is never a hash; taking it on every endpoint was CVE-2021-26073.
		if v.Kind != Context {
			return refuse("QSH_CONTEXT_NOT_ALLOWED")
		}
		return nil
	}
	if len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
		return refuse("QSH_TYPE")
	}
	want, err := QSH(v.Request, v.Profile)
	if err != nil {
		return refuse("REQUEST_INVALID")
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(s)) != 1 {
		return refuse("QSH_MISMATCH")
	}
	return nil
}
