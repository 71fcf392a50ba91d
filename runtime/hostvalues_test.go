package runtime_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/runtime"
)

// TestHostValuesCheckedOnEveryGrant: a token whose kept host value (the API host a
// response names, as Zoho's api_domain) is off the API hosts is refused by a refresh
// and a client-credentials request as by an exchange, before the token hook.
func TestHostValuesCheckedOnEveryGrant(t *testing.T) {
	for _, grant := range []string{"exchange", "refresh", "client credentials"} {
		t.Run(grant, func(t *testing.T) {
			n := 0
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				n++
				body := `{"access_token":"AT","refresh_token":"RT","api":"https://evil.example"}`
				if grant == "refresh" && n == 1 {
					body = `{"access_token":"AT","refresh_token":"RT","api":"https://www.api.example"}`
				}
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
			})
			f := fakeFlow()
			f.Metadata = []runtime.Field{{Name: "api", Path: runtime.Path{"api"}}}
			f.HostValues = []string{"credentials.api"}
			f.APIHosts = []string{"*.api.example"}
			f.TokenHosts = []string{"idp.example"}
			var hooked []string
			c := runtime.New(f, runtime.Credentials{ClientID: testID, ClientSecret: testSecret}, runtime.WithHTTPClient(&http.Client{Transport: rt}),
				runtime.WithTokenHook(func(_ context.Context, tok *oauth2.Token) { hooked = append(hooked, scalar(tok.Extra("api"))) }))
			ctx := context.Background()
			var tok *oauth2.Token
			var err error
			switch grant {
			case "exchange":
				tok, err = c.Exchange(ctx, "CODE12345")
			case "refresh":
				old, xerr := c.Exchange(ctx, "CODE12345")
				if xerr != nil {
					t.Fatalf("Exchange: %v", xerr)
				}
				tok, err = c.RefreshToken(ctx, old)
			case "client credentials":
				tok, err = c.Token(ctx)
			}
			if err == nil || tok != nil {
				t.Fatalf("token %v, error %v: the host value was not refused", tok, err)
			}
			var he *runtime.HostError
			if !errors.As(err, &he) || he.Host != "evil.example" {
				t.Errorf("error %v, want a *HostError for evil.example", err)
			}
			var te *runtime.TokenError
			if grant != "exchange" && !errors.As(err, &te) {
				t.Errorf("%s error %T, want a *TokenError as other failed token requests", grant, err)
			}
			for _, h := range hooked {
				if h != "https://www.api.example" {
					t.Errorf("the token hook saw the host value %q", h)
				}
			}
		})
	}
}

func scalar(v any) string { s, _ := v.(string); return s }
