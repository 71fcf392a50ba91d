package generated_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/generated/hubspot"
	"github.com/oauthgen/oauthgen/generated/tiktok"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/oauthtest"
)

// TestTikTok: the generated TikTok client sends a JSON body with app_id, secret and
// auth_code, reads the token from data.access_token, and its BaseURL follows
// Params.Environment.
func TestTikTok(t *testing.T) {
	m := e2e.Load(t, "../connectors/tiktok.json")
	fx := deriveFixture(t, m)
	if fx.provider.AccessTokenPath != "data.access_token" || !fx.provider.AcceptJSON || fx.provider.AcceptForm {
		t.Fatalf("the provider should answer nested and accept JSON only: %+v", fx.provider)
	}
	r := newRun(t, m, fx, nil)
	r.generated("connectors/tiktok.json")
	tok := r.flow()
	reqs := r.p.RequestsTo("token")
	if len(reqs) == 0 {
		t.Fatal("no token request")
	}
	ex := reqs[0]
	if ex.BodyType != "json" {
		t.Errorf("exchange body type %q, want json", ex.BodyType)
	}
	if ex.Form["app_id"] != clientID || ex.Form["secret"] != clientSecret || ex.Form["auth_code"] == "" {
		t.Errorf("exchange fields app_id=%q secret set=%v auth_code set=%v", ex.Form["app_id"], ex.Form["secret"] != "", ex.Form["auth_code"] != "")
	}
	for _, k := range []string{"client_id", "client_secret", "code"} {
		if _, ok := ex.Form[k]; ok {
			t.Errorf("exchange carries the standard key %s", k)
		}
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Error("token not read from data")
	}

	// A provider answering with a flat token response is not TikTok: the exchange fails.
	flat := newRun(t, m, fx, func(c *oauthtest.Config) { c.AccessTokenPath = "" })
	flat.generated("connectors/tiktok.json")
	authURL, _ := url.Parse(flat.client.(authCodeClient).AuthCodeURL(state))
	fake, _ := url.Parse(flat.p.AuthorizeURL())
	fake.RawQuery = authURL.RawQuery
	q, err := flat.p.Authorize(fake.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flat.client.(codeExchanger).Exchange(context.Background(), q.Get("auth_code")); err == nil || !strings.Contains(err.Error(), "data.access_token") {
		t.Errorf("flat response: %v, want an error naming data.access_token", err)
	}

	for env, want := range map[tiktok.Environment]string{
		"":                           "https://business-api.tiktok.com/open_api/v1.2/",
		tiktok.EnvironmentProduction: "https://business-api.tiktok.com/open_api/v1.2/",
		tiktok.EnvironmentSandbox:    "https://sandbox-api.tiktok.com/open_api/v1.2/",
	} {
		c, err := tiktok.New(tiktok.Config{ClientID: clientID, Params: tiktok.Params{Environment: env}})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL(); got != want {
			t.Errorf("environment %q: BaseURL %q, want %q", env, got, want)
		}
	}
	_, err = tiktok.New(tiktok.Config{ClientID: clientID, Params: tiktok.Params{Environment: "Foo"}})
	if err == nil || err.Error() != `tiktok: environment "Foo" is not one of Production, Sandbox` {
		t.Errorf("bad environment: %v", err)
	}
	if _, err := tiktok.New(tiktok.Config{}); err == nil || err.Error() != "tiktok: the client id is empty" {
		t.Errorf("no client id: %v", err)
	}
}

// TestHubSpot: the generated HubSpot client falls back from JSON to form when the
// provider refuses JSON (and keeps form afterwards), and its scope follows
// Params.Scope.
func TestHubSpot(t *testing.T) {
	m := e2e.Load(t, "../connectors/hubspot.json")
	fx := deriveFixture(t, m)
	r := newRun(t, m, fx, func(c *oauthtest.Config) { c.AcceptJSON, c.AcceptForm = false, true })
	r.generated("connectors/hubspot.json")
	r.flow()
	var types []string
	for _, q := range r.p.RequestsTo("token") {
		types = append(types, q.BodyType)
	}
	// Exchange: JSON refused, then form; the refreshes go straight to form.
	if len(types) < 3 || types[0] != "json" || types[1] != "form" {
		t.Fatalf("token request body types %v, want json then form", types)
	}
	for i, bt := range types[2:] {
		if bt != "form" {
			t.Errorf("token request %d is %s: the working encoding should be remembered", i+2, bt)
		}
	}

	for scope, suffix := range map[string]string{"": " tickets", "content": " tickets content"} {
		c, err := hubspot.New(hubspot.Config{ClientID: clientID, RedirectURL: redirectURL, Params: hubspot.Params{Scope: scope}})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(c.AuthCodeURL(state))
		if err != nil {
			t.Fatal(err)
		}
		got := u.Query().Get("scope")
		if !strings.HasSuffix(got, suffix) || !strings.HasPrefix(got, "communication_preferences.read_write ") {
			t.Errorf("Params.Scope %q: scope %q, want it to end in %q", scope, got, suffix)
		}
	}
}

// TestNoSecretsPrinted: printing a generated Config or Client never shows the client
// secret or the end user's values.
func TestNoSecretsPrinted(t *testing.T) {
	cfg := hubspot.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Params: hubspot.Params{Scope: "private-scope"}}
	c, err := hubspot.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprint(c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", *c)} {
		if strings.Contains(s, clientSecret) || strings.Contains(s, "private-scope") {
			t.Errorf("printed a secret: %s", s)
		}
	}
	if s := fmt.Sprint(c); !strings.Contains(s, "hubspot.Client{") {
		t.Errorf("String: %s", s)
	}
}
