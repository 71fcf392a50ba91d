package main

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/dynamic"
)

// explainJSON runs `oauthgen explain --json` and decodes its output.
func explainJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := runOauthgen(append([]string{"explain", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("explain %v: exit %d\n%s", args, code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"authorize_url", "base_url", "token_request", "refresh_request", "api_auth"} {
		if _, ok := got[k]; !ok {
			t.Errorf("output has no %q", k)
		}
	}
	if strings.Contains(out, explainSecret) {
		t.Errorf("output carries the client secret stand-in unmasked:\n%s", out)
	}
	return got
}

func authorizeQuery(t *testing.T, ex map[string]any) url.Values {
	t.Helper()
	u, err := url.Parse(ex["authorize_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestExplainHubSpotScope(t *testing.T) {
	const file = "../../connectors/hubspot.json"
	scope := authorizeQuery(t, explainJSON(t, file)).Get("scope")
	if !strings.HasSuffix(scope, " tickets") {
		t.Errorf("scope %q does not end in \"tickets\" with no trailing space", scope)
	}
	scope = authorizeQuery(t, explainJSON(t, file, "--param", "scope=content")).Get("scope")
	if !strings.HasSuffix(scope, " tickets content") {
		t.Errorf("with scope=content, scope %q does not end in \"tickets content\"", scope)
	}
}

func TestExplainTikTok(t *testing.T) {
	const file = "../../connectors/tiktok.json"
	const business, sandbox = "https://business-api.tiktok.com/open_api/v1.2/", "https://sandbox-api.tiktok.com/open_api/v1.2/"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, business},
		{[]string{"--param", "environment=Production"}, business},
		{[]string{"--param", "environment=Sandbox"}, sandbox},
	} {
		ex := explainJSON(t, append([]string{file, "--client-id", "my-app"}, tc.args...)...)
		if got := ex["base_url"]; got != tc.want {
			t.Errorf("%v: base_url %q, want %q", tc.args, got, tc.want)
		}
		q := authorizeQuery(t, ex)
		if q.Get("app_id") != "my-app" || q.Has("client_id") {
			t.Errorf("%v: authorize URL query %v: want app_id and no client_id", tc.args, q)
		}
		tr := ex["token_request"].(map[string]any)
		var body map[string]string
		if err := json.Unmarshal([]byte(tr["body"].(string)), &body); err != nil {
			t.Fatalf("token request body is not JSON: %v", err)
		}
		if body["app_id"] != "my-app" || body["secret"] != explainMask || body["auth_code"] == "" {
			t.Errorf("token request body %v: want app_id, masked secret, auth_code", body)
		}
	}
}

// HubSpot sends JSON and falls back to a form once when the provider refuses JSON:
// explain shows both requests.
func TestExplainFallback(t *testing.T) {
	ex := explainJSON(t, "../../connectors/hubspot.json")
	first := ex["token_request"].(map[string]any)
	fb, ok := ex["token_request_fallback"].(map[string]any)
	if !ok {
		t.Fatal("no token_request_fallback")
	}
	if got := first["headers"].(map[string]any)["Content-Type"]; got != "application/json" {
		t.Errorf("first token request Content-Type %q", got)
	}
	if got := fb["headers"].(map[string]any)["Content-Type"]; got != "application/x-www-form-urlencoded" {
		t.Errorf("fallback Content-Type %q", got)
	}
	if body := fb["body"].(string); !strings.Contains(body, "grant_type=authorization_code") || !strings.Contains(body, "client_secret=********") {
		t.Errorf("fallback body %q", body)
	}
	if _, ok := explainJSON(t, "../../connectors/github.json")["token_request_fallback"]; ok {
		t.Error("GitHub has no fallback body type, yet explain shows one")
	}
}

// HTTP Basic client authentication is shown decoded, with the secret masked.
func TestExplainMasksBasicAuth(t *testing.T) {
	ex := explainJSON(t, "../../connectors/spotify.json", "--client-id", "abc")
	h := ex["token_request"].(map[string]any)["headers"].(map[string]any)
	if got := h["Authorization"]; got != "Basic base64(abc:********)" {
		t.Errorf("Authorization %q", got)
	}
}

func TestExplainText(t *testing.T) {
	code, out, errOut := runOauthgen("explain", "../../connectors/tiktok.json", "--state", "xyz", "--param", "environment=Sandbox")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Connector: TikTok",
		"state=xyz",
		"Token request:\n  POST https://business-api.tiktok.com/open_api/v1.2/oauth2/access_token/\n",
		`"secret":"********"`,
		"Base URL: https://sandbox-api.tiktok.com/open_api/v1.2/",
		"API auth: Authorization: Bearer ACCESS_TOKEN",
		"the client id is sent as app_id",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, explainSecret) {
		t.Error("output carries the secret stand-in")
	}
}

// A value the connector reads from the callback is a placeholder unless given.
func TestExplainCallbackValues(t *testing.T) {
	ex := explainJSON(t, "../../connectors/zoho.json", "--callback", "accounts-server=https://accounts.zoho.eu")
	if got := ex["token_request"].(map[string]any)["url"]; got != "https://accounts.zoho.eu/oauth/v2/token" {
		t.Errorf("token URL %q", got)
	}
	for _, file := range []string{"zoho.json", "paypal.json"} {
		code, _, errOut := runOauthgen("explain", "../../connectors/"+file, "--callback", "nope=x")
		if code != exitInvalid || !strings.Contains(errOut, "--callback nope") {
			t.Errorf("%s: unknown callback value: exit %d, %q", file, code, errOut)
		}
	}
}

func TestExplainBadValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"../../connectors/tiktok.json", "--param", "environment=Staging"}, exitInvalid, `tiktok: environment "Staging" is not one of Production, Sandbox`},
		{[]string{"../../connectors/tiktok.json", "--param", "region=EU"}, exitInvalid, `oauthgen explain: ../../connectors/tiktok.json: --param region: unknown parameter "region"; the connector's auth_form fields are environment` + "\n"},
		{[]string{"../../connectors/tiktok.json", "--param", "enviroment=Sandbox"}, exitInvalid, `oauthgen explain: ../../connectors/tiktok.json: --param enviroment: unknown parameter "enviroment"; did you mean "environment"?` + "\n"},
		{[]string{"../../connectors/github.json", "--param", "scope=repo"}, exitInvalid, `oauthgen explain: ../../connectors/github.json: --param scope: unknown parameter "scope"; the connector has no auth_form fields` + "\n"},
		{[]string{"../../connectors/okta.json"}, exitInvalid, "okta: domain is required"},
		{[]string{"../../connectors/tiktok.json", "--client-id", ""}, exitInvalid, "tiktok: the client id is empty"},
		{[]string{"../../connectors/nope.json"}, exitInvalid, "nope.json"},
		{[]string{"../../connectors/tiktok.json", "--param", "environment"}, exitUsage, `--param "environment": want name=value`},
		{[]string{"../../connectors/tiktok.json", "--param", "environment=Sandbox", "--param", "environment=Production"}, exitUsage, "given twice"},
		{[]string{"../../connectors/tiktok.json", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{[]string{}, exitUsage, "want one connector FILE"},
		{[]string{"a.json", "b.json"}, exitUsage, "want one connector FILE"},
	} {
		code, out, errOut := runOauthgen(append([]string{"explain"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("explain %v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
		if out != "" {
			t.Errorf("explain %v: stdout %q", tc.args, out)
		}
	}
	if code, out, _ := runOauthgen("explain", "--help"); code != exitOK || !strings.Contains(out, "Usage: oauthgen explain") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}

// Every catalog connector explains, with placeholder values for required fields.
func TestExplainEveryConnector(t *testing.T) {
	files, _ := filepath.Glob("../../connectors/*.json")
	if len(files) < 25 {
		t.Fatalf("%d connectors", len(files))
	}
	for _, f := range files {
		m, err := dynamic.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		args := []string{f}
		for _, p := range m.Params {
			if p.Required && p.Default == nil {
				args = append(args, "--param", p.Name+"=example")
			}
		}
		ex := explainJSON(t, args...)
		tr, _ := ex["token_request"].(map[string]any)
		if tr == nil || tr["url"] == "" {
			t.Errorf("%s: no token request", f)
		}
		if ex["api_auth"] == "" {
			t.Errorf("%s: no API auth", f)
		}
		if ex["grant"] == "authorization_code" && ex["authorize_url"] == "" {
			t.Errorf("%s: no authorize URL", f)
		}
	}
}

// Values explain makes up that look real are marked as examples: the redirect URL
// when --redirect-url is not given, and the API URL of a connector without base_url
// or test_request.
func TestExplainExampleValues(t *testing.T) {
	const file = "testdata/explain/nobase.json"
	code, out, errOut := runOauthgen("explain", file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `Connector: No Base (authorization_code)
Params:
  region = eu

Authorize URL:
  https://eu.nobase.example/authorize?client_id=CLIENT_ID&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback&response_type=code&scope=read&state=STATE
    client_id = "CLIENT_ID"
    redirect_uri = "https://app.example.com/oauth/callback"  (example value: give yours with --redirect-url)
    response_type = "code"
    scope = "read"
    state = "STATE"

Token request:
  POST https://eu.nobase.example/token
  Accept: application/json
  Content-Type: application/x-www-form-urlencoded

  grant_type=authorization_code&code=AUTHORIZATION_CODE&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback&client_id=CLIENT_ID&client_secret=********

Refresh request:
  POST https://eu.nobase.example/token
  Accept: application/json
  Content-Type: application/x-www-form-urlencoded

  grant_type=refresh_token&refresh_token=REFRESH_TOKEN&client_id=CLIENT_ID&client_secret=********

Base URL: (none)

API request (token ACCESS_TOKEN):
  GET https://api.example.com/  (example URL: the connector has no base_url or test_request)
  Authorization: Bearer ACCESS_TOKEN

API auth: Authorization: Bearer ACCESS_TOKEN

Hosts each credential may go to (any other is refused before sending):
  client secret, code, PKCE verifier, refresh token: eu.nobase.example, us.nobase.example
  access token: any (the connector names no such URL)
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	ex := explainJSON(t, file)
	if got, want := ex["example_values"], map[string]any{"api_url": "https://api.example.com/", "redirect_url": "https://app.example.com/oauth/callback"}; !reflect.DeepEqual(got, want) {
		t.Errorf("example_values %v, want %v", got, want)
	}

	// Values given, or read from the connector, are not examples.
	code, out, _ = runOauthgen("explain", "../../connectors/github.json", "--redirect-url", "https://mine.example/cb")
	if code != exitOK || strings.Contains(out, "(example") {
		t.Errorf("exit %d; output marks an example value:\n%s", code, out)
	}
	if _, ok := explainJSON(t, "../../connectors/github.json", "--redirect-url", "https://mine.example/cb")["example_values"]; ok {
		t.Error("example_values for a connector with a base URL and a given redirect URL")
	}
}

// TestExplainListSelect: explain shows which element of the userinfo list a connector
// chooses, and the API call then carries the chosen element's value.
func TestExplainListSelect(t *testing.T) {
	code, out, errOut := runOauthgen("explain", "../../connectors/xero.json", "--param", "organisation=Second Org")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"  - a userinfo request after the exchange adds tenant_id, tenant_name to the token metadata, read from the element of its list whose tenantName is {{ organisation }}\n",
		"  organisation = Second Org\n",
		"  Xero-Tenant-Id: METADATA_TENANT_ID\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestExplainDevice: a connector with a device_authorization_url shows the device
// authorization request and how the token endpoint is then polled.
func TestExplainDevice(t *testing.T) {
	code, out, errOut := runOauthgen("explain", "../../connectors/github.json", "--client-id", "my-app")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"Device authorization request:\n  POST https://github.com/login/device/code\n",
		"  scope=read%3Auser+user%3Aemail&client_id=my-app&client_secret=********\n",
		"grant_type=urn:ietf:params:oauth:grant-type:device_code and the device_code",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := runOauthgen("explain", "../../connectors/hubspot.json"); code != exitOK || strings.Contains(out, "Device authorization") {
		t.Errorf("hubspot (no device endpoint): exit %d, shows a device request: %v", code, strings.Contains(out, "Device authorization"))
	}
}

// explain shows a field's pattern, and a value that does not match it is refused
// before anything is built (issue 13: Shopify's shop).
func TestExplainPattern(t *testing.T) {
	const file = "../../connectors/shopify.json"
	ex := explainJSON(t, file, "--param", "shop=acme")
	if pats, _ := ex["patterns"].(map[string]any); pats["shop"] != "[a-zA-Z0-9][a-zA-Z0-9-]*" {
		t.Errorf("patterns %v", ex["patterns"])
	}
	code, out, _ := runOauthgen("explain", file, "--param", "shop=acme")
	if code != exitOK || !strings.Contains(out, "shop = acme  (pattern [a-zA-Z0-9][a-zA-Z0-9-]*)") {
		t.Errorf("exit %d, text output without the pattern:\n%s", code, out)
	}
	for _, v := range []string{"evil.example/x?", "a@evil.example/", "evil.example#"} {
		code, out, errOut := runOauthgen("explain", file, "--param", "shop="+v)
		if code == exitOK || strings.Contains(out, "evil.example") || !strings.Contains(errOut, "shop does not match the pattern") {
			t.Errorf("shop=%q: exit %d\n%s%s", v, code, out, errOut)
		}
	}
}

// TestExplainLabelsBaseURLRequest: for a connector with a base_url and no
// test_request, the API request shown is made up (a GET of the base URL) and says so.
func TestExplainLabelsBaseURLRequest(t *testing.T) {
	code, out, errOut := runOauthgen("explain", "../../connectors/tiktok.json")
	want := "  GET https://business-api.tiktok.com/open_api/v1.2/  (example request: a GET of the base URL, as the connector has no test_request)\n"
	if code != exitOK || !strings.Contains(out, want) {
		t.Errorf("exit %d, output lacks %q:\n%s%s", code, want, out, errOut)
	}
	if ex := explainJSON(t, "../../connectors/tiktok.json"); ex["example_values"].(map[string]any)["api_request"] != "https://business-api.tiktok.com/open_api/v1.2/" {
		t.Errorf("example_values %v", ex["example_values"])
	}
}
