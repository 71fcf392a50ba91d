package importer

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// The getOAuthConfig mapping of seeds/004, indented as the documentation means it.
const iappIndented = `# File: auth/get-oauth-config.map.yml
clientId:
  $var: connectorParameters.clientId
clientSecret:
  $var: connectorParameters.clientSecret
authorizeUri: https://auth.example.com/oauth2/authorize
tokenUri: https://auth.example.com/oauth2/token
scopes:
  - read
  - write
clientAuthLocation: body # or 'headers'
noRefreshToken: false
skipPkce: false
extra:
  prompt: consent
  access_type: offline
`

func checkSeedMapping(t *testing.T, c *schema.Connector) {
	t.Helper()
	cfg := c.OAuth2.Config
	if c.Name != "Example" {
		t.Errorf("Name = %q, want Example", c.Name)
	}
	if cfg.Step1AuthorizeURL != "https://auth.example.com/oauth2/authorize" || cfg.Step3AccessURL != "https://auth.example.com/oauth2/token" {
		t.Errorf("URLs = %q, %q", cfg.Step1AuthorizeURL, cfg.Step3AccessURL)
	}
	if !reflect.DeepEqual(cfg.Scopes, []string{"read", "write"}) {
		t.Errorf("scopes = %v", cfg.Scopes)
	}
	if cfg.ClientAuth != schema.ClientAuthBody {
		t.Errorf("client_auth = %q, want body", cfg.ClientAuth)
	}
	if cfg.NoRefreshToken {
		t.Error("no_refresh_token set")
	}
	if cfg.PKCE != "S256" {
		t.Errorf("pkce = %q, want S256 (skipPkce: false)", cfg.PKCE)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{
		"prompt": "consent", "access_type": "offline", "response_type": "code",
	})
	eqMap(t, "extra_access_url", cfg.ExtraAccessURL, map[string]string{"grant_type": "authorization_code"})
	if len(c.OAuth2.AuthForm) != 0 {
		t.Errorf("auth_form = %v, want none (the credentials are the application's)", c.OAuth2.AuthForm)
	}
	mustValidate(t, c)
}

// The seed file as it is: its copy of the documentation lost the indentation of
// nested values.
func TestFromIntegrationAppSeedVerbatim(t *testing.T) {
	data, err := os.ReadFile("testdata/integrationapp_example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, ws, err := FromIntegrationApp(data)
	if err != nil {
		t.Fatalf("FromIntegrationApp: %v", err)
	}
	checkSeedMapping(t, c)
	if got := warningPaths(ws); !reflect.DeepEqual(got, []string{"", "authorizeUri"}) {
		t.Errorf("warnings at %v, want the indentation repair and the derived name: %v", got, ws)
	}
}

func TestFromIntegrationAppSeedIndented(t *testing.T) {
	c, ws, err := FromIntegrationApp([]byte(iappIndented))
	if err != nil {
		t.Fatalf("FromIntegrationApp: %v", err)
	}
	checkSeedMapping(t, c)
	if got := warningPaths(ws); !reflect.DeepEqual(got, []string{"authorizeUri"}) {
		t.Errorf("warnings at %v, want only the derived name: %v", got, ws)
	}
}

func TestFromIntegrationAppVariants(t *testing.T) {
	const src = `
auth:
  type: oauth2
  getOAuthConfig:
    implementationType: mapping
    mapping:
      clientId:
        $var: connectionParameters.clientId
      clientSecret: s3cr3t-literal
      authorizeUri:
        $concat:
          - https://
          - $var: connectionParameters.subdomain
          - .example.io/oauth/authorize
      tokenUri:
        $concat:
          - https://
          - $var: $.connectionParameters.subdomain
          - .example.io/oauth/token
      scopes:
        - a
        - $var: connectionParameters.more
      noRefreshToken: true
      skipPkce: true
      extra:
        audience:
          $var: connectorParameters.audience
        mode:
          $firstNotEmpty: [x]
        count: 3
      tokenRequestFormat: json
`
	c, ws, err := FromIntegrationApp([]byte(src))
	if err != nil {
		t.Fatalf("FromIntegrationApp: %v", err)
	}
	cfg := c.OAuth2.Config
	if cfg.Step1AuthorizeURL != "https://{{ subdomain }}.example.io/oauth/authorize" || cfg.Step3AccessURL != "https://{{ subdomain }}.example.io/oauth/token" {
		t.Errorf("URLs = %q, %q", cfg.Step1AuthorizeURL, cfg.Step3AccessURL)
	}
	if cfg.ClientAuth != schema.ClientAuthBoth {
		t.Errorf("client_auth = %q, want both (Integration.app's default)", cfg.ClientAuth)
	}
	if !cfg.NoRefreshToken || cfg.PKCE != "" {
		t.Errorf("no_refresh_token = %v, pkce = %q; want true, none", cfg.NoRefreshToken, cfg.PKCE)
	}
	if !reflect.DeepEqual(cfg.Scopes, []string{"a"}) {
		t.Errorf("scopes = %v", cfg.Scopes)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{
		"audience": "{{ audience }}", "count": "3", "response_type": "code",
	})
	var names []string
	for _, f := range c.OAuth2.AuthForm {
		names = append(names, f.Name)
	}
	if !reflect.DeepEqual(names, []string{"client_id", "subdomain", "more", "audience"}) {
		t.Errorf("auth_form fields = %v", names)
	}
	for _, p := range []string{
		"auth.getOAuthConfig.mapping.clientSecret",
		"auth.getOAuthConfig.mapping.tokenRequestFormat",
		"auth.getOAuthConfig.mapping.scopes.1",
		"auth.getOAuthConfig.mapping.extra.audience",
		"auth.getOAuthConfig.mapping.extra.mode",
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
		if strings.Contains(w.String(), "s3cr3t") {
			t.Errorf("warning leaks the literal secret: %s", w)
		}
	}
	data := mustValidate(t, c)
	if strings.Contains(string(data), "s3cr3t") {
		t.Error("connector file contains the literal secret")
	}
}

func TestFromIntegrationAppClientAuthLocation(t *testing.T) {
	for loc, want := range map[string]schema.ClientAuth{
		"headers": schema.ClientAuthHeader,
		"body":    schema.ClientAuthBody,
		"both":    schema.ClientAuthBoth,
		"cookie":  schema.ClientAuthBoth,
	} {
		src := "authorizeUri: https://a.example.com/auth\ntokenUri: https://a.example.com/token\nclientAuthLocation: " + loc + "\n"
		c, ws, err := FromIntegrationApp([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", loc, err)
		}
		if c.OAuth2.Config.ClientAuth != want {
			t.Errorf("%s: client_auth = %q, want %q", loc, c.OAuth2.Config.ClientAuth, want)
		}
		if loc == "cookie" && len(ws) != 2 {
			t.Errorf("cookie: want a warning for the unknown location, got %v", ws)
		}
	}
}

func TestFromIntegrationAppErrors(t *testing.T) {
	for name, src := range map[string]string{
		"not yaml":       "a: [",
		"no mapping":     "auth:\n  type: oauth2\n",
		"scalar":         "hello",
		"no token uri":   "authorizeUri: https://a.example.com/auth\n",
		"bad authorize":  "authorizeUri: {$tpl: x}\ntokenUri: https://a.example.com/token\n",
		"list authorize": "authorizeUri: [a]\ntokenUri: https://a.example.com/token\n",
	} {
		c, _, err := FromIntegrationApp([]byte(src))
		if err == nil || c != nil {
			t.Errorf("%s: got connector %v, err %v; want an error", name, c, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "importer: integration-app: ") {
			t.Errorf("%s: error %q does not say where", name, err)
		}
	}
}

func TestNameFromURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://accounts.google.com/o/oauth2/v2/auth":      "Google",
		"https://accounts.zoho.com.au/oauth/v2/auth":        "Zoho",
		"https://{{ shop }}.myshopify.com/admin/oauth/auth": "Myshopify",
		"https://login.example.co.uk/a":                     "Example",
		"https://localhost/a":                               "",
		"not a url":                                         "",
		"https://127.0.0.1/x":                               "",
	} {
		if got := NameFromURL(in); got != want {
			t.Errorf("NameFromURL(%q) = %q, want %q", in, got, want)
		}
	}
}
