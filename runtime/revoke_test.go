package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// tokenArg is a revocation parameter carrying the token revoked.
func tokenArg(key string) runtime.Arg {
	return runtime.Arg{Key: key, Value: runtime.Func(func(v *runtime.Vars) string { return v.Token })}
}

// TestOwnRevocation: each way a provider's own revocation request can be shaped
// reaches a fake provider expecting exactly that shape, revokes the grant, and is
// sent as the Revocation says (method, where the token goes, authentication).
func TestOwnRevocation(t *testing.T) {
	for _, tc := range []struct {
		name string
		rv   runtime.Revocation
		fake oauthtest.Revocation
		url  string // the revocation URL's path and query, after the provider's URL
		// check asserts the request the provider received.
		check func(t *testing.T, r oauthtest.Request, tok *oauth2.Token)
	}{
		{"GitHub: DELETE, JSON body, Basic",
			runtime.Revocation{Method: "DELETE", Token: "access_token", Body: runtime.JSON, Auth: runtime.AuthHeader, Args: []runtime.Arg{tokenArg("access_token")}},
			oauthtest.Revocation{Method: "DELETE", Auth: oauthtest.AuthBasic, Encoding: "json", TokenKey: "access_token", Status: http.StatusNoContent}, "/revoke",
			func(t *testing.T, r oauthtest.Request, tok *oauth2.Token) {
				if string(r.Body) != `{"access_token":"`+tok.AccessToken+`"}` || !r.HasBasic {
					t.Errorf("body %s, Basic %v", r.Body, r.HasBasic)
				}
			}},
		{"Slack: bearer, no body",
			runtime.Revocation{Auth: runtime.AuthBearer},
			oauthtest.Revocation{Auth: oauthtest.RevokeBearer, Answer: map[string]any{"ok": true, "revoked": true}}, "/revoke",
			func(t *testing.T, r oauthtest.Request, tok *oauth2.Token) {
				if r.Bearer() != tok.AccessToken || len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
					t.Errorf("bearer %q, body %q, Content-Type %q", r.Bearer(), r.Body, r.Header.Get("Content-Type"))
				}
			}},
		{"Zoho: the refresh token in the query, no authentication",
			runtime.Revocation{Token: "refresh_token", Auth: runtime.AuthNone, Args: []runtime.Arg{tokenArg("token")}},
			oauthtest.Revocation{Auth: oauthtest.RevokeNoAuth, Encoding: "query", TokenKey: "token", Answer: map[string]any{"status": "success"}}, "/revoke?dc=eu",
			func(t *testing.T, r oauthtest.Request, tok *oauth2.Token) {
				if r.URL != "/revoke?dc=eu&token="+url.QueryEscape(tok.RefreshToken) || len(r.Body) != 0 || r.Header.Get("Authorization") != "" {
					t.Errorf("URL %s, body %q, Authorization %q", r.URL, r.Body, r.Header.Get("Authorization"))
				}
			}},
		{"Stripe: parameters without a token, the secret key as bearer",
			runtime.Revocation{Auth: runtime.AuthSecretBearer, Args: []runtime.Arg{{Key: "client_id", Value: runtime.String(testID)}, {Key: "stripe_user_id", Value: runtime.String("acct_1")}}, Body: runtime.Form},
			oauthtest.Revocation{Auth: oauthtest.RevokeSecretBearer, Params: map[string]string{"client_id": testID, "stripe_user_id": "acct_1"}, Answer: map[string]any{"stripe_user_id": "acct_1"}}, "/revoke",
			func(t *testing.T, r oauthtest.Request, tok *oauth2.Token) {
				if r.Bearer() != testSecret || r.BodyType != "form" || r.Form["client_secret"] != "" {
					t.Errorf("bearer %q, body %s %q", r.Bearer(), r.BodyType, r.Body)
				}
			}},
		{"QuickBooks: the refresh token (else the access token) in a JSON body, Basic",
			runtime.Revocation{Body: runtime.JSON, Auth: runtime.AuthHeader, Args: []runtime.Arg{tokenArg("token")}},
			oauthtest.Revocation{Auth: oauthtest.AuthBasic, Encoding: "json", TokenKey: "token"}, "/revoke",
			func(t *testing.T, r oauthtest.Request, tok *oauth2.Token) {
				if r.Form["token"] != tok.RefreshToken {
					t.Errorf("revoked %q, want the refresh token", r.Form["token"])
				}
			}},
		{"Strava: the access token in a form body, client credentials as parameters",
			runtime.Revocation{Token: "access_token", Body: runtime.Form, Auth: runtime.AuthBody, Args: []runtime.Arg{tokenArg("access_token")}},
			oauthtest.Revocation{Auth: oauthtest.AuthBody, TokenKey: "access_token"}, "/revoke",
			func(t *testing.T, r oauthtest.Request, tok *oauth2.Token) {
				if r.Form["client_secret"] != testSecret || r.HasBasic {
					t.Errorf("secret in body %v, Basic %v", r.Form["client_secret"] != "", r.HasBasic)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := tc.fake
			p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Revocation: &fake})
			f := stdFlow(p)
			f.RevokeURL = runtime.String(p.URL + tc.url)
			rv := tc.rv
			f.Revocation = &rv
			c := newClient(p, f)
			tok := login(t, p, c)
			if err := c.Revoke(context.Background(), tok); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			if st := p.Stats(); st.Revocations != 1 {
				t.Fatalf("%d revocations", st.Revocations)
			}
			r, _ := p.LastRequest("revoke")
			tc.check(t, r, tok)
			// The grant is gone: the refresh token no longer works.
			if _, err := c.RefreshToken(context.Background(), tok); !runtime.IsInvalidGrant(err) {
				t.Errorf("refresh after revocation: %v, want invalid_grant", err)
			}
		})
	}
}

// TestOwnRevocationFailures: a provider's 2xx with an error body is an error (as
// Slack answers a bad token), as is any other status; none repeats a token or the
// secret; a token without the token the revocation needs sends nothing.
func TestOwnRevocationFailures(t *testing.T) {
	p := provider(t, oauthtest.Config{ExpiresIn: time.Hour, Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer}})
	f := stdFlow(p)
	f.Revocation = &runtime.Revocation{Auth: runtime.AuthBearer}
	c := newClient(p, f)
	tok := login(t, p, c)
	ctx := context.Background()
	p.Update(func(cfg *oauthtest.Config) {
		cfg.RevokeFaults = []oauthtest.Fault{{Status: 200, Body: `{"ok":false,"error":"invalid_auth"}`, ContentType: "application/json"}}
	})
	err := c.Revoke(ctx, tok)
	var te *runtime.TokenError
	if !errors.As(err, &te) || te.Op != runtime.OpRevoke || te.Code != "invalid_auth" || te.StatusCode != 200 {
		t.Errorf("200 with an error body: %v", err)
	}
	p.Update(func(cfg *oauthtest.Config) {
		cfg.RevokeFaults = []oauthtest.Fault{{Status: 401, Body: `{"error":"invalid_token","error_description":"bad ` + tok.AccessToken + `"}`, ContentType: "application/json"}}
	})
	err = c.Revoke(ctx, tok)
	if !errors.As(err, &te) || te.Code != "invalid_token" || strings.Contains(err.Error(), tok.AccessToken) {
		t.Errorf("401: %v", err)
	}
	p.Update(func(cfg *oauthtest.Config) { cfg.RevokeFaults = nil })

	before := len(p.RequestsTo("revoke"))
	f.Revocation = &runtime.Revocation{Token: "refresh_token", Auth: runtime.AuthNone, Args: []runtime.Arg{tokenArg("token")}}
	err = newClient(p, f).Revoke(ctx, &oauth2.Token{AccessToken: tok.AccessToken})
	if err == nil || !strings.Contains(err.Error(), "no refresh_token to revoke") {
		t.Errorf("no refresh token: %v", err)
	}
	f.Revocation = &runtime.Revocation{Auth: runtime.AuthBearer}
	if err := newClient(p, f).Revoke(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}); err == nil || !strings.Contains(err.Error(), "no access token") {
		t.Errorf("bearer without an access token: %v", err)
	}
	if n := len(p.RequestsTo("revoke")); n != before {
		t.Errorf("%d requests sent for tokens that cannot be revoked", n-before)
	}

	// RFC 7009 keeps its rule: any 2xx is success, whatever the body.
	p2 := provider(t, oauthtest.Config{ExpiresIn: time.Hour, RevokeFaults: []oauthtest.Fault{{Status: 200, Body: `{"error":"whatever"}`, ContentType: "application/json"}}})
	c2 := newClient(p2, stdFlow(p2))
	if err := c2.Revoke(ctx, login(t, p2, c2)); err != nil {
		t.Errorf("RFC 7009 with a 2xx error body: %v", err)
	}
}
