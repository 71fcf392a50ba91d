package runtime_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// hostFlow is a flow whose token URL is rendered from a callback value, as Zoho's,
// and whose API calls carry the token in a custom header and the query.
func hostFlow(tokenURL runtime.Text) *runtime.Flow {
	return &runtime.Flow{
		Connector:      "Hosts",
		TokenURL:       tokenURL,
		CallbackParams: []runtime.Field{{Name: "server", Path: runtime.Path{"server"}}},
		Metadata:       []runtime.Field{{Name: "api_domain", Path: runtime.Path{"api_domain"}}},
		TokenHosts:     []string{"127.0.0.1", "*.accounts.example"},
		APIHosts:       []string{"127.0.0.1"},
		HostValues:     []string{"credentials.api_domain"},
		API: runtime.APIAuth{HeaderKey: "X-Token", Value: runtime.Func(func(v *runtime.Vars) string { return v.Token }),
			Query: []runtime.Arg{{Key: "key", Value: runtime.Func(func(v *runtime.Vars) string { return v.Token })}}},
	}
}

func fromCallback(v *runtime.Vars) string { return v.Callback["server"] + "/token" }

// TestHostCheckTokenRequests: a token request whose URL a callback value points off
// the token hosts is refused with a *HostError naming connector, operation and
// host, and nothing is sent; so is one with userinfo or plain http off loopback.
func TestHostCheckTokenRequests(t *testing.T) {
	var sent atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return nil, errors.New("must not be sent")
	})}
	c := runtime.New(hostFlow(runtime.Func(fromCallback)), runtime.Credentials{ClientID: "id", ClientSecret: "secret-value"}, runtime.WithHTTPClient(hc))
	for _, tc := range []struct{ server, host string }{
		{"https://evil.example", "evil.example"},
		{"https://evil.example/x?", "evil.example"},
		{"https://a.b.accounts.example", "a.b.accounts.example"},
		{"https://accounts.example", "accounts.example"},
		{"https://user@a.accounts.example", "a.accounts.example"},
		{"http://a.accounts.example", "a.accounts.example"},
		{"https://a\u212a.accounts.example", "a\u212a.accounts.example"},
		{"https://169.254.169.254", "169.254.169.254"},
	} {
		_, err := c.ExchangeCallback(context.Background(), map[string][]string{"code": {"c0de-value"}, "server": {tc.server}})
		var he *runtime.HostError
		if !errors.As(err, &he) {
			t.Errorf("%s: error %v, want a *runtime.HostError", tc.server, err)
			continue
		}
		if he.Connector != "Hosts" || he.Op != runtime.OpExchange || he.Host != tc.host {
			t.Errorf("%s: %+v, want connector Hosts, op %q, host %q", tc.server, he, runtime.OpExchange, tc.host)
		}
		if msg := err.Error(); strings.Contains(msg, "secret-value") || strings.Contains(msg, "c0de-value") {
			t.Errorf("%s: message %q repeats a secret", tc.server, msg)
		}
	}
	tok := (&oauth2.Token{AccessToken: "at", RefreshToken: "rt-value"}).WithExtra(map[string]any{"server": "https://evil.example"})
	if _, err := c.RefreshToken(context.Background(), tok); !isHostError(err, runtime.OpRefresh) {
		t.Errorf("refresh with a stored hostile server: %v", err)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	want := `oauthgen: Hosts: token exchange: host "evil.example" is not one of the connector's token hosts`
	_, err := c.ExchangeCallback(context.Background(), map[string][]string{"code": {"c"}, "server": {"https://evil.example"}})
	if err == nil || err.Error() != want {
		t.Errorf("message %v, want %s", err, want)
	}
}

func isHostError(err error, op runtime.Op) bool {
	var he *runtime.HostError
	return errors.As(err, &he) && he.Op == op
}

// TestHostCheckArrival: a token response whose api_domain (a whole host of API URLs)
// is off the API hosts fails the exchange, before the token hook sees the token.
func TestHostCheckArrival(t *testing.T) {
	for _, tc := range []struct {
		domain string
		ok     bool
	}{{"http://127.0.0.1:1", true}, {"https://evil.example", false}, {"evil.example", false}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"at-1","api_domain":"`+tc.domain+`"}`)
		}))
		hooked := false
		c := runtime.New(hostFlow(runtime.String(srv.URL+"/token")), runtime.Credentials{ClientID: "id", ClientSecret: "s3cr3t"},
			runtime.WithTokenHook(func(context.Context, *oauth2.Token) { hooked = true }))
		tok, err := c.Exchange(context.Background(), "code")
		srv.Close()
		if tc.ok != (err == nil) || tc.ok != hooked {
			t.Errorf("api_domain %s: token %v, error %v, hooked %v", tc.domain, tok, err, hooked)
		}
		if !tc.ok && (!isHostError(err, runtime.OpExchange) || tok != nil) {
			t.Errorf("api_domain %s: %v, want a *HostError and no token", tc.domain, err)
		}
	}
}

// TestHostCheckAPI: an API call to a host outside the API hosts is refused; a
// redirect there goes on without the token in any of its places (header, custom
// header, query parameter), and one within the hosts keeps it.
func TestHostCheckAPI(t *testing.T) {
	var got []*http.Request
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, r)
		h := http.Header{}
		switch r.URL.Path {
		case "/off":
			h.Set("Location", "https://evil.example/steal")
			return &http.Response{StatusCode: http.StatusFound, Header: h, Body: http.NoBody, Request: r}, nil
		case "/on":
			h.Set("Location", "http://127.0.0.1/ok")
			return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: h, Body: http.NoBody, Request: r}, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: http.NoBody, Request: r}, nil
	})
	c := runtime.New(hostFlow(runtime.String("http://127.0.0.1/token")), runtime.Credentials{ClientID: "id"},
		runtime.WithHTTPClient(&http.Client{Transport: base}))
	hc := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: "the-access-token"})

	_, err := hc.Get("https://evil.example/x")
	if !isHostError(err, runtime.OpAPI) || len(got) != 0 {
		t.Fatalf("first request off the API hosts: %v, %d sent", err, len(got))
	}
	resp, err := hc.Get("http://127.0.0.1/off")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 2 || got[1].URL.Host != "evil.example" {
		t.Fatalf("requests %d, want the redirect followed", len(got))
	}
	for _, r := range got[1:] {
		if r.Header.Get("X-Token") != "" || strings.Contains(r.URL.RawQuery, "the-access-token") || r.Header.Get("Authorization") != "" {
			t.Errorf("the redirect off the API hosts carries the token: %v %s", r.Header, r.URL)
		}
	}
	if got[0].Header.Get("X-Token") != "the-access-token" {
		t.Errorf("the first request lacks the token: %v", got[0].Header)
	}
	got = nil
	resp, err = hc.Get("http://127.0.0.1/on")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(got) != 2 || got[1].Header.Get("X-Token") != "the-access-token" {
		t.Errorf("a redirect within the API hosts lost the token")
	}
}

// TestHostCheckOff: a flow without host sets (not made by oauthgen's model) sends
// anywhere, as before.
func TestHostCheckOff(t *testing.T) {
	sent := 0
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent++
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})}
	c := runtime.New(&runtime.Flow{Connector: "Off", TokenURL: runtime.String("https://anywhere.example/t")}, runtime.Credentials{ClientID: "id"}, runtime.WithHTTPClient(hc))
	resp, err := c.HTTPClient(context.Background(), &oauth2.Token{AccessToken: "at"}).Get("https://other.example/")
	if err != nil || sent != 1 {
		t.Fatalf("%v, %d sent", err, sent)
	}
	resp.Body.Close()
}

// TestHostCheckUserHost: the end user's host joins both sets only when it is a host
// name; anything else (an origin, a path) confines to nothing, so every request is
// refused rather than sent to the host such a value happens to render.
func TestHostCheckUserHost(t *testing.T) {
	for _, tc := range []struct {
		user, url string
		ok        bool
	}{
		{"acme.okta.com", "https://acme.okta.com/oauth2/v1/token", true},
		{"acme.okta.com:8443", "https://acme.okta.com:8443/oauth2/v1/token", true},
		{"https://evil.example", "https://https://evil.example/oauth2/v1/token", false},
		{"evil.example/x?", "https://evil.example/x?/oauth2/v1/token", false},
		{"evil.example:x", "https://evil.example/t", false},
	} {
		sent := 0
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent++
			return nil, errors.New("stop")
		})}
		f := &runtime.Flow{Connector: "U", TokenURL: runtime.String(tc.url), UserHost: runtime.String(tc.user)}
		_, err := runtime.New(f, runtime.Credentials{ClientID: "id", ClientSecret: "s"}, runtime.WithHTTPClient(hc)).Exchange(context.Background(), "c")
		if tc.ok != (sent == 1) || tc.ok == isHostError(err, runtime.OpExchange) {
			t.Errorf("user host %q, %s: %d sent, error %v", tc.user, tc.url, sent, err)
		}
	}
}
