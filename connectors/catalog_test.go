package connectors

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/schema"
)

var update = flag.Bool("update", false, "rewrite the catalog tables in README.md and ../README.md")

// load returns every connector of the catalog by file name, loaded completely
// (model.Parse: schema, templates, resolution).
func load(t *testing.T) (names []string, conns map[string]*schema.Connector) {
	t.Helper()
	conns = map[string]*schema.Connector{}
	entries, err := fs.Glob(Files, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range entries {
		data, err := Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Parse(name, data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		names = append(names, name)
		conns[name] = m.Source
	}
	sort.Strings(names)
	return names, conns
}

// TestCatalogFiles checks what the catalog promises beyond validity: documented
// providers, a file named after its package, a cheap test request.
func TestCatalogFiles(t *testing.T) {
	names, conns := load(t)
	if len(names) < 27 {
		t.Errorf("catalog has %d connectors, want at least 27 (25 providers besides HubSpot and TikTok)", len(names))
	}
	seen := map[string]string{}
	for _, name := range names {
		c := conns[name]
		pkg := c.Package
		if pkg == "" {
			pkg = schema.PackageName(c.Name)
		}
		if want := pkg + ".json"; name != want {
			t.Errorf("%s: package %q, so the file should be %s", name, pkg, want)
		}
		if other, dup := seen[c.Name]; dup {
			t.Errorf("%s: name %q already used by %s", name, c.Name, other)
		}
		seen[c.Name] = name
		if name == "hubspot.json" || name == "tiktok.json" {
			continue // the seed's examples, kept as the seed has them
		}
		if !strings.HasPrefix(c.DocsURL, "https://") {
			t.Errorf("%s: docs_url %q is not an https URL of the provider's OAuth documentation", name, c.DocsURL)
		}
		if len(c.Description) < 80 {
			t.Errorf("%s: description too short to say what is special about the provider", name)
		}
		if c.Schema != "../schema/connector.schema.json" {
			t.Errorf("%s: $schema = %q", name, c.Schema)
		}
		if c.TestRequest == nil {
			t.Errorf("%s: no test_request", name)
		}
		if c.BaseURL == "" {
			t.Errorf("%s: no base_url", name)
		}
	}
}

// TestCatalogTable fails when the catalog table in this directory's README.md or in
// the project's README.md does not match the files.
func TestCatalogTable(t *testing.T) {
	names, conns := load(t)
	for readme, dir := range map[string]string{"README.md": "", "../README.md": "connectors/"} {
		updateTable(t, readme, catalogTable(names, conns, dir))
	}
}

// updateTable checks (with -update: rewrites) the table between the catalog markers
// of the Markdown file path.
func updateTable(t *testing.T, path, table string) {
	t.Helper()
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- catalog:begin -->\n", "<!-- catalog:end -->\n"
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q and %q markers", path, strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	if string(readme[i+len(begin):j]) == table {
		return
	}
	if !*update {
		t.Fatalf("the catalog table in %s is stale; run: go test ./connectors -run TestCatalogTable -update", path)
	}
	out := append([]byte{}, readme[:i+len(begin)]...)
	out = append(out, table...)
	out = append(out, readme[j:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// catalogTable renders the Markdown table of the catalog; file links are relative
// to dir.
func catalogTable(names []string, conns map[string]*schema.Connector, dir string) string {
	var b strings.Builder
	b.WriteString("| Provider | File | Flow | Notable quirks |\n")
	b.WriteString("| --- | --- | --- | --- |\n")
	for _, name := range names {
		c := conns[name]
		provider := mdEscape(c.Name)
		if c.DocsURL != "" {
			provider = "[" + provider + "](" + c.DocsURL + ")"
		}
		fmt.Fprintf(&b, "| %s | [%s](%s) | %s | %s |\n", provider, name, dir+name, flowOf(c), mdEscape(strings.Join(quirks(c), "; ")))
	}
	return b.String()
}

func flowOf(c *schema.Connector) string {
	cfg := c.OAuth2.Config
	flow := "authorization code"
	if cfg.Flow == schema.FlowClientCredentials {
		flow = "client credentials"
	}
	if cfg.PKCE != "" {
		flow += " + PKCE " + cfg.PKCE
	}
	return flow
}

var templateVar = regexp.MustCompile(`\{\{-?\s*([A-Za-z_][A-Za-z0-9_.]*)`)

// quirks lists, in words, every deviation from plain RFC 6749 the file declares.
func quirks(c *schema.Connector) []string {
	cfg := c.OAuth2.Config
	var q []string
	add := func(format string, args ...any) { q = append(q, fmt.Sprintf(format, args...)) }
	switch {
	case cfg.ClientAuth == schema.ClientAuthHeader || cfg.ClientIDAndSecretInHeaders:
		add("HTTP Basic client auth")
	case cfg.ClientAuth == schema.ClientAuthBoth:
		add("client credentials in Basic and body")
	}
	if cfg.ExchangeRequestBodyType == schema.BodyJSON {
		add("JSON token requests")
	}
	if cfg.OrExchangeRequestBodyType != "" {
		add("%s body as fallback", cfg.OrExchangeRequestBodyType)
	}
	if cfg.RequestMethod == "GET" {
		add("GET token requests")
	}
	if cfg.AcceptHeader != "" && cfg.AcceptHeader != "application/json" {
		add("Accept %s", cfg.AcceptHeader)
	}
	for _, k := range []struct{ v, std, what string }{
		{cfg.AlternativeClientIDKey, "client_id", "client id sent as"},
		{cfg.AlternativeClientSecretKey, "client_secret", "secret sent as"},
		{cfg.AlternativeCodeKey, "code", "code named"},
	} {
		if k.v != "" && k.v != k.std {
			add("%s %s", k.what, k.v)
		}
	}
	if cfg.ScopeSeparator != "" && cfg.ScopeSeparator != " " {
		add("scopes joined with %q", cfg.ScopeSeparator)
	}
	var extra []string
	for k := range cfg.ExtraAuthorizationURL {
		if k != "response_type" && k != "scope" && k != "user_scope" {
			extra = append(extra, k+"="+cfg.ExtraAuthorizationURL[k])
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		add("authorize URL adds %s", strings.Join(extra, ", "))
	}
	if _, ok := cfg.ExtraAuthorizationURL["user_scope"]; ok {
		add("user_scope instead of scope")
	}
	var accessExtra []string
	for k, v := range cfg.ExtraAccessURL {
		if k != "grant_type" {
			accessExtra = append(accessExtra, k+"="+v)
		}
	}
	sort.Strings(accessExtra)
	if len(accessExtra) > 0 {
		add("exchange adds %s", strings.Join(accessExtra, ", "))
	}
	if len(cfg.ExtraRefreshURL) > 0 {
		add("refresh adds %s", strings.Join(sortedKeys(cfg.ExtraRefreshURL), ", "))
	}
	if cfg.TokenRefreshURL != "" && cfg.TokenRefreshURL != cfg.Step3AccessURL {
		add("separate refresh endpoint")
	}
	if cfg.AccessTokenPath != "" && cfg.AccessTokenPath != "access_token" {
		add("token at %s", cfg.AccessTokenPath)
	}
	for _, m := range templateVar.FindAllStringSubmatch(cfg.Step3AccessURL, -1) {
		if strings.HasPrefix(m[1], "callback.") {
			add("token endpoint from %s", m[1])
		}
	}
	if len(cfg.CallbackParams) > 0 {
		add("callback carries %s", strings.Join(cfg.CallbackParams, ", "))
	}
	if len(cfg.TokenMetadata) > 0 {
		add("token metadata %s", strings.Join(sortedKeys(cfg.TokenMetadata), ", "))
	}
	if cfg.Userinfo != nil {
		add("metadata from %s", cfg.Userinfo.URL)
	}
	if len(cfg.TokenRequestHeaders) > 0 {
		add("token request headers %s", strings.Join(sortedKeys(cfg.TokenRequestHeaders), ", "))
	}
	if cfg.NoRefreshToken {
		add("permanent tokens, no refresh")
	}
	if cfg.DefaultExpiresIn > 0 {
		add("tokens last %ds without saying so", cfg.DefaultExpiresIn)
	}
	if cfg.WithoutCode {
		add("callback without code")
	}
	if cfg.RevokeURL != "" {
		add("revocation endpoint")
	}
	if rv := cfg.Revoke; rv != nil {
		add("own revocation (%s, %s)", or(rv.Method, "POST"), or(string(rv.Auth), "client auth of token requests"))
	}
	if cfg.RefreshTokenExpiresInPath != "" {
		add("refresh token lifetime at %s", cfg.RefreshTokenExpiresInPath)
	}
	if d := cfg.RefreshTokenLifetime; d > 0 {
		if d%86400 == 0 {
			add("refresh tokens last %d days", d/86400)
		} else {
			add("refresh tokens last %ds", d)
		}
	}
	var vars []string
	for _, f := range c.OAuth2.AuthForm {
		vars = append(vars, f.Name)
	}
	if len(vars) > 0 {
		add("user supplies %s", strings.Join(vars, ", "))
	}
	for _, m := range templateVar.FindAllStringSubmatch(c.BaseURL, -1) {
		if strings.HasPrefix(m[1], "credentials.") || strings.HasPrefix(m[1], "callback.") {
			add("API base URL from %s", m[1])
		}
	}
	if h := c.Header; h != nil {
		if h.HeaderKey != "" && h.HeaderKey != "Authorization" {
			add("token in header %s", h.HeaderKey)
		}
		if h.TokenPrefix != "" && h.TokenPrefix != "Bearer {{token_format}}" {
			add("API auth value %s", h.TokenPrefix)
		}
		if h.TokenInHeader != nil && !*h.TokenInHeader {
			add("token in query parameter")
		}
		if len(h.ExtraHeaders) > 0 {
			add("API calls add %s", strings.Join(sortedKeys(h.ExtraHeaders), ", "))
		}
	}
	return q
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
