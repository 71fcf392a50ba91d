package difftest_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
	"github.com/oauthgen/oauthgen/internal/reqrec"
	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// hostileValues are values an end user, a forged callback or a provider response may
// put into a URL: host, path and query injections, userinfo, IP literals, Unicode
// look-alikes and percent-encoding.
var hostileValues = []string{
	"evil.example/x?", "a@evil.example/", "evil.example#", "evil.example", "evil.example:443", "../", "..", ".", "%2e%2e",
	"%2F..%2F", "?client_id=ATTACKER&redirect_uri=x#", "&client_id=ATTACKER", "127.0.0.1", "169.254.169.254", "0x7f.1",
	"[::1]", "[2001:db8::1]", "аcme", "ａｃｍｅ", "acme\u2024evil", "a b", "a\r\nb", "-acme", "acme.",
	"https://evil.example", "https://evil.example/x?", "https://u:p@evil.example", "https://evil.example#",
	"http://evil.example", "//evil.example", "javascript:alert(1)", "acme", "Acme-1",
}

// pair is a connector's generated and dynamic clients built with the same values.
type pair struct {
	m              *model.Connector
	gen, dyn       ops
	genErr, dynErr error
}

func newPair(t *testing.T, file string, params map[string]any, rt http.RoundTripper) pair {
	t.Helper()
	m, err := dynamic.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	newGen, ok := registry.Clients["connectors/"+filepath.Base(file)]
	if !ok {
		t.Fatalf("%s has no generated client: run make generate", file)
	}
	opt := runtime.WithHTTPClient(&http.Client{Transport: rt})
	p := pair{m: m}
	var g any
	key, _ := e2e.ClientKey(t) // private_key_jwt connectors sign with it
	g, p.genErr = newGen(registry.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Model: m, Params: params, PrivateKey: key}, opt)
	if p.genErr == nil {
		p.gen = generatedOps(g)
	}
	d, err := dynamic.New(m, dynamic.AsEndUser(m, dynamic.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Params: params, PrivateKey: key}), opt)
	p.dynErr = err
	if err == nil {
		p.dyn = dynamicOps(d, p.gen, g)
	}
	return p
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestHostileParamsRefusedAlike: an auth_form value that its URL positions refuse is
// refused by generated New and dynamic.New with the same message; one they accept
// gives the same authorize URL, whose host is still the template's.
func TestHostileParamsRefusedAlike(t *testing.T) {
	files, _ := filepath.Glob("../../connectors/*.json")
	refused, accepted := 0, 0
	for _, file := range files {
		m, err := dynamic.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range m.URLChecks() {
			if k.Param.Kind != jinja.String {
				continue
			}
			for _, val := range hostileValues {
				params := maps.Clone(paramSets(m)[0])
				params[k.Param.Name] = val
				p := newPair(t, file, params, &reqrec.Recorder{})
				if errText(p.genErr) != errText(p.dynErr) {
					t.Errorf("%s %s=%q: generated New: %v; dynamic.New: %v", m.Package, k.Param.Name, val, p.genErr, p.dynErr)
					continue
				}
				if p.genErr != nil {
					refused++
					if !strings.Contains(p.genErr.Error(), ": "+k.Param.Name+" is used as") && !strings.Contains(p.genErr.Error(), ": "+k.Param.Name+" does not match the pattern") {
						t.Errorf("%s: the error does not name the field: %v", m.Package, p.genErr)
					}
					continue
				}
				accepted++
				if k.Context != jinja.URLPath && val != "" && !runtime.ValidURLValue(k.Part(), val) {
					t.Errorf("%s %s=%q accepted as a %s", m.Package, k.Param.Name, val, k.Context)
				}
				if p.gen.authCodeURL == nil {
					continue
				}
				g, d := p.gen.authCodeURL(state), p.dyn.authCodeURL(state)
				if g != d {
					t.Errorf("%s %s=%q: authorize URLs differ:\n gen %s\n dyn %s", m.Package, k.Param.Name, val, g, d)
				}
				checkAuthorizeURL(t, m, g, k, val)
			}
		}
	}
	t.Logf("%d hostile auth_form values refused by New alike, %d accepted alike", refused, accepted)
	if refused == 0 || accepted == 0 {
		t.Error("the corpus should have both refused and accepted values")
	}
}

// checkAuthorizeURL asserts that an authorize URL rendered with val for the field
// of k has the host the template gives it, the client's own parameters once, and no
// userinfo or fragment.
func checkAuthorizeURL(t *testing.T, m *model.Connector, s string, k model.URLCheck, val string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Errorf("%s: %q does not parse: %v", m.Package, s, err)
		return
	}
	if u.User != nil || u.Fragment != "" {
		t.Errorf("%s %s=%q: the authorize URL gained userinfo or a fragment: %s", m.Package, k.Param.Name, val, s)
	}
	q := u.Query()
	if q.Get(or(m.Static.ClientIDKey, "client_id")) != clientID || len(q[or(m.Static.ClientIDKey, "client_id")]) != 1 || len(q["redirect_uri"]) != 1 || q.Get("state") != state {
		t.Errorf("%s %s=%q: the client's parameters were changed: %s", m.Package, k.Param.Name, val, s)
	}
	inAuthorize := false
	for o, ctx := range m.AuthorizeURL.URL.Contexts {
		inAuthorize = inAuthorize || model.OutputName(o) == k.Param.Name && ctx == k.Context
	}
	if !inAuthorize {
		return
	}
	switch k.Context {
	case jinja.URLHost:
		if u.Host != val {
			t.Errorf("%s %s=%q: host %q", m.Package, k.Param.Name, val, u.Host)
		}
	case jinja.URLLabel:
		label, _, _ := strings.Cut(u.Host, ".")
		if !strings.EqualFold(label, val) && !strings.Contains(label, val) {
			t.Errorf("%s %s=%q: host %q", m.Package, k.Param.Name, val, u.Host)
		}
	case jinja.URLPath:
		if !strings.Contains(u.EscapedPath(), url.PathEscape(val)) {
			t.Errorf("%s %s=%q: path %q lacks the escaped segment", m.Package, k.Param.Name, val, u.EscapedPath())
		}
	}
}

// TestHostileCallbackValuesRefusedAlike: a callback value that the token URL refuses
// fails the exchange in both clients with the same *runtime.URLValueError before any
// request is sent; one it accepts sends the same requests to the value's host.
func TestHostileCallbackValuesRefusedAlike(t *testing.T) {
	files, _ := filepath.Glob("../../connectors/*.json")
	refused, tried := 0, 0
	for _, file := range files {
		m, err := dynamic.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m.CallbackParams {
			ctxs := tokenURLContexts(m, model.PrefixCallback+f.Name)
			if len(ctxs) == 0 {
				continue
			}
			for _, val := range hostileValues {
				tried++
				n, err := exchangeAlike(t, file, f, val)
				want := !fits(val, ctxs)
				var ve *runtime.URLValueError
				got := errors.As(err, &ve)
				if got != want || got && ve.Name != model.PrefixCallback+f.Name {
					t.Errorf("%s %s=%q: error %v, want a *runtime.URLValueError naming it: %v", m.Package, f.Name, val, err, want)
				}
				if got {
					refused++
					if n != 0 {
						t.Errorf("%s %s=%q: refused, yet %d requests sent", m.Package, f.Name, val, n)
					}
				}
			}
		}
	}
	t.Logf("%d hostile callback values tried, %d refused before sending", tried, refused)
	if tried == 0 || refused == 0 {
		t.Error("no callback value in a URL was tried or refused")
	}
}

// tokenURLContexts are the contexts of the variable name in the connector's token URL.
func tokenURLContexts(m *model.Connector, name string) []jinja.URLContext {
	var out []jinja.URLContext
	for o, ctx := range m.TokenURL.URL.Contexts {
		if model.OutputName(o) == name {
			out = append(out, ctx)
		}
	}
	return out
}

// fits reports whether val may be put in each of ctxs.
func fits(val string, ctxs []jinja.URLContext) bool {
	for _, ctx := range ctxs {
		if part, _ := model.URLPart(ctx); part != 0 && !runtime.ValidURLValue(part, val) {
			return false
		}
	}
	return true
}

// exchangeAlike runs the exchange of both clients with callback field f set to val,
// requires the same outcome and requests, and returns the number of requests sent and
// the dynamic client's error.
func exchangeAlike(t *testing.T, file string, f runtime.Field, val string) (int, error) {
	t.Helper()
	var outs [2]string
	var reqs [2][]reqrec.Request
	var dynErr error
	for i := range 2 {
		rec := &reqrec.Recorder{}
		p := newPair(t, file, paramSets(mustLoad(t, file))[0], rec)
		if p.genErr != nil || p.dynErr != nil {
			t.Fatalf("New: %v / %v", p.genErr, p.dynErr)
		}
		o := p.gen
		if i == 1 {
			o = p.dyn
		}
		if o.exchange == nil {
			return 0, nil
		}
		q := url.Values{"state": {state}, or(p.m.CodeKey, "code"): {code}}
		for _, cf := range p.m.CallbackParams {
			q.Set(cf.Path[0], e2e.FakeValue(p.m, "callback", cf.Name))
		}
		q.Set(f.Path[0], val)
		var pkce []oauth2.AuthCodeOption
		if p.m.PKCE != runtime.NoPKCE {
			pkce = append(pkce, oauth2.VerifierOption(verifier))
		}
		_, err := o.exchange(context.Background(), q, pkce...)
		outs[i] = errText(err)
		reqs[i] = rec.Requests()
		if i == 1 {
			dynErr = err
		}
	}
	if outs[0] != outs[1] || fmt.Sprint(reqs[0]) != fmt.Sprint(reqs[1]) {
		t.Errorf("%s=%q: generated: %s %v\ndynamic: %s %v", f.Name, val, outs[0], reqs[0], outs[1], reqs[1])
	}
	return len(reqs[1]), dynErr
}

func mustLoad(t *testing.T, file string) *model.Connector {
	t.Helper()
	m, err := dynamic.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestHostileMetadataValuesAlike: a token's metadata value in the base URL renders
// alike in both clients; an origin it refuses renders as no origin at all.
func TestHostileMetadataValuesAlike(t *testing.T) {
	files, _ := filepath.Glob("../../connectors/*.json")
	tried := 0
	for _, file := range files {
		p := newPair(t, file, paramSets(mustLoad(t, file))[0], &reqrec.Recorder{})
		if p.genErr != nil || p.dynErr != nil || p.gen.baseURL == nil {
			continue
		}
		for _, f := range p.m.Metadata {
			ctxs := p.m.ValueContexts(model.PrefixCreds + f.Name)
			if len(ctxs) == 0 {
				continue
			}
			for _, val := range hostileValues {
				tried++
				tok := (&oauth2.Token{AccessToken: "at"}).WithExtra(map[string]any{f.Name: val})
				g, d := p.gen.baseURL(tok), p.dyn.baseURL(tok)
				if g != d {
					t.Errorf("%s %s=%q: base URLs differ: %q, %q", p.m.Package, f.Name, val, g, d)
				}
				u, err := url.Parse(g)
				if err != nil {
					continue // not a URL: no request can be made with it
				}
				if u.User != nil || u.Fragment != "" || u.RawQuery != "" {
					t.Errorf("%s %s=%q: base URL %q gained userinfo, a query or a fragment", p.m.Package, f.Name, val, g)
				}
				if u.Host != "" && !runtime.ValidURLValue(runtime.PartOrigin, val) && ctxs[0] == jinja.URLOrigin {
					t.Errorf("%s %s=%q: a refused origin still gives host %q", p.m.Package, f.Name, val, u.Host)
				}
			}
		}
	}
	if tried == 0 {
		t.Error("no metadata value in a base URL was tried")
	}
}

// FuzzURLValuesAgree checks that compiled (generated) and interpreted (dynamic)
// templates escape any value alike in every position the catalog uses: an auth_form
// value in a host label, a host and a path segment (New's verdict and the authorize
// URL), and a callback value as an origin (the exchange's outcome and requests).
func FuzzURLValuesAgree(f *testing.F) {
	for _, v := range hostileValues {
		f.Add(v)
	}
	type slot struct{ file, field string }
	params := []slot{{"shopify", "shop"}, {"okta", "domain"}, {"okta", "authorization_server"}, {"microsoft", "tenant"}}
	f.Fuzz(func(t *testing.T, val string) {
		for _, s := range params {
			file := "../../connectors/" + s.file + ".json"
			m := mustLoad(t, file)
			ps := maps.Clone(paramSets(m)[0])
			ps[s.field] = val
			p := newPair(t, file, ps, &reqrec.Recorder{})
			if errText(p.genErr) != errText(p.dynErr) {
				t.Fatalf("%s %s=%q: generated New: %v; dynamic.New: %v", s.file, s.field, val, p.genErr, p.dynErr)
			}
			if p.genErr == nil {
				if g, d := p.gen.authCodeURL(state), p.dyn.authCodeURL(state); g != d {
					t.Fatalf("%s %s=%q: authorize URLs differ:\n gen %s\n dyn %s", s.file, s.field, val, g, d)
				}
			}
		}
		zoho := "../../connectors/zoho.json"
		for _, cf := range mustLoad(t, zoho).CallbackParams {
			if cf.Name == "accounts_server" {
				exchangeAlike(t, zoho, cf, val)
			}
		}
	})
}
