package importer

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

// mustValidate marshals c and checks that the file passes the connector loader.
func mustValidate(t *testing.T, c *schema.Connector) []byte {
	t.Helper()
	data, err := Marshal(c)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if _, err := model.Parse("imported.json", data); err != nil {
		t.Fatalf("imported connector does not validate: %v\n%s", err, data)
	}
	return data
}

func eqMap(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func warningPaths(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Path)
	}
	return out
}

// The Google example of seeds/002, copied verbatim (a `"oauth": {...},` fragment).
func TestFromChiefOnboardingSeedGoogle(t *testing.T) {
	data, err := os.ReadFile("testdata/chiefonboarding_google.json")
	if err != nil {
		t.Fatal(err)
	}
	c, ws, err := FromChiefOnboarding(data)
	if err != nil {
		t.Fatalf("FromChiefOnboarding: %v", err)
	}
	cfg := c.OAuth2.Config
	if c.Name != "Google" {
		t.Errorf("Name = %q, want Google", c.Name)
	}
	if cfg.Step1AuthorizeURL != "https://accounts.google.com/o/oauth2/v2/auth" {
		t.Errorf("step1_authorize_url = %q", cfg.Step1AuthorizeURL)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{
		"response_type": "code",
		"scope":         "https://www.googleapis.com/auth/admin.directory.user",
		"access_type":   "offline",
		"prompt":        "consent",
	})
	if cfg.Step3AccessURL != "https://oauth2.googleapis.com/token" {
		t.Errorf("step3_access_url = %q", cfg.Step3AccessURL)
	}
	eqMap(t, "extra_access_url", cfg.ExtraAccessURL, map[string]string{"grant_type": "authorization_code"})
	if cfg.TokenRefreshURL != "" {
		t.Errorf("token_refresh_url = %q, want none (same as the token URL)", cfg.TokenRefreshURL)
	}
	eqMap(t, "extra_refresh_url", cfg.ExtraRefreshURL, nil)
	if cfg.NoRefreshToken || cfg.WithoutCode {
		t.Errorf("no_refresh_token = %v, without_code = %v; want false, false", cfg.NoRefreshToken, cfg.WithoutCode)
	}
	if cfg.ClientAuth != "" || cfg.ClientIDAndSecretInHeaders {
		t.Errorf("client auth = %q/%v, want the default (body)", cfg.ClientAuth, cfg.ClientIDAndSecretInHeaders)
	}
	if cfg.RequestMethod != "" || cfg.AlternativeClientIDKey != "" || cfg.AlternativeClientSecretKey != "" {
		t.Errorf("unexpected deviations: method %q, id key %q, secret key %q", cfg.RequestMethod, cfg.AlternativeClientIDKey, cfg.AlternativeClientSecretKey)
	}
	if len(c.OAuth2.AuthForm) != 0 || c.Header != nil || len(cfg.TokenMetadata) != 0 {
		t.Errorf("unexpected auth_form %v, header %v or metadata %v", c.OAuth2.AuthForm, c.Header, cfg.TokenMetadata)
	}
	if got := warningPaths(ws); !reflect.DeepEqual(got, []string{"name"}) {
		t.Errorf("warnings at %v, want only the derived name: %v", got, ws)
	}
	mustValidate(t, c)
}

// A whole manifest exercising every mapping and every warning.
func TestFromChiefOnboardingManifest(t *testing.T) {
	const manifest = `{
  "form": [],
  "execute": [{"url": "https://{{ SUBDOMAIN }}.example.com/api/users", "method": "POST"}],
  "initial_data_form": [
    {"id": "CLIENT_ID", "name": "Client id", "description": "x", "secret": false},
    {"id": "SUBDOMAIN", "name": "Your subdomain", "description": "acme for acme.example.com", "secret": false},
    {"id": "APP_KEY", "name": "App key", "description": "from the console"}
  ],
  "headers": {
    "Authorization": "Token {{ oauth.access_token }}",
    "X-Team": "{{ oauth.team.id }}",
    "Content-Type": "application/json"
  },
  "oauth": {
    "authenticate_url": "https://{{ SUBDOMAIN }}.example.com/oauth/authorize?app_id={{ CLIENT_ID }}&redirect_uri={{ redirect_url }}&state=abc&response_type=code&key={{APP_KEY}}",
    "access_token": {
      "url": "https://{{ SUBDOMAIN }}.example.com/oauth/token?app_id={{CLIENT_ID}}",
      "method": "GET",
      "data": {"grant_type": "authorization_code", "redirect_uri": "{{ redirect_url }}", "limit": 5, "nested": {"a": 1}},
      "headers": {"Authorization": "Basic {{ CLIENT_ID }}:{{ CLIENT_SECRET }}", "Accept": "application/json", "X-Req": "{{ SUBDOMAIN }}"},
      "store_data": {"x": "y"}
    },
    "refresh": {
      "url": "https://{{ SUBDOMAIN }}.example.com/oauth/refresh",
      "method": "POST",
      "data": {"grant_type": "refresh_token", "refresh_token": "{{ oauth.refresh_token }}", "team": "{{ oauth.team.id }}", "uri": "{{ redirect_url }}"}
    },
    "without_code": true,
    "bogus": 1
  }
}`
	c, ws, err := FromChiefOnboarding([]byte(manifest))
	if err != nil {
		t.Fatalf("FromChiefOnboarding: %v", err)
	}
	cfg := c.OAuth2.Config
	if c.Name != "Example" {
		t.Errorf("Name = %q, want Example", c.Name)
	}
	if cfg.Step1AuthorizeURL != "https://{{ subdomain }}.example.com/oauth/authorize" {
		t.Errorf("step1_authorize_url = %q", cfg.Step1AuthorizeURL)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{"response_type": "code", "key": "{{ app_key }}"})
	if cfg.Step3AccessURL != "https://{{ subdomain }}.example.com/oauth/token" {
		t.Errorf("step3_access_url = %q", cfg.Step3AccessURL)
	}
	eqMap(t, "extra_access_url", cfg.ExtraAccessURL, map[string]string{"grant_type": "authorization_code", "limit": "5"})
	if cfg.RequestMethod != "GET" {
		t.Errorf("request_method = %q, want GET", cfg.RequestMethod)
	}
	if cfg.AlternativeClientIDKey != "app_id" {
		t.Errorf("alternative_client_id_key = %q, want app_id", cfg.AlternativeClientIDKey)
	}
	if cfg.ClientAuth != schema.ClientAuthBoth {
		t.Errorf("client_auth = %q, want both (Basic header and app_id in the query)", cfg.ClientAuth)
	}
	if cfg.AcceptHeader != "application/json" {
		t.Errorf("accept_header = %q", cfg.AcceptHeader)
	}
	eqMap(t, "token_request_headers", cfg.TokenRequestHeaders, map[string]string{"X-Req": "{{ subdomain }}"})
	if cfg.TokenRefreshURL != "https://{{ subdomain }}.example.com/oauth/refresh" {
		t.Errorf("token_refresh_url = %q", cfg.TokenRefreshURL)
	}
	eqMap(t, "extra_refresh_url", cfg.ExtraRefreshURL, map[string]string{"team": "{{ credentials.team_id }}", "uri": "{{ redirect_url }}"})
	eqMap(t, "token_metadata", cfg.TokenMetadata, map[string]string{"team_id": "team.id"})
	if !cfg.WithoutCode || cfg.NoRefreshToken {
		t.Errorf("without_code = %v, no_refresh_token = %v; want true, false", cfg.WithoutCode, cfg.NoRefreshToken)
	}
	wantFields := []schema.Field{
		{Name: "subdomain", Title: "Your subdomain", Type: schema.FieldText, Required: true, Info: "acme for acme.example.com"},
		{Name: "app_key", Title: "App key", Type: schema.FieldPassword, Required: true, Info: "from the console"},
	}
	if !reflect.DeepEqual(c.OAuth2.AuthForm, wantFields) {
		t.Errorf("auth_form = %+v, want %+v", c.OAuth2.AuthForm, wantFields)
	}
	if c.Header == nil || c.Header.TokenPrefix != "Token {{token_format}}" || c.Header.HeaderKey != "" || c.Header.ContentType != "application/json" {
		t.Errorf("header = %+v", c.Header)
	} else {
		eqMap(t, "extra_headers", c.Header.ExtraHeaders, map[string]string{"X-Team": "{{ credentials.team_id }}"})
	}
	wantWarn := []string{
		"oauth.bogus",
		"oauth.authenticate_url?state",
		"oauth.access_token.store_data",
		"oauth.access_token.data.nested",
		"oauth.refresh.method",
		"execute",
		"form",
		"name",
	}
	got := warningPaths(ws)
	for _, w := range wantWarn {
		found := false
		for _, g := range got {
			if g == w {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning at %s; warnings: %v", w, ws)
		}
	}
	if len(got) != len(wantWarn) {
		t.Errorf("%d warnings, want %d: %v", len(got), len(wantWarn), ws)
	}
	mustValidate(t, c)
}

func TestFromChiefOnboardingNoRefreshAndOddValues(t *testing.T) {
	const src = `{
  "authenticate_url": "https://login.example.org/auth?client_id={{ CLIENT_ID }}&client_secret={{ CLIENT_SECRET }}&redirect={{ redirect_url }}&x={{ value|lower }}&y={{ new_hire.email }}&z={{ oauth.x }}",
  "access_token": {
    "url": "https://login.example.org/token",
    "method": "PUT",
    "data": {"code": "{{ code }}", "client_id": "{{ CLIENT_ID }}", "secret": "{{ CLIENT_SECRET }}", "refresh_token": "{{ oauth.refresh_token }}"},
    "headers": {"Authorization": "Bearer {{ TOKEN }}", "Content-Type": "application/json"}
  }
}`
	c, ws, err := FromChiefOnboarding([]byte(src))
	if err != nil {
		t.Fatalf("FromChiefOnboarding: %v", err)
	}
	cfg := c.OAuth2.Config
	if !cfg.NoRefreshToken {
		t.Error("no refresh object must mean no_refresh_token")
	}
	if cfg.AlternativeClientSecretKey != "secret" {
		t.Errorf("alternative_client_secret_key = %q, want secret", cfg.AlternativeClientSecretKey)
	}
	if cfg.RequestMethod != "" {
		t.Errorf("request_method = %q, want POST (default)", cfg.RequestMethod)
	}
	if cfg.ContentType != "application/json" {
		t.Errorf("content_type = %q", cfg.ContentType)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{"x": "", "y": "", "z": ""})
	// Every dropped value is reported.
	for _, p := range []string{
		"oauth.authenticate_url?client_secret",
		"oauth.authenticate_url?redirect",
		"oauth.authenticate_url?x",
		"oauth.authenticate_url?y",
		"oauth.authenticate_url?z",
		"oauth.access_token.method",
		"oauth.access_token.data.code",
		"oauth.access_token.data.refresh_token",
		"oauth.access_token.headers.Authorization",
		"oauth.access_token.headers.Content-Type",
	} {
		found := false
		for _, w := range ws {
			if w.Path == p {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning at %s; warnings: %v", p, ws)
		}
	}
	for _, w := range ws {
		if strings.Contains(w.String(), "CLIENT_SECRET }}:") {
			t.Errorf("warning quotes a credential template: %s", w)
		}
	}
}

func TestFromChiefOnboardingErrors(t *testing.T) {
	for name, src := range map[string]string{
		"not json":           `{"oauth": `,
		"no oauth":           `{"execute": []}`,
		"oauth not object":   `{"oauth": 3}`,
		"no authorize url":   `{"oauth": {"access_token": {"url": "https://x.example.com/t"}}}`,
		"access not object":  `{"oauth": {"authenticate_url": "https://x.example.com/a", "access_token": "x"}}`,
		"access without url": `{"oauth": {"authenticate_url": "https://x.example.com/a", "access_token": {}}}`,
		"trailing data":      `{"oauth": {}} {}`,
		"array":              `[]`,
	} {
		c, _, err := FromChiefOnboarding([]byte(src))
		if err == nil || c != nil {
			t.Errorf("%s: got connector %v, err %v; want an error", name, c, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "importer: chiefonboarding: ") {
			t.Errorf("%s: error %q does not say where", name, err)
		}
	}
}

// Header values that are not strings, in both requests, are reported, not compared.
func TestFromChiefOnboardingNonStringHeaders(t *testing.T) {
	const src = `{"oauth": {
  "authenticate_url": "https://a.example.com/auth",
  "access_token": {"url": "https://a.example.com/token", "headers": {"X": {"a": 1}, "Y": [1]}},
  "refresh": {"url": "https://a.example.com/token", "headers": {"X": {"a": 1}, "Y": [1]}}
}}`
	c, ws, err := FromChiefOnboarding([]byte(src))
	if err != nil {
		t.Fatalf("FromChiefOnboarding: %v", err)
	}
	if len(c.OAuth2.Config.TokenRequestHeaders) != 0 {
		t.Errorf("token_request_headers = %v, want none", c.OAuth2.Config.TokenRequestHeaders)
	}
	want := map[string]bool{"oauth.access_token.headers.X": false, "oauth.access_token.headers.Y": false, "oauth.refresh.headers.X": false, "oauth.refresh.headers.Y": false}
	for _, w := range ws {
		if _, ok := want[w.Path]; ok {
			want[w.Path] = true
		}
	}
	for p, seen := range want {
		if !seen {
			t.Errorf("no warning at %s: %v", p, ws)
		}
	}
}
