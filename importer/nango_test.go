package importer

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

// nangoFixture imports testdata/nango/providers.yaml and returns its entries by key.
func nangoFixture(t *testing.T, keys ...string) (map[string]NangoEntry, *NangoImport) {
	t.Helper()
	data, err := os.ReadFile("testdata/nango/providers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := FromNango(data, keys...)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]NangoEntry{}
	for _, e := range res.Entries {
		byKey[e.Key] = e
	}
	return byKey, res
}

// warningsOf formats an entry's warnings, one per line.
func warningsOf(e NangoEntry) string {
	var b strings.Builder
	for _, w := range e.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

// validates loads c as validate and generate do.
func validates(c *schema.Connector) error {
	data, err := Marshal(c)
	if err != nil {
		return err
	}
	_, err = model.Parse("imported.json", data)
	return err
}

func TestFromNangoEntries(t *testing.T) {
	entries, res := nangoFixture(t)
	var got []string
	for _, e := range res.Entries {
		state := "written"
		if e.Connector == nil {
			state = "refused"
		}
		got = append(got, e.Key+" "+state)
	}
	want := []string{
		"acme-crm written", "acme-crm-eu-sandbox written", "acme-crm-sandbox written", "beacon-metrics written",
		"curly-scope written", "early-meta refused", "gridline written", "keyless-jwt refused", "loop-a refused",
		"loop-b refused", "lost-alias refused", "millis refused", "no-authorize refused", "patchy written",
		"queryfax refused", "zylo-books written",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n got %q\nwant %q", got, want)
	}
	if res.OtherAuthModes != 1 {
		t.Errorf("OtherAuthModes = %d, want 1 (keyhole)", res.OtherAuthModes)
	}
	// Every connector validates, but for curly-scope (a scope with a brace passes the
	// conversion and is refused by the model, which is why the CLI validates) and two
	// whose hosts are values.
	for _, e := range res.Entries {
		if e.Connector == nil {
			if len(e.Warnings) == 0 {
				t.Errorf("%s: refused without a warning", e.Key)
			}
			continue
		}
		err := validates(e.Connector)
		// acme-crm and zylo-books take a host from the token response and the callback,
		// which Nango confines to no list: the model refuses them until their hosts are
		// declared (issue 13), so the CLI writes neither.
		if at, refused := map[string]string{"curly-scope": "/oauth2/config/scopes/0",
			"acme-crm": "/base_url: the origin of the base URL is entirely", "zylo-books": "/oauth2/config/step3_access_url: the origin of the token URL is entirely"}[e.Key]; refused {
			if err == nil || !strings.Contains(err.Error(), at) {
				t.Errorf("%s: validation error %v, want one at %s", e.Key, err, at)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s does not validate: %v", e.Key, err)
		}
	}
	if w := warningsOf(entries["beacon-metrics"]) + warningsOf(entries["zylo-books"]); w != "" {
		t.Errorf("warnings for fully mapped entries:\n%s", w)
	}
}

// acme-crm carries nearly every mapped key.
func TestFromNangoEveryMappedKey(t *testing.T) {
	entries, _ := nangoFixture(t)
	e := entries["acme-crm"]
	c := e.Connector
	cfg := c.OAuth2.Config
	if c.Name != "Acme CRM" || c.Package != "" || c.DocsURL != "https://docs.acme-crm.example/oauth" {
		t.Errorf("name %q, package %q, docs_url %q", c.Name, c.Package, c.DocsURL)
	}
	if c.Schema != "" {
		t.Errorf("$schema = %q, want none", c.Schema)
	}
	for _, tc := range []struct{ what, got, want string }{
		{"step1_authorize_url", cfg.Step1AuthorizeURL, "https://{{ subdomain }}.acme-crm.example/oauth/authorize"},
		{"step3_access_url", cfg.Step3AccessURL, "https://{{ subdomain }}.acme-crm.example/oauth/token"},
		{"token_refresh_url", cfg.TokenRefreshURL, "https://{{ subdomain }}.acme-crm.example/oauth/refresh"},
		{"scope_separator", cfg.ScopeSeparator, ","},
		{"client_auth (basic, credentials in the body)", string(cfg.ClientAuth), "both"},
		{"exchange_request_body_type", string(cfg.ExchangeRequestBodyType), "json"},
		{"pkce", cfg.PKCE, "S256"},
		{"flow", string(cfg.Flow), ""},
		{"base_url (token metadata)", c.BaseURL, "{{ credentials.instance_url }}"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	if !reflect.DeepEqual(cfg.Scopes, []string{"contacts.read", "deals.write"}) {
		t.Errorf("scopes = %q, want the default_scopes without the repeat", cfg.Scopes)
	}
	if cfg.RefreshBeforeExpiry != 600 {
		t.Errorf("refresh_before_expiry = %d, want 600", cfg.RefreshBeforeExpiry)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{
		"audience": "api", "prompt": "consent", "access_type": "offline", "locale": "{{ region }}", "response_type": "code",
	})
	eqMap(t, "extra_access_url (grant_type is the flow's)", cfg.ExtraAccessURL, nil)
	eqMap(t, "extra_refresh_url", cfg.ExtraRefreshURL, map[string]string{"client_hint": "web"})
	eqMap(t, "token_metadata", cfg.TokenMetadata, map[string]string{"instance_url": "instance_url", "team_id": "team.id"})
	if c.Header == nil || c.Header.HeaderKey != "" || c.Header.TokenPrefix != "" {
		t.Fatalf("header = %+v, want extra headers only", c.Header)
	}
	eqMap(t, "extra_headers", c.Header.ExtraHeaders, map[string]string{"Acme-Version": "2024-01", "X-Acme-Team": "{{ credentials.team_id }}"})
	if tr := c.TestRequest; tr == nil || tr.Method != "GET" || tr.Path != "/v1/me" {
		t.Errorf("test_request = %+v, want GET /v1/me", tr)
	}
	wantForm := []schema.Field{
		{Name: "subdomain", Title: "Workspace subdomain", Type: schema.FieldText, Required: true, Placeholder: "mycompany", Info: "The part before .acme-crm.example in your workspace URL"},
		{Name: "region", Title: "Region", Type: schema.FieldText, Default: "eu", Info: "Data region of the workspace"},
	}
	if !reflect.DeepEqual(c.OAuth2.AuthForm, wantForm) {
		t.Errorf("auth_form:\n got %+v\nwant %+v", c.OAuth2.AuthForm, wantForm)
	}
	// Until auth_form has a pattern (issue 13), the pattern is a warning; instance_url
	// is token metadata, so its connection_config entry is no field and no warning.
	if w := warningsOf(e); w != "connection_config.subdomain.pattern: pattern: the connector format has no auth_form pattern yet; the value is not checked\n" {
		t.Errorf("warnings:\n%s", w)
	}
}

func TestFromNangoAliases(t *testing.T) {
	entries, _ := nangoFixture(t)
	base, sandbox, eu := entries["acme-crm"].Connector, entries["acme-crm-sandbox"].Connector, entries["acme-crm-eu-sandbox"].Connector
	// The alias's own keys replace the target's whole, proxy included: no headers
	// and no verification from acme-crm.
	if sandbox.Name != "Acme CRM Sandbox" || sandbox.BaseURL != "https://api.sandbox.acme-crm.example" || sandbox.Header != nil || sandbox.TestRequest != nil {
		t.Errorf("sandbox: name %q, base_url %q, header %+v, test_request %+v", sandbox.Name, sandbox.BaseURL, sandbox.Header, sandbox.TestRequest)
	}
	if got := sandbox.OAuth2.Config.Step1AuthorizeURL; got != "https://{{ subdomain }}.sandbox.acme-crm.example/oauth/authorize" {
		t.Errorf("sandbox authorize URL = %q", got)
	}
	// Everything else is inherited.
	bc, sc := base.OAuth2.Config, sandbox.OAuth2.Config
	if !reflect.DeepEqual(bc.Scopes, sc.Scopes) || !reflect.DeepEqual(bc.TokenMetadata, sc.TokenMetadata) || bc.ClientAuth != sc.ClientAuth ||
		!reflect.DeepEqual(base.OAuth2.AuthForm, sandbox.OAuth2.AuthForm) || sandbox.DocsURL != base.DocsURL {
		t.Errorf("sandbox did not inherit acme-crm's keys:\n%+v\n%+v", bc, sc)
	}
	// An alias of an alias, written before its target.
	if eu.Name != "Acme CRM Sandbox (EU)" || eu.Package != "acmecrmeusandbox" || eu.BaseURL != sandbox.BaseURL ||
		!reflect.DeepEqual(eu.OAuth2.Config.Scopes, []string{"contacts.read"}) || eu.OAuth2.Config.Step3AccessURL != sc.Step3AccessURL {
		t.Errorf("eu sandbox: %+v", eu)
	}
	for key, want := range map[string]string{
		"lost-alias": "alias: nowhere: no entry of that name in the file\n",
		"loop-a":     "alias: loop-a: the aliases form a cycle\n",
		"loop-b":     "alias: loop-b: the aliases form a cycle\n",
	} {
		if got := warningsOf(entries[key]); got != want {
			t.Errorf("%s warnings = %q, want %q", key, got, want)
		}
	}
}

func TestFromNangoCallbackAndTokenHeader(t *testing.T) {
	entries, _ := nangoFixture(t)
	c := entries["zylo-books"].Connector
	cfg := c.OAuth2.Config
	if cfg.Step3AccessURL != "{{ callback.accounts_server }}/oauth/v2/token" {
		t.Errorf("step3_access_url = %q", cfg.Step3AccessURL)
	}
	if !reflect.DeepEqual(cfg.CallbackParams, []string{"accounts-server", "location"}) {
		t.Errorf("callback_params = %q", cfg.CallbackParams)
	}
	if cfg.ClientAuth != schema.ClientAuthHeader || cfg.PKCE != "" {
		t.Errorf("client_auth %q (authorization_method header), pkce %q (disable_pkce)", cfg.ClientAuth, cfg.PKCE)
	}
	eqMap(t, "extra_authorization_url", cfg.ExtraAuthorizationURL, map[string]string{
		"prompt": "consent", "response_type": "code", "force_verify": "true", // approval_prompt: undefined removes it
	})
	if h := c.Header; h == nil || h.HeaderKey != "" || h.TokenPrefix != "Zylo-oauthtoken {{ token_format }}" {
		t.Errorf("header = %+v", h)
	}
	// Nango's "A || B": A when its values are set; the field it reads is optional.
	eqMap(t, "extra_headers", c.Header.ExtraHeaders, map[string]string{
		"X-Zylo-Version": "{% if api_version %}{{ api_version }}{% else %}2024-06{% endif %}",
	})
	want := []schema.Field{{Name: "api_version", Title: "API version", Type: schema.FieldText, Info: "Leave empty for the current version"}}
	if !reflect.DeepEqual(c.OAuth2.AuthForm, want) {
		t.Errorf("auth_form = %+v, want %+v", c.OAuth2.AuthForm, want)
	}
}

func TestFromNangoClientCredentials(t *testing.T) {
	entries, _ := nangoFixture(t)
	b := entries["beacon-metrics"].Connector
	cfg := b.OAuth2.Config
	if cfg.Flow != schema.FlowClientCredentials || cfg.Step3AccessURL != "https://auth.beacon.example/oauth/token" || cfg.Step1AuthorizeURL != "" || cfg.PKCE != "" {
		t.Errorf("beacon: flow %q, token %q, authorize %q, pkce %q", cfg.Flow, cfg.Step3AccessURL, cfg.Step1AuthorizeURL, cfg.PKCE)
	}
	// custom: the client id and secret go as username and password in the body.
	if cfg.AlternativeClientIDKey != "username" || cfg.AlternativeClientSecretKey != "password" || cfg.ClientAuth != schema.ClientAuthBody {
		t.Errorf("beacon client auth: %q %q %q", cfg.AlternativeClientIDKey, cfg.AlternativeClientSecretKey, cfg.ClientAuth)
	}
	eqMap(t, "beacon extra_access_url", cfg.ExtraAccessURL, map[string]string{"audience": "https://api.beacon.example"})
	if !reflect.DeepEqual(cfg.Scopes, []string{"metrics:read"}) || cfg.ExchangeRequestBodyType != "" {
		t.Errorf("beacon scopes %q, body %q", cfg.Scopes, cfg.ExchangeRequestBodyType)
	}

	e := entries["gridline"]
	g := e.Connector
	gc := g.OAuth2.Config
	if gc.ClientAuth != schema.ClientAuthHeader || gc.ExchangeRequestBodyType != schema.BodyJSON || gc.ExtraRefreshURL != nil {
		t.Errorf("gridline: client_auth %q, body %q, extra_refresh_url %v", gc.ClientAuth, gc.ExchangeRequestBodyType, gc.ExtraRefreshURL)
	}
	if len(g.OAuth2.AuthForm) != 1 || g.OAuth2.AuthForm[0].Type != schema.FieldPassword || g.OAuth2.AuthForm[0].Name != "tenant" {
		t.Errorf("gridline auth_form = %+v, want a password field tenant (secret)", g.OAuth2.AuthForm)
	}
	if g.Header != nil {
		t.Errorf("gridline header = %+v, want none (the ${apiKey} header is dropped)", g.Header)
	}
	want := "connection_config.tenant.pattern: pattern: the connector format has no auth_form pattern yet; the value is not checked (and it is not an RE2 expression)\n" +
		"refresh_params: the client credentials flow does not refresh; not imported\n" +
		"proxy.headers.X-Api-Key: ${apiKey}: only ${connectionConfig.*} has an equivalent here; not imported\n"
	if got := warningsOf(e); got != want {
		t.Errorf("gridline warnings:\n%s\nwant:\n%s", got, want)
	}
}

func TestFromNangoPartialAndRefused(t *testing.T) {
	entries, _ := nangoFixture(t)
	p := entries["patchy"]
	if p.Connector == nil {
		t.Fatal("patchy refused")
	}
	pc := p.Connector
	// No auth_form field for workspace: the only templates reading it are dropped.
	if len(pc.OAuth2.AuthForm) != 0 || pc.DocsURL != "" || pc.TestRequest != nil || pc.Header != nil {
		t.Errorf("patchy: auth_form %+v, docs %q, test_request %+v, header %+v", pc.OAuth2.AuthForm, pc.DocsURL, pc.TestRequest, pc.Header)
	}
	eqMap(t, "patchy extra_access_url", pc.OAuth2.Config.ExtraAccessURL, map[string]string{"resource": "https://patchy.example/api"})
	eqMap(t, "patchy extra_refresh_url (token_params without refresh_params)", pc.OAuth2.Config.ExtraRefreshURL, map[string]string{"resource": "https://patchy.example/api"})
	eqMap(t, "patchy extra_authorization_url", pc.OAuth2.Config.ExtraAuthorizationURL, map[string]string{"response_type": "code"})
	want := `alternate_access_token_response_path: no equivalent in the connector format; not imported
authorization_url_skip_encode: no equivalent in the connector format; not imported
docs: not an http(s) URL; not imported
authorization_params.audience: expression: a ${...} expression with nested parts has no equivalent; not imported
authorization_params.hint: || fallback: more than one ||; Nango reads only the first two parts; not imported
authorization_params.nonce: ${random}: only ${connectionConfig.*} has an equivalent here; not imported
proxy.headers.X-Signature: expression: a ${...} expression with nested parts has no equivalent; not imported
proxy.verification: only one GET or POST of a fixed path on base_url is a test_request; not imported
connection_config.workspace: read by no imported URL, parameter or header; not imported
`
	if got := warningsOf(p); got != want {
		t.Errorf("patchy warnings:\n%s\nwant:\n%s", got, want)
	}

	for key, want := range map[string]string{
		"queryfax":     "body_format: query: the connector format sends token parameters in the query string only with GET, Nango with POST\n",
		"millis":       "expires_in_unit: milliseconds: the connector format reads expires_in in seconds only\n",
		"keyless-jwt":  "token_request_auth_method: private_key_jwt: the connector format has no private_key_jwt client authentication\n",
		"no-authorize": "authorization_url: missing\n",
		"early-meta":   "authorization_url: ${connectionConfig.instance_url}: token metadata is not known before the exchange; not imported\n",
	} {
		e := entries[key]
		if e.Connector != nil {
			t.Errorf("%s imported, want refused", key)
		}
		if got := warningsOf(e); got != want {
			t.Errorf("%s warnings = %q, want %q", key, got, want)
		}
	}
}

func TestFromNangoNamed(t *testing.T) {
	entries, res := nangoFixture(t, "keyhole", "zylo-books", "keyhole")
	if len(res.Entries) != 2 || res.OtherAuthModes != 0 {
		t.Fatalf("entries %d, other %d; want keyhole and zylo-books", len(res.Entries), res.OtherAuthModes)
	}
	if k := entries["keyhole"]; k.Connector != nil || warningsOf(k) != "auth_mode: neither OAUTH2 nor OAUTH2_CC\n" {
		t.Errorf("keyhole: %+v", k)
	}
	data, _ := os.ReadFile("testdata/nango/providers.yaml")
	if _, err := FromNango(data, "zylo"); err == nil || err.Error() != `importer: nango: no provider "zylo" in the file` {
		t.Errorf("unknown key: %v", err)
	}
}

func TestFromNangoErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"- a\n- b\n", "importer: nango: the file is not a mapping of provider entries"},
		{"a: [\n", "importer: nango: not YAML"},
		{"a: {auth_mode: OAUTH2}\na: {}\n", `importer: nango: line 2: duplicate key "a"`},
	} {
		if _, err := FromNango([]byte(tc.in)); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("FromNango(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	// An entry that is not a mapping is a warning of its own.
	res, err := FromNango([]byte("odd: 3\n"))
	if err != nil || len(res.Entries) != 1 || warningsOf(res.Entries[0]) != "entry odd: not a mapping\n" {
		t.Errorf("odd entry: %v %+v", err, res)
	}
}

// nangoFile is a providers.yaml of n small OAuth2 entries.
func nangoFile(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "p%05d:\n    display_name: P%d\n    auth_mode: OAUTH2\n    authorization_url: https://p%d.example/a\n    token_url: https://p%d.example/t\n", i, i, i, i)
	}
	return []byte(b.String())
}

func TestNangoLimits(t *testing.T) {
	// The review's file: 100,000 keys in one mapping, 1.5 MB, under the size limit of
	// a providers.yaml; the key count refuses it.
	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "k%07d: value\n", i)
	}
	huge := []byte(b.String())
	refusedFast(t, "nango 100,000 keys", func(data []byte) (*schema.Connector, []Warning, error) {
		_, err := FromNango(data)
		return nil, nil, err
	}, huge, "importer: nango: line 1: the file has more than 75000 keys")

	// A file the size of Nango's own (about a thousand entries) is read.
	res, err := FromNango(nangoFile(1_000))
	if err != nil || len(res.Entries) != 1_000 || res.Entries[999].Connector == nil {
		t.Fatalf("1,000 entries: %v", err)
	}
}
