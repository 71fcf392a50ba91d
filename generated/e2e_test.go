// The end-to-end test of the generated packages, and what it leaves to others: it
// runs each generated client through its whole flow against oauthtest enforcing the
// quirks the connector declares (client authentication, body type, renamed keys,
// PKCE, how the API expects the token, callback values, metadata, expiry and one
// refresh, revocation), so it proves that the generated code speaks the provider's
// dialect; it also checks that the method set follows the model (no Exchange or
// Refresh where those requests read callback values). It does not compare generated
// and dynamic clients: internal/difftest does, byte for byte, over every connector
// and several sets of end-user values, and the dynamic client's flows against
// oauthtest are connectors/e2e_test.go's (through internal/e2e).
package generated_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// The application the flows run with.
const (
	clientID     = e2e.ClientID
	clientSecret = e2e.ClientSecret
	redirectURL  = e2e.RedirectURL
	state        = "state-fixed-for-the-flow"
	verifier     = "verifier-fixed-for-the-flow-0123456789abcdefghijkl"
)

// The method sets of generated clients, by what the connector calls for.
type (
	authCodeClient interface {
		AuthCodeURL(string, ...oauth2.AuthCodeOption) string
		CodeFromCallback(url.Values) (string, error)
		HTTPClient(context.Context, *oauth2.Token) *http.Client
		TokenSource(context.Context, *oauth2.Token) oauth2.TokenSource
	}
	// codeExchanger: every authorization-code client but those whose token request
	// reads callback values (model.Connector.ExchangeNeedsCallback).
	codeExchanger interface {
		Exchange(context.Context, string, ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	}
	callbackExchanger interface {
		ExchangeCallback(context.Context, url.Values, ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	}
	ccClient interface {
		Token(context.Context) (*oauth2.Token, error)
		TokenSource(context.Context) oauth2.TokenSource
		HTTPClient(context.Context) *http.Client
	}
	refresher interface {
		Refresh(context.Context, string) (*oauth2.Token, error)
	}
	tokenRefresher interface {
		RefreshToken(context.Context, *oauth2.Token) (*oauth2.Token, error)
	}
	revoker interface {
		Revoke(context.Context, *oauth2.Token) error
	}
	verifier_ interface {
		Verify(context.Context, *oauth2.Token) error
	}
	baseFixed  interface{ BaseURL() string }
	baseForTok interface{ BaseURL(*oauth2.Token) string }
)

// fixture is how the fake provider plays a connector's provider, derived from the
// connector's own model: every quirk the connector declares, the provider expects.
type fixture struct {
	params   map[string]any    // auth_form values given to the client
	provider oauthtest.Config  // quirks
	meta     map[string]string // token metadata and userinfo values the provider sends
	callback map[string]string // callback values, by template name
}

func deriveFixture(t *testing.T, m *model.Connector) fixture {
	t.Helper()
	fx := fixture{params: e2e.Params(m, nil), meta: map[string]string{}, callback: map[string]string{}}
	c := oauthtest.Config{
		ClientIDKey: m.ClientIDKey, SecretKey: m.SecretKey, CodeKey: m.CodeKey,
		Method:      m.Method,
		RequirePKCE: m.PKCE != runtime.NoPKCE,
		WithoutCode: m.WithoutCode,
	}
	switch m.ClientAuth {
	case runtime.AuthBody:
		c.ClientAuth = oauthtest.AuthBody
	case runtime.AuthHeader:
		c.ClientAuth = oauthtest.AuthBasic
	case runtime.AuthBoth:
		c.ClientAuth = oauthtest.AuthBoth
	}
	if m.Body == runtime.JSON {
		c.AcceptJSON = true
	} else {
		c.AcceptForm = true
	}
	if p := strings.Join(m.AccessToken, "."); p != "access_token" {
		c.AccessTokenPath = p
	}
	if m.Permanent {
		c.NoRefreshToken = true
	} else {
		c.ExpiresIn = time.Hour
	}
	if len(m.Metadata) > 0 {
		c.Extra = map[string]any{}
		parent := m.AccessToken[0]
		for _, f := range m.Metadata {
			if len(m.AccessToken) > 1 && len(f.Path) > 1 && f.Path[0] == parent {
				continue // oauthtest builds the object that holds the token itself
			}
			v := e2e.FakeValue(m, "meta", f.Name)
			e2e.Nest(c.Extra, f.Path, v)
			fx.meta[f.Name] = v
		}
	}
	if m.Userinfo != nil {
		ui := map[string]any{"sub": "user-1"}
		for _, f := range m.Userinfo.Fields {
			v := e2e.FakeValue(m, "user", f.Name)
			e2e.Nest(ui, f.Path, v)
			fx.meta[f.Name] = v
		}
		params, err := m.CheckParams(fx.params)
		if err != nil {
			t.Fatal(err)
		}
		c.Userinfo = e2e.Listed(m, model.Values{Params: params}, ui)
	}
	if len(m.CallbackParams) > 0 {
		c.CallbackArgs = map[string]string{}
		for _, f := range m.CallbackParams {
			if f.Path[0] == "state" {
				continue // the callback already carries the real state (Dropbox Sign repeats it in the exchange)
			}
			v := e2e.FakeValue(m, "callback", f.Name)
			c.CallbackArgs[f.Path[0]] = v
			fx.callback[f.Name] = v
		}
	}
	// How the API expects the token: the header block rendered with a placeholder.
	a := &m.API
	if a.InQuery {
		c.APIQuery = a.QueryKey
	} else {
		c.APIHeader = a.HeaderKey
	}
	if !model.IsVar(a.Format, model.VarToken) {
		t.Fatalf("%s: the fake provider cannot check token_format %q", m.Name, a.Format.Source())
	}
	vars := map[string]any{model.VarTokenFormat: "{token}", model.VarToken: "{token}", model.VarClientID: clientID}
	for k, v := range fx.params {
		vars[k] = v
	}
	vars["credentials"] = fx.meta
	vars["callback"] = fx.callback
	format, err := a.Prefix.T.Render(vars)
	if err != nil {
		t.Fatalf("%s: token_prefix: %v", m.Name, err)
	}
	c.APIFormat, c.APIBase64 = format, a.Encode
	fx.provider = c
	return fx
}

// run is one flow of one client against a fresh fake provider.
type run struct {
	t      *testing.T
	m      *model.Connector
	fx     fixture
	p      *oauthtest.Provider
	vals   model.Values
	now    atomic.Int64 // clock offset
	client any
	opts   []runtime.Option
}

func newRun(t *testing.T, m *model.Connector, fx fixture, cfg func(*oauthtest.Config)) *run {
	pc := fx.provider
	pc.ClientID, pc.ClientSecret = clientID, clientSecret
	params, err := m.CheckParams(fx.params)
	if err != nil {
		t.Fatalf("params: %v", err)
	}
	vals := model.Values{Params: params, ClientID: clientID, RedirectURL: redirectURL}
	rv := &runtime.Vars{Credentials: fx.meta, Callback: fx.callback}
	pc.Revocation = oauthtest.RevocationOf(m, vals, rv)
	if cfg != nil {
		cfg(&pc)
	}
	r := &run{t: t, m: m, fx: fx, p: oauthtest.New(pc), vals: vals}
	t.Cleanup(r.p.Close)
	routes := map[string]string{}
	route := func(tm *model.Template, to string) {
		if tm != nil {
			routes[m.Render(tm, r.vals, rv)] = to
		}
	}
	route(m.TokenURL, r.p.TokenURL())
	route(m.RefreshURL, r.p.TokenURL())
	route(m.RevokeURL, r.p.RevokeURL())
	if m.Userinfo != nil {
		route(m.Userinfo.URL, r.p.UserinfoURL())
	}
	api := ""
	if m.BaseURL != nil {
		api = m.Render(m.BaseURL, r.vals, rv)
		routes[api+"*"] = r.p.APIURL("")
	}
	if m.TestRequest != nil && (m.BaseURL == nil || !strings.HasPrefix(m.Render(m.TestRequest.URL, r.vals, rv), api)) {
		route(m.TestRequest.URL, r.p.APIURL("/test"))
	}
	rw, err := r.p.Redirect(routes)
	if err != nil {
		t.Fatalf("%s: %v", m.Name, err)
	}
	rw.Unrouted = func(req *http.Request) {
		t.Errorf("request to a URL the connector does not declare: %s %s://%s%s", req.Method, req.URL.Scheme, req.URL.Host, req.URL.Path)
	}
	clock := func() time.Time { return time.Now().Add(time.Duration(r.now.Load())) }
	r.opts = []runtime.Option{runtime.WithHTTPClient(&http.Client{Transport: rw}), runtime.WithClock(clock)}
	return r
}

// generated builds the generated package's client.
func (r *run) generated(file string) {
	newClient, ok := registry.Clients[file]
	if !ok {
		r.t.Fatalf("%s has no generated client in internal/registry: run make generate", file)
	}
	c, err := newClient(registry.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Model: r.m, Params: r.fx.params}, r.opts...)
	if err != nil {
		r.t.Fatalf("New: %v", err)
	}
	r.client = c
	// A code alone cannot make a token request that reads callback values (nor a
	// refresh token alone such a refresh request): the client has no method that
	// would try.
	m := r.m
	if _, ok := c.(codeExchanger); m.Grant == runtime.AuthorizationCode && ok == m.ExchangeNeedsCallback {
		r.t.Errorf("has Exchange: %v; the token request reads callback values: %v", ok, m.ExchangeNeedsCallback)
	}
	if _, ok := c.(refresher); m.Grant == runtime.AuthorizationCode && !m.Permanent && ok == m.RefreshNeedsCallback {
		r.t.Errorf("has Refresh: %v; the refresh request reads callback values: %v", ok, m.RefreshNeedsCallback)
	}
}

func (r *run) baseURL(tok *oauth2.Token) string {
	switch c := r.client.(type) {
	case baseFixed:
		return c.BaseURL()
	case baseForTok:
		return c.BaseURL(tok)
	}
	return ""
}

func (r *run) httpClient(ctx context.Context, tok *oauth2.Token) *http.Client {
	if c, ok := r.client.(ccClient); ok {
		return c.HTTPClient(ctx)
	}
	return r.client.(authCodeClient).HTTPClient(ctx, tok)
}

// callAPI makes one API call with tok and expects 200.
func (r *run) callAPI(ctx context.Context, tok *oauth2.Token, when string) {
	t := r.t
	t.Helper()
	base := r.baseURL(tok)
	if base == "" {
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/e2e", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.httpClient(ctx, tok).Do(req)
	if err != nil {
		t.Fatalf("%s: API call: %v", when, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: API call answered %s", when, resp.Status)
	}
}

func (r *run) refreshes() int {
	n := 0
	for _, q := range r.p.RequestsTo("token") {
		if q.Form["refresh_token"] != "" {
			n++
		}
	}
	return n
}

// flow runs authorize URL -> callback -> exchange -> API call -> expiry -> refresh ->
// revoke (where the connector has each) and returns the exchanged token.
func (r *run) flow() *oauth2.Token {
	t, m := r.t, r.m
	t.Helper()
	ctx := context.Background()
	var tok *oauth2.Token
	if c, ok := r.client.(ccClient); ok {
		got, err := c.Token(ctx)
		if err != nil {
			t.Fatalf("client credentials: %v", err)
		}
		tok = got
	} else {
		c := r.client.(authCodeClient)
		var opts []oauth2.AuthCodeOption
		if m.PKCE != runtime.NoPKCE {
			opts = append(opts, oauth2.VerifierOption(verifier))
		}
		authURL, err := url.Parse(c.AuthCodeURL(state, opts...))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := url.Parse(m.Render(m.AuthorizeURL, r.vals, nil))
		if authURL.Host != want.Host || authURL.Path != want.Path {
			t.Errorf("authorize URL %s, want %s", authURL, want)
		}
		if got := authURL.Query().Get(m.ClientIDKey); got != clientID {
			t.Errorf("authorize URL %s = %q, want the client id", m.ClientIDKey, got)
		}
		fake, _ := url.Parse(r.p.AuthorizeURL())
		fake.RawQuery = authURL.RawQuery
		q, err := r.p.Authorize(fake.String())
		if err != nil || q.Get("error") != "" {
			t.Fatalf("authorize: %v %s", err, q.Get("error"))
		}
		if !runtime.EqualState(q.Get("state"), state) {
			t.Fatal("state did not come back")
		}
		if ce, ok := r.client.(callbackExchanger); ok {
			tok, err = ce.ExchangeCallback(ctx, q, opts...)
		} else {
			code, cerr := c.CodeFromCallback(q)
			if cerr != nil {
				t.Fatalf("callback: %v", cerr)
			}
			tok, err = r.client.(codeExchanger).Exchange(ctx, code, opts...)
		}
		if err != nil {
			t.Fatalf("exchange: %v", err)
		}
	}
	if tok.AccessToken == "" {
		t.Fatal("no access token")
	}
	for k, want := range r.fx.meta {
		if got, _ := tok.Extra(k).(string); got != want {
			t.Errorf("metadata %s = %v, want %q", k, tok.Extra(k), want)
		}
	}
	r.callAPI(ctx, tok, "after the exchange")
	if v, ok := r.client.(verifier_); ok && m.TestRequest != nil {
		if err := v.Verify(ctx, tok); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
	last := tok
	if !m.Permanent && tok.RefreshToken != "" {
		var next *oauth2.Token
		var err error
		switch c := r.client.(type) {
		case tokenRefresher:
			next, err = c.RefreshToken(ctx, tok)
		case refresher:
			next, err = c.Refresh(ctx, tok.RefreshToken)
		default:
			t.Fatal("a refreshable connector's client has no Refresh")
		}
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if next.AccessToken == "" || next.AccessToken == tok.AccessToken {
			t.Fatal("refresh gave no new access token")
		}
		if _, ok := r.client.(tokenRefresher); ok { // Refresh(string) cannot keep the metadata
			for k, want := range r.fx.meta {
				if got, _ := next.Extra(k).(string); got != want {
					t.Errorf("after refresh, metadata %s = %v, want %q", k, next.Extra(k), want)
				}
			}
		}
		// Expiry: two hours later the token source renews before the API call.
		if r.baseURL(next) != "" {
			before := r.refreshes()
			r.now.Store(int64(2 * time.Hour))
			r.callAPI(ctx, next, "after expiry")
			if got := r.refreshes(); got != before+1 {
				t.Errorf("expired token: %d refresh requests, want 1", got-before)
			}
		}
		last = next
	}
	if c, ok := r.client.(revoker); ok && m.RevokeURL != nil {
		if err := c.Revoke(ctx, last); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if r.p.Stats().Revocations != 1 {
			t.Errorf("%d revocations, want 1", r.p.Stats().Revocations)
		}
	}
	return tok
}

// TestEndToEnd runs every generated client (one per connector, from internal/registry)
// through its whole flow against oauthtest playing the connector's quirks.
func TestEndToEnd(t *testing.T) {
	files := make([]string, 0, len(registry.Clients))
	for f := range registry.Clients {
		files = append(files, f)
	}
	sort.Strings(files)
	if len(files) < 2 {
		t.Fatalf("only %d generated clients", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(file, "connectors/"), ".json"), func(t *testing.T) {
			m := e2e.Load(t, "../"+file)
			r := newRun(t, m, deriveFixture(t, m), nil)
			r.generated(file)
			r.flow()
		})
	}
}
