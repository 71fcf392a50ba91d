package connectors_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/oauthtest"
)

// batch2Fixtures covers the second batch of catalog connectors (issue 16, item 6).
// Each entry plays the provider's documented quirks: see the connector's
// description and docs_url.
var batch2Fixtures = map[string]e2e.Fixture{
	"vercel.json": {
		// Sign in with Vercel: PKCE, hour-long tokens, refresh tokens rotated on use.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "scope": "openid email profile offline_access"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "openid email profile offline_access", "code_challenge_method": "S256"})
		},
	},
	"gong.json": {
		// Basic client auth, day-long tokens, single-use refresh tokens, and the
		// customer's API host in the token response.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"api_base_url_for_customer": "https://us-14321.api.gong.io", "scope": "api:users:read api:calls:read:basic"}},
		Meta:    map[string]string{"api_base_url_for_customer": "https://us-14321.api.gong.io"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			if r := e2e.FirstExchange(t, p); !r.HasBasic || r.Form["client_secret"] != "" {
				t.Errorf("exchange Basic %v, secret in body %v; want Basic only", r.HasBasic, r.Form["client_secret"] != "")
			}
		},
	},
	"outreach.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "users.read accounts.read prospects.read"})
		},
	},
	"salesloft.json": {
		// The callback's context and scope go back in the exchange.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate,
			CallbackArgs: map[string]string{"context": "/users/1234", "scope": "people.r cadences.r"}},
		CallbackVars: map[string]string{"context": "/users/1234", "scope": "people.r cadences.r"},
		Refresh:      true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "-"})
			e2e.WantParams(t, "exchange", e2e.FirstExchange(t, p).Form, map[string]string{"context": "/users/1234", "scope": "people.r cadences.r"})
		},
	},
	"close.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"user_id": "user_8Hk2", "organization_id": "orga_3nV7", "scope": "all.full_access offline_access"}},
		Meta:    map[string]string{"user_id": "user_8Hk2", "organization_id": "orga_3nV7"},
		Refresh: true,
	},
	"copper.json": {
		// Permanent tokens; every API call also names the developer API application.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, NoRefreshToken: true, Extra: map[string]any{"scope": "developer/v1/all"}},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "developer/v1/all"})
			for _, r := range p.RequestsTo("api") {
				if got := r.Header.Get("X-PW-Application"); got != "developer_api" {
					t.Errorf("API call X-PW-Application = %q, want developer_api", got)
				}
			}
		},
	},
	"attio.json": {
		// Non-expiring workspace tokens, no refresh token, no scope parameter; the
		// token revokes itself as the bearer of POST /oauth/revoke (204).
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true,
			Revocation: &oauthtest.Revocation{Auth: oauthtest.RevokeBearer, Status: 204}},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "-"})
		},
	},
	"front.json": {
		// Basic client auth; the lifetime comes as an absolute expires_at, which the
		// connector does not read, so default_expires_in gives the token its hour.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"expires_at": 1767225600}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			if r := e2e.FirstExchange(t, p); !r.HasBasic || r.Form["client_secret"] != "" {
				t.Errorf("exchange Basic %v, secret in body %v; want Basic only", r.HasBasic, r.Form["client_secret"] != "")
			}
		},
	},
	"helpscout.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 48 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer"},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "-"})
		},
	},
	"constantcontact.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, RequirePKCE: true, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": "account_read contact_data offline_access"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "account_read contact_data offline_access", "code_challenge_method": "S256"})
		},
	},
	"klaviyo.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"code_challenge_method": "S256", "scope": "accounts:read profiles:read"})
			for _, r := range p.RequestsTo("api") {
				if r.Header.Get("Revision") == "" {
					t.Error("API call without the revision header")
				}
			}
		},
	},
	"keap.json": {
		// The refresh wants HTTP Basic; the exchange reads the body: both are sent.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBoth, AcceptForm: true, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate, TokenType: "bearer",
			Extra: map[string]any{"scope": "full|abc123.infusionsoft.com"}},
		Refresh:         true,
		RefreshLifetime: 45 * 24 * time.Hour,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "full"})
			for _, r := range p.RequestsTo("token") {
				if !r.HasBasic || r.Form["client_secret"] != e2e.ClientSecret {
					t.Errorf("%s token request: Basic %v, secret in body %v; want both", r.Form["grant_type"], r.HasBasic, r.Form["client_secret"] != "")
				}
			}
		},
	},
	"wix.json": {
		// Client credentials for one app instance, in a JSON body; the bare token on API calls.
		Params:   map[string]any{"instance_id": "3f9c2a4e-1b7d-4c0e-9a55-2e6f1d8b7c10"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptJSON: true, ExpiresIn: 4 * time.Hour, NoRefreshToken: true, APIFormat: "{token}"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			r := e2e.FirstExchange(t, p)
			if r.BodyType != "json" {
				t.Errorf("token request body %q, want json", r.BodyType)
			}
			e2e.WantParams(t, "token request", r.Form, map[string]string{"grant_type": "client_credentials", "instance_id": "3f9c2a4e-1b7d-4c0e-9a55-2e6f1d8b7c10"})
		},
	},
	"squarespace.json": {
		// JSON token requests with Basic auth, no expires_in (default_expires_in gives
		// the documented 30 minutes), rotating refresh tokens, a User-Agent everywhere.
		Params: map[string]any{"user_agent": "AcmeSync/1.0"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptJSON: true, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"access_token_expires_at": 1767225600.5, "refresh_token_expires_at": 1767830400.5, "session_id": "s-1"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"access_type": "offline", "scope": "website.orders.read,website.products.read"})
			for _, r := range p.Requests() {
				if r.Endpoint != "authorize" && r.Header.Get("User-Agent") != "AcmeSync/1.0" {
					t.Errorf("%s request User-Agent = %q", r.Endpoint, r.Header.Get("User-Agent"))
				}
			}
		},
	},
	"surveymonkey.json": {
		// Permanent tokens from the EU data center, which names itself in access_url.
		Params: map[string]any{"region": "EU"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, NoRefreshToken: true, TokenType: "bearer",
			Extra: map[string]any{"access_url": "https://api.eu.surveymonkey.com", "expires_in": 0}},
		Meta: map[string]string{"access_url": "https://api.eu.surveymonkey.com"},
	},
	"eventbrite.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, NoRefreshToken: true, TokenType: "bearer"},
	},
	"ringcentral.json": {
		// Basic, PKCE, hour-long tokens, week-long refresh tokens replaced on refresh.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"refresh_token_expires_in": 604800, "scope": "ReadAccounts", "owner_id": "230919004", "endpoint_id": "9_jyBQQzQqKZrq9mGBnqgA"}},
		Meta:            map[string]string{"owner_id": "230919004", "endpoint_id": "9_jyBQQzQqKZrq9mGBnqgA"},
		Refresh:         true,
		RefreshLifetime: 604800 * time.Second,
	},
	"dialpad.json": {
		Params: map[string]any{"environment": "Sandbox"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: 24 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "offline_access", "code_challenge_method": "S256"})
		},
	},
	"aircall.json": {
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, NoRefreshToken: true, TokenType: "bearer"},
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "public_api"})
		},
	},
	"webex.json": {
		// 14-day access tokens; the refresh token stays the same until its 90 days end.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, RequirePKCE: true, ExpiresIn: 14 * 24 * time.Hour, Rotation: oauthtest.KeepSame,
			Extra: map[string]any{"refresh_token_expires_in": 7776000}},
		Refresh:         true,
		RefreshLifetime: 7776000 * time.Second,
	},
	"gotoconnect.json": {
		// Basic client auth; a refresh answer repeats no refresh token.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, ExpiresIn: time.Hour, Rotation: oauthtest.Omit,
			Extra: map[string]any{"principal": "ada@example.com", "scope": "users.v1.lines.read calls.v2.initiate"}},
		Meta:    map[string]string{"principal": "ada@example.com"},
		Refresh: true,
	},
	"dynamics365.json": {
		// Entra ID for one Dataverse environment: its URL is the scope's resource and
		// the API host; the scope is repeated in exchange and refresh.
		Params:   map[string]any{"organization": "contoso", "region": "crm4", "tenant": "contoso.onmicrosoft.com"},
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			const scope = "https://contoso.crm4.dynamics.com/user_impersonation offline_access"
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": scope, "response_mode": "query"})
			e2e.WantParams(t, "exchange", e2e.FirstExchange(t, p).Form, map[string]string{"scope": scope})
			reqs := p.RequestsTo("token")
			e2e.WantParams(t, "refresh", reqs[len(reqs)-1].Form, map[string]string{"grant_type": "refresh_token", "scope": scope})
			for _, r := range p.RequestsTo("api") {
				if r.Header.Get("OData-Version") != "4.0" {
					t.Error("API call without OData-Version: 4.0")
				}
			}
		},
	},
	"netsuite.json": {
		// Basic, PKCE; refresh answers carry no new refresh token (the first one ends
		// seven days after the grant); the callback names the account in company.
		Params: map[string]any{"account_id": "1234567-sb1"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Omit,
			CallbackArgs: map[string]string{"company": "1234567_SB1", "role": "3", "entity": "4622"},
			Extra:        map[string]any{"id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}},
		CallbackVars:    map[string]string{"company": "1234567_SB1"},
		Refresh:         true,
		RefreshLifetime: 7 * 24 * time.Hour,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"scope": "rest_webservices", "code_challenge_method": "S256"})
		},
	},
	"sage.json": {
		// Five-minute access tokens, single-use refresh tokens.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, ExpiresIn: 5 * time.Minute, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"refresh_token_expires_in": 2678400, "scope": "full_access", "requested_by_id": "3fa7c7f4-5a6b-4c2d-8e9f-0a1b2c3d4e5f"}},
		Meta:            map[string]string{"requested_by_id": "3fa7c7f4-5a6b-4c2d-8e9f-0a1b2c3d4e5f"},
		Refresh:         true,
		RefreshLifetime: 2678400 * time.Second,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"filter": "apiv3.1", "scope": "full_access"})
		},
	},
	"gusto.json": {
		// Demo environment; single-use refresh tokens; refresh repeats redirect_uri.
		Params:   map[string]any{"environment": "Demo"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: 2 * time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			reqs := p.RequestsTo("token")
			e2e.WantParams(t, "refresh", reqs[len(reqs)-1].Form, map[string]string{"grant_type": "refresh_token", "redirect_uri": e2e.RedirectURL})
			for _, r := range p.RequestsTo("api") {
				if r.Header.Get("X-Gusto-API-Version") == "" {
					t.Error("API call without X-Gusto-API-Version")
				}
			}
		},
	},
	"deel.json": {
		// Basic client auth; API calls add the client id in x-client-id.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, ExpiresIn: 30 * 24 * time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"scope": "contracts:read organizations:read"}},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			for _, r := range p.RequestsTo("api") {
				if got := r.Header.Get("X-Client-Id"); got != e2e.ClientID {
					t.Errorf("API call x-client-id = %q, want the client id", got)
				}
			}
		},
	},
	"lever.json": {
		// Auth0-served: audience in the authorize URL, rotating refresh tokens; sandbox hosts.
		Params:   map[string]any{"environment": "Sandbox"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"audience": "https://api.sandbox.lever.co/v1/", "scope": "offline_access users:read:admin"})
		},
	},
	"bamboohr.json": {
		// JSON token requests under the company's subdomain; the endpoint URLs carry
		// their own request= query parameter.
		Params: map[string]any{"company_domain": "acme"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptJSON: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate,
			Extra: map[string]any{"companyDomain": "acme", "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}},
		Meta:    map[string]string{"company": "acme"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{"request": "authorize", "scope": "offline_access employee"})
			if r := e2e.FirstExchange(t, p); r.BodyType != "json" || r.Form["request"] != "token" {
				t.Errorf("exchange body %q, request=%q; want json with request=token", r.BodyType, r.Form["request"])
			}
		},
	},
	"yahoo.json": {
		// Basic client auth, hour-long tokens, the same refresh token back on refresh.
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBasic, AcceptForm: true, ExpiresIn: time.Hour, Rotation: oauthtest.KeepSame, TokenType: "bearer",
			Extra:    map[string]any{"xoauth_yahoo_guid": "JT4FACLQZI2OCE", "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"},
			Userinfo: map[string]any{"sub": "FSVIDUW3D7FSVIDUW3D72F2F", "email": "ada@yahoo.com", "name": "Ada"}},
		Meta:    map[string]string{"yahoo_guid": "JT4FACLQZI2OCE", "subject": "FSVIDUW3D7FSVIDUW3D72F2F", "email": "ada@yahoo.com"},
		Refresh: true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			reqs := p.RequestsTo("token")
			e2e.WantParams(t, "refresh", reqs[len(reqs)-1].Form, map[string]string{"grant_type": "refresh_token", "redirect_uri": e2e.RedirectURL})
		},
	},
	"keycloak.json": {
		Params: map[string]any{"host": "sso.example.com", "realm": "acme"},
		Provider: oauthtest.Config{RequirePKCE: true, ExpiresIn: 5 * time.Minute, Rotation: oauthtest.Rotate,
			Extra:    map[string]any{"refresh_expires_in": 0, "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "session_state": "5d1f", "scope": "openid profile email offline_access"},
			Userinfo: map[string]any{"sub": "f1d3c2b4-7a6e-4b8f-9c0d-1e2f3a4b5c6d", "preferred_username": "ada"}},
		Meta:    map[string]string{"subject": "f1d3c2b4-7a6e-4b8f-9c0d-1e2f3a4b5c6d", "username": "ada"},
		Refresh: true,
	},
	"servicenow.json": {
		// Form body with the client credentials; the refresh token is returned again.
		Params:   map[string]any{"instance": "acme"},
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, AcceptForm: true, ExpiresIn: 30 * time.Minute, Rotation: oauthtest.KeepSame, Extra: map[string]any{"scope": "useraccount"}},
		Refresh:  true,
	},
}
