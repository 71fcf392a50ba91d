package connectors_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/oauthtest"
)

// batch1Fixtures covers the first batch of connectors added to reach the issue's
// hundred providers. Each entry plays the quirks the connector's description and
// docs_url name.
var batch1Fixtures = map[string]e2e.Fixture{
	"zendesk.json": {
		// JSON token requests with the scope repeated; rotating refresh tokens, which
		// come with their own lifetime.
		Params: map[string]any{"subdomain": "acme"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptJSON: true, RequirePKCE: true, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": "read", "refresh_token_expires_in": 2592000}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "read", "code_challenge_method": "S256"})
			r := e2e.FirstExchange(t, p)
			if r.BodyType != "json" || r.HasBasic {
				t.Errorf("exchange body %q, Basic %v; want JSON with the credentials in it", r.BodyType, r.HasBasic)
			}
			e2e.WantParams(t, "exchange", r.Form, map[string]string{"scope": "read", "client_secret": e2e.ClientSecret})
		},
	},
	"calendly.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"created_at": 1548689183,
				"owner":        "https://api.calendly.com/users/EBHAAFHDCAEQTSEZ",
				"organization": "https://api.calendly.com/organizations/EBHAAFHDCAEQTSEZ"}},
		Meta:    map[string]string{"owner": "https://api.calendly.com/users/EBHAAFHDCAEQTSEZ", "organization": "https://api.calendly.com/organizations/EBHAAFHDCAEQTSEZ"},
		Refresh: true,
	},
	"linear.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: 86399 * time.Second, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": "read,write"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "read,write"})
			for _, r := range p.RequestsTo("api") {
				if r.Method != "POST" || r.URL != "/api/graphql" {
					t.Errorf("API call %s %s, want POST /api/graphql", r.Method, r.URL)
				}
			}
		},
	},
	"airtable.json": {
		// PKCE, HTTP Basic, single-use refresh tokens with their own lifetime.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"refresh_expires_in": 5184000, "scope": "data.records:read schema.bases:read user.email:read"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "data.records:read schema.bases:read user.email:read", "code_challenge_method": "S256"})
			if r := e2e.FirstExchange(t, p); !r.HasBasic || r.Form["client_secret"] != "" || r.Form["code_verifier"] == "" {
				t.Errorf("exchange Basic %v, secret in body %v, verifier %q; want Basic and a verifier", r.HasBasic, r.Form["client_secret"] != "", r.Form["code_verifier"])
			}
		},
	},
	"clickup.json": {
		// Permanent tokens; the answer is the bare access token.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, TokenType: "-"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "-"})
		},
	},
}
