package connectors_test

import (
	"errors"
	"maps"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/connectors"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// fixtures covers every catalog connector.
// Each entry encodes the provider's documented quirks (see the connector's
// description and docs_url).
var fixtures = joinFixtures(firstFixtures, batch1Fixtures, batch2Fixtures)

// firstFixtures are the fixtures of the first 38 catalog connectors.
var firstFixtures = map[string]e2e.Fixture{
	"miro.json": {
		// An app with expiring tokens; team_id is a 64-bit number.
		// Refresh tokens of expiring apps last 60 days; revocation takes the access
		// token in the query string.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer",
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer, Encoding: "query", TokenKey: "access_token"},
			Extra:      map[string]any{"team_id": int64(3074457358607431473), "user_id": int64(3458764517517852417), "scope": "boards:read"}},
		Meta:            map[string]string{"team_id": "3074457358607431473", "user_id": "3458764517517852417"},
		Refresh:         true,
		RefreshLifetime: 60 * 24 * time.Hour,
	},
	"typeform.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 7 * 24 * time.Hour, Rotation: oauthtest.KeepSame},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "accounts:read forms:read responses:read offline"})
		},
	},
	"okta.json": {
		Params: map[string]any{"domain": "acme.okta.com"},
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Userinfo: map[string]any{"sub": "00uid4BxXw6I6TV4m0g3", "email": "ada@example.com"}},
		Meta:    map[string]string{"subject": "00uid4BxXw6I6TV4m0g3", "email": "ada@example.com"},
		Refresh: true,
	},
	"auth0.json": {
		Params:   map[string]any{"domain": "acme.eu.auth0.com", "audience": "https://api.example.com"},
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"audience": "https://api.example.com", "scope": "openid profile email offline_access"})
		},
	},
	"webflow.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, TokenType: "bearer"},
	},
	"asana.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Omit,
			Extra: map[string]any{"data": map[string]any{"gid": "12345", "name": "Ada", "email": "ada@example.com"}}},
		Meta:    map[string]string{"user_gid": "12345", "user_name": "Ada", "user_email": "ada@example.com"},
		Refresh: true,
	},
	"bitbucket.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.KeepSame},
		Refresh:  true,
	},
	"box.json": {
		Provider:        oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:         true,
		RefreshLifetime: 60 * 24 * time.Hour, // single-use refresh tokens last 60 days
	},
	"discord.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, ExpiresIn: 7 * 24 * time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			if r := e2e.FirstExchange(t, p); r.BodyType != "form" || !r.HasBasic || r.Form["client_secret"] != "" {
				t.Errorf("exchange body %q, Basic %v, secret in body %v; want form with Basic only", r.BodyType, r.HasBasic, r.Form["client_secret"] != "")
			}
		},
	},
	"dropbox.json": {
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: 4 * time.Hour, Rotation: oauthtest.Omit,
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer},
			Extra:      map[string]any{"account_id": "dbid:AAH4f99", "uid": "12345"}},
		Meta:    map[string]string{"account_id": "dbid:AAH4f99", "uid": "12345"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"token_access_type": "offline"})
		},
	},
	"figma.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: 90 * 24 * time.Hour, Rotation: oauthtest.Omit,
			Extra: map[string]any{"user_id_string": "1234567890123"}},
		Meta:    map[string]string{"user_id": "1234567890123"},
		Refresh: true,
	},
	"github.json": {
		// OAuth app tokens: form-encoded answer, no expiry, no refresh token; the grant
		// is deleted with DELETE /applications/{client_id}/grant, Basic and a JSON body.
		Provider: oauthtest.Config{FormResponse: true, NoRefreshToken: true, TokenType: "bearer",
			Revocation: &oauthtest.Revocation{Method: "DELETE", Auth: oauthtest.AuthBasic, Encoding: "json", TokenKey: "access_token", Status: 204}},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			if got := e2e.FirstExchange(t, p).Header.Get("Accept"); got != "application/json" {
				t.Errorf("token request Accept = %q, want application/json", got)
			}
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "read:user user:email"})
		},
	},
	"gitlab.json": {
		Params:   map[string]any{"host": "gitlab.example.com"},
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
	},
	"google.json": {
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Omit},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"access_type": "offline", "prompt": "consent", "scope": "openid email profile", "code_challenge_method": "S256"})
		},
	},
	"hubspot.json": {
		Provider: oauthtest.Config{AcceptJSON: true, ExpiresIn: 30 * time.Minute, Rotation: oauthtest.KeepSame},
		Refresh:  true,
	},
	"intercom.json": {
		Params: map[string]any{"region": "Europe"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true,
			Extra: map[string]any{"token": "same-as-access-token"}},
	},
	"linkedin.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 60 * 24 * time.Hour, NoRefreshToken: true},
	},
	"microsoft.json": {
		Params:   map[string]any{"tenant": "contoso.onmicrosoft.com"},
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"response_mode": "query", "scope": "offline_access User.Read"})
			e2e.WantParams(t, "exchange", e2e.FirstExchange(t, p).Form, map[string]string{"scope": "offline_access User.Read"})
			reqs := p.RequestsTo("token")
			e2e.WantParams(t, "refresh", reqs[len(reqs)-1].Form, map[string]string{"grant_type": "refresh_token", "scope": "offline_access User.Read"})
		},
	},
	"notion.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptJSON: true, NoRefreshToken: true, TokenType: "bearer",
			Revocation: &oauthtest.Revocation{Auth: oauthtest.AuthBasic, Encoding: "json", TokenKey: "token", Answer: map[string]any{"request_id": "3c90c3cc"}},
			Extra:      map[string]any{"workspace_id": "ws-1", "workspace_name": "Acme", "bot_id": "bot-1"}},
		Meta: map[string]string{"workspace_id": "ws-1", "workspace_name": "Acme", "bot_id": "bot-1"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"owner": "user"})
			if r := e2e.FirstExchange(t, p); r.BodyType != "json" || !r.HasBasic {
				t.Errorf("exchange body %q, Basic %v; want JSON with Basic", r.BodyType, r.HasBasic)
			}
			for _, r := range append(p.RequestsTo("api"), p.RequestsTo("revoke")...) {
				if r.Header.Get("Notion-Version") == "" {
					t.Errorf("%s request without Notion-Version", r.Endpoint)
				}
			}
		},
	},
	"pipedrive.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame,
			Extra: map[string]any{"api_domain": "https://acme.pipedrive.com"}},
		Meta:    map[string]string{"api_domain": "https://acme.pipedrive.com"},
		Refresh: true,
	},
	"quickbooks.json": {
		Params: map[string]any{"environment": "Sandbox"},
		// Refresh tokens report their remaining life (about 100 days) in
		// x_refresh_token_expires_in; revocation is a JSON body with Basic.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			CallbackArgs: map[string]string{"realmId": "9341453474484455"},
			Extra:        map[string]any{"x_refresh_token_expires_in": 8726400},
			Revocation:   &oauthtest.Revocation{Auth: oauthtest.AuthBasic, Encoding: "json", TokenKey: "token"}},
		CallbackVars:    map[string]string{"realmId": "9341453474484455"},
		Refresh:         true,
		RefreshLifetime: 8726400 * time.Second,
	},
	"reddit.json": {
		Params:   map[string]any{"user_agent": "web:com.example.app:v1.0 (by /u/example)"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"duration": "permanent", "scope": "identity read"})
			for _, r := range p.Requests() {
				if r.Endpoint != "authorize" && r.Header.Get("User-Agent") != "web:com.example.app:v1.0 (by /u/example)" {
					t.Errorf("%s request User-Agent = %q", r.Endpoint, r.Header.Get("User-Agent"))
				}
			}
		},
	},
	"salesforce.json": {
		Provider: oauthtest.Config{RequirePKCE: true, Rotation: oauthtest.Omit,
			Extra: map[string]any{"instance_url": "https://acme.my.salesforce.com", "id": "https://login.salesforce.com/id/00D/005"}},
		Meta:    map[string]string{"instance_url": "https://acme.my.salesforce.com", "identity_url": "https://login.salesforce.com/id/00D/005"},
		Refresh: true,
	},
	"shopify.json": {
		Params: map[string]any{"shop": "acme"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			APIHeader: "X-Shopify-Access-Token", APIFormat: "{token}"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "read_products,read_orders"})
			e2e.WantParams(t, "exchange", e2e.FirstExchange(t, p).Form, map[string]string{"expiring": "1"})
		},
	},
	"slack.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, TokenType: "bot",
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer, Answer: map[string]any{"ok": true, "revoked": true}},
			Extra: map[string]any{"ok": true, "app_id": "A0KRD7HC3", "bot_user_id": "U0KRQLJ9H",
				"team":        map[string]any{"id": "T9TK3CUKW", "name": "Slack Softball Team"},
				"authed_user": map[string]any{"id": "U1234", "scope": "chat:write", "token_type": "user"}}},
		Meta: map[string]string{"team_id": "T9TK3CUKW", "team_name": "Slack Softball Team", "bot_user_id": "U0KRQLJ9H", "app_id": "A0KRD7HC3", "authed_user_id": "U1234"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "channels:read,chat:write,users:read"})
		},
	},
	"slackuser.json": {
		// Token rotation on: the user token, its refresh token and lifetime sit under authed_user.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AccessTokenPath: "authed_user.access_token", ExpiresIn: 12 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "user",
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer, Answer: map[string]any{"ok": true, "revoked": true}},
			Extra:      map[string]any{"ok": true, "team": map[string]any{"id": "T9TK3CUKW", "name": "Slack Softball Team"}}},
		Meta:    map[string]string{"team_id": "T9TK3CUKW", "team_name": "Slack Softball Team"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"user_scope": "users:read,search:read", "scope": "-"})
		},
	},
	"spotify.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: time.Hour, Rotation: oauthtest.Omit},
		Refresh:  true,
	},
	"strava.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 6 * time.Hour, Rotation: oauthtest.KeepSame,
			Revocation:   &oauthtest.Revocation{Auth: oauthtest.RevokeNoAuth, TokenKey: "access_token"},
			CallbackArgs: map[string]string{"scope": "read,activity:read"},
			Extra:        map[string]any{"athlete": map[string]any{"id": 134815}}},
		Meta:         map[string]string{"athlete_id": "134815"},
		CallbackVars: map[string]string{"scope": "read,activity:read"},
		Refresh:      true,
	},
	"stripeconnect.json": {
		// Deauthorization by account: client_id and stripe_user_id, the secret key as
		// the bearer token.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, Rotation: oauthtest.KeepSame,
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeSecretBearer, Params: map[string]string{"client_id": e2e.ClientID, "stripe_user_id": "acct_1032D82eZvKYlo2C"},
				Answer: map[string]any{"stripe_user_id": "acct_1032D82eZvKYlo2C"}},
			Extra: map[string]any{"stripe_user_id": "acct_1032D82eZvKYlo2C", "stripe_publishable_key": "pk_test_x", "livemode": false, "scope": "read_write"}},
		Meta:    map[string]string{"stripe_user_id": "acct_1032D82eZvKYlo2C", "stripe_publishable_key": "pk_test_x", "livemode": "false"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "read_write", "response_type": "code"})
		},
	},
	"tiktok.json": {
		Provider: oauthtest.Config{ClientIDKey: "app_id", SecretKey: "secret", CodeKey: "auth_code", AcceptJSON: true,
			AccessTokenPath: "data.access_token", ExpiresIn: 24 * time.Hour, Rotation: oauthtest.KeepSame},
		Refresh: true,
	},
	"twitch.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 4 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": []any{"user:read:email"}}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			for _, r := range p.RequestsTo("api") {
				if got := r.Header.Get("Client-Id"); got != e2e.ClientID {
					t.Errorf("API call Client-Id = %q, want the client id", got)
				}
			}
		},
	},
	"twitter.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, RequirePKCE: true, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
	},
	"zoho.json": {
		// The refresh token is revoked in the query string, without client credentials.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Omit,
			Revocation:   &oauthtest.Revocation{Auth: oauthtest.RevokeNoAuth, Encoding: "query", TokenKey: "token", Answer: map[string]any{"status": "success"}},
			CallbackArgs: map[string]string{"accounts-server": "https://accounts.zoho.eu", "location": "eu"},
			Extra:        map[string]any{"api_domain": "https://www.zohoapis.eu"},
			APIFormat:    "Zoho-oauthtoken {token}"},
		Meta:         map[string]string{"api_domain": "https://www.zohoapis.eu"},
		CallbackVars: map[string]string{"accounts_server": "https://accounts.zoho.eu", "location": "eu"},
		Refresh:      true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"access_type": "offline", "prompt": "consent", "scope": "ZohoCRM.modules.ALL,ZohoCRM.settings.READ,ZohoCRM.users.READ"})
		},
	},
	"zoom.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
	},
	"mailchimp.json": {
		// Permanent tokens with "expires_in": 0, and the data center from the metadata call.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, APIFormat: "OAuth {token}",
			Extra:    map[string]any{"expires_in": 0, "scope": nil},
			Userinfo: map[string]any{"dc": "us6", "api_endpoint": "https://us6.api.mailchimp.com", "accountname": "Acme", "login": map[string]any{"email": "a@example.com"}}},
		Meta: map[string]string{"dc": "us6", "api_endpoint": "https://us6.api.mailchimp.com", "account_name": "Acme"},
	},
	"atlassian.json": {
		// A JSON token request, rotating refresh tokens, and the cloud id of the site,
		// chosen by its URL among those accessible-resources answers.
		Params: map[string]any{"site_url": "https://other.atlassian.net"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptJSON: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": "read:jira-work read:jira-user offline_access"},
			Userinfo: []any{
				map[string]any{"id": "1324a887-45db-1bf4-1e99-ef0ff456d421", "url": "https://acme.atlassian.net", "name": "acme",
					"scopes": []any{"read:jira-work", "read:jira-user"}, "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"},
				map[string]any{"id": "5a6e2c1b-0000-4000-8000-000000000002", "url": "https://other.atlassian.net", "name": "other",
					"scopes": []any{"read:jira-work"}},
			}},
		Meta:            map[string]string{"cloud_id": "5a6e2c1b-0000-4000-8000-000000000002", "site_url": "https://other.atlassian.net"},
		Refresh:         true,
		RefreshLifetime: 90 * 24 * time.Hour, // rotating refresh tokens expire after 90 days unused
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"audience": "api.atlassian.com", "prompt": "consent", "response_type": "code", "scope": "read:jira-work read:jira-user offline_access"})
			if r := e2e.FirstExchange(t, p); r.BodyType != "json" {
				t.Errorf("exchange body %q, want json", r.BodyType)
			}
			for _, r := range p.RequestsTo("api") {
				if r.URL != "/api/myself" {
					t.Errorf("API call to %s, want /api/myself under the chosen site's cloud id", r.URL)
				}
			}
		},
	},
	"xero.json": {
		// HTTP Basic, 30-minute tokens, rotating refresh tokens, and the tenant of the
		// connection chosen by name in the array GET /connections answers, on every
		// API call.
		Params: map[string]any{"organisation": "Second Org"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: 30 * time.Minute, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "scope": "openid profile email offline_access accounting.settings.read"},
			Userinfo: []any{
				map[string]any{"id": "e1eede29-f875-4a5d-8470-17f6a29a88b1", "authEventId": "d99ecdfe-391d-43d2-b834-17636ba90e8d",
					"tenantId": "70784a63-d24b-46a9-a4db-0e70a274b056", "tenantType": "ORGANISATION", "tenantName": "Maple Florists",
					"createdDateUtc": "2019-07-09T23:40:30.1833130", "updatedDateUtc": "2020-05-15T01:35:13.8491980"},
				map[string]any{"id": "32587c85-a9b3-4306-ac30-b416e8f2c841", "tenantId": "e0da6937-de07-4a14-adee-37abfac298ce",
					"tenantType": "ORGANISATION", "tenantName": "Second Org"},
			}},
		Meta:            map[string]string{"tenant_id": "e0da6937-de07-4a14-adee-37abfac298ce", "tenant_name": "Second Org"},
		Refresh:         true,
		RefreshLifetime: 60 * 24 * time.Hour, // unused refresh tokens expire after 60 days
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			if r := e2e.FirstExchange(t, p); !r.HasBasic || r.Form["client_secret"] != "" {
				t.Errorf("exchange Basic %v, secret in body %v; want Basic only", r.HasBasic, r.Form["client_secret"] != "")
			}
			api := p.RequestsTo("api")
			if len(api) == 0 {
				t.Fatal("no API call")
			}
			for _, r := range api {
				if got := r.Header.Get("Xero-Tenant-Id"); got != "e0da6937-de07-4a14-adee-37abfac298ce" {
					t.Errorf("API call xero-tenant-id = %q, want the chosen connection's tenantId", got)
				}
			}
		},
	},
	"paypal.json": {
		Params:   map[string]any{"environment": "Sandbox"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, ExpiresIn: 9 * time.Hour, NoRefreshToken: true},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "token request", e2e.FirstExchange(t, p).Form, map[string]string{"grant_type": "client_credentials"})
		},
	},
}

// joinFixtures merges the fixture maps (one per batch of connectors) into one.
func joinFixtures(sets ...map[string]e2e.Fixture) map[string]e2e.Fixture {
	all := map[string]e2e.Fixture{}
	for _, s := range sets {
		maps.Copy(all, s)
	}
	return all
}

// TestCatalogEndToEnd runs each connector's whole flow with the dynamic client (the
// connector file interpreted through package model) against oauthtest playing the
// provider: authorize URL, callback, exchange, metadata, API call, refresh, API call
// with the new token, revocation.
func TestCatalogEndToEnd(t *testing.T) {
	names, err := connectorsList()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		fx, ok := fixtures[name]
		if !ok {
			t.Errorf("%s: no end-to-end fixture; add one to fixtures", name)
			continue
		}
		data, err := connectors.Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel() // the device grant waits between polls
			e2e.Run(t, name, data, fx)
		})
	}
	for name := range fixtures {
		if _, err := connectors.Files.ReadFile(name); err != nil {
			t.Errorf("fixture for %s, which is not in the catalog", name)
		}
	}
}

func connectorsList() ([]string, error) {
	entries, err := connectors.Files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// TestCatalogProviderErrors plays the error answers providers really give at the token
// endpoint, several of them with HTTP 200, and checks that each exchange fails with the
// provider's error code and without leaking the code or the client secret.
func TestCatalogProviderErrors(t *testing.T) {
	for _, tc := range []struct {
		file  string
		fault oauthtest.Fault
		code  string
	}{
		// Slack: HTTP 200 with ok: false.
		{"slack.json", oauthtest.Fault{Status: 200, Body: `{"ok":false,"error":"invalid_code"}`}, "invalid_code"},
		// GitHub: HTTP 200, form-encoded when Accept is ignored.
		{"github.json", oauthtest.Fault{Status: 200, ContentType: "application/x-www-form-urlencoded",
			Body: "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired."}, "bad_verification_code"},
		// GitHub with Accept: application/json: HTTP 200, JSON.
		{"github.json", oauthtest.Fault{Status: 200, Body: `{"error":"incorrect_client_credentials","error_description":"The client_id and/or client_secret passed are incorrect."}`}, "incorrect_client_credentials"},
		// Zoho: HTTP 200 with an error field.
		{"zoho.json", oauthtest.Fault{Status: 200, Body: `{"error":"invalid_code"}`}, "invalid_code"},
		// TikTok: HTTP 200 with a numeric code.
		{"tiktok.json", oauthtest.Fault{Status: 200, Body: `{"code":40001,"message":"auth_code is invalid","request_id":"x"}`}, "40001"},
		// Salesforce and QuickBooks: RFC 6749 errors with HTTP 400.
		{"salesforce.json", oauthtest.Fault{Status: 400, Body: `{"error":"invalid_grant","error_description":"authentication failure"}`}, "invalid_grant"},
		{"quickbooks.json", oauthtest.Fault{Status: 400, Body: `{"error":"invalid_grant"}`}, "invalid_grant"},
		// Dropbox: RFC 6749 error with HTTP 400.
		{"dropbox.json", oauthtest.Fault{Status: 400, Body: `{"error":"invalid_grant","error_description":"code doesn't exist or has expired"}`}, "invalid_grant"},
	} {
		t.Run(strings.TrimSuffix(tc.file, ".json")+"/"+tc.code, func(t *testing.T) {
			data, err := connectors.Files.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			err = e2e.ExchangeError(t, tc.file, data, fixtures[tc.file], tc.fault)
			if err == nil {
				t.Fatal("exchange succeeded")
			}
			var te *runtime.TokenError
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v is not a *runtime.TokenError", err, err)
			}
			if te.Code != tc.code {
				t.Errorf("error code %q, want %q (%v)", te.Code, tc.code, err)
			}
			if strings.Contains(err.Error(), e2e.ClientSecret) || strings.Contains(err.Error(), "code-") {
				t.Errorf("error leaks a secret or the code: %v", err)
			}
		})
	}
}
