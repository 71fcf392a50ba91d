package runtime_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"golang.org/x/oauth2"
)

// A flow with an Issuer refuses a callback whose iss (RFC 9207) is another, before
// any exchange; the right iss, or none, goes on.
func TestCallbackIssuer(t *testing.T) {
	p := provider(t, oauthtest.Config{})
	f := stdFlow(p)
	f.Issuer = "https://issuer.example"
	c := newClient(p, f)
	for _, iss := range [][]string{{"https://evil.example"}, {"https://issuer.example/"}, {""}, {"https://issuer.example", "https://evil.example"}} {
		q := authorize(t, p, c)
		q["iss"] = iss
		p.ResetLog()
		_, err := c.ExchangeCallback(context.Background(), q)
		var ce *runtime.CallbackError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "is not the connector's issuer") {
			t.Errorf("iss %q: error %v, want a *runtime.CallbackError about the issuer", iss, err)
		}
		if _, err := c.CodeFromCallback(q); err == nil {
			t.Errorf("iss %q: CodeFromCallback accepted it", iss)
		}
		if n := len(p.RequestsTo("token")); n != 0 {
			t.Errorf("iss %q: %d token requests, want none", iss, n)
		}
	}
	for _, iss := range []string{"https://issuer.example", "-"} {
		q := authorize(t, p, c)
		if iss != "-" {
			q.Set("iss", iss)
		}
		if _, err := c.ExchangeCallback(context.Background(), q); err != nil {
			t.Errorf("iss %q: %v", iss, err)
		}
	}
	// No Issuer: iss is not looked at.
	f2 := stdFlow(p)
	c2 := newClient(p, f2)
	q := authorize(t, p, c2)
	q.Set("iss", "https://anything.example")
	if _, err := c2.ExchangeCallback(context.Background(), q); err != nil {
		t.Errorf("no Issuer: %v", err)
	}
}

// A flow with PKCE refuses an exchange without a verifier before sending anything:
// the code would go out for nothing, or work without the protection PKCE gives.
func TestPKCEExchangeNeedsVerifier(t *testing.T) {
	p := provider(t, oauthtest.Config{})
	f := stdFlow(p)
	f.PKCE = runtime.PKCES256
	c := newClient(p, f)
	for name, opts := range map[string][]oauth2.AuthCodeOption{
		"none":           nil,
		"empty verifier": {oauth2.VerifierOption("")},
		"other options":  {oauth2.SetAuthURLParam("audience", "x")},
	} {
		p.ResetLog()
		_, err := c.Exchange(context.Background(), "the-code", opts...)
		var te *runtime.TokenError
		if !errors.As(err, &te) || te.Op != runtime.OpExchange || !strings.Contains(err.Error(), "code verifier") {
			t.Errorf("%s: error %v, want a *runtime.TokenError naming the verifier", name, err)
		}
		if n := len(p.Requests()); n != 0 {
			t.Errorf("%s: %d requests sent, want none", name, n)
		}
	}
	// The callback path too.
	_, err := c.ExchangeCallback(context.Background(), url.Values{"code": {"c"}})
	if err == nil || !strings.Contains(err.Error(), "code verifier") {
		t.Errorf("ExchangeCallback without a verifier: %v", err)
	}
}
