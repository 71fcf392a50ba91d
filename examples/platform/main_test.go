package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// fakes are the fake providers: HubSpot, and two Shopify stores on their own hosts.
type fakes struct {
	hubspot, acme, globex *oauthtest.Provider
	routes                map[string]*oauthtest.Redirect // by real host
}

func newFakes(t *testing.T) *fakes {
	f := &fakes{routes: map[string]*oauthtest.Redirect{}}
	newP := func(cfg oauthtest.Config) *oauthtest.Provider {
		cfg.ExpiresIn = time.Hour
		p := oauthtest.New(cfg)
		t.Cleanup(p.Close)
		return p
	}
	f.hubspot = newP(oauthtest.Config{ClientID: "hs-app", ClientSecret: "hs-secret-value"})
	shop := oauthtest.Config{ClientID: "shop-app", ClientSecret: "shop-secret-value", APIHeader: "X-Shopify-Access-Token", APIFormat: "{token}"}
	f.acme, f.globex = newP(shop), newP(shop)
	route := func(p *oauthtest.Provider, host string, routes map[string]string) {
		r, err := p.Redirect(routes)
		if err != nil {
			t.Fatal(err)
		}
		r.Unrouted = func(req *http.Request) { t.Errorf("unrouted request to %s", req.URL.Redacted()) }
		f.routes[host] = r
	}
	route(f.hubspot, "app.hubspot.com", map[string]string{"https://app.hubspot.com/oauth/authorize": f.hubspot.AuthorizeURL()})
	route(f.hubspot, "api.hubapi.com", map[string]string{
		"https://api.hubapi.com/oauth/v1/token": f.hubspot.TokenURL(),
		"https://api.hubapi.com/*":              f.hubspot.APIURL(""),
	})
	for name, p := range map[string]*oauthtest.Provider{"acme": f.acme, "globex": f.globex} {
		base := "https://" + name + ".myshopify.com/admin/"
		route(p, name+".myshopify.com", map[string]string{
			base + "oauth/authorize":    p.AuthorizeURL(),
			base + "oauth/access_token": p.TokenURL(),
			base + "api/2025-10/*":      p.APIURL(""),
		})
	}
	return f
}

// RoundTrip sends a request for a real provider's host to its fake.
func (f *fakes) RoundTrip(req *http.Request) (*http.Response, error) {
	if r := f.routes[req.URL.Host]; r != nil {
		return r.RoundTrip(req)
	}
	return nil, oauthtest.ErrUnrouted
}

// browser is an end user's browser: it keeps cookies, and plays the provider's
// consent screen (the fake's authorize step) when the service redirects to it.
type browser struct {
	t   *testing.T
	hc  *http.Client
	srv *httptest.Server
	f   *fakes
}

func newBrowser(t *testing.T, srv *httptest.Server, f *fakes) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return http.ErrUseLastResponse // the test follows the provider's redirects itself
	}}
	return &browser{t: t, hc: hc, srv: srv, f: f}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.hc.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusFound {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return resp.StatusCode, string(body)
}

// consent starts a connection and returns the callback query the provider sends
// the browser back with.
func (b *browser) consent(connectPath string) url.Values {
	b.t.Helper()
	st, loc := b.get(connectPath)
	if st != http.StatusFound {
		b.t.Fatalf("%s: %d %s", connectPath, st, loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	r := b.f.routes[u.Host]
	if r == nil {
		b.t.Fatalf("%s redirects to %s", connectPath, u.Host)
	}
	fake, err := r.URL(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	var p *oauthtest.Provider
	for _, c := range []*oauthtest.Provider{b.f.hubspot, b.f.acme, b.f.globex} {
		if strings.HasPrefix(fake, c.URL) {
			p = c
		}
	}
	q, err := p.Authorize(fake)
	if err != nil {
		b.t.Fatal(err)
	}
	return q
}

func (b *browser) connect(provider, query string) {
	b.t.Helper()
	q := b.consent("/connect/" + provider + query)
	if st, body := b.get("/callback/" + provider + "?" + q.Encode()); st != http.StatusOK {
		b.t.Fatalf("callback: %d %s", st, body)
	}
}

type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPlatform drives the whole path: two users' browsers connect HubSpot and two
// Shopify stores, the service calls each API with the right connection, and refuses
// callbacks that are someone else's, replayed or forged.
func TestPlatform(t *testing.T) {
	f := newFakes(t)
	var logs syncBuilder
	app, err := NewApp(Config{
		BaseURL:         "https://platform.example",
		HubSpotClientID: "hs-app", HubSpotSecret: "hs-secret-value",
		ShopifyClientID: "shop-app", ShopifySecret: "shop-secret-value",
		Logger:        slog.New(slog.NewJSONHandler(&logs, nil)),
		ClientOptions: []runtime.Option{runtime.WithHTTPClient(&http.Client{Transport: f})},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()

	alice, bob := newBrowser(t, srv, f), newBrowser(t, srv, f)
	alice.connect("hubspot", "")
	alice.connect("shopify", "?shop=acme")
	bob.connect("shopify", "?shop=globex")

	for _, c := range []struct {
		b        *browser
		provider string
		fake     *oauthtest.Provider
	}{{alice, "hubspot", f.hubspot}, {alice, "shopify", f.acme}, {bob, "shopify", f.globex}} {
		before := c.fake.Stats().APICalls
		if st, body := c.b.get("/api/" + c.provider); st != http.StatusOK {
			t.Errorf("%s API call: %d %s", c.provider, st, body)
		}
		if c.fake.Stats().APICalls != before+1 {
			t.Errorf("%s: the API call did not reach its own host", c.provider)
		}
	}
	if st, _ := bob.get("/api/hubspot"); st != http.StatusNotFound {
		t.Errorf("bob's HubSpot API call without a connection: %d, want 404", st)
	}

	// A callback begun by Bob and completed in Alice's browser is refused, and so is
	// a replay of it and a state nobody issued.
	q := bob.consent("/connect/hubspot")
	if st, _ := alice.get("/callback/hubspot?" + q.Encode()); st != http.StatusForbidden {
		t.Errorf("someone else's callback: %d, want 403", st)
	}
	if st, _ := bob.get("/callback/hubspot?" + q.Encode()); st != http.StatusBadRequest {
		t.Errorf("replayed callback: %d, want 400", st)
	}
	q.Set("state", "forged-state-forged-state-forged-state-forged-state")
	if st, _ := bob.get("/callback/hubspot?" + q.Encode()); st != http.StatusBadRequest {
		t.Errorf("forged state: %d, want 400", st)
	}
	if st, _ := alice.get("/connect/shopify?shop=evil.example%2F"); st != http.StatusBadRequest {
		t.Errorf("a shop that is no shop name: %d, want 400", st)
	}

	// Disconnect, then the API call has no connection; Bob's stays.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/disconnect/shopify", nil)
	resp, err := alice.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("disconnect: %d", resp.StatusCode)
	}
	if st, _ := alice.get("/api/shopify"); st != http.StatusNotFound {
		t.Errorf("API call after disconnect: %d, want 404", st)
	}
	if st, _ := bob.get("/api/shopify"); st != http.StatusOK {
		t.Errorf("bob's connection went with alice's: %d", st)
	}
	for _, secret := range []string{"hs-secret-value", "shop-secret-value"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds a client secret")
		}
	}
	if !strings.Contains(logs.String(), `"op":"exchange"`) || !strings.Contains(logs.String(), `"op":"disconnect"`) {
		t.Errorf("exchange and disconnect are not in the log: %s", logs.String())
	}
}
