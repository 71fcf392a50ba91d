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
			// Verify sends the GraphQL query of test_request as a JSON POST.
			api := p.RequestsTo("api")
			if len(api) == 0 {
				t.Fatal("no API call")
			}
			for _, r := range api {
				if r.Method != "POST" || r.URL != "/api/graphql" || r.BodyType != "json" || string(r.Body) != `{"query": "{ viewer { id } }"}` {
					t.Errorf("API call %s %s %s %q, want POST /api/graphql with the JSON query", r.Method, r.URL, r.BodyType, r.Body)
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
	"mondaycom.json": {
		// Tokens valid until the app is uninstalled; the bare token in Authorization.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, APIFormat: "{token}",
			Extra: map[string]any{"scope": "me:read boards:read"}},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "me:read boards:read"})
			for _, r := range p.RequestsTo("api") {
				if r.Method != "POST" || r.URL != "/api/v2" {
					t.Errorf("API call %s %s, want POST /api/v2", r.Method, r.URL)
				}
			}
		},
	},
	"docusign.json": {
		// HTTP Basic, PKCE, rotating refresh tokens, and the API host and account from
		// the first account userinfo lists.
		Params: map[string]any{"environment": "Developer"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, RequirePKCE: true, ExpiresIn: 8 * time.Hour, Rotation: oauthtest.Rotate,
			Userinfo: map[string]any{"sub": "4799e5e9-1559-4915-9862-cf4713bbcacc", "name": "Ada Lovelace", "email": "ada@example.com",
				"accounts": []any{
					map[string]any{"account_id": "7fa1c4b7-0d6f-4a1e-9f5b-2d1f9b7c8a01", "is_default": true, "account_name": "Acme", "base_uri": "https://demo.docusign.net"},
					map[string]any{"account_id": "1b2c3d4e-0000-4000-8000-000000000002", "is_default": false, "account_name": "Other", "base_uri": "https://na3.docusign.net"},
				}}},
		Meta:    map[string]string{"user_id": "4799e5e9-1559-4915-9862-cf4713bbcacc", "account_id": "7fa1c4b7-0d6f-4a1e-9f5b-2d1f9b7c8a01", "base_uri": "https://demo.docusign.net"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "signature extended"})
			if r := e2e.FirstExchange(t, p); !r.HasBasic || r.Form["client_secret"] != "" {
				t.Errorf("exchange Basic %v, secret in body %v; want Basic only", r.HasBasic, r.Form["client_secret"] != "")
			}
			for _, r := range p.RequestsTo("api") {
				if r.URL != "/api/settings" {
					t.Errorf("API call to %s, want /api/settings under the first account", r.URL)
				}
			}
		},
	},
	"freshbooks.json": {
		// Revocation: the refresh token and the client credentials in a JSON body.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptJSON: true, ExpiresIn: 12 * time.Hour, Rotation: oauthtest.Rotate,
			Revocation: &oauthtest.Revocation{Auth: oauthtest.AuthBody, Encoding: "json", TokenKey: "token"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			if r := e2e.FirstExchange(t, p); r.BodyType != "json" {
				t.Errorf("exchange body %q, want json", r.BodyType)
			}
		},
	},
	"harvest.json": {
		// The account from GET /api/v2/accounts on every API call, with the required
		// User-Agent.
		Params: map[string]any{"user_agent": "Acme Sync (support@acme.example)"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 18 * time.Hour, Rotation: oauthtest.KeepSame,
			Userinfo: map[string]any{
				"user":     map[string]any{"id": 1782959, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
				"accounts": []any{map[string]any{"id": 123456, "name": "Acme", "product": "harvest"}, map[string]any{"id": 789012, "name": "Acme Forecast", "product": "forecast"}},
			}},
		Meta:    map[string]string{"account_id": "123456", "user_id": "1782959"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "harvest:all"})
			api := p.RequestsTo("api")
			if len(api) == 0 {
				t.Fatal("no API call")
			}
			for _, r := range api {
				if r.Header.Get("Harvest-Account-Id") != "123456" || r.Header.Get("User-Agent") != "Acme Sync (support@acme.example)" {
					t.Errorf("API call Harvest-Account-Id %q, User-Agent %q", r.Header.Get("Harvest-Account-Id"), r.Header.Get("User-Agent"))
				}
			}
		},
	},
	"basecamp.json": {
		// Two-week tokens, the account from authorization.json in the API path, and the
		// required User-Agent.
		Params: map[string]any{"user_agent": "Acme Sync (support@acme.example)"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 14 * 24 * time.Hour, Rotation: oauthtest.KeepSame,
			Userinfo: map[string]any{
				"expires_at": "2026-02-16T12:00:00-06:00",
				"identity":   map[string]any{"id": 9999999, "first_name": "Jason", "last_name": "Fried", "email_address": "jason@example.com"},
				"accounts": []any{map[string]any{"product": "bc3", "id": 99999999, "name": "Honcho Design",
					"href": "https://3.basecampapi.com/99999999", "app_href": "https://3.basecamp.com/99999999"}},
			}},
		Meta:    map[string]string{"account_id": "99999999", "identity_id": "9999999"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			api := p.RequestsTo("api")
			if len(api) == 0 {
				t.Fatal("no API call")
			}
			for _, r := range api {
				if r.URL != "/api/my/profile.json" || r.Header.Get("User-Agent") != "Acme Sync (support@acme.example)" {
					t.Errorf("API call %s with User-Agent %q", r.URL, r.Header.Get("User-Agent"))
				}
			}
		},
	},
	"smartsheet.json": {
		Params:   map[string]any{"region": "EU"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 604799 * time.Second, Rotation: oauthtest.KeepSame, TokenType: "bearer"},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "READ_SHEETS READ_USERS"})
		},
	},
	"wrike.json": {
		// The data centre's host comes with the token and names the API host.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame, TokenType: "bearer",
			Extra: map[string]any{"host": "app-eu.wrike.com"}},
		Meta:    map[string]string{"host": "app-eu.wrike.com"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "Default,wsReadOnly"})
			for _, r := range p.RequestsTo("api") {
				if r.URL != "/api/contacts?me=true" {
					t.Errorf("API call to %s, want /api/contacts?me=true on the token's host", r.URL)
				}
			}
		},
	},
	"todoist.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "data:read_write"})
		},
	},
	"dropboxsign.json": {
		// The token request repeats the authorize request's state; refreshes go to
		// /oauth/token?refresh.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "-"})
			e2e.WantParams(t, "exchange", e2e.FirstExchange(t, p).Form, map[string]string{"state": auth.Get("state")})
			reqs := p.RequestsTo("token")
			if last := reqs[len(reqs)-1]; last.Form["grant_type"] != "refresh_token" || last.URL != "/token?refresh" {
				t.Errorf("refresh %s with grant_type %q, want /token?refresh", last.URL, last.Form["grant_type"])
			}
		},
	},
	"pandadoc.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 31535999 * time.Second, Rotation: oauthtest.KeepSame,
			Extra: map[string]any{"scope": "read write read+write"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "read write"})
		},
	},
	"square.json": {
		// JSON token requests; the lifetime only as expires_at, so the declared 30 days
		// apply; the same refresh token comes back.
		Params: map[string]any{"environment": "Sandbox"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptJSON: true, Rotation: oauthtest.KeepSame, TokenType: "bearer",
			Extra: map[string]any{"expires_at": "2026-12-31T16:15:50Z", "merchant_id": "ML2PMZQ8XTAZ1", "short_lived": false}},
		Meta:    map[string]string{"merchant_id": "ML2PMZQ8XTAZ1"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "MERCHANT_PROFILE_READ PAYMENTS_READ", "session": "false"})
			if r := e2e.FirstExchange(t, p); r.BodyType != "json" {
				t.Errorf("exchange body %q, want json", r.BodyType)
			}
		},
	},
	"ebay.json": {
		// HTTP Basic; the scope repeated on refresh; no new refresh token.
		Params: map[string]any{"environment": "Sandbox"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Omit, TokenType: "User Access Token",
			Extra: map[string]any{"refresh_token_expires_in": 47304000}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			const scope = "https://api.ebay.com/oauth/api_scope https://api.ebay.com/oauth/api_scope/sell.account.readonly"
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": scope})
			reqs := p.RequestsTo("token")
			e2e.WantParams(t, "refresh", reqs[len(reqs)-1].Form, map[string]string{"grant_type": "refresh_token", "scope": scope})
			if !reqs[0].HasBasic || reqs[0].Form["client_secret"] != "" {
				t.Errorf("exchange Basic %v, secret in body %v; want Basic only", reqs[0].HasBasic, reqs[0].Form["client_secret"] != "")
			}
		},
	},
	"etsy.json": {
		// PKCE, rotating refresh tokens, and x-api-key on every API call.
		Params:   map[string]any{"api_key": "1aa2bb33cc44dd55ee66ff77:s3cr3t"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "email_r shops_r", "code_challenge_method": "S256"})
			api := p.RequestsTo("api")
			if len(api) == 0 {
				t.Fatal("no API call")
			}
			for _, r := range api {
				if got := r.Header.Get("X-Api-Key"); got != "1aa2bb33cc44dd55ee66ff77:s3cr3t" {
					t.Errorf("API call x-api-key = %q", got)
				}
			}
		},
	},
	"loginwithamazon.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame, TokenType: "bearer"},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "profile"})
		},
	},
	"facebook.json": {
		// A GET token request with the credentials in the query; a 60-day token without
		// a refresh token.
		// DELETE /me/permissions with the token revokes the login.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, Method: "GET", ExpiresIn: 60 * 24 * time.Hour, NoRefreshToken: true, TokenType: "bearer",
			Revocation: &oauthtest.Revocation{Method: "DELETE", Auth: oauthtest.RevokeBearer, Answer: map[string]any{"success": true}}},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "public_profile,email"})
			if r := e2e.FirstExchange(t, p); r.Method != "GET" || r.Form["client_secret"] != e2e.ClientSecret {
				t.Errorf("exchange %s, secret in query %v; want GET with the credentials in the query", r.Method, r.Form["client_secret"] != "")
			}
		},
	},
	"instagram.json": {
		// The token under data.0 (oauthtest nests it in objects, which the path reads
		// by key first), no expires_in, no refresh token.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AccessTokenPath: "data.0.access_token", NoRefreshToken: true, TokenType: "-"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "instagram_business_basic"})
		},
	},
	"pinterest.json": {
		// HTTP Basic and continuous refresh: a new refresh token on every refresh.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: 30 * 24 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer",
			Extra: map[string]any{"response_type": "authorization_code", "refresh_token_expires_in": 31536000, "scope": "boards:read,pins:read,user_accounts:read"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "boards:read,pins:read,user_accounts:read"})
			r := e2e.FirstExchange(t, p)
			e2e.WantParams(t, "exchange", r.Form, map[string]string{"continuous_refresh": "true", "client_secret": "-"})
			if !r.HasBasic {
				t.Error("exchange without HTTP Basic")
			}
		},
	},
	"snapchat.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 30 * time.Minute, Rotation: oauthtest.KeepSame,
			Extra: map[string]any{"scope": "snapchat-marketing-api"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "snapchat-marketing-api"})
		},
	},
	"fitbit.json": {
		// PKCE with HTTP Basic, single-use refresh tokens, the user id with the token,
		// RFC 7009 revocation.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, RequirePKCE: true, ExpiresIn: 8 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"user_id": "GGNJL9", "scope": "activity profile"}},
		Meta:    map[string]string{"user_id": "GGNJL9"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "activity profile", "code_challenge_method": "S256"})
			if r, ok := p.LastRequest("revoke"); !ok || !r.HasBasic {
				t.Errorf("revocation sent %v, with Basic %v; want Basic", ok, r.HasBasic)
			}
		},
	},
	"withings.json": {
		// The token fields nested under body, beside status; action=requesttoken on
		// the exchange and on every refresh; rotating refresh tokens.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AccessTokenPath: "body.access_token", ExpiresIn: 3 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"status": 0}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "user.info,user.metrics,user.activity"})
			for _, r := range p.RequestsTo("token") {
				if r.Form["action"] != "requesttoken" {
					t.Errorf("%s token request without action=requesttoken", r.Form["grant_type"])
				}
			}
		},
	},
	"oura.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer"},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "personal daily"})
		},
	},
	"canva.json": {
		// PKCE with HTTP Basic, single-use refresh tokens, revocation with Basic.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, RequirePKCE: true, ExpiresIn: 4 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": "profile:read design:meta:read"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "profile:read design:meta:read", "code_challenge_method": "S256"})
			if r, ok := p.LastRequest("revoke"); !ok || !r.HasBasic || r.Form["token_type_hint"] != "refresh_token" {
				t.Errorf("revocation sent %v, Basic %v, hint %q; want the refresh token with Basic", ok, r.HasBasic, r.Form["token_type_hint"])
			}
		},
	},
	"adobe.json": {
		// Comma-separated scopes, refresh tokens revoked once used, x-api-key with the
		// client id on API calls.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer",
			Extra: map[string]any{"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "openid,AdobeID,offline_access"})
			for _, r := range p.RequestsTo("api") {
				if got := r.Header.Get("X-Api-Key"); got != e2e.ClientID {
					t.Errorf("API call x-api-key = %q, want the client id", got)
				}
			}
		},
	},
	"digitalocean.json": {
		// 30-day tokens; the user and team under info; revocation takes the token and
		// is authenticated with it.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 30 * 24 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer",
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer, TokenKey: "token"},
			Extra: map[string]any{"scope": "read", "info": map[string]any{"name": "Sammy the Shark", "email": "sammy@example.com", "uuid": "e028b1b918853eca7fba208a9d7e9d29a6e93c57",
				"team": map[string]any{"uuid": "0c1d2a3b-4c5d-6e7f-8a9b-0c1d2a3b4c5d", "name": "Acme"}}}},
		Meta:    map[string]string{"user_uuid": "e028b1b918853eca7fba208a9d7e9d29a6e93c57", "user_email": "sammy@example.com", "user_name": "Sammy the Shark"},
		Refresh: true,
	},
	"heroku.json": {
		// Eight-hour tokens, a permanent refresh token, the user id with the token, and
		// the Platform API version in Accept.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 28799 * time.Second, Rotation: oauthtest.KeepSame,
			Extra: map[string]any{"user_id": "01234567-89ab-cdef-0123-456789abcdef", "session_nonce": "2bf3ec81-2f3d-4a9d-a8e2-1f0e1d2c3b4a"}},
		Meta:    map[string]string{"user_id": "01234567-89ab-cdef-0123-456789abcdef"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			for _, r := range p.RequestsTo("api") {
				if got := r.Header.Get("Accept"); got != "application/vnd.heroku+json; version=3" {
					t.Errorf("API call Accept = %q", got)
				}
			}
		},
	},
	"netlify.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, TokenType: "bearer"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "-"})
		},
	},
}
