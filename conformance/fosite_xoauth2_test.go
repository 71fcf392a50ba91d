package conformance

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// These tests prove the fosite harness with golang.org/x/oauth2's own client, so a
// failure in the runtime tests points at the runtime, not at the harness.

func xConfig(s *fositeServer, id, secret string, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{
		ClientID: id, ClientSecret: secret, RedirectURL: redirectURL,
		Scopes:   []string{"read", "offline"},
		Endpoint: oauth2.Endpoint{AuthURL: s.AuthURL(), TokenURL: s.TokenURL(), AuthStyle: style},
	}
}

func TestFositeHarnessXOAuth2AuthCode(t *testing.T) {
	s := newFositeServer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		id    string
		style oauth2.AuthStyle
		pkce  bool
	}{
		{"basic", basicClientID, oauth2.AuthStyleInHeader, false},
		{"post", postClientID, oauth2.AuthStyleInParams, false},
		{"basic-pkce", basicClientID, oauth2.AuthStyleInHeader, true},
		{"public-pkce", publicID, oauth2.AuthStyleInParams, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := fositeSecret
			if tc.id == publicID {
				secret = ""
			}
			conf := xConfig(s, tc.id, secret, tc.style)
			verifier := oauth2.GenerateVerifier()
			var authOpts, exOpts []oauth2.AuthCodeOption
			if tc.pkce {
				authOpts = append(authOpts, oauth2.S256ChallengeOption(verifier))
				exOpts = append(exOpts, oauth2.VerifierOption(verifier))
			}
			q := authorizeRedirect(t, conf.AuthCodeURL("state-1234567890", authOpts...))
			if q.Get("state") != "state-1234567890" || q.Get("code") == "" {
				t.Fatalf("callback = %v, want code and state", q)
			}
			tok, err := conf.Exchange(ctx, q.Get("code"), exOpts...)
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if !s.active(tok.AccessToken) || tok.RefreshToken == "" || tok.Expiry.IsZero() {
				t.Fatalf("token: active=%v refresh=%v expiry=%v", s.active(tok.AccessToken), tok.RefreshToken != "", tok.Expiry)
			}
			// Reusing the code is refused with invalid_grant.
			_, err = conf.Exchange(ctx, q.Get("code"), exOpts...)
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
				t.Fatalf("reused code: err = %v, want invalid_grant", err)
			}
		})
	}
}

func TestFositeHarnessXOAuth2RefreshRotation(t *testing.T) {
	s := newFositeServer(t)
	ctx := context.Background()
	conf := xConfig(s, basicClientID, fositeSecret, oauth2.AuthStyleInHeader)
	q := authorizeRedirect(t, conf.AuthCodeURL("state-1234567890"))
	tok, err := conf.Exchange(ctx, q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	old := *tok
	tok.Expiry = tok.Expiry.Add(-2 * 3600e9) // force a refresh
	next, err := conf.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == old.RefreshToken || next.AccessToken == old.AccessToken {
		t.Fatal("fosite did not rotate the refresh token")
	}
	// The old refresh token is now refused.
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("old refresh token: err = %v, want invalid_grant", err)
	}
}

func TestFositeHarnessXOAuth2ClientCredentials(t *testing.T) {
	s := newFositeServer(t)
	cc := &clientcredentials.Config{ClientID: serviceID, ClientSecret: fositeSecret, TokenURL: s.TokenURL(), Scopes: []string{"read"}}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !s.active(tok.AccessToken) {
		t.Fatal("client credentials token not active")
	}
	resp, err := cc.Client(context.Background()).Get(s.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("api status %d", resp.StatusCode)
	}
	cc.ClientSecret = "wrong-secret"
	_, err = cc.Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Fatalf("wrong secret: err = %v, want invalid_client", err)
	}
}
