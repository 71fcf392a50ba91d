package runtime_test

import (
	"context"
	"encoding/base64"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// wantRequest asserts method, URL, body type and the exact parsed fields of a request.
func wantRequest(t *testing.T, r oauthtest.Request, method, uri, bodyType string, form map[string]string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method %s, want %s", r.Method, method)
	}
	if r.URL != uri {
		t.Errorf("URL %s, want %s", r.URL, uri)
	}
	if r.BodyType != bodyType {
		t.Errorf("body type %q, want %q (body %s)", r.BodyType, bodyType, r.Body)
	}
	if !maps.Equal(r.Form, form) {
		t.Errorf("fields\n got %v\nwant %v", r.Form, form)
	}
}

func wantHeader(t *testing.T, r oauthtest.Request, key, want string) {
	t.Helper()
	if got := r.Header.Get(key); got != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

func TestDeviations(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		cfg   oauthtest.Config
		flow  func(f *runtime.Flow, p *oauthtest.Provider)
		creds *runtime.Credentials
		// check gets the token requests the provider saw, the code, and the token.
		check func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token)
	}{
		{
			name: "standard form body with client credentials in the body",
			cfg:  oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				r := reqs[0]
				wantRequest(t, r, "POST", "/token", "form", map[string]string{
					"grant_type": "authorization_code", "code": code, "redirect_uri": testRedirect,
					"client_id": testID, "client_secret": testSecret,
				})
				want := "grant_type=authorization_code&code=" + url.QueryEscape(code) + "&redirect_uri=" + url.QueryEscape(testRedirect) + "&client_id=" + testID + "&client_secret=" + testSecret
				if string(r.Body) != want {
					t.Errorf("body %s\nwant %s", r.Body, want)
				}
				wantHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
				wantHeader(t, r, "Accept", "application/json")
				if r.HasBasic {
					t.Error("Basic auth sent")
				}
				if tok.ExpiresIn != 3600 || time.Until(tok.Expiry) < 59*time.Minute || tok.RefreshToken == "" || tok.Type() != "Bearer" {
					t.Errorf("token: expires_in %d, expiry %v, refresh %t, type %s", tok.ExpiresIn, tok.Expiry, tok.RefreshToken != "", tok.Type())
				}
			},
		},
		{
			name: "TikTok: renamed keys, JSON body, nested token",
			cfg:  oauthtest.Config{ClientIDKey: "app_id", SecretKey: "secret", CodeKey: "auth_code", AcceptJSON: true, AccessTokenPath: "data.access_token", ClientAuth: oauthtest.AuthBody},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.ClientIDKey, f.SecretKey, f.CodeKey = "app_id", "secret", "auth_code"
				f.Body, f.FallbackBody = runtime.JSON, runtime.Form
				f.AccessToken = runtime.Path{"data", "access_token"}
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if len(reqs) != 1 {
					t.Fatalf("%d token requests, want 1", len(reqs))
				}
				r := reqs[0]
				wantRequest(t, r, "POST", "/token", "json", map[string]string{
					"grant_type": "authorization_code", "auth_code": code, "redirect_uri": testRedirect,
					"app_id": testID, "secret": testSecret,
				})
				want := `{"grant_type":"authorization_code","auth_code":"` + code + `","redirect_uri":"` + testRedirect + `","app_id":"` + testID + `","secret":"` + testSecret + `"}`
				if string(r.Body) != want {
					t.Errorf("body %s\nwant %s", r.Body, want)
				}
				wantHeader(t, r, "Content-Type", "application/json")
				if !strings.HasPrefix(tok.AccessToken, "access-") || !strings.HasPrefix(tok.RefreshToken, "refresh-") {
					t.Errorf("token not read from data: %v", tok.RefreshToken != "")
				}
			},
		},
		{
			name:  "HTTP Basic client authentication with escaped id and secret",
			cfg:   oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ClientID: "my id/1", ClientSecret: "p@ss:w+rd"},
			flow:  func(f *runtime.Flow, p *oauthtest.Provider) { f.ClientAuth = runtime.AuthHeader },
			creds: &runtime.Credentials{ClientID: "my id/1", ClientSecret: "p@ss:w+rd", RedirectURL: testRedirect},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				r := reqs[0]
				wantRequest(t, r, "POST", "/token", "form", map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": testRedirect})
				wantHeader(t, r, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("my+id%2F1:p%40ss%3Aw%2Brd")))
				if r.BasicUser != "my id/1" || r.BasicPassword != "p@ss:w+rd" {
					t.Errorf("Basic decoded to %q", r.BasicUser)
				}
			},
		},
		{
			name: "client credentials in both header and body",
			cfg:  oauthtest.Config{ClientAuth: oauthtest.AuthBoth},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) { f.ClientAuth = runtime.AuthBoth },
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				r := reqs[0]
				wantRequest(t, r, "POST", "/token", "form", map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": testRedirect, "client_id": testID, "client_secret": testSecret})
				if !r.HasBasic || r.BasicUser != testID {
					t.Error("no Basic auth")
				}
			},
		},
		{
			name: "GET token request with query parameters",
			cfg:  oauthtest.Config{Method: "GET"},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.Method = "GET"
				f.Body, f.FallbackBody = runtime.JSON, runtime.Form
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				r := reqs[0]
				q := "grant_type=authorization_code&code=" + url.QueryEscape(code) + "&redirect_uri=" + url.QueryEscape(testRedirect) + "&client_id=" + testID + "&client_secret=" + testSecret
				wantRequest(t, r, "GET", "/token?"+q, "", map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": testRedirect, "client_id": testID, "client_secret": testSecret})
				if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
					t.Error("GET request has a body")
				}
			},
		},
		{
			name: "JSON refused with 415, form fallback, form remembered",
			cfg:  oauthtest.Config{AcceptForm: true},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) { f.Body, f.FallbackBody = runtime.JSON, runtime.Form },
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if len(reqs) != 2 || reqs[0].BodyType != "json" || reqs[1].BodyType != "form" {
					t.Fatalf("requests %v", bodyTypes(reqs))
				}
				wantRequest(t, reqs[1], "POST", "/token", "form", map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": testRedirect, "client_id": testID, "client_secret": testSecret})
			},
		},
		{
			name: "custom Accept, Content-Type, exchange args and token request headers",
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.Accept = "application/vnd.api+json"
				f.ContentType = "application/x-www-form-urlencoded; charset=utf-8"
				f.ExchangeArgs = append(f.ExchangeArgs, runtime.Arg{Key: "audience", Value: runtime.Func(func(v *runtime.Vars) string { return "aud-" + v.State })})
				f.Headers = []runtime.Arg{{Key: "X-Tenant", Value: runtime.String("acme")}}
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				r := reqs[0]
				auth, _ := p.LastRequest("authorize")
				state := auth.Form["state"]
				wantRequest(t, r, "POST", "/token", "form", map[string]string{"grant_type": "authorization_code", "audience": "aud-" + state, "code": code, "redirect_uri": testRedirect, "client_id": testID, "client_secret": testSecret})
				wantHeader(t, r, "Accept", "application/vnd.api+json")
				wantHeader(t, r, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				wantHeader(t, r, "X-Tenant", "acme")
			},
		},
		{
			name: "form-encoded response with expires_in",
			cfg:  oauthtest.Config{FormResponse: true, ExpiresIn: 2 * time.Hour, Extra: map[string]any{"user_id": "u-42"}},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.Metadata = []runtime.Field{{Name: "user_id", Path: runtime.Path{"user_id"}}}
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if tok.ExpiresIn != 7200 || tok.RefreshToken == "" || tok.Extra("user_id") != "u-42" {
					t.Errorf("token from form: expires_in %d, user_id %v", tok.ExpiresIn, tok.Extra("user_id"))
				}
			},
		},
		{
			name: "expires_in as a string, token_type absent, default expiry unused",
			cfg:  oauthtest.Config{ExpiresIn: 90 * time.Second, ExpiresAsString: true, TokenType: "-"},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) { f.DefaultExpiresIn = time.Hour },
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if tok.ExpiresIn != 90 || tok.TokenType != "" {
					t.Errorf("expires_in %d type %q", tok.ExpiresIn, tok.TokenType)
				}
			},
		},
		{
			name: "default_expires_in when the response has none",
			flow: func(f *runtime.Flow, p *oauthtest.Provider) { f.DefaultExpiresIn = 2 * time.Hour },
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if tok.ExpiresIn != 7200 || time.Until(tok.Expiry) < 119*time.Minute {
					t.Errorf("expires_in %d", tok.ExpiresIn)
				}
			},
		},
		{
			name: "metadata paths keep exact values",
			cfg:  oauthtest.Config{Extra: map[string]any{"instance_url": "https://eu1.example", "team": map[string]any{"id": 12345678901234567, "name": "A"}}},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.Metadata = []runtime.Field{{Name: "instance_url", Path: runtime.Path{"instance_url"}}, {Name: "team_id", Path: runtime.Path{"team", "id"}}}
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if tok.Extra("instance_url") != "https://eu1.example" || tok.Extra("team_id") != "12345678901234567" {
					t.Errorf("metadata %v %v", tok.Extra("instance_url"), tok.Extra("team_id"))
				}
				if _, ok := tok.Extra("team").(map[string]any); !ok {
					t.Errorf("raw field team: %T", tok.Extra("team"))
				}
			},
		},
		{
			name: "callback params read, used in the token URL and kept",
			cfg:  oauthtest.Config{CallbackArgs: map[string]string{"accounts-server": "https://accounts.eu"}},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.CallbackParams = []runtime.Field{{Name: "accounts_server", Path: runtime.Path{"accounts-server"}}}
				tokenURL := p.TokenURL()
				f.TokenURL = runtime.Func(func(v *runtime.Vars) string {
					return tokenURL + "?dc=" + url.QueryEscape(v.Callback["accounts_server"])
				})
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				if reqs[0].URL != "/token?dc="+url.QueryEscape("https://accounts.eu") {
					t.Errorf("URL %s", reqs[0].URL)
				}
				if tok.Extra("accounts_server") != "https://accounts.eu" {
					t.Errorf("callback value %v", tok.Extra("accounts_server"))
				}
			},
		},
		{
			name: "without_code",
			cfg:  oauthtest.Config{WithoutCode: true},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) { f.WithoutCode = true },
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				wantRequest(t, reqs[0], "POST", "/token", "form", map[string]string{"grant_type": "authorization_code", "redirect_uri": testRedirect, "client_id": testID, "client_secret": testSecret})
			},
		},
		{
			name: "userinfo call adds metadata",
			cfg:  oauthtest.Config{Userinfo: map[string]any{"email": "a@b.example", "id": 7}},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.Userinfo = &runtime.Userinfo{URL: runtime.String(p.UserinfoURL()), Fields: []runtime.Field{{Name: "email", Path: runtime.Path{"email"}}, {Name: "account_id", Path: runtime.Path{"id"}}}}
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				ui, ok := p.LastRequest("userinfo")
				if !ok {
					t.Fatal("no userinfo request")
				}
				wantHeader(t, ui, "Authorization", "Bearer "+tok.AccessToken)
				if tok.Extra("email") != "a@b.example" || tok.Extra("account_id") != "7" {
					t.Errorf("userinfo metadata %v %v", tok.Extra("email"), tok.Extra("account_id"))
				}
			},
		},
		{
			// Atlassian's accessible-resources and Xero's /connections answer an array.
			name: "userinfo answering an array",
			cfg: oauthtest.Config{Userinfo: []any{
				map[string]any{"id": "cloud-1", "scopes": []any{"read:jira-work", "write:jira-work"}},
				map[string]any{"id": "cloud-2", "0": "key"},
			}},
			flow: func(f *runtime.Flow, p *oauthtest.Provider) {
				f.Userinfo = &runtime.Userinfo{URL: runtime.String(p.UserinfoURL()), Fields: []runtime.Field{
					{Name: "cloud_id", Path: runtime.Path{"0", "id"}},
					{Name: "second", Path: runtime.Path{"1", "id"}},
					{Name: "scope", Path: runtime.Path{"0", "scopes", "1"}},
					{Name: "key", Path: runtime.Path{"1", "0"}},
					{Name: "third", Path: runtime.Path{"2", "id"}},
					{Name: "by_name", Path: runtime.Path{"id"}},
				}}
			},
			check: func(t *testing.T, p *oauthtest.Provider, reqs []oauthtest.Request, code string, tok *oauth2.Token) {
				for k, want := range map[string]any{"cloud_id": "cloud-1", "second": "cloud-2", "scope": "write:jira-work", "key": "key", "third": nil, "by_name": nil} {
					if got := tok.Extra(k); got != want {
						t.Errorf("Extra(%s) = %#v, want %#v", k, got, want)
					}
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(t, tc.cfg)
			f := stdFlow(p)
			if tc.flow != nil {
				tc.flow(f, p)
			}
			creds := runtime.Credentials{ClientID: testID, ClientSecret: testSecret, RedirectURL: testRedirect}
			if tc.creds != nil {
				creds = *tc.creds
			}
			c := runtime.New(f, creds, runtime.WithHTTPClient(p.Client()))
			q := authorize(t, p, c)
			code := q.Get(f.CodeKey)
			if f.CodeKey == "" {
				code = q.Get("code")
			}
			tok, err := c.ExchangeCallback(ctx, q)
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if !strings.HasPrefix(tok.AccessToken, "access-") {
				t.Fatalf("access token not issued by the provider (set: %t)", tok.AccessToken != "")
			}
			tc.check(t, p, p.RequestsTo("token"), code, tok)

			// The token works on the API and, unless permanent, refreshes.
			resp, err := c.HTTPClient(ctx, tok).Get(p.APIURL("/me"))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("API call: %v %v", err, resp)
			}
			resp.Body.Close()
			if tok.RefreshToken != "" {
				p.ResetLog()
				tok2, err := c.RefreshToken(ctx, tok)
				if err != nil {
					t.Fatalf("refresh: %v", err)
				}
				if tok2.AccessToken == tok.AccessToken {
					t.Error("refresh returned the same access token")
				}
				r, _ := p.LastRequest("token")
				if r.Form["grant_type"] != "refresh_token" || r.Form["refresh_token"] != tok.RefreshToken {
					t.Errorf("refresh request fields %v", r.Form["grant_type"])
				}
				for _, fd := range f.CallbackParams {
					if tok2.Extra(fd.Name) != tok.Extra(fd.Name) {
						t.Errorf("callback value %s lost on refresh", fd.Name)
					}
				}
				for _, fd := range f.Metadata {
					if tok2.Extra(fd.Name) != tok.Extra(fd.Name) {
						t.Errorf("metadata %s changed on refresh", fd.Name)
					}
				}
			}
		})
	}
}

func bodyTypes(reqs []oauthtest.Request) []string {
	var s []string
	for _, r := range reqs {
		s = append(s, r.BodyType)
	}
	return s
}
