package dynamic_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/connectors"
	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

const (
	evilHost    = "evil.example"
	redirSecret = "platform-secret-value"
	redirToken  = "access-token-value"
)

// redirector answers every request to a host other than evilHost with a redirect of
// the given status to evilHost, and records what reaches evilHost.
type redirector struct {
	status int
	mu     sync.Mutex
	first  []*http.Request // requests to the connector's hosts
	evil   []*http.Request // requests that followed a redirect
}

func (r *redirector) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	h := http.Header{"Content-Type": {"application/json"}}
	if req.URL.Host == evilHost {
		r.evil = append(r.evil, req)
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(`{"access_token":"stolen"}`)), Request: req}, nil
	}
	r.first = append(r.first, req)
	h.Set("Location", "https://"+evilHost+"/collect")
	return &http.Response{StatusCode: r.status, Header: h, Body: http.NoBody, Request: req}, nil
}

// redirectClient is a dynamic client for the catalog connector m whose HTTP goes to rd.
func redirectClient(t *testing.T, m *model.Connector, rd *redirector) *dynamic.Client {
	t.Helper()
	c, err := dynamic.New(m, appConfig(m, "platform-client-id", redirSecret, e2e.Params(m, nil)), runtime.WithHTTPClient(&http.Client{Transport: rd}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// appConfig is the Config of m with the client credentials id and secret where m
// takes them: in Params where its auth_form declares client_id and client_secret (the
// end user's own application), else in the Config's fields.
// appKey signs the client assertions of private_key_jwt connectors.
var appKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

func appConfig(m *model.Connector, id, secret string, params map[string]any) dynamic.Config {
	cfg := dynamic.Config{ClientID: id, ClientSecret: runtime.Secret(secret), RedirectURL: "https://app.example/cb", Params: params}
	if m.ClientAuth == runtime.AuthPrivateKeyJWT {
		cfg.PrivateKey = appKey
	}
	if m.UserClientID {
		cfg.Params["client_id"], cfg.ClientID = id, ""
	}
	if m.UserClientSecret {
		cfg.Params["client_secret"], cfg.ClientSecret = secret, ""
	}
	if m.EndUserCredentials() {
		cfg.ClientSecret = "" // a key or certificate: Config's secret is refused there
	}
	return cfg
}

// keptToken is a token carrying a provider-like value for each value m keeps, so
// that URLs built from them render.
func keptToken(m *model.Connector) *oauth2.Token {
	extra := map[string]any{}
	for _, kv := range m.KeptValues() {
		kind := "meta"
		if kv.Callback {
			kind = "callback"
		}
		extra[kv.Name] = e2e.FakeValue(m, kind, kv.Name)
	}
	return (&oauth2.Token{AccessToken: redirToken, RefreshToken: "refresh-token-value"}).WithExtra(extra)
}

func catalogFiles(t *testing.T) []string {
	names, err := fs.Glob(connectors.Files, "*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("catalog: %v (%d files)", err, len(names))
	}
	return names
}

// TestTokenRequestRedirectsEveryConnector: for every catalog connector, a token
// endpoint answering 307 or 308 gets a *runtime.RedirectError, and the redirect's
// target gets nothing (the body with the client secret and the code is not re-sent).
func TestTokenRequestRedirectsEveryConnector(t *testing.T) {
	tried, refused := 0, 0
	defer func() {
		t.Logf("%d token requests redirected, %d refused before sending", tried, refused)
		if tried < 50 {
			t.Errorf("only %d token requests were tried", tried)
		}
	}()
	for _, name := range catalogFiles(t) {
		m := catalog(t, name)
		for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			rd := &redirector{status: status}
			c := redirectClient(t, m, rd)
			ctx := context.Background()
			var err error
			if m.Grant == runtime.ClientCredentials {
				_, err = c.Token(ctx)
			} else {
				q := url.Values{m.CodeKey: {"the-code-value"}, "state": {"s"}}
				for _, f := range m.CallbackParams {
					q.Set(f.Path[0], e2e.FakeValue(m, "callback", f.Name))
				}
				_, err = c.ExchangeCallback(ctx, q, oauth2.VerifierOption(oauth2.GenerateVerifier()))
			}
			if len(rd.evil) != 0 {
				t.Errorf("%s %d: %d requests reached the redirect target", name, status, len(rd.evil))
			}
			if err != nil && len(rd.first) == 0 {
				refused++ // refused before sending (a host check): nothing to redirect
				continue
			}
			tried++
			var re *runtime.RedirectError
			if !errors.As(err, &re) || re.StatusCode != status || re.Host != evilHost {
				t.Errorf("%s %d: error %v, want a *runtime.RedirectError to %s", name, status, err, evilHost)
			}
			if len(rd.first) != 1 {
				t.Errorf("%s %d: %d token requests, want 1 (nothing sent again)", name, status, len(rd.first))
			}
		}
	}
}

// TestAPIRedirectEveryConnector: for every catalog connector, an API call (base URL,
// else test request) redirected with a 302 to another host reaches it without the
// token, the API headers (X-Shopify-Access-Token, an API key) and the query
// parameters the transport added.
func TestAPIRedirectEveryConnector(t *testing.T) {
	tried := 0
	for _, name := range catalogFiles(t) {
		m := catalog(t, name)
		rd := &redirector{status: http.StatusFound}
		c := redirectClient(t, m, rd)
		tok := keptToken(m)
		target := c.BaseURLFor(tok)
		if _, u, ok := c.TestRequest(tok); ok && target == "" {
			target = u
		}
		if target == "" {
			continue // no API URL: HTTPClient has nothing of the connector's to call
		}
		tried++
		resp, err := c.HTTPClient(context.Background(), tok).Get(target)
		if err != nil && len(rd.first) == 0 && len(rd.evil) == 0 {
			tried-- // refused before sending (a host check): nothing to redirect
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		resp.Body.Close()
		if len(rd.first) != 1 || len(rd.evil) != 1 {
			t.Errorf("%s: %d requests to the API host and %d to the other host, want 1 and 1", name, len(rd.first), len(rd.evil))
			continue
		}
		first, evil := rd.first[0], rd.evil[0]
		if !strings.Contains(first.URL.RawQuery+headerText(first.Header), redirToken) {
			t.Errorf("%s: the API host did not get the token (%s): the check below proves nothing", name, first.URL)
		}
		for k := range first.Header {
			if evil.Header[k] != nil {
				t.Errorf("%s: the other host got the API header %s", name, k)
			}
		}
		if strings.Contains(headerText(evil.Header)+evil.URL.String(), redirToken) || evil.URL.RawQuery != "" {
			t.Errorf("%s: the other host got the token or a query: %s %q", name, evil.URL, evil.Header)
		}
	}
	if tried < 50 {
		t.Errorf("only %d connectors had an API call redirected", tried)
	}
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}
