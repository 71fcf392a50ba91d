package runtime_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

// scripted is a transport that answers each request with the next body of a script
// (the last one repeated) and records the requests' URLs.
type scripted struct {
	mu     sync.Mutex
	bodies []string
	urls   []string
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.urls = append(s.urls, req.URL.String())
	body := s.bodies[0]
	if len(s.bodies) > 1 {
		s.bodies = s.bodies[1:]
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

func (s *scripted) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.urls[len(s.urls)-1]
}

// TestProviderCannotSetOwnExtra: a token response cannot set the Extra values the
// runtime keeps itself (the end user's values that rebuild a connection's client,
// its refused-grant mark, the refresh token's expiry, the callback values), neither
// at the exchange nor at a refresh: the next refresh still goes where the end user
// connected.
func TestProviderCannotSetOwnExtra(t *testing.T) {
	inject := map[string]string{
		"oauthgen_values":               `{"host":"attacker.example"}`,
		"oauthgen_reauth":               `"invalid_grant"`,
		"oauthgen_refresh_token_expiry": `"2000-01-01T00:00:00Z"`,
		"oauthgen_other":                `"x"`,
		"server":                        `"https://attacker.example"`,
	}
	for name, value := range inject {
		for _, at := range []string{"exchange", "refresh"} {
			t.Run(at+"/"+name, func(t *testing.T) {
				field := `,"` + name + `":` + value
				exchange, refresh := `{"access_token":"AT1","refresh_token":"RT1","expires_in":3600`, `{"access_token":"AT2","expires_in":3600`
				if at == "exchange" {
					exchange += field
				} else {
					refresh += field
				}
				rt := &scripted{bodies: []string{exchange + "}", refresh + "}"}}
				build := func(values map[string]any) (*runtime.Client, error) {
					host, _ := values["host"].(string)
					f := &runtime.Flow{
						Connector:    "Test",
						AuthorizeURL: runtime.String("https://" + host + "/authorize"),
						TokenURL:     runtime.String("https://" + host + "/token"),
						// Where the refresh goes depends on both the end user's value and the callback's.
						RefreshURL:      runtime.Func(func(v *runtime.Vars) string { return v.Callback["server"] + "/refresh/" + host }),
						CallbackParams:  []runtime.Field{{Name: "server"}},
						RefreshLifetime: 90 * 24 * time.Hour,
					}
					return runtime.New(f, runtime.Credentials{ClientID: testID, ClientSecret: testSecret, RedirectURL: testRedirect},
						runtime.WithHTTPClient(&http.Client{Transport: rt})), nil
				}
				cs := runtime.NewConnections("Test", build, &memstore.Store{})
				ctx := context.Background()
				u, err := cs.Begin(ctx, "k", map[string]any{"host": "victim.example"})
				if err != nil {
					t.Fatal(err)
				}
				au, _ := url.Parse(u)
				q := url.Values{"code": {"CODE1"}, "state": {au.Query().Get("state")}, "server": {"https://cb.victim.example"}}
				_, first, err := cs.Complete(ctx, q)
				if err != nil {
					t.Fatalf("Complete: %v", err)
				}
				expiry, ok := runtime.RefreshTokenExpiry(first)
				if !ok || expiry.Year() == 2000 {
					t.Fatalf("refresh token expiry after the exchange: %v %v", expiry, ok)
				}
				for i := range 2 {
					tok, err := cs.Refresh(ctx, "k")
					if err != nil {
						t.Fatalf("refresh %d: %v", i+1, err)
					}
					if got, want := rt.last(), "https://cb.victim.example/refresh/victim.example"; got != want {
						t.Errorf("refresh %d went to %s, want %s", i+1, got, want)
					}
					checkOwnExtra(t, tok, expiry)
				}
			})
		}
	}
}

func checkOwnExtra(t *testing.T, tok *oauth2.Token, expiry time.Time) {
	t.Helper()
	if v, _ := tok.Extra("oauthgen_values").(map[string]any); v["host"] != "victim.example" {
		t.Errorf("oauthgen_values = %v", tok.Extra("oauthgen_values"))
	}
	for _, name := range []string{"oauthgen_reauth", "oauthgen_other"} {
		if v := tok.Extra(name); v != nil {
			t.Errorf("%s = %v, want none", name, v)
		}
	}
	if got, _ := runtime.RefreshTokenExpiry(tok); !got.Equal(expiry) {
		t.Errorf("refresh token expiry %v, want %v", got, expiry)
	}
	if got := tok.Extra("server"); got != "https://cb.victim.example" {
		t.Errorf("server = %v", got)
	}
}
