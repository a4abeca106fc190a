// A tiny Connect app on net/http that verifies the product's tokens with the Go recipe
// (recipes/go/connect): the recipe's verifier behind the probe (tests/test_probe_recipes.py).
//
//	qshprobeapp --secret S --client-key K [--keys URL]
//
// Listens on 127.0.0.1 on an ephemeral port and prints the port on stdout. The routes are those
// of connect_app.py; with --keys, /installed and /uninstalled take signed installs, their key
// fetched from URL/KID (/enabled and /disabled stay HS256).
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"qshrecipe/connect"
)

const maxBody = 65536

var kinds = map[string]connect.Kind{
	"/module": connect.Module, "/webhook": connect.Webhook, "/context": connect.Context,
	"/installed": connect.Lifecycle, "/uninstalled": connect.Lifecycle, "/enabled": connect.Lifecycle,
	"/disabled": connect.Lifecycle,
}

var kidSyntax = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// unverifiedKid is the kid of the token in Authorization, read unverified, if a URL can hold it.
func unverifiedKid(authorization string) string {
	seg := strings.SplitN(strings.TrimPrefix(authorization, "JWT "), ".", 2)[0]
	data, err := base64.RawURLEncoding.DecodeString(seg)
	var header struct{ Kid string }
	if err != nil || json.Unmarshal(data, &header) != nil || !kidSyntax.MatchString(header.Kid) {
		return ""
	}
	return header.Kid
}

func fetchKey(keys, kid string) map[string]string {
	if kid == "" {
		return map[string]string{}
	}
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(keys + "/" + kid)
	if err != nil {
		return map[string]string{}
	}
	defer resp.Body.Close()
	pem, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil || resp.StatusCode != http.StatusOK {
		return map[string]string{}
	}
	return map[string]string{kid: string(pem)}
}

type app struct {
	secret, clientKey, keys, baseURL string
}

func (a *app) verify(r *http.Request, body string) (int, string) {
	path := strings.SplitN(r.RequestURI, "?", 2)[0]
	kind, ok := kinds[path]
	if !ok {
		return http.StatusNotFound, "no such route"
	}
	var payload struct{ ClientKey string }
	_ = json.Unmarshal([]byte(body), &payload)
	if kind == connect.Lifecycle && payload.ClientKey == "" {
		return http.StatusUnauthorized, "the body names no clientKey"
	}
	v := connect.Verification{
		Kind: kind, Now: time.Now(), Profile: connect.Product,
		Request: connect.Request{Method: r.Method, Target: r.RequestURI, BaseURL: a.baseURL,
			Body: body, ContentType: r.Header.Get("Content-Type")},
		Secrets: map[string]string{a.clientKey: a.secret}, ClientKey: payload.ClientKey,
	}
	if values, present := r.Header["Authorization"]; present && len(values) > 0 {
		v.Authorization = &values[0]
	}
	if a.keys != "" && (path == "/installed" || path == "/uninstalled") {
		v.Kind = connect.Install
		v.Audience = a.baseURL
		auth := ""
		if v.Authorization != nil {
			auth = *v.Authorization
		}
		v.PublicKeys = fetchKey(a.keys, unverifiedKid(auth))
	}
	// With ClientKey, a lifecycle callback's iss must be the body's clientKey (ISS_MISMATCH).
	if _, err := connect.Verify(v); err != nil {
		return http.StatusUnauthorized, "invalid token: " + err.Error()
	}
	return http.StatusOK, "ok"
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	status, text := http.StatusRequestEntityTooLarge, "body too large"
	if err == nil && len(data) <= maxBody {
		status, text = a.verify(r, string(data))
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	fmt.Fprint(w, text)
}

func main() {
	a := &app{}
	flag.StringVar(&a.secret, "secret", "", "the tenant's shared secret")
	flag.StringVar(&a.clientKey, "client-key", "", "the tenant's clientKey")
	flag.StringVar(&a.keys, "keys", "", "the key service of signed installs")
	flag.Parse()
	if a.secret == "" || a.clientKey == "" {
		fmt.Fprintln(os.Stderr, "usage: qshprobeapp --secret S --client-key K [--keys URL]")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	a.baseURL = fmt.Sprintf("http://127.0.0.1:%d", port)
	fmt.Println(port)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	server := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-stop; server.Close() }()
	_ = server.Serve(ln)
}
