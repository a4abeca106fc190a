// The recipe's program: with no arguments, qshcheck's line protocol on stdin and stdout
// (harness/protocol/PROTOCOL.md); "sign SECRET ISS NOW METHOD TARGET BASE_URL" prints the
// Authorization header for an app-to-product call; "example NOW" signs the seed example;
// "call SECRET ISS METHOD TARGET BASE_URL" signs a call now and sends it with net/http.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"qshrecipe/connect"
)

const name, version = "qshcheck-recipe-go", "1.0"

type message struct {
	Type, Op, Method, Target, Profile, Kind string
	ID                                      int64
	BaseURL                                 string `json:"baseUrl"`
	Body, ContentType, Audience, ClientKey  string
	Subject, JWKS, AppID                    string
	Authorization                           *string
	Now, Leeway                             int64
	Secrets, PublicKeys                     map[string]string
}

func answer(m message) any {
	if m.Type == "hello" {
		return map[string]any{"type": "hello", "protocol": 1, "name": name, "version": version,
			"operations": []string{"canonical", "qsh", "verify"}, "profiles": []string{"server", "product"}}
	}
	r := connect.Request{Method: m.Method, Target: m.Target, BaseURL: m.BaseURL, Body: m.Body, ContentType: m.ContentType}
	p := connect.Server
	if m.Profile == "product" {
		p = connect.Product
	}
	var result map[string]any
	var err error
	switch m.Op {
	case "verify":
		_, err = connect.Verify(connect.Verification{Kind: connect.Kind(m.Kind), Now: time.Unix(m.Now, 0),
			Leeway: time.Duration(m.Leeway) * time.Second, Authorization: m.Authorization, Request: r, Profile: p,
			Audience: m.Audience, ClientKey: m.ClientKey, Subject: m.Subject, Secrets: m.Secrets,
			PublicKeys: m.PublicKeys, JWKS: m.JWKS, AppID: m.AppID})
		result = map[string]any{"valid": true}
	case "canonical", "qsh":
		var c, q string
		if c, err = connect.CanonicalRequest(r, p); err == nil {
			q, err = connect.QSH(r, p)
		}
		result = map[string]any{"canonicalRequest": c, "qsh": q}
	default:
		return map[string]any{"id": m.ID, "skipped": "unknown operation " + strconv.Quote(m.Op)}
	}
	var qe *connect.Error
	var te *connect.TokenError
	switch {
	case errors.As(err, &qe):
		return map[string]any{"id": m.ID, "error": map[string]string{"status": qe.Status, "message": err.Error()}}
	case errors.As(err, &te):
		return map[string]any{"id": m.ID, "error": map[string]string{"status": te.Reason, "message": err.Error()}}
	case err != nil:
		return map[string]any{"id": m.ID, "error": map[string]string{"status": "ERROR", "message": err.Error()}}
	}
	return map[string]any{"id": m.ID, "result": result}
}

func serve() error {
	in, out := bufio.NewReader(os.Stdin), bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			return fmt.Errorf("not a protocol message: %w", err)
		}
		if err := enc.Encode(answer(m)); err != nil {
			return err
		}
		if err := out.Flush(); err != nil { // one answer a line, flushed: requests are pipelined
			return err
		}
	}
}

func sign(secret, iss, now, method, target, baseURL string) error {
	t, err := strconv.ParseInt(now, 10, 64)
	if err != nil {
		return fmt.Errorf("NOW is not a number of seconds: %q", now)
	}
	header, err := connect.SignAppToProduct(secret, iss, time.Unix(t, 0),
		connect.Request{Method: method, Target: target, BaseURL: baseURL})
	if err != nil {
		return err
	}
	fmt.Println(header)
	return nil
}

// call signs an app-to-product call at the current time and sends it with net/http to
// baseURL's origin followed by target exactly as given (the context path is in the target);
// it prints the response's status code, then its body. The exit status: 0 when a response
// came, 1 when none did, 2 for arguments it cannot send.
func call(secret, iss, method, target, baseURL string) int {
	base, err := url.Parse(baseURL)
	if err != nil || base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		fmt.Fprintf(os.Stderr, "qshrecipe: BASE_URL is not an http(s) URL: %q\n", baseURL)
		return 2
	}
	header, err := connect.SignAppToProduct(secret, iss, time.Now(),
		connect.Request{Method: method, Target: target, BaseURL: baseURL})
	if err != nil {
		fmt.Fprintln(os.Stderr, "qshrecipe:", err)
		return 2
	}
	// net/http writes req.URL.RequestURI() into the request line. url.Parse keeps the escapes
	// of the path as written (RawPath) and the query raw, but re-encodes a raw character it
	// does not take in a path (| becomes %7C): the product would then hash another request
	// than the one signed, so such a target is refused.
	req, err := http.NewRequest(method, base.Scheme+"://"+base.Host+target, nil)
	if err != nil || !strings.HasPrefix(target, "/") || req.URL.RequestURI() != target {
		fmt.Fprintf(os.Stderr, "qshrecipe: net/http cannot send TARGET unchanged: %q\n", target)
		return 2
	}
	req.Header.Set("Authorization", header)
	// A redirect would be followed without the token, which is signed for this target only.
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "qshrecipe:", err)
		return 1
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode)
	os.Stdout.Write(body)
	if err != nil {
		fmt.Fprintln(os.Stderr, "qshrecipe: the response broke off:", err)
		return 1
	}
	return 0
}

func main() {
	var err error
	switch a := os.Args[1:]; {
	case len(a) == 0:
		err = serve()
	case len(a) == 7 && a[0] == "sign":
		err = sign(a[1], a[2], a[3], a[4], a[5], a[6])
	case len(a) == 6 && a[0] == "call":
		os.Exit(call(a[1], a[2], a[3], a[4], a[5]))
	case len(a) == 2 && a[0] == "example":
		// The seed example: Jira with a context path; the base URL's /jira is not hashed.
		err = sign("example-shared-secret", "com.example.app", a[1],
			"GET", "/jira/rest/api/latest/issue/TEST-2", "https://example.atlassian.net/jira")
	default:
		fmt.Fprintln(os.Stderr, "usage: qshrecipe | qshrecipe sign SECRET ISS NOW METHOD TARGET BASE_URL |",
			"qshrecipe example NOW | qshrecipe call SECRET ISS METHOD TARGET BASE_URL")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "qshrecipe:", err)
		os.Exit(1)
	}
}
