package runtime_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
	"golang.org/x/oauth2"
)

func TestAuthCodeURL(t *testing.T) {
	f := &runtime.Flow{
		Connector:     "T",
		AuthorizeURL:  runtime.String("https://auth.example/authorize?tenant=a"),
		AuthorizeArgs: []runtime.Arg{{Key: "response_type", Value: runtime.String("code")}, {Key: "scope", Value: runtime.String("a b")}, {Key: "nonce", Value: runtime.Func(func(v *runtime.Vars) string { return "n-" + v.State })}},
		ClientIDKey:   "app_id",
	}
	c := runtime.New(f, runtime.Credentials{ClientID: "id 1", ClientSecret: "sec", RedirectURL: testRedirect})
	got := c.AuthCodeURL("st", oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("scope", "c"))
	want := "https://auth.example/authorize?tenant=a&app_id=id+1&redirect_uri=" + url.QueryEscape(testRedirect) + "&response_type=code&scope=c&nonce=n-st&state=st&access_type=offline"
	if got != want {
		t.Errorf("AuthCodeURL\n got %s\nwant %s", got, want)
	}
	if strings.Contains(got, "sec") {
		t.Error("secret in the authorize URL")
	}

	// The runtime's own parameters win over the authorize URL's and are sent once.
	f2 := &runtime.Flow{AuthorizeURL: runtime.String("https://a.example/auth?client_id=X&tenant=t&redirect_uri=Y")}
	got = runtime.New(f2, runtime.Credentials{ClientID: "id", RedirectURL: testRedirect}).AuthCodeURL("st")
	if want := "https://a.example/auth?tenant=t&client_id=id&redirect_uri=" + url.QueryEscape(testRedirect) + "&state=st"; got != want {
		t.Errorf("AuthCodeURL\n got %s\nwant %s", got, want)
	}
}

func TestPKCE(t *testing.T) {
	for _, method := range []runtime.PKCE{runtime.PKCES256, runtime.PKCEPlain} {
		for _, viaVerifierOption := range []bool{false, true} {
			if method == runtime.PKCEPlain && !viaVerifierOption {
				continue // x/oauth2 has no plain challenge option
			}
			p := provider(t, oauthtest.Config{RequirePKCE: true})
			f := stdFlow(p)
			f.PKCE = method
			c := newClient(p, f)
			verifier := oauth2.GenerateVerifier()
			opt := oauth2.S256ChallengeOption(verifier)
			if viaVerifierOption {
				opt = oauth2.VerifierOption(verifier)
			}
			authURL := c.AuthCodeURL("state-1", opt)
			u, _ := url.Parse(authURL)
			q := u.Query()
			wantChallenge, wantMethod := verifier, "plain"
			if method == runtime.PKCES256 {
				sum := sha256.Sum256([]byte(verifier))
				wantChallenge, wantMethod = base64.RawURLEncoding.EncodeToString(sum[:]), "S256"
			}
			if q.Get("code_challenge") != wantChallenge || q.Get("code_challenge_method") != wantMethod {
				t.Errorf("%v: challenge %q method %q", method, q.Get("code_challenge"), q.Get("code_challenge_method"))
			}
			if q.Has("code_verifier") {
				t.Error("verifier in the authorize URL")
			}
			cb, err := p.Authorize(authURL)
			if err != nil {
				t.Fatal(err)
			}
			// A wrong verifier is refused; the right one works.
			cb2, _ := p.Authorize(authURL)
			if _, err := c.ExchangeCallback(context.Background(), cb2, oauth2.VerifierOption(oauth2.GenerateVerifier())); !runtime.IsInvalidGrant(err) {
				t.Errorf("wrong verifier: %v", err)
			}
			tok, err := c.ExchangeCallback(context.Background(), cb, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("exchange with verifier: %v", err)
			}
			r, _ := p.LastRequest("token")
			if r.Form["code_verifier"] != verifier || tok.AccessToken == "" {
				t.Errorf("code_verifier not sent")
			}
		}
	}
}

func TestCodeFromCallback(t *testing.T) {
	c := runtime.New(&runtime.Flow{Connector: "Acme", CodeKey: "auth_code"}, runtime.Credentials{})
	code, err := c.CodeFromCallback(url.Values{"auth_code": {"abc"}, "code": {"other"}})
	if err != nil || code != "abc" {
		t.Errorf("code %q, %v", code, err)
	}
	_, err = c.CodeFromCallback(url.Values{"error": {"access_denied"}, "error_description": {"User said no"}})
	var ce *runtime.CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" || ce.Description != "User said no" {
		t.Fatalf("error callback: %v", err)
	}
	if err.Error() != `oauthgen: Acme: authorization failed: "access_denied" "User said no"` {
		t.Errorf("message %q", err)
	}
	if _, err = c.CodeFromCallback(url.Values{"code": {"x"}}); err == nil || !strings.Contains(err.Error(), `no "auth_code" parameter`) {
		t.Errorf("missing code: %v", err)
	}
	wc := runtime.New(&runtime.Flow{WithoutCode: true}, runtime.Credentials{})
	if code, err := wc.CodeFromCallback(url.Values{}); err != nil || code != "" {
		t.Errorf("without_code: %q %v", code, err)
	}
}

func TestState(t *testing.T) {
	a, b := runtime.NewState(), runtime.NewState()
	if len(a) < 22 || a == b {
		t.Errorf("states %q %q", a, b)
	}
	if !runtime.EqualState(a, a) || runtime.EqualState(a, b) || runtime.EqualState("", "") {
		t.Error("EqualState")
	}
}

func TestClientCredentials(t *testing.T) {
	p := provider(t, oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: time.Hour})
	f := stdFlow(p)
	f.Grant = runtime.ClientCredentials
	f.ClientAuth = runtime.AuthHeader
	f.ExchangeArgs = []runtime.Arg{{Key: "grant_type", Value: runtime.String("client_credentials")}, {Key: "scope", Value: runtime.String("api")}}
	var hooked []*oauth2.Token
	clk := newClock()
	c := newClient(p, f, runtime.WithClock(clk.Now), runtime.WithTokenHook(func(_ context.Context, tok *oauth2.Token) { hooked = append(hooked, tok) }))
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := p.LastRequest("token")
	wantRequest(t, r, "POST", "/token", "form", map[string]string{"grant_type": "client_credentials", "scope": "api"})
	if !r.HasBasic || tok.RefreshToken != "" || len(hooked) != 1 {
		t.Errorf("basic %t refresh %t hooked %d", r.HasBasic, tok.RefreshToken != "", len(hooked))
	}
	// The token source fetches a new token when the old one is due.
	src := c.TokenSource(context.Background(), nil)
	t1, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	t2, _ := src.Token()
	if t1 != t2 {
		t.Error("fresh token not reused")
	}
	clk.Add(40 * time.Minute)
	t3, err := src.Token()
	if err != nil || t3.AccessToken == t1.AccessToken {
		t.Errorf("not renewed: %v", err)
	}
	if s := p.Stats(); s.ClientCredentials != 3 {
		t.Errorf("%d client credentials tokens, want 3", s.ClientCredentials)
	}
}

func TestRevoke(t *testing.T) {
	p := provider(t, oauthtest.Config{})
	c := newClient(p, stdFlow(p))
	tok := login(t, p, c)
	if err := c.Revoke(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	r, _ := p.LastRequest("revoke")
	wantRequest(t, r, "POST", "/revoke", "form", map[string]string{"token": tok.RefreshToken, "token_type_hint": "refresh_token", "client_id": testID, "client_secret": testSecret})
	if _, err := c.RefreshToken(context.Background(), tok); !runtime.IsInvalidGrant(err) {
		t.Errorf("refresh after revoke: %v", err)
	}
	resp, err := c.HTTPClient(context.Background(), tok).Get(p.APIURL("/x"))
	if err != nil || resp.StatusCode != 401 {
		t.Errorf("API after revoke: %v %v", err, resp.StatusCode)
	}
	resp.Body.Close()
	// An access token only.
	if err := c.Revoke(context.Background(), &oauth2.Token{AccessToken: "at-only"}); err != nil {
		t.Fatal(err)
	}
	r, _ = p.LastRequest("revoke")
	if r.Form["token_type_hint"] != "access_token" || r.Form["token"] != "at-only" {
		t.Errorf("revoke fields %v", r.Form["token_type_hint"])
	}
	// No endpoint.
	f := stdFlow(p)
	f.RevokeURL = runtime.Text{}
	if err := newClient(p, f).Revoke(context.Background(), tok); err == nil {
		t.Error("revoke without endpoint succeeded")
	}
}

func TestRefreshArgsAndHeaders(t *testing.T) {
	p := provider(t, oauthtest.Config{Rotation: oauthtest.Omit, ExpiresIn: time.Hour, Extra: map[string]any{"instance_url": "https://i1"}})
	f := stdFlow(p)
	f.Metadata = []runtime.Field{{Name: "instance_url", Path: runtime.Path{"instance_url"}}}
	f.RefreshArgs = append(f.RefreshArgs, runtime.Arg{Key: "resource", Value: runtime.Func(func(v *runtime.Vars) string { return v.Credentials["instance_url"] })})
	f.RefreshURL = runtime.String(p.TokenURL() + "?refresh=1")
	c := newClient(p, f)
	tok := login(t, p, c)
	p.ResetLog()
	tok2, err := c.RefreshToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := p.LastRequest("token")
	wantRequest(t, r, "POST", "/token?refresh=1", "form", map[string]string{"refresh": "1", "grant_type": "refresh_token", "resource": "https://i1", "refresh_token": tok.RefreshToken, "client_id": testID, "client_secret": testSecret})
	if tok2.RefreshToken != tok.RefreshToken {
		t.Error("old refresh token not kept")
	}
	// Plain Refresh with a string.
	tok3, err := c.Refresh(context.Background(), tok.RefreshToken)
	if err != nil || tok3.RefreshToken != tok.RefreshToken {
		t.Fatalf("Refresh: %v", err)
	}
}

func TestMarshalToken(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Extra: map[string]any{"n": 1.5, "team": map[string]any{"id": 42}}, CallbackArgs: map[string]string{"shop": "s1"}})
	f := stdFlow(p)
	f.Metadata = []runtime.Field{{Name: "team_id", Path: runtime.Path{"team", "id"}}}
	f.CallbackParams = []runtime.Field{{Name: "shop", Path: runtime.Path{"shop"}}}
	c := newClient(p, f)
	tok := login(t, p, c)
	b, err := runtime.MarshalToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	back, err := runtime.UnmarshalToken(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.AccessToken != tok.AccessToken || back.RefreshToken != tok.RefreshToken || !back.Expiry.Equal(tok.Expiry) || back.ExpiresIn != tok.ExpiresIn || back.TokenType != tok.TokenType {
		t.Error("fields differ")
	}
	for _, k := range []string{"n", "team_id", "shop", "expires_in", "team"} {
		if !equalAny(back.Extra(k), tok.Extra(k)) {
			t.Errorf("Extra(%s): %#v, want %#v", k, back.Extra(k), tok.Extra(k))
		}
	}
	if tok.Extra("n") != 1.5 || tok.Extra("expires_in") != float64(3600) {
		t.Errorf("numbers are not float64 as in x/oauth2: %T", tok.Extra("n"))
	}
	if _, err := runtime.UnmarshalToken([]byte("{" + tok.AccessToken)); err == nil || strings.Contains(err.Error(), tok.AccessToken) {
		t.Errorf("bad data: %v", err)
	}
	// A token from golang.org/x/oauth2 with form Extra values round-trips too.
	xt := (&oauth2.Token{AccessToken: "a"}).WithExtra(url.Values{"k": {"v"}})
	b, _ = runtime.MarshalToken(xt)
	back, _ = runtime.UnmarshalToken(b)
	if back.Extra("k") != "v" {
		t.Errorf("url.Values extra lost: %s", b)
	}
}

func equalAny(a, b any) bool {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		return maps.EqualFunc(am, bm, equalAny)
	}
	return a == b
}

func TestBodyFallback(t *testing.T) {
	ctx := context.Background()
	t.Run("refused type falls back once and is remembered", func(t *testing.T) {
		p := provider(t, oauthtest.Config{AcceptJSON: true, ExpiresIn: time.Hour})
		f := stdFlow(p)
		f.Body, f.FallbackBody = runtime.Form, runtime.JSON
		c := newClient(p, f)
		tok := login(t, p, c)
		if _, err := c.RefreshToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if got := bodyTypes(p.RequestsTo("token")); strings.Join(got, ",") != "form,json,json" {
			t.Errorf("body types %v, want form,json,json", got)
		}
	})
	t.Run("a 200 that is not a token response falls back", func(t *testing.T) {
		p := provider(t, oauthtest.Config{TokenFaults: []oauthtest.Fault{{Status: 200, Body: `{"code":40002,"message":"app_id missing"}`, Times: 1}}})
		f := stdFlow(p)
		f.Body, f.FallbackBody = runtime.JSON, runtime.Form
		c := newClient(p, f)
		login(t, p, c)
		if got := bodyTypes(p.RequestsTo("token")); strings.Join(got, ",") != "json,form" {
			t.Errorf("body types %v", got)
		}
	})
	t.Run("invalid_grant does not fall back", func(t *testing.T) {
		p := provider(t, oauthtest.Config{})
		f := stdFlow(p)
		f.Body, f.FallbackBody = runtime.JSON, runtime.Form
		c := newClient(p, f)
		_, err := c.Exchange(ctx, "unknown-code")
		if !runtime.IsInvalidGrant(err) || len(p.RequestsTo("token")) != 1 {
			t.Errorf("%v after %d requests", err, len(p.RequestsTo("token")))
		}
	})
	t.Run("both refused: the more telling error", func(t *testing.T) {
		p := provider(t, oauthtest.Config{TokenFaults: []oauthtest.Fault{
			{Status: 415, Body: `{"error":"invalid_request","error_description":"json not supported"}`, Times: 1},
			{Status: 400, Body: `{"error":"invalid_request","error_description":"missing app_id"}`, Times: 1},
		}})
		f := stdFlow(p)
		f.Body, f.FallbackBody = runtime.JSON, runtime.Form
		_, err := newClient(p, f).Exchange(ctx, "c-1")
		var te *runtime.TokenError
		if !errors.As(err, &te) || te.Description != "missing app_id" {
			t.Errorf("got %v", err)
		}
	})
}

func TestExchangeSavesToStore(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour})
	store := &memstore.Store{}
	store.Save(context.Background(), "user-7", nil, &oauth2.Token{AccessToken: "stale"})
	c := newClient(p, stdFlow(p), runtime.WithStore(store, "user-7"))
	tok := login(t, p, c)
	got, err := store.Load(context.Background(), "user-7")
	if err != nil || got != tok {
		t.Fatalf("stored %v", err)
	}
	// The store-backed source uses it.
	cur, err := c.TokenSource(context.Background(), nil).Token()
	if err != nil || cur.AccessToken != tok.AccessToken {
		t.Errorf("source: %v", err)
	}
}
