package difftest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/cryptotest"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
	"github.com/oauthgen/oauthgen/internal/reqrec"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// The application and the fixed values of every flow.
const (
	clientID     = "client-id-1"
	clientSecret = "client secret:1/é" // characters that Basic auth must form-encode
	redirectURL  = "https://app.example.com/oauth/callback"
	state        = "state-1"
	verifier     = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	code         = "code-1"
)

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// ops are a client's methods, as functions; nil when the client lacks one.
type ops struct {
	authCodeURL func(string, ...oauth2.AuthCodeOption) string
	exchange    func(context.Context, url.Values, ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	refresh     func(context.Context, *oauth2.Token) (*oauth2.Token, error)
	token       func(context.Context) (*oauth2.Token, error)
	httpClient  func(context.Context, *oauth2.Token) *http.Client
	revoke      func(context.Context, *oauth2.Token) error
	verify      func(context.Context, *oauth2.Token) error
	baseURL     func(*oauth2.Token) string
	metadata    func(*oauth2.Token) map[string]string
}

// generatedOps reads the method set of a generated client. Packages are distinct
// types, so methods are found through interfaces (and Metadata, whose result type is
// the package's own, through reflection).
func generatedOps(c any) ops {
	var o ops
	if x, ok := c.(interface {
		AuthCodeURL(string, ...oauth2.AuthCodeOption) string
	}); ok {
		o.authCodeURL = x.AuthCodeURL
	}
	type exchanger interface {
		CodeFromCallback(url.Values) (string, error)
		Exchange(context.Context, string, ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	}
	switch x := c.(type) {
	case interface {
		ExchangeCallback(context.Context, url.Values, ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	}:
		o.exchange = x.ExchangeCallback
	case exchanger:
		o.exchange = func(ctx context.Context, q url.Values, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
			code, err := x.CodeFromCallback(q)
			if err != nil {
				return nil, err
			}
			return x.Exchange(ctx, code, opts...)
		}
	}
	switch x := c.(type) {
	case interface {
		RefreshToken(context.Context, *oauth2.Token) (*oauth2.Token, error)
	}:
		o.refresh = x.RefreshToken
	case interface {
		Refresh(context.Context, string) (*oauth2.Token, error)
	}:
		o.refresh = func(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
			return x.Refresh(ctx, t.RefreshToken)
		}
	}
	if x, ok := c.(interface {
		Token(context.Context) (*oauth2.Token, error)
	}); ok {
		o.token = x.Token
	}
	switch x := c.(type) {
	case interface {
		HTTPClient(context.Context, *oauth2.Token) *http.Client
	}:
		o.httpClient = x.HTTPClient
	case interface {
		HTTPClient(context.Context) *http.Client
	}:
		o.httpClient = func(ctx context.Context, _ *oauth2.Token) *http.Client { return x.HTTPClient(ctx) }
	}
	if x, ok := c.(interface {
		Revoke(context.Context, *oauth2.Token) error
	}); ok {
		o.revoke = x.Revoke
	}
	if x, ok := c.(interface {
		Verify(context.Context, *oauth2.Token) error
	}); ok {
		o.verify = x.Verify
	}
	switch x := c.(type) {
	case interface{ BaseURL() string }:
		o.baseURL = func(*oauth2.Token) string { return x.BaseURL() }
	case interface{ BaseURL(*oauth2.Token) string }:
		o.baseURL = x.BaseURL
	}
	if mv := reflect.ValueOf(c).MethodByName("Metadata"); mv.IsValid() {
		o.metadata = func(t *oauth2.Token) map[string]string {
			s := mv.Call([]reflect.Value{reflect.ValueOf(t)})[0]
			out := map[string]string{}
			for i := 0; i < s.NumField(); i++ {
				out[s.Type().Field(i).Name] = s.Field(i).String()
			}
			return out
		}
	}
	return o
}

// dynamicOps are the dynamic client's methods, taking the same path through them as
// the generated client (ExchangeCallback or Exchange, RefreshToken or Refresh), and
// nil where the generated client has no such method.
func dynamicOps(d *dynamic.Client, gen ops, g any) ops {
	o := ops{
		authCodeURL: d.AuthCodeURL,
		httpClient:  d.HTTPClient,
		revoke:      d.Revoke,
		verify:      d.Verify,
		baseURL:     d.BaseURLFor,
		token:       d.Token,
		exchange:    d.ExchangeCallback,
		refresh:     d.RefreshToken,
	}
	if _, ok := g.(interface {
		ExchangeCallback(context.Context, url.Values, ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	}); !ok {
		o.exchange = func(ctx context.Context, q url.Values, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
			code, err := d.CodeFromCallback(q)
			if err != nil {
				return nil, err
			}
			return d.Exchange(ctx, code, opts...)
		}
	}
	if _, ok := g.(interface {
		RefreshToken(context.Context, *oauth2.Token) (*oauth2.Token, error)
	}); !ok {
		o.refresh = func(ctx context.Context, t *oauth2.Token) (*oauth2.Token, error) {
			return d.Refresh(ctx, t.RefreshToken)
		}
	}
	if _, ok := g.(interface {
		HTTPClient(context.Context) *http.Client
	}); ok {
		// A client-credentials package's HTTPClient takes no token: it gets its own.
		o.httpClient = func(ctx context.Context, _ *oauth2.Token) *http.Client { return d.HTTPClient(ctx, nil) }
	}
	o.metadata = func(t *oauth2.Token) map[string]string {
		out := map[string]string{}
		for k, v := range d.Metadata(t) {
			out[model.GoName(k)] = v
		}
		return out
	}
	// Methods the generated package does not have are not called on either client.
	if gen.authCodeURL == nil {
		o.authCodeURL = nil
	}
	if gen.exchange == nil {
		o.exchange = nil
	}
	if gen.refresh == nil {
		o.refresh = nil
	}
	if gen.token == nil {
		o.token = nil
	}
	if gen.revoke == nil {
		o.revoke = nil
	}
	if gen.verify == nil {
		o.verify = nil
	}
	if gen.baseURL == nil {
		o.baseURL = nil
	}
	if gen.metadata == nil {
		o.metadata = nil
	}
	return o
}

// provider is the deterministic fake provider: it answers every request with values
// derived from the connector, counting issued tokens so that two runs issue the same.
type provider struct {
	m *model.Connector
	// The endpoints' URLs without query, rendered for the run's values.
	token, refresh, userinfo, revoke string
	vals                             model.Values // the values the clients were built with

	mu     sync.Mutex
	serial int
	reject int // API calls still to answer 401
}

// endpointOf names the endpoint r is for: "token", "userinfo", "revoke" or "api".
func (p *provider) endpointOf(r *http.Request) string {
	u := *r.URL
	u.RawQuery = ""
	switch s := u.String(); s {
	case p.token, p.refresh:
		return "token"
	case p.userinfo:
		return "userinfo"
	case p.revoke:
		return "revoke"
	}
	return "api"
}

func (p *provider) respond(r *http.Request) *http.Response {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.m
	switch p.endpointOf(r) {
	case "token":
		p.serial++
		body := map[string]any{}
		e2e.Nest(body, m.AccessToken, fmt.Sprintf("access-%d", p.serial))
		if !m.Permanent {
			e2e.Nest(body, m.RefreshToken, fmt.Sprintf("refresh-%d", p.serial))
			e2e.Nest(body, m.ExpiresIn, 3600)
		}
		e2e.Nest(body, m.TokenType, "Bearer")
		for _, f := range m.Metadata {
			e2e.Nest(body, f.Path, e2e.FakeValue(m, "meta", f.Name))
		}
		data, _ := json.Marshal(body)
		return reqrec.Response(r, http.StatusOK, "application/json", string(data))
	case "userinfo":
		body := map[string]any{}
		for _, f := range m.Userinfo.Fields {
			e2e.Nest(body, f.Path, e2e.FakeValue(m, "user", f.Name))
		}
		data, _ := json.Marshal(e2e.Listed(m, p.vals, body))
		return reqrec.Response(r, http.StatusOK, "application/json", string(data))
	case "api":
		if p.reject > 0 {
			p.reject--
			return reqrec.Response(r, http.StatusUnauthorized, "application/json", `{"error":"invalid_token"}`)
		}
	}
	return reqrec.Response(r, http.StatusOK, "application/json", `{}`)
}

// The URLs of a connector's endpoints, rendered for the run's values; a request is
// recognised by its URL without query.
func endpoint(m *model.Connector, t *model.Template, vals model.Values) string {
	if t == nil {
		return "\x00" // matches nothing
	}
	u, err := url.Parse(m.Render(t, vals, &runtime.Vars{Callback: callbackValues(m), Credentials: metaValues(m)}))
	if err != nil {
		return "\x00"
	}
	u.RawQuery = ""
	return u.String()
}

func callbackValues(m *model.Connector) map[string]string {
	out := map[string]string{}
	for _, f := range m.CallbackParams {
		out[f.Name] = e2e.FakeValue(m, "callback", f.Name)
	}
	return out
}

func metaValues(m *model.Connector) map[string]string {
	out := map[string]string{}
	for _, f := range m.Metadata {
		out[f.Name] = e2e.FakeValue(m, "meta", f.Name)
	}
	if m.Userinfo != nil {
		for _, f := range m.Userinfo.Fields {
			out[f.Name] = e2e.FakeValue(m, "user", f.Name)
		}
	}
	return out
}

// awkward is a text value that URL, form, JSON and header encodings each treat
// differently.
const awkward = "a b&c=d+é/ü?#%2F\"<'>"

// paramSets are the end-user values each connector runs with: the required ones only
// (defaults apply), every field set to a non-default value, and every text field
// without a pattern set to an awkward value (requests may then fail: both clients
// must fail alike).
func paramSets(m *model.Connector) []map[string]any {
	all, odd := map[string]any{}, map[string]any{}
	inHost := map[string]bool{} // fields New checks as a host, label or origin
	for _, k := range m.URLChecks() {
		inHost[k.Param.Name] = inHost[k.Param.Name] || k.Context != jinja.URLPath
	}
	for _, p := range m.Params {
		var v any
		switch p.Kind {
		case jinja.Number:
			v = 7
		case jinja.Bool:
			v = true
		case jinja.Select:
			v = p.Enum[len(p.Enum)-1].Value
		default:
			v = "acme"
			switch {
			case inHost[p.Name]:
				odd[p.Name] = "acme-1" // awkward values are refused there (TestHostileValuesRefusedAlike)
			case p.Pattern == nil || p.Pattern.MatchString(awkward):
				odd[p.Name] = awkward // a field with a pattern refuses it in New, in both clients alike (dynamic's tests)
			}
		}
		all[p.Name] = v
		if _, ok := odd[p.Name]; !ok {
			odd[p.Name] = v
		}
	}
	req := e2e.Params(m, nil)
	if reflect.DeepEqual(all, odd) {
		return []map[string]any{req, all}
	}
	return []map[string]any{req, all, odd}
}

// step is one thing a flow did, as compared between the two clients.
type step struct {
	what string
	out  string           // what the call returned (tokens encoded, errors as text)
	reqs []reqrec.Request // what it sent
}

// flow runs the whole flow with o against a fresh provider and returns its steps.
func flow(t *testing.T, m *model.Connector, newClient func(opts ...runtime.Option) ops, vals model.Values) []step {
	t.Helper()
	now := epoch
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	setClock := func(d time.Duration) { clockMu.Lock(); now = epoch.Add(d); clockMu.Unlock() }

	p := &provider{m: m, token: endpoint(m, m.TokenURL, vals), refresh: endpoint(m, m.RefreshURL, vals),
		userinfo: "\x00", revoke: endpoint(m, m.RevokeURL, vals), vals: vals}
	if m.Userinfo != nil {
		p.userinfo = endpoint(m, m.Userinfo.URL, vals)
	}
	rec := &reqrec.Recorder{Respond: p.respond}
	c := newClient(runtime.WithHTTPClient(&http.Client{Transport: rec}), runtime.WithClock(clock))

	var steps []step
	record := func(what string, out any, err error) {
		s := step{what: what, reqs: rec.Requests()}
		rec.Reset()
		switch x := out.(type) {
		case *oauth2.Token:
			if x != nil {
				data, merr := runtime.MarshalToken(x)
				if merr != nil {
					t.Fatalf("%s: %v", what, merr)
				}
				s.out = string(data) + " expiry " + x.Expiry.UTC().Format(time.RFC3339Nano)
			}
		case nil:
		default:
			s.out = fmt.Sprint(x)
		}
		if err != nil {
			s.out += " error: " + err.Error()
		}
		steps = append(steps, s)
	}
	ctx := context.Background()
	callAPI := func(what string, tok *oauth2.Token) {
		target := "https://api.example.com/e2e"
		if c.baseURL != nil {
			if b := c.baseURL(tok); b != "" {
				target = strings.TrimSuffix(b, "/") + "/e2e"
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(`{"q":1}`))
		if err != nil {
			record(what, nil, err)
			return
		}
		resp, err := c.httpClient(ctx, tok).Do(req)
		if err == nil {
			resp.Body.Close()
			record(what, resp.Status, nil)
			return
		}
		record(what, nil, err)
	}

	var tok *oauth2.Token
	var err error
	var pkce []oauth2.AuthCodeOption
	if m.PKCE != runtime.NoPKCE {
		pkce = append(pkce, oauth2.VerifierOption(verifier))
	}
	if c.authCodeURL != nil {
		record("authorize URL", c.authCodeURL(state, pkce...), nil)
	}
	if c.exchange != nil {
		q := url.Values{"state": {state}}
		if !m.WithoutCode {
			q.Set(or(m.CodeKey, "code"), code)
		}
		for _, f := range m.CallbackParams {
			q.Set(f.Path[0], e2e.FakeValue(m, "callback", f.Name))
		}
		tok, err = c.exchange(ctx, q, pkce...)
		record("exchange", tok, err)
	} else if c.token != nil {
		tok, err = c.token(ctx)
		record("client credentials token", tok, err)
	}
	if tok == nil {
		if err == nil {
			t.Fatal("neither a token nor an error")
		}
		t.Logf("no token (%v): the steps so far are compared", err)
		return steps // both clients must fail alike
	}
	if c.metadata != nil {
		record("metadata", sortedMap(c.metadata(tok)), nil)
	}
	if c.baseURL != nil {
		record("base URL", c.baseURL(tok), nil)
	}
	if c.verify != nil {
		record("test request", nil, c.verify(ctx, tok))
	}
	callAPI("API call", tok)
	if c.refresh != nil && tok.RefreshToken != "" {
		next, err := c.refresh(ctx, tok)
		record("refresh", next, err)
		if next != nil {
			tok = next
		}
	}
	setClock(2 * time.Hour) // the token has expired: the API client renews it first
	callAPI("API call after expiry", tok)
	p.mu.Lock()
	p.reject = 1 // the API refuses the token once: one renewal and one retry
	p.mu.Unlock()
	callAPI("API call answered 401 once", tok)
	if c.revoke != nil {
		record("revoke", nil, c.revoke(ctx, tok))
	}
	return steps
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func sortedMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q ", k, m[k])
	}
	return b.String()
}

// TestGeneratedAndDynamicSendTheSameRequests runs every connector's flow with its
// generated client and with the dynamic client, for two sets of end-user values, and
// requires identical requests and results at every step.
func TestGeneratedAndDynamicSendTheSameRequests(t *testing.T) {
	files, _ := filepath.Glob("../../connectors/*.json")
	if len(files) < 25 {
		t.Fatalf("%d connector files", len(files))
	}
	if len(registry.Clients) != len(files) {
		t.Errorf("%d generated clients for %d connector files: run make generate", len(registry.Clients), len(files))
	}
	key, _ := e2e.ClientKey(t)
	total := 0
	for _, file := range files {
		name := "connectors/" + filepath.Base(file)
		newGen, ok := registry.Clients[name]
		if !ok {
			t.Errorf("%s has no generated client", name)
			continue
		}
		m := e2e.Load(t, file)
		for i, params := range paramSets(m) {
			t.Run(fmt.Sprintf("%s/%d", strings.TrimSuffix(filepath.Base(file), ".json"), i), func(t *testing.T) {
				checked, err := m.CheckParams(params)
				if err != nil {
					t.Fatal(err)
				}
				vals := model.Values{Params: checked, ClientID: clientID, RedirectURL: redirectURL}
				var gen ops
				var genClient any
				g := flow(t, m, func(opts ...runtime.Option) ops {
					cryptotest.SetGlobalRandom(t, 1) // the same jti and signature in both (private_key_jwt)
					c, err := newGen(registry.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, PrivateKey: key, KeyID: "key-1", Model: m, Params: params}, opts...)
					if err != nil {
						t.Fatalf("generated New: %v", err)
					}
					genClient, gen = c, generatedOps(c)
					return gen
				}, vals)
				d := flow(t, m, func(opts ...runtime.Option) ops {
					cryptotest.SetGlobalRandom(t, 1)
					c, err := dynamic.New(m, dynamic.AsEndUser(m, dynamic.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, PrivateKey: key, KeyID: "key-1", Params: params}), opts...)
					if err != nil {
						t.Fatalf("dynamic.New: %v", err)
					}
					return dynamicOps(c, gen, genClient)
				}, vals)
				total += compare(t, g, d)
			})
		}
	}
	t.Logf("%d requests compared byte for byte", total)
}

// compare reports every difference between the steps of the generated (g) and the
// dynamic (d) client and returns the number of requests compared.
func compare(t *testing.T, g, d []step) int {
	t.Helper()
	if len(g) != len(d) {
		t.Fatalf("generated client made %d steps, dynamic %d", len(g), len(d))
	}
	n := 0
	for i := range g {
		if g[i].what != d[i].what {
			t.Fatalf("step %d: %s vs %s", i, g[i].what, d[i].what)
		}
		if g[i].out != d[i].out {
			t.Errorf("%s: results differ\ngenerated: %s\ndynamic:   %s", g[i].what, g[i].out, d[i].out)
		}
		if len(g[i].reqs) != len(d[i].reqs) {
			t.Errorf("%s: generated sent %d requests, dynamic %d", g[i].what, len(g[i].reqs), len(d[i].reqs))
			continue
		}
		for j := range g[i].reqs {
			n++
			if gs, ds := g[i].reqs[j].String(), d[i].reqs[j].String(); gs != ds {
				t.Errorf("%s: request %d differs\ngenerated:\n%s\ndynamic:\n%s", g[i].what, j, gs, ds)
			}
		}
	}
	return n
}
