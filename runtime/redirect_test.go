package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// sink is a server that records what reaches it: where a redirect would take a request.
type sink struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []string // each request's method, URL, headers and body, flattened
}

func newSink(t *testing.T) *sink {
	s := &sink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var sb strings.Builder
		sb.WriteString(r.Method + " " + r.URL.String() + "\n")
		for k, vs := range r.Header {
			sb.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
		sb.Write(b)
		s.mu.Lock()
		s.reqs = append(s.reqs, sb.String())
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"stolen-token","ok":true}`)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sink) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// TestCredentialRequestsDoNotFollowRedirects: a token, refresh, client credentials,
// revocation, userinfo or test request answered with a redirect is a typed error, and
// nothing reaches the redirect's target (a 307 or 308 would re-send the body with the
// secret, the code or the refresh token).
func TestCredentialRequestsDoNotFollowRedirects(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		target := newSink(t)
		var hits int
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits++
			mu.Unlock()
			http.Redirect(w, r, target.URL+"/collect", status)
		}))
		t.Cleanup(srv.Close)
		flow := &runtime.Flow{
			Connector:    "Test",
			TokenURL:     runtime.String(srv.URL + "/token"),
			RevokeURL:    runtime.String(srv.URL + "/revoke"),
			ExchangeArgs: []runtime.Arg{{Key: "grant_type", Value: runtime.String("authorization_code")}},
			FallbackBody: runtime.JSON, // a redirect must not count as a refusal of the body type
			Userinfo:     &runtime.Userinfo{URL: runtime.String(srv.URL + "/me")},
		}
		// The context's client follows redirects by default; the runtime's copy of it must not.
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{})
		c := runtime.New(flow, runtime.Credentials{ClientID: testID, ClientSecret: testSecret, RedirectURL: testRedirect})
		tok := &oauth2.Token{AccessToken: "access-token-value", RefreshToken: "refresh-token-value"}
		ops := []struct {
			op   runtime.Op
			call func() error
		}{
			{runtime.OpExchange, func() error { _, err := c.Exchange(ctx, "the-code-value"); return err }},
			{runtime.OpRefresh, func() error { _, err := c.Refresh(ctx, "refresh-token-value"); return err }},
			{runtime.OpClientCredentials, func() error {
				_, err := runtime.New(&runtime.Flow{Grant: runtime.ClientCredentials, TokenURL: flow.TokenURL}, runtime.Credentials{ClientID: testID, ClientSecret: testSecret}).Token(ctx)
				return err
			}},
			{runtime.OpRevoke, func() error { return c.Revoke(ctx, tok) }},
			{runtime.OpVerify, func() error { return c.Verify(ctx, tok, "GET", srv.URL+"/test") }},
		}
		for _, o := range ops {
			mu.Lock()
			hits = 0
			mu.Unlock()
			err := o.call()
			var re *runtime.RedirectError
			if !errors.As(err, &re) {
				t.Fatalf("%d %s: error %v, want a *runtime.RedirectError", status, o.op, err)
			}
			var te *runtime.TokenError
			if !errors.As(err, &te) || te.Op != o.op || te.StatusCode != status {
				t.Errorf("%d %s: error %#v, want a *runtime.TokenError of the operation with the status", status, o.op, err)
			}
			if re.StatusCode != status || re.Op != o.op || re.Host != strings.TrimPrefix(target.URL, "http://") {
				t.Errorf("%d %s: RedirectError %+v", status, o.op, *re)
			}
			if msg := err.Error(); !strings.Contains(msg, "redirect") || strings.Contains(msg, "/collect") {
				t.Errorf("%d %s: message %q: want the redirect named, without the target's path", status, o.op, msg)
			}
			mu.Lock()
			if hits != 1 {
				t.Errorf("%d %s: %d requests to the endpoint, want 1 (nothing sent again)", status, o.op, hits)
			}
			mu.Unlock()
		}
		// Userinfo runs after an exchange: a token endpoint that answers, a userinfo
		// endpoint that redirects.
		tokSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"access-token-value"}`)
		}))
		t.Cleanup(tokSrv.Close)
		uf := *flow
		uf.TokenURL = runtime.String(tokSrv.URL)
		got, err := runtime.New(&uf, runtime.Credentials{ClientID: testID, ClientSecret: testSecret}).Exchange(ctx, "the-code-value")
		var re *runtime.RedirectError
		if !errors.As(err, &re) || re.Op != runtime.OpUserinfo || got == nil {
			t.Errorf("%d userinfo: token %v, error %v: want the token and a *runtime.RedirectError", status, got, err)
		}
		if s := target.seen(); len(s) > 0 {
			t.Errorf("%d: the redirect target got %d requests: %q", status, len(s), s)
		}
	}
}

// TestAPIRedirectToAnotherHostDropsToken: an API call redirected to another host
// reaches it without the token, whether the flow sends it in Authorization, in a
// custom header (which net/http does not strip) or in the query, and without the
// extra API headers and query parameters; a redirect on the same host keeps it.
func TestAPIRedirectToAnotherHostDropsToken(t *testing.T) {
	const token = "access-token-value"
	flows := map[string]runtime.APIAuth{
		"bearer":  {},
		"custom":  {HeaderKey: "X-Shopify-Access-Token", Value: runtime.Func(func(v *runtime.Vars) string { return v.Token })},
		"query":   {InQuery: true, QueryKey: "access_token"},
		"extras":  {Headers: []runtime.Arg{{Key: "X-Api-Key", Value: runtime.String("api-key-value")}}, Query: []runtime.Arg{{Key: "key", Value: runtime.String("api-key-value")}}},
		"private": {HeaderKey: "Private-Token", Value: runtime.Func(func(v *runtime.Vars) string { return v.Token })},
	}
	for name, api := range flows {
		other := newSink(t)
		same := newSink(t)
		var first *http.Request
		api1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/same" {
				same.Config.Handler.ServeHTTP(w, r)
				return
			}
			first = r
			if r.URL.Query().Get("to") == "same" {
				http.Redirect(w, r, "/same", http.StatusFound)
				return
			}
			http.Redirect(w, r, other.URL+"/collect", http.StatusFound)
		}))
		t.Cleanup(api1.Close)
		c := runtime.New(&runtime.Flow{Connector: "Test", API: api}, runtime.Credentials{ClientID: testID}, runtime.WithHTTPClient(&http.Client{}))
		hc := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: token})
		for _, to := range []string{"other", "same"} {
			resp, err := hc.Get(api1.URL + "/v1/me?to=" + to)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			resp.Body.Close()
		}
		if first == nil || !strings.Contains(first.URL.RawQuery+strings.Join(first.Header.Values(canonicalOr(api.HeaderKey)), ""), token) && name != "extras" {
			t.Fatalf("%s: the API host did not get the token: the test proves nothing", name)
		}
		for _, r := range other.seen() {
			for _, bad := range []string{token, "api-key-value", "X-Shopify-Access-Token", "Private-Token"} {
				if strings.Contains(r, bad) {
					t.Errorf("%s: the other host got %q:\n%s", name, bad, r)
				}
			}
		}
		if len(other.seen()) != 1 {
			t.Errorf("%s: the other host got %d requests, want 1", name, len(other.seen()))
		}
		s := same.seen()
		want := token
		if name == "extras" {
			want = "api-key-value"
		}
		if len(s) != 1 || !strings.Contains(s[0], want) {
			t.Errorf("%s: a redirect on the same host lost the token: %q", name, s)
		}
	}
}

func canonicalOr(k string) string {
	if k == "" {
		return "Authorization"
	}
	return http.CanonicalHeaderKey(k)
}

// rebuilding is a base transport that answers with a response of its own making, as a
// logging or retry wrapper may: its Request is nil, so the chain's first request is
// unknown to the API transport.
type rebuilding struct{ base http.RoundTripper }

func (r rebuilding) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	return &http.Response{Status: resp.Status, StatusCode: resp.StatusCode, Header: resp.Header, Body: resp.Body, ContentLength: resp.ContentLength}, nil
}

// TestRedirectUnknownChainGetsNoToken: when the base transport hides the request a
// redirect came from, the redirect is sent without the token (fail closed), whatever
// host it goes to.
func TestRedirectUnknownChainGetsNoToken(t *testing.T) {
	var got []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	}))
	defer api.Close()
	p := provider(t, oauthtest.Config{})
	c := newClient(p, stdFlow(p), runtime.WithHTTPClient(&http.Client{Transport: rebuilding{http.DefaultTransport}}))
	resp, err := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: "api-token-1", Expiry: time.Now().Add(time.Hour)}).Get(api.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 1 || got[0] != "" {
		t.Errorf("the redirected request carried Authorization %q, want none", got)
	}
}

// TestClientValueHidesSecret: a Client printed as a value by reflection (copying one
// is refused by vet, as it holds atomics; its Format has a pointer receiver) shows no
// client secret under the verbs that print structs: the credentials are behind a
// pointer. (A verb that does not fit a struct, such as %s, makes fmt print the value
// it cannot format whole; that needs a copy of a Client no code should make.)
func TestClientValueHidesSecret(t *testing.T) {
	p := provider(t, oauthtest.Config{})
	c := newClient(p, stdFlow(p))
	for _, verb := range []string{"%v", "%+v", "%#v", "%x", "%d"} {
		if out := fmt.Sprintf(verb, reflect.ValueOf(c).Elem()); strings.Contains(out, testSecret) || strings.Contains(out, fmt.Sprintf("%x", testSecret)) {
			t.Errorf("%s of a Client value shows the secret: %s", verb, out)
		}
	}
}
