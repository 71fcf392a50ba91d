package conformance

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/conformance/internal/fosite"
	"github.com/oauthgen/oauthgen/conformance/internal/fositebasic"
	"github.com/oauthgen/oauthgen/conformance/internal/fositepost"
	"github.com/oauthgen/oauthgen/conformance/internal/fositepublic"
	"github.com/oauthgen/oauthgen/conformance/internal/fositeservice"
	"github.com/oauthgen/oauthgen/generator"
	"github.com/oauthgen/oauthgen/runtime"
)

//go:generate sh -c "cd .. && go run ./cmd/oauthgen generate -q -o conformance/internal conformance/testdata"

// fositeAPI is what the fosite tests call: the methods of a generated client, or of
// a runtime.Client built from the same connector file through the model package
// (the dynamic client), so both go through the same suite.
type fositeAPI struct {
	self             any // printed by the secrets scan
	authCodeURL      func(state string, opts ...oauth2.AuthCodeOption) string
	codeFromCallback func(url.Values) (string, error)
	exchange         func(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	refresh          func(ctx context.Context, refreshToken string) (*oauth2.Token, error)
	token            func(ctx context.Context) (*oauth2.Token, error) // client credentials
	tokenSource      func(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource
	httpClient       func(ctx context.Context, tok *oauth2.Token) *http.Client
	revoke           func(ctx context.Context, tok *oauth2.Token) error
	verify           func(ctx context.Context, tok *oauth2.Token) error
}

// authCodeClient is the method set every generated authorization-code package in
// conformance/internal has.
type authCodeClient interface {
	AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string
	CodeFromCallback(q url.Values) (string, error)
	Exchange(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error)
	Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error)
	TokenSource(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource
	HTTPClient(ctx context.Context, tok *oauth2.Token) *http.Client
	Revoke(ctx context.Context, tok *oauth2.Token) error
	Verify(ctx context.Context, tok *oauth2.Token) error
}

// authCodeAPI adapts the result of a generated package's New to fositeAPI.
func authCodeAPI[C authCodeClient](g C, err error) (*fositeAPI, error) {
	if err != nil {
		return nil, err
	}
	return &fositeAPI{self: g, authCodeURL: g.AuthCodeURL, codeFromCallback: g.CodeFromCallback, exchange: g.Exchange,
		refresh: g.Refresh, tokenSource: g.TokenSource, httpClient: g.HTTPClient, revoke: g.Revoke, verify: g.Verify}, nil
}

// fositeModes are the two ways a connector becomes a client.
var fositeModes = []string{"generated", "dynamic"}

// newFositeAPI returns the client of case c in mode against s.
func newFositeAPI(t testing.TB, s *fositeServer, c fositeCase, mode, secret string, opts ...runtime.Option) *fositeAPI {
	t.Helper()
	if mode == "dynamic" {
		flow := fositeFlow(t, s, c)
		rc := runtime.New(flow, runtime.Credentials{ClientID: c.id, ClientSecret: runtime.Secret(secret), RedirectURL: redirectURL}, opts...)
		return &fositeAPI{
			self: rc, authCodeURL: rc.AuthCodeURL, codeFromCallback: rc.CodeFromCallback, exchange: rc.Exchange,
			refresh: rc.Refresh, token: rc.Token, revoke: rc.Revoke,
			tokenSource: func(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource { return rc.TokenSource(ctx, tok) },
			httpClient:  rc.HTTPClient,
			verify: func(ctx context.Context, tok *oauth2.Token) error {
				return rc.Verify(ctx, tok, http.MethodGet, s.APIURL())
			},
		}
	}
	var (
		api *fositeAPI
		err error
	)
	switch c.file {
	case "fosite.json":
		api, err = authCodeAPI(fosite.New(fosite.Config{ClientID: c.id, ClientSecret: runtime.Secret(secret), RedirectURL: redirectURL, Params: fosite.Params{Issuer: s.URL}}, opts...))
	case "fosite_basic.json":
		api, err = authCodeAPI(fositebasic.New(fositebasic.Config{ClientID: c.id, ClientSecret: runtime.Secret(secret), RedirectURL: redirectURL, Params: fositebasic.Params{Issuer: s.URL}}, opts...))
	case "fosite_post.json":
		api, err = authCodeAPI(fositepost.New(fositepost.Config{ClientID: c.id, ClientSecret: runtime.Secret(secret), RedirectURL: redirectURL, Params: fositepost.Params{Issuer: s.URL}}, opts...))
	case "fosite_public.json":
		api, err = authCodeAPI(fositepublic.New(fositepublic.Config{ClientID: c.id, ClientSecret: runtime.Secret(secret), RedirectURL: redirectURL, Params: fositepublic.Params{Issuer: s.URL}}, opts...))
	case "fosite_cc.json":
		var g *fositeservice.Client
		g, err = fositeservice.New(fositeservice.Config{ClientID: c.id, ClientSecret: runtime.Secret(secret), RedirectURL: redirectURL, Params: fositeservice.Params{Issuer: s.URL}}, opts...)
		if err == nil {
			api = &fositeAPI{self: g, token: g.Token, revoke: g.Revoke, verify: g.Verify,
				tokenSource: func(ctx context.Context, _ *oauth2.Token) oauth2.TokenSource { return g.TokenSource(ctx) },
				httpClient:  func(ctx context.Context, _ *oauth2.Token) *http.Client { return g.HTTPClient(ctx) }}
		}
	default:
		t.Fatalf("no generated package for %s", c.file)
	}
	if err != nil {
		t.Fatalf("%s New: %v", c.file, err)
	}
	return api
}

// TestFositeGeneratedFresh: the packages under internal/ are what the generator makes
// of testdata/*.json today (go generate ./conformance refreshes them).
func TestFositeGeneratedFresh(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) != 5 {
		t.Fatalf("testdata has %d connector files, want the 5 fosite connectors", len(files))
	}
	for _, f := range files {
		pkg, src, err := generator.File(f, generator.Options{Source: "conformance/" + filepath.ToSlash(f)})
		if err != nil {
			t.Fatalf("generate %s: %v", f, err)
		}
		have, err := os.ReadFile(filepath.Join("internal", pkg, pkg+".go"))
		if err != nil {
			t.Fatalf("%s: %v (run go generate ./conformance)", f, err)
		}
		if !bytes.Equal(have, src) {
			t.Errorf("internal/%s is stale: run go generate ./conformance", pkg)
		}
	}
}
