package oauthtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
)

// ExampleProvider_Redirect runs a client configured with a real provider's URLs
// against the fake provider.
func ExampleProvider_Redirect() {
	p := oauthtest.New(oauthtest.Config{ClientID: "app", ClientSecret: "s3cret"})
	defer p.Close()
	rt, err := p.Redirect(map[string]string{
		"https://auth.example.com/oauth/authorize": p.AuthorizeURL(),
		"https://auth.example.com/oauth/token":     p.TokenURL(),
		"https://api.example.com/v1/*":             p.APIURL(""), // the whole API
	})
	if err != nil {
		log.Fatal(err)
	}
	hc := &http.Client{Transport: rt}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	cfg := &oauth2.Config{
		ClientID: "app", ClientSecret: "s3cret", RedirectURL: "https://app.example.com/cb",
		Endpoint: oauth2.Endpoint{AuthURL: "https://auth.example.com/oauth/authorize", TokenURL: "https://auth.example.com/oauth/token"},
	}

	authURL, err := rt.URL(cfg.AuthCodeURL("state-1")) // the fake's authorize endpoint
	if err != nil {
		log.Fatal(err)
	}
	callback, err := p.Authorize(authURL)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, callback.Get("code"))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := cfg.Client(ctx, tok).Get("https://api.example.com/v1/me?fields=name")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	_, err = hc.Get("https://elsewhere.example.com/")

	api, _ := p.LastRequest("api")
	fmt.Println("API status:", resp.StatusCode)
	fmt.Println("the fake API received:", api.URL)
	fmt.Println("unrouted:", errors.Is(err, oauthtest.ErrUnrouted))
	// Output:
	// API status: 200
	// the fake API received: /api/me?fields=name
	// unrouted: true
}

func TestRedirectRoutes(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{ClientID: "app", ClientSecret: "s3cret"})
	defer p.Close()
	rt, err := p.Redirect(map[string]string{
		"https://api.example.com/oauth/token?grant=x": p.TokenURL(), // the query is ignored
		"https://api.example.com/*":                   p.APIURL("/root/"),
		"https://api.example.com/v2/*":                p.APIURL("/v2/"),
		"https://api.example.com/v2/me":               p.UserinfoURL(),
		"https://api.example.com/revoke":              p.RevokeURL(),
		"https://auth.example.com/token":              p.TokenURL(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var unrouted []string
	rt.Unrouted = func(r *http.Request) { unrouted = append(unrouted, r.Method+" "+r.URL.String()) }

	for _, tc := range []struct{ real, want string }{
		{"https://api.example.com/oauth/token", p.TokenURL()},                      // exact
		{"https://api.example.com/oauth/token?a=1&b=2", p.TokenURL() + "?a=1&b=2"}, // the query is kept
		{"https://api.example.com/revoke", p.RevokeURL()},
		{"https://api.example.com/v2/me?x=%20y", p.UserinfoURL() + "?x=%20y"}, // exact over prefix
		{"https://api.example.com/v2/teams/1", p.APIURL("/v2/teams/1")},       // the longer prefix
		{"https://api.example.com/v3/teams", p.APIURL("/root/v3/teams")},      // the shorter prefix
		{"https://api.example.com/", p.APIURL("/root/")},
	} {
		got, err := rt.URL(tc.real)
		if err != nil || got != tc.want {
			t.Errorf("URL(%s) = %q, %v; want %q", tc.real, got, err, tc.want)
		}
	}
	for _, real := range []string{
		"http://auth.example.com/token",    // another scheme
		"https://auth.example.com/token/",  // another path
		"https://auth.example.com/token/x", // exact routes are no prefixes
		"https://auth.example.com/",
		"https://example.com/token", // another host
	} {
		if got, err := rt.URL(real); !errors.Is(err, oauthtest.ErrUnrouted) || got != "" {
			t.Errorf("URL(%s) = %q, %v; want ErrUnrouted", real, got, err)
		}
	}

	// A request reaches the fake's endpoint with its method, headers, body and query,
	// and the caller's request is left as it was.
	body := `{"a":1}`
	req, _ := http.NewRequest("POST", "https://api.example.com/v2/teams?page=2", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	tok := p.IssueToken()
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct{ Method, Path, Body string }
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("API answered %s: %v", resp.Status, err)
	}
	if answer.Method != "POST" || answer.Path != "/api/v2/teams" || answer.Body != body {
		t.Errorf("the fake API received %+v", answer)
	}
	if r, _ := p.LastRequest("api"); r.URL != "/api/v2/teams?page=2" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("the fake API received %s with Content-Type %q", r.URL, r.Header.Get("Content-Type"))
	}
	if req.URL.String() != "https://api.example.com/v2/teams?page=2" || req.Host != "api.example.com" {
		t.Errorf("the caller's request changed: %s (Host %q)", req.URL, req.Host)
	}

	// An unrouted request goes nowhere: ErrUnrouted, Unrouted is called, and the error
	// names the URL without its query (a code or a token may be in it).
	req, _ = http.NewRequest("GET", "https://other.example.com/me?access_token=tok-secret", nil)
	_, err = rt.RoundTrip(req)
	if !errors.Is(err, oauthtest.ErrUnrouted) || !strings.Contains(err.Error(), "GET https://other.example.com/me") || strings.Contains(err.Error(), "tok-secret") {
		t.Errorf("unrouted request: %v", err)
	}
	if len(unrouted) != 1 || unrouted[0] != "GET https://other.example.com/me?access_token=tok-secret" {
		t.Errorf("Unrouted saw %q", unrouted)
	}
	if n := len(p.Requests()); n != 1 {
		t.Errorf("the fake received %d requests, want 1 (the API call)", n)
	}
}

// The body of a request that goes nowhere is closed, as RoundTrip must.
func TestRedirectUnroutedClosesBody(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{})
	defer p.Close()
	rt, err := p.Redirect(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &closeBody{Reader: strings.NewReader("x")}
	req, _ := http.NewRequest("POST", "https://example.com/token", b)
	if _, err := rt.RoundTrip(req); !errors.Is(err, oauthtest.ErrUnrouted) {
		t.Errorf("error %v, want ErrUnrouted", err)
	}
	if !b.closed {
		t.Error("the request body was not closed")
	}
}

type closeBody struct {
	io.Reader
	closed bool
}

func (b *closeBody) Close() error { b.closed = true; return nil }

func TestRedirectBadRoutes(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{})
	defer p.Close()
	for _, tc := range []struct {
		routes map[string]string
		errHas string
	}{
		{map[string]string{"/oauth/token": p.TokenURL()}, `route "/oauth/token" is not an absolute URL`},
		{map[string]string{"api.example.com/token": p.TokenURL()}, "is not an absolute URL"},
		{map[string]string{"https://api.example.com/%zz": p.TokenURL()}, "is not an absolute URL"},
		{map[string]string{"https://api.example.com/token": "http://[::1"}, `target "http://[::1" is not a URL`},
		{map[string]string{"https://a.example.com/t?x=1": p.TokenURL(), "https://a.example.com/t": p.RevokeURL()},
			`routes "https://a.example.com/t" and "https://a.example.com/t?x=1" match the same URLs`},
		{map[string]string{"https://a.example.com/v1/*": p.APIURL(""), "https://a.example.com/v1/?q*": p.APIURL("/v1/")},
			"match the same URLs"},
	} {
		if _, err := p.Redirect(tc.routes); err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("Redirect(%v): error %v, want one containing %q", tc.routes, err, tc.errHas)
		}
	}
	// The same URLs routed to the same place twice are no conflict; an exact route
	// and a prefix of the same path are two routes.
	if _, err := p.Redirect(map[string]string{"https://a.example.com/t?x=1": p.TokenURL(), "https://a.example.com/t": p.TokenURL(), "https://a.example.com/t*": p.APIURL("")}); err != nil {
		t.Error(err)
	}
}
