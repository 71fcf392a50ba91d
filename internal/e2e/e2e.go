// Package e2e runs a connector's whole OAuth flow with the dynamic client (the
// connector interpreted through package model) against oauthtest playing the
// provider: authorize URL, callback, exchange, token metadata, the connector's test
// request, refresh, a 401 answered by one refresh and retry, and revocation. Every
// request for one of the connector's real URLs is sent to the fake provider instead
// (oauthtest.Redirect).
// It serves the catalog's and the importers' end-to-end tests, and holds the helpers
// every catalog test shares (catalog.go).
package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// Fixture is how the fake provider plays one connector's provider, and what the flow
// must produce against it.
type Fixture struct {
	Params   map[string]any    // auth_form values
	Provider oauthtest.Config  // the provider's quirks (client id and secret are set by Run)
	Meta     map[string]string // token metadata (and userinfo fields) after the exchange
	// CallbackVars are the callback values by template name, as the flow keeps them.
	CallbackVars map[string]string
	Refresh      bool // the provider issues refresh tokens and the flow refreshes
	// RefreshLifetime is the refresh token's lifetime the flow keeps with the token
	// (runtime.RefreshTokenExpiry) after the exchange and each refresh; 0: none.
	RefreshLifetime time.Duration
	// Check asserts request-level quirks: the authorize URL's query and what the
	// provider received.
	Check func(t *testing.T, auth url.Values, p *oauthtest.Provider)
}

// WantParams checks parameters of a query or request form; the value "-" means absent.
func WantParams(t *testing.T, where string, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		switch {
		case v == "-" && ok:
			t.Errorf("%s has %s=%q, want none", where, k, g)
		case v != "-" && g != v:
			t.Errorf("%s: %s = %q, want %q", where, k, g, v)
		}
	}
}

// Flat turns a query into a map of first values.
func Flat(q url.Values) map[string]string {
	m := map[string]string{}
	for k := range q {
		m[k] = q.Get(k)
	}
	return m
}

// FirstExchange returns the first token request the provider received.
func FirstExchange(t *testing.T, p *oauthtest.Provider) oauthtest.Request {
	t.Helper()
	reqs := p.RequestsTo("token")
	if len(reqs) == 0 {
		t.Fatal("no token request")
	}
	return reqs[0]
}

// The client the flows run with.
const (
	ClientID     = "client-id-1"
	ClientSecret = "client-secret-1"
	RedirectURL  = "https://app.example.com/oauth/callback"
)

// env is one connector's flow wired to a fake provider.
type env struct {
	m      *model.Connector
	vals   model.Values
	flow   *runtime.Flow
	p      *oauthtest.Provider
	client *runtime.Client
	vars   *runtime.Vars
	api    string // the rendered API base URL
	// latest is the newest token the client obtained (its token hook), which a
	// platform would have stored: the one to revoke.
	latest atomic.Pointer[oauth2.Token]
}

// setup parses and resolves the connector, starts the fake provider and builds a
// client whose requests for the connector's URLs go to it. The caller closes env.p.
func setup(t *testing.T, name string, data []byte, fx Fixture) *env {
	t.Helper()
	m := Parse(t, name, data)
	params, err := m.CheckParams(fx.Params)
	if err != nil {
		t.Fatalf("params: %v", err)
	}
	vals := model.Values{Params: params, ClientID: ClientID, RedirectURL: RedirectURL}
	flow := m.Flow(vals)

	cfg := fx.Provider
	cfg.ClientID, cfg.ClientSecret = ClientID, ClientSecret
	p := oauthtest.New(cfg)

	vars := &runtime.Vars{Callback: fx.CallbackVars, Credentials: fx.Meta}
	routes := map[string]string{}
	route := func(tmpl *model.Template, to string) {
		if tmpl != nil {
			routes[m.Render(tmpl, vals, vars)] = to
		}
	}
	route(m.TokenURL, p.TokenURL())
	route(m.RefreshURL, p.TokenURL())
	route(m.RevokeURL, p.RevokeURL())
	route(m.DeviceAuthURL, p.DeviceURL())
	if m.Userinfo != nil {
		route(m.Userinfo.URL, p.UserinfoURL())
	}
	apiBase := ""
	if m.BaseURL != nil {
		apiBase = m.Render(m.BaseURL, vals, vars)
		routes[apiBase+"*"] = p.APIURL("")
	}
	rw, err := p.Redirect(routes)
	if err != nil {
		p.Close()
		t.Fatalf("%s: %v", name, err)
	}
	rw.Unrouted = func(r *http.Request) {
		t.Errorf("request to an URL the connector does not declare: %s %s://%s%s", r.Method, r.URL.Scheme, r.URL.Host, r.URL.Path)
	}
	hc := &http.Client{Transport: rw}
	e := &env{m: m, vals: vals, flow: flow, p: p, vars: vars, api: apiBase}
	e.client = runtime.New(flow, runtime.Credentials{ClientID: ClientID, ClientSecret: ClientSecret, RedirectURL: RedirectURL}, runtime.WithHTTPClient(hc),
		runtime.WithTokenHook(func(_ context.Context, tok *oauth2.Token) { e.latest.Store(tok) }))
	return e
}

// authorize builds the authorize URL, checks its endpoint, lets the fake provider
// answer it, checks the state, and returns the URL's query, the callback query and
// the PKCE options for the exchange.
func (e *env) authorize(t *testing.T) (authQuery, callback url.Values, pkce []oauth2.AuthCodeOption) {
	t.Helper()
	state := runtime.NewState()
	if e.flow.PKCE != runtime.NoPKCE {
		pkce = append(pkce, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	}
	authURL := e.client.AuthCodeURL(state, pkce...)
	real, err := url.Parse(authURL)
	if err != nil {
		t.Fatalf("authorize URL %q: %v", authURL, err)
	}
	want, err := url.Parse(e.m.Render(e.m.AuthorizeURL, e.vals, e.vars))
	if err != nil {
		t.Fatal(err)
	}
	if real.Host != want.Host || real.Path != want.Path {
		t.Errorf("authorize URL %s://%s%s, want %s", real.Scheme, real.Host, real.Path, want)
	}
	fake, _ := url.Parse(e.p.AuthorizeURL())
	fake.RawQuery = real.RawQuery
	q, err := e.p.Authorize(fake.String())
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	if code := q.Get("error"); code != "" {
		t.Fatalf("authorize refused: %s: %s", code, q.Get("error_description"))
	}
	if !runtime.EqualState(q.Get("state"), state) {
		t.Fatalf("state %q came back, want %q", q.Get("state"), state)
	}
	return real.Query(), q, pkce
}

// ExchangeError runs the authorization step and an exchange that the fake provider
// answers with fault, and returns the exchange's error (nil if it succeeded).
func ExchangeError(t *testing.T, name string, data []byte, fx Fixture, fault oauthtest.Fault) error {
	t.Helper()
	fx.Provider.TokenFaults = []oauthtest.Fault{fault}
	e := setup(t, name, data, fx)
	defer e.p.Close()
	_, q, pkce := e.authorize(t)
	tok, err := e.client.ExchangeCallback(context.Background(), q, pkce...)
	if err == nil && tok == nil {
		t.Fatal("exchange returned neither a token nor an error")
	}
	return err
}

// Run parses the connector file data (name is used in messages) and runs its flow
// against a fake provider configured by fx.
func Run(t *testing.T, name string, data []byte, fx Fixture) {
	t.Helper()
	ctx := context.Background()
	e := setup(t, name, data, fx)
	p, m, vals, vars, client := e.p, e.m, e.vals, e.vars, e.client
	defer p.Close()

	var tok *oauth2Token
	var authQuery url.Values
	if m.Grant == runtime.ClientCredentials {
		got, err := client.Token(ctx)
		if err != nil {
			t.Fatalf("client credentials: %v", err)
		}
		tok = got
	} else {
		var q url.Values
		var pkce []oauth2.AuthCodeOption
		authQuery, q, pkce = e.authorize(t)
		got, err := client.ExchangeCallback(ctx, q, pkce...)
		if err != nil {
			t.Fatalf("exchange: %v", err)
		}
		tok = got
	}
	if tok.AccessToken == "" {
		t.Fatal("no access token")
	}
	for k, want := range fx.Meta {
		if got := tok.Extra(k); got == nil || scalar(got) != want {
			t.Errorf("metadata %s = %v, want %q", k, got, want)
		}
	}
	for k, want := range fx.CallbackVars {
		if got := tok.Extra(k); got == nil || scalar(got) != want {
			t.Errorf("callback value %s = %v, want %q", k, got, want)
		}
	}

	callAPI := func(tok *oauth2Token, when string) {
		t.Helper()
		if m.TestRequest == nil {
			return // the seed's HubSpot and TikTok examples have none
		}
		// Verify, as the clients do: the test request with its body and headers.
		if err := client.Verify(ctx, tok, m.TestRequest.Method, m.Render(m.TestRequest.URL, vals, vars)); err != nil {
			t.Fatalf("%s: test request: %v", when, err)
		}
	}
	checkRefreshExpiry(t, "after the exchange", tok, fx.RefreshLifetime)
	callAPI(tok, "after the exchange")
	if m.Methods.Device {
		defer device(t, e) // after fx.Check, which reads the requests of the code flow
	}
	defer func() {
		if fx.Check != nil && !t.Failed() {
			fx.Check(t, authQuery, p)
		}
	}()

	if fx.Refresh {
		if tok.RefreshToken == "" {
			t.Fatal("no refresh token")
		}
		next, err := client.RefreshToken(ctx, tok)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if next.AccessToken == "" || next.AccessToken == tok.AccessToken {
			t.Fatalf("refresh gave access token %q (old %q)", next.AccessToken, tok.AccessToken)
		}
		if next.RefreshToken == "" {
			t.Error("refresh lost the refresh token")
		}
		for k, want := range fx.Meta {
			if got := next.Extra(k); got == nil || scalar(got) != want {
				t.Errorf("after refresh, metadata %s = %v, want %q", k, got, want)
			}
		}
		checkRefreshExpiry(t, "after the refresh", next, fx.RefreshLifetime)
		p.InvalidateAccessTokens()
		callAPI(next, "after the refresh and a 401") // the transport refreshes once on 401
		tok = next
	}
	if m.RevokeURL != nil {
		if latest := e.latest.Load(); latest != nil {
			tok = latest // the transport renewed it after the 401
		}
		if err := client.Revoke(ctx, tok); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if st := p.Stats(); st.Revocations != 1 {
			t.Errorf("%d revocations, want 1", st.Revocations)
		}
	}
	for _, r := range p.Requests() {
		if r.Endpoint == "revoke" && m.Revocation != nil && m.Revocation.Auth == runtime.AuthSecretBearer {
			continue // the secret key is the bearer token of Stripe's deauthorization
		}
		for _, v := range r.Header.Values("Authorization") {
			if strings.Contains(v, ClientSecret) {
				t.Errorf("%s request carries the client secret in clear in Authorization", r.Endpoint)
			}
		}
	}
}

type oauth2Token = oauth2.Token

// device runs the device authorization grant: the user code is issued by the device
// endpoint, one poll is answered authorization_pending (the provider's interval is
// 1 s), the next gives a token with the connector's metadata.
func device(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	e.p.Update(func(c *oauthtest.Config) { c.DevicePending = 1 })
	da, err := e.client.DeviceAuth(ctx)
	if err != nil {
		t.Fatalf("device authorization: %v", err)
	}
	if da.UserCode == "" || da.VerificationURI == "" {
		t.Fatalf("device authorization %+v", da)
	}
	tok, err := e.client.DeviceAccessToken(ctx, da)
	if err != nil {
		t.Fatalf("device access token: %v", err)
	}
	if tok.AccessToken == "" {
		t.Fatal("device grant: no access token")
	}
	if st := e.p.Stats(); st.DeviceCodes != 1 || st.DevicePolls != 2 {
		t.Errorf("device grant: %d codes, %d polls; want 1 and 2 (one pending)", st.DeviceCodes, st.DevicePolls)
	}
}

// checkRefreshExpiry checks that tok's refresh token expires lifetime from now (0:
// that no expiry is known).
func checkRefreshExpiry(t *testing.T, when string, tok *oauth2Token, lifetime time.Duration) {
	t.Helper()
	exp, ok := runtime.RefreshTokenExpiry(tok)
	switch {
	case lifetime == 0 && ok:
		t.Errorf("%s: the refresh token expires %v, though the connector models no lifetime", when, exp)
	case lifetime == 0:
	case !ok:
		t.Errorf("%s: no refresh token expiry, want one %v from now", when, lifetime)
	default:
		if d := time.Until(exp) - lifetime; d < -time.Minute || d > time.Minute {
			t.Errorf("%s: the refresh token expires in %v, want %v", when, time.Until(exp).Round(time.Second), lifetime)
		}
	}
}

// scalar renders a token Extra value as the flow renders metadata.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
