package dynamic_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/connectors"
	"github.com/oauthgen/oauthgen/dynamic"
	"github.com/oauthgen/oauthgen/generated/auth0"
	"github.com/oauthgen/oauthgen/generated/tiktok"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/store/memstore"
)

func catalog(t *testing.T, name string) *model.Connector {
	t.Helper()
	data, err := connectors.Files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := dynamic.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// New rejects what generated New rejects, with the same message.
func TestNewMessagesMatchGenerated(t *testing.T) {
	tt := catalog(t, "tiktok.json")
	a0 := catalog(t, "auth0.json")
	for _, tc := range []struct {
		name     string
		dyn      func() error
		gen      func() error
		contains string
	}{
		{"tiktok/enum",
			func() error {
				_, err := dynamic.New(tt, dynamic.Config{ClientID: "id", Params: map[string]any{"environment": "Staging"}})
				return err
			},
			func() error {
				_, err := tiktok.New(tiktok.Config{ClientID: "id", Params: tiktok.Params{Environment: "Staging"}})
				return err
			}, `environment "Staging" is not one of Production, Sandbox`},
		{"tiktok/client id",
			func() error { _, err := dynamic.New(tt, dynamic.Config{}); return err },
			func() error { _, err := tiktok.New(tiktok.Config{}); return err },
			"the client id is empty"},
		// A client without a required value is made (it serves Connections), but it
		// sends nothing: its requests fail with the message, and so does Begin.
		{"auth0/required",
			func() error {
				c, err := dynamic.New(a0, dynamic.Config{Params: map[string]any{"client_id": "id", "client_secret": "s", "audience": "https://api"}})
				if err != nil {
					return err
				}
				_, err = c.Exchange(context.Background(), "code", oauth2.VerifierOption(oauth2.GenerateVerifier()))
				return err
			},
			func() error {
				c, err := auth0.New(auth0.Config{Params: auth0.Params{ClientID: "id", ClientSecret: "s", Audience: "https://api"}})
				if err != nil {
					return err
				}
				_, err = c.Exchange(context.Background(), "code", oauth2.VerifierOption(oauth2.GenerateVerifier()))
				return err
			}, "domain is required"},
		{"auth0/Begin checks the required value",
			func() error {
				c, err := dynamic.New(a0, dynamic.Config{Params: map[string]any{"client_id": "id", "client_secret": "s"}})
				if err != nil {
					return err
				}
				_, err = c.Connections(&memstore.Store{}).Begin(context.Background(), "k", map[string]any{"audience": "https://api"})
				return err
			},
			func() error {
				c, err := auth0.New(auth0.Config{Params: auth0.Params{ClientID: "id", ClientSecret: "s"}})
				if err != nil {
					return err
				}
				_, err = c.Connections(&memstore.Store{}).Begin(context.Background(), "k", auth0.Params{Audience: "https://api"})
				return err
			}, "auth0: domain is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			de, ge := tc.dyn(), tc.gen()
			if de == nil || ge == nil {
				t.Fatalf("dynamic error %v, generated error %v; want both", de, ge)
			}
			if de.Error() != ge.Error() {
				t.Errorf("dynamic: %q\ngenerated: %q", de, ge)
			}
			if !strings.Contains(de.Error(), tc.contains) {
				t.Errorf("error %q does not say %q", de, tc.contains)
			}
		})
	}
	_, err := dynamic.New(tt, dynamic.Config{ClientID: "id", Params: map[string]any{"enviroment": "Sandbox"}})
	if err == nil || !strings.Contains(err.Error(), `unknown parameter "enviroment"`) {
		t.Errorf("misspelt parameter: %v", err)
	}
	if _, err := dynamic.New(nil, dynamic.Config{ClientID: "id"}); err == nil {
		t.Error("nil connector accepted")
	}
}

func TestBaseURLFollowsParams(t *testing.T) {
	tt := catalog(t, "tiktok.json")
	for env, want := range map[string]string{
		"":           "https://business-api.tiktok.com/open_api/v1.2/",
		"Production": "https://business-api.tiktok.com/open_api/v1.2/",
		"Sandbox":    "https://sandbox-api.tiktok.com/open_api/v1.2/",
	} {
		c, err := dynamic.New(tt, dynamic.Config{ClientID: "id", Params: map[string]any{"environment": env}})
		if err != nil {
			t.Fatal(err)
		}
		g, err := tiktok.New(tiktok.Config{ClientID: "id", Params: tiktok.Params{Environment: tiktok.Environment(env)}})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL(); got != want || got != g.BaseURL() {
			t.Errorf("environment %q: dynamic BaseURL %q, generated %q, want %q", env, got, g.BaseURL(), want)
		}
		if c.BaseURLNeedsToken() {
			t.Error("TikTok's base URL does not read a token")
		}
	}
	if c := catalog(t, "zoho.json"); c.BaseURL == nil || c.BaseURL.Class != model.Runtime {
		t.Fatal("zoho's base URL should read the token's api_domain")
	}
	zc, err := dynamic.New(catalog(t, "zoho.json"), dynamic.Config{ClientID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	tok := (&oauth2.Token{AccessToken: "a"}).WithExtra(map[string]any{"api_domain": "https://www.zohoapis.eu"})
	if got := zc.BaseURLFor(tok); got != "https://www.zohoapis.eu/crm/v6/" || !zc.BaseURLNeedsToken() {
		t.Errorf("zoho BaseURLFor = %q (needs token %v)", got, zc.BaseURLNeedsToken())
	}
}

// The whole flow against oauthtest: authorize with PKCE, callback, exchange, test
// request, expiry and refresh through the HTTP client, metadata, revocation.
func TestFlowAgainstOAuthTest(t *testing.T) {
	m, err := dynamic.Load("testdata/provider.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	p := oauthtest.New(oauthtest.Config{ClientID: "id-1", ClientSecret: "secret-1", RequirePKCE: true, AcceptJSON: true,
		ExpiresIn: time.Hour, Rotation: oauthtest.Rotate, Now: func() time.Time { return now }})
	defer p.Close()
	c, err := dynamic.New(m, dynamic.Config{ClientID: "id-1", ClientSecret: "secret-1", RedirectURL: "https://app.example.com/cb",
		Params: map[string]any{"issuer": p.URL, "region": "EU", "scope": "write"}},
		runtime.WithHTTPClient(p.Client()), runtime.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), p.URL+"/api/eu/"; got != want {
		t.Errorf("BaseURL %q, want %q", got, want)
	}
	ctx := context.Background()
	state, verifier := runtime.NewState(), oauth2.GenerateVerifier()
	authURL := c.AuthCodeURL(state, oauth2.VerifierOption(verifier))
	u, _ := url.Parse(authURL)
	if got := u.Query().Get("scope"); got != "read write" {
		t.Errorf("scope %q, want %q", got, "read write")
	}
	if u.Query().Get("code_challenge") == "" {
		t.Error("no PKCE challenge")
	}
	q, err := p.Authorize(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if !runtime.EqualState(q.Get("state"), state) {
		t.Fatal("state changed")
	}
	code, err := c.CodeFromCallback(q)
	if err != nil || code == "" {
		t.Fatalf("code %q, %v", code, err)
	}
	tok, err := c.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := p.LastRequest("token"); r.BodyType != "json" {
		t.Errorf("token request body %q, want json", r.BodyType)
	}
	if err := c.Verify(ctx, tok); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if r, _ := p.LastRequest("api"); r.URL != "/api/eu/me" {
		t.Errorf("test request to %q", r.URL)
	}
	now = now.Add(2 * time.Hour) // expired: the source refreshes
	fresh, err := c.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == tok.AccessToken || p.Stats().Refreshes != 1 {
		t.Errorf("after expiry: same token %v, %d refreshes", fresh.AccessToken == tok.AccessToken, p.Stats().Refreshes)
	}
	resp, err := c.HTTPClient(ctx, fresh).Get(c.BaseURL() + "me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("API call with the refreshed token: %s", resp.Status)
	}
	if _, err := c.RefreshToken(ctx, tok); !runtime.IsInvalidGrant(err) {
		t.Errorf("refreshing with a rotated-out refresh token: %v, want invalid_grant", err)
	}
	if err := c.Revoke(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if p.Stats().Revocations != 1 {
		t.Error("no revocation")
	}
	if _, err := c.Token(ctx); err == nil || !strings.Contains(err.Error(), "authorization_code") {
		t.Errorf("Token on an authorization-code connector: %v", err)
	}
	if md := c.Metadata(tok); md != nil {
		t.Errorf("metadata %v, want none", md)
	}
	if s := c.String(); strings.Contains(s, "secret-1") {
		t.Errorf("String leaks the secret: %s", s)
	}
	if s := (dynamic.Config{ClientID: "i", ClientSecret: "secret-1"}).String(); strings.Contains(s, "secret-1") {
		t.Errorf("Config.String leaks the secret: %s", s)
	}
}

// Methods a connector does not call for say so instead of sending a request.
func TestMethodsTheConnectorLacks(t *testing.T) {
	ctx := context.Background()
	gh, err := dynamic.New(catalog(t, "webflow.json"), dynamic.Config{ClientID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gh.Refresh(ctx, "r"); err == nil || !strings.Contains(err.Error(), "permanent") {
		t.Errorf("Refresh on permanent tokens: %v", err)
	}
	if err := gh.Revoke(ctx, &oauth2.Token{AccessToken: "a"}); err == nil || !strings.Contains(err.Error(), "revoke_url") {
		t.Errorf("Revoke without revoke_url: %v", err)
	}
	pp, err := dynamic.New(catalog(t, "paypal.json"), dynamic.Config{ClientID: "id", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if got := pp.AuthCodeURL("s"); got != "" {
		t.Errorf("client-credentials AuthCodeURL %q", got)
	}
	if _, err := pp.Exchange(ctx, "c"); err == nil || !strings.Contains(err.Error(), "client_credentials") {
		t.Errorf("Exchange on a client-credentials connector: %v", err)
	}
	// Zoho's token URL is on the accounts server the callback names: a code or a
	// refresh token alone cannot make the request (the generated package has neither
	// Exchange nor Refresh).
	zo, err := dynamic.New(catalog(t, "zoho.json"), dynamic.Config{ClientID: "id", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zo.Exchange(ctx, "c"); err == nil || !strings.Contains(err.Error(), "use ExchangeCallback") {
		t.Errorf("Exchange on a token URL that reads the callback: %v", err)
	}
	if _, err := zo.Refresh(ctx, "r"); err == nil || !strings.Contains(err.Error(), "use RefreshToken") {
		t.Errorf("Refresh on a token URL that reads the callback: %v", err)
	}
	hs, err := dynamic.New(catalog(t, "hubspot.json"), dynamic.Config{ClientID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.Verify(ctx, &oauth2.Token{AccessToken: "a"}); err == nil || !strings.Contains(err.Error(), "test_request") {
		t.Errorf("Verify without test_request: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := dynamic.Load("testdata/missing.json"); err == nil {
		t.Error("missing file loaded")
	}
	_, err := dynamic.Parse("bad.json", []byte(`{"name": "X", "oauth2": {"config": {"step1_authorize_url": "https://x/{{ nope }}", "step3_access_url": "https://x/t"}}}`))
	if err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("undefined template variable: %v", err)
	}
}

// A template error found while loading names the line and column of the character
// inside the template string, as oauthgen validate does: the check belongs to the
// model, not to the CLI.
func TestParseReportsTemplateErrorsWithPosition(t *testing.T) {
	data := []byte(`{
  "name": "Broken",
  "oauth2": {
    "config": {
      "step1_authorize_url": "https://example.com/auth",
      "step3_access_url": "https://{{ nosuch }}.example.com/token"
    }
  }
}`)
	_, err := dynamic.Parse("broken.json", data)
	if err == nil {
		t.Fatal("Parse accepted a template with an undefined variable")
	}
	want := "broken.json:6:39: /oauth2/config/step3_access_url: template: "
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "nosuch") {
		t.Fatalf("error = %q, want it to contain %q and the variable name", err, want)
	}
}

// The deprecated auth_form names client_id and client_secret carry the end user's own
// application credentials: given in Params, they replace Config.ClientID and
// Config.ClientSecret.
func TestParamsOverrideClientCredentials(t *testing.T) {
	p := oauthtest.New(oauthtest.Config{ClientID: "user-id", ClientSecret: "user-secret"})
	defer p.Close()
	m, err := dynamic.Parse("percreds.json", []byte(`{
  "name": "Per User Creds",
  "oauth2": {
    "auth_form": [{ "name": "client_id" }, { "name": "client_secret", "type": "password", "required": true }],
    "config": { "flow": "client_credentials", "step3_access_url": "`+p.TokenURL()+`" }
  }
}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	params := map[string]any{"client_id": "user-id", "client_secret": "user-secret"}
	for name, cfg := range map[string]dynamic.Config{
		"over the app's":   {ClientID: "app-id", ClientSecret: "app-secret", Params: params},
		"in place of none": {Params: params},
	} {
		c, err := dynamic.New(m, cfg, runtime.WithHTTPClient(p.Client()))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := c.Token(ctx); err != nil {
			t.Errorf("%s: token with the user's credentials: %v", name, err)
		}
	}
	// Empty values leave the application's credentials in place.
	c, err := dynamic.New(m, dynamic.Config{ClientID: "app-id", ClientSecret: "app-secret",
		Params: map[string]any{"client_id": "", "client_secret": ""}}, runtime.WithHTTPClient(p.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Token(ctx); err == nil {
		t.Error("the app's credentials were accepted by a provider that knows only the user's")
	}
	if _, err := dynamic.New(m, dynamic.Config{ClientID: "app-id", Params: map[string]any{"client_secret": ""}}); err == nil ||
		!strings.HasSuffix(err.Error(), ": "+model.ClientSecretMessage) {
		t.Errorf("required client_secret missing: %v", err)
	}
	if _, err := dynamic.New(m, dynamic.Config{ClientID: "app-id", ClientSecret: "s", Params: map[string]any{"client_id": 7}}); err == nil ||
		!strings.Contains(err.Error(), "client_id: want a string, got int") {
		t.Errorf("non-string client_id: %v", err)
	}
}

// Params may carry client_id and client_secret only where the connector's auth_form
// declares them: elsewhere an end user's form values must not swap the platform's
// application, and the names are unknown, as they have no field in the generated
// package.
func TestParamsCannotSwapUndeclaredClientCredentials(t *testing.T) {
	for _, name := range catalogFiles(t) {
		m := catalog(t, name)
		for _, key := range []string{"client_id", "client_secret"} {
			declared := map[string]bool{"client_id": m.UserClientID, "client_secret": m.UserClientSecret}[key]
			if declared {
				continue
			}
			params := e2e.Params(m, map[string]any{key: "attacker-value"})
			cfg := dynamic.Config{ClientID: "app-id", ClientSecret: "app-secret", Params: params}
			if m.EndUserCredentials() {
				cfg = dynamic.Config{Params: params} // the end user's own client id
				params["client_id"] = "user-id"
			}
			if m.ClientAuth == runtime.AuthPrivateKeyJWT {
				cfg.PrivateKey = appKey
			}
			_, err := dynamic.New(m, cfg)
			if want := m.Package + `: unknown parameter "` + key + `"`; err == nil || !strings.HasPrefix(err.Error(), want+";") {
				t.Errorf("%s: %s in Params: error %v, want %q", name, key, err, want)
			}
		}
	}
	// Declared client_id only: the secret stays the platform's to give.
	m, err := dynamic.Parse("ownid.json", []byte(`{"name": "Own Id", "oauth2": {"auth_form": [{"name": "client_id"}],
  "config": {"flow": "client_credentials", "step3_access_url": "https://id.example/token"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !m.UserClientID || m.UserClientSecret {
		t.Fatalf("UserClientID %v, UserClientSecret %v", m.UserClientID, m.UserClientSecret)
	}
	c, err := dynamic.New(m, dynamic.Config{ClientID: "app-id", Params: map[string]any{"client_id": "user-id"}})
	if err != nil || !strings.Contains(c.String(), `"user-id"`) {
		t.Errorf("declared client_id: %v, %v", c, err)
	}
	if _, err := dynamic.New(m, dynamic.Config{ClientID: "app-id", Params: map[string]any{"client_secret": "x"}}); err == nil {
		t.Error("an undeclared client_secret in Params was accepted")
	}
}

// oauth2.config.issuer reaches the flow: a callback from another issuer is refused,
// and a connector with pkce refuses an exchange without a verifier.
func TestIssuerAndPKCEFromConnectorFile(t *testing.T) {
	m, err := dynamic.Parse("iss.json", []byte(`{"name": "Iss", "oauth2": {"config": {
  "step1_authorize_url": "https://id.example/authorize", "step3_access_url": "https://id.example/token",
  "issuer": "https://id.example", "pkce": "S256"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Static.Issuer != "https://id.example" {
		t.Fatalf("Static.Issuer %q", m.Static.Issuer)
	}
	c, err := dynamic.New(m, dynamic.Config{ClientID: "id"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ExchangeCallback(context.Background(), url.Values{"code": {"c"}, "iss": {"https://evil.example"}}, oauth2.VerifierOption("v"))
	var ce *runtime.CallbackError
	if !errors.As(err, &ce) {
		t.Errorf("iss of another issuer: %v, want a *runtime.CallbackError", err)
	}
	if _, err := c.Exchange(context.Background(), "c"); err == nil || !strings.Contains(err.Error(), "code verifier") {
		t.Errorf("exchange without a verifier: %v", err)
	}
}

// dynamic.Config and Client print, marshal to JSON and log without the client secret
// and the end user's values (a password among them); so does a Config whose password
// is given as a runtime.Secret, and the client built from it.
func TestConfigRedactsSecrets(t *testing.T) {
	const secret, password = "platform-client-secret-7", "end-user-api-key-7"
	m := catalog(t, "etsy.json")
	for _, pw := range []any{password, runtime.Secret(password)} {
		cfg := dynamic.Config{ClientID: "id", ClientSecret: secret, RedirectURL: "https://app.example/cb", Params: map[string]any{"api_key": pw}}
		e2e.NoSecretShown(t, "dynamic.Config", cfg, secret, password)
		c, err := dynamic.New(m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		e2e.NoSecretShown(t, "dynamic.Client", c, secret, password)
		if got := c.Params()["api_key"]; got != password {
			t.Errorf("api_key %v: the value did not reach the client", got)
		}
	}
}

// A value that does not match its field's pattern is refused by New, generated and
// dynamic alike, with the same message, which never shows the value: the Shopify
// reproductions of issue 13 among them, for every catalog field with a pattern.
func TestPatternsMatchGenerated(t *testing.T) {
	hostile := []string{"evil.example/x?", "a@evil.example/", "evil.example#", "acme/../x", "acme?x=1", "ac me", "acme\n", "аcme"}
	fields := 0
	for _, name := range catalogFiles(t) {
		m := catalog(t, name)
		for _, p := range m.Params {
			if p.Pattern == nil {
				continue
			}
			fields++
			for _, v := range hostile {
				params := e2e.Params(m, map[string]any{p.Name: v})
				_, de := dynamic.New(m, appConfig(m, "id", "s", params))
				_, ge := registry.Clients["connectors/"+name](registry.Config{ClientID: "id", ClientSecret: "s", Model: m, Params: params, PrivateKey: appKey})
				if p.Pattern.MatchString(v) { // a header value (user_agent) may hold / and ?
					if de != nil || ge != nil || strings.ContainsAny(v, "\n\r") {
						t.Errorf("%s %s=%q: matches the pattern; dynamic %v, generated %v", name, p.Name, v, de, ge)
					}
					continue
				}
				want := m.Package + ": " + p.PatternMessage()
				if de == nil || ge == nil || de.Error() != want || ge.Error() != want {
					t.Errorf("%s %s=%q: dynamic %v, generated %v; want %q from both", name, p.Name, v, de, ge, want)
				}
			}
			if _, err := dynamic.New(m, appConfig(m, "id", "s", e2e.Params(m, nil))); err != nil {
				t.Errorf("%s: a plausible value is refused: %v", name, err)
			}
		}
	}
	if fields < 10 {
		t.Errorf("only %d catalog fields have a pattern", fields)
	}
	m := catalog(t, "shopify.json")
	for _, v := range hostile {
		if _, err := dynamic.New(m, dynamic.Config{ClientID: "id", Params: map[string]any{"shop": v}}); err == nil {
			t.Errorf("shop %q accepted", v)
		}
	}
	for _, ok := range []string{"acme", "acme-store-2", "A1"} {
		if _, err := dynamic.New(m, dynamic.Config{ClientID: "id", Params: map[string]any{"shop": ok}}); err != nil {
			t.Errorf("shop %q: %v", ok, err)
		}
	}
	// A password value is never shown either.
	pw, err := dynamic.Parse("pw.json", []byte(`{"name": "Pw", "oauth2": {"auth_form": [{"name": "key", "type": "password", "pattern": "[a-f0-9]{8}"}],
  "config": {"flow": "client_credentials", "step3_access_url": "https://id.example/token"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{"not-hex-secret-value", runtime.Secret("not-hex-secret-value")} {
		_, err := dynamic.New(pw, dynamic.Config{ClientID: "id", Params: map[string]any{"key": v}})
		if err == nil || err.Error() != "pw: key does not match the pattern [a-f0-9]{8}" {
			t.Errorf("password %v: %v", v, err)
		}
	}
}

// TestClientValuePrintsAsString: a dynamic Client printed as a value, under any verb,
// prints as String does, without the secret.
func TestClientValuePrintsAsString(t *testing.T) {
	m := catalog(t, "hubspot.json")
	c, err := dynamic.New(m, dynamic.Config{ClientID: "id", ClientSecret: "TOPSECRET1", RedirectURL: "https://app.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%d", "%q"} {
		for _, v := range []any{*c, c, struct{ C dynamic.Client }{*c}} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, "TOPSECRET1") || strings.Contains(out, fmt.Sprintf("%x", "TOPSECRET1")) {
				t.Errorf("%s of %T shows the secret: %s", verb, v, out)
			}
		}
	}
}
