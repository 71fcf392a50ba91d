package model

import (
	"reflect"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/schema"
)

func TestURLHosts(t *testing.T) {
	byUse := func(m *Connector) map[URLUse]URLHost {
		out := map[URLUse]URLHost{}
		for _, h := range m.URLHosts() {
			out[h.Use] = h
		}
		return out
	}
	shop := byUse(load(t, "../connectors/shopify.json"))
	if h := shop[UseToken]; !reflect.DeepEqual(h.Patterns, []string{"*.myshopify.com"}) || len(h.Whole) != 0 || len(h.Labels) != 1 || h.Labels[0].Name != "shop" || h.Labels[0].Source != "end user" {
		t.Errorf("shopify token: %+v", h)
	}
	zoho := byUse(load(t, "../connectors/zoho.json"))
	if h := zoho[UseToken]; len(h.Patterns) != 0 || len(h.Whole) != 1 || h.Whole[0] != (ValueRef{Name: "callback.accounts_server", Offset: 3, Source: "callback"}) {
		t.Errorf("zoho token: %+v", h)
	}
	if h := zoho[UseBaseURL]; len(h.Whole) != 1 || h.Whole[0].Source != "metadata" {
		t.Errorf("zoho base_url: %+v", h)
	}
	okta := byUse(load(t, "../connectors/okta.json"))
	if h := okta[UseRevoke]; len(h.Patterns) != 0 || len(h.Whole) != 1 || h.Whole[0].Name != "domain" || h.Pointer != "/oauth2/config/revoke_url" {
		t.Errorf("okta revoke: %+v", h)
	}
	ebay := byUse(load(t, "../connectors/ebay.json"))
	if h := ebay[UseToken]; !reflect.DeepEqual(h.Patterns, []string{"api.ebay.com", "api.sandbox.ebay.com"}) || h.Whole != nil || h.Underived {
		t.Errorf("ebay token: %+v", h)
	}
}

func TestHostPattern(t *testing.T) {
	for _, tc := range []struct {
		host, pattern string
		whole, ok     bool
	}{
		{"Login.Example.com:8443", "login.example.com", false, true},
		{"user@login.example.com", "login.example.com", false, true},
		{"{{shop}}.myshopify.com", "*.myshopify.com", false, true},
		{"api-{{region}}.x.com", "*.x.com", false, true},
		{"api.{{region}}.x.com", "", false, false},
		{"{{credentials.api_domain}}", "", true, false},
		{"{{a}}{{b}}", "", false, false},
		{"{{a}}", "", true, false},
		{"{{a}}.", "", false, false},
	} {
		p, whole, ok := hostPattern(tc.host)
		if p != tc.pattern || whole != tc.whole || ok != tc.ok {
			t.Errorf("hostPattern(%q) = %q, %v, %v; want %q, %v, %v", tc.host, p, whole, ok, tc.pattern, tc.whole, tc.ok)
		}
	}
}

func TestURLChecks(t *testing.T) {
	okta := load(t, "../connectors/okta.json")
	var got []string
	for _, k := range okta.URLChecks() {
		_, part := URLPart(k.Context)
		got = append(got, k.Param.Name+" "+k.Context.String()+" "+part)
	}
	if want := []string{"domain host PartHost", "authorization_server path segment PartSegment"}; !reflect.DeepEqual(got, want) {
		t.Errorf("okta checks %q, want %q", got, want)
	}
	// A field without a pattern: the URL check alone refuses (the catalog's Shopify
	// also has a pattern, checked first).
	shop, err := parse(t, `{"name": "Shopify", "oauth2": {"auth_form": [{"name": "shop", "title": "Shop", "type": "text", "required": true}],
	 "config": {"step1_authorize_url": "https://{{ shop }}.myshopify.com/admin/oauth/authorize", "step3_access_url": "https://{{ shop }}.myshopify.com/admin/oauth/access_token"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		shop string
		err  string
	}{
		{"acme", ""},
		{"evil.example/x?", `shopify: shop is used as a host label in /oauth2/config/step1_authorize_url: "evil.example/x?" is not a DNS label`},
		{"a@evil.example/", "is not a DNS label"},
		{"evil.example#", "is not a DNS label"},
		{"аcme", "is not a DNS label"}, // Cyrillic a
	} {
		_, err := shop.CheckParams(map[string]any{"shop": tc.shop})
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("shop=%q: %v, want %q", tc.shop, err, tc.err)
		}
	}
	// The generated New prints Format with the value; the message is the same.
	k := shop.URLChecks()[0]
	if got, want := strings.Replace(k.Format(), "%q", `"x/y"`, 1), k.Message("x/y"); got != want {
		t.Errorf("Format %q, Message %q", got, want)
	}
}

// urlConn is a connector with the auth_form fields form and the config entries cfg.
func urlConn(form, cfg string) string {
	return `{"name": "U", "oauth2": {"auth_form": [` + form + `], "config": {` + cfg + `}}}`
}

func TestURLPasswordNotShown(t *testing.T) {
	m, err := parse(t, urlConn(`{"name": "tenant", "title": "T", "type": "password", "required": true}`,
		`"step1_authorize_url": "https://a.example/{{ tenant }}/auth", "step3_access_url": "https://a.example/t"`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.CheckParams(map[string]any{"tenant": ".."})
	if err == nil || strings.Contains(err.Error(), `".."`) || !strings.Contains(err.Error(), "tenant is used as a path segment") {
		t.Errorf("error %v", err)
	}
}

// TestURLTemplateErrors: a URL template that cannot be escaped by position, a select
// value its position refuses, and an authorize URL that sets the runtime's own
// parameters are errors at the template's line and column.
func TestURLTemplateErrors(t *testing.T) {
	for _, tc := range []struct {
		form, cfg string
		ptr, msg  string
	}{
		{``, `"step1_authorize_url": "https://a.example/{% if client_id == 'x' %}x/{% else %}?{% endif %}{{ client_id }}", "step3_access_url": "https://a.example/t"`,
			"/oauth2/config/step1_authorize_url", "different parts of the URL"},
		{``, `"step1_authorize_url": "https://a.example/auth?client_id=1", "step3_access_url": "https://a.example/t"`,
			"/oauth2/config/step1_authorize_url", "client_id is set by the runtime"},
		{``, `"step1_authorize_url": "https://a.example/auth?x=1&redirect_uri=y", "step3_access_url": "https://a.example/t"`,
			"/oauth2/config/step1_authorize_url", "redirect_uri is set by the runtime"},
		{`{"name": "region", "title": "R", "type": "select", "enum": ["eu", "us.evil"], "default": "eu"}`,
			`"step1_authorize_url": "https://{{ region }}.a.example/auth", "step3_access_url": "https://a.example/t"`,
			"/oauth2/config/step1_authorize_url", `"us.evil" of region is not a DNS label`},
		{`{"name": "d", "title": "D", "type": "text"}`, `"step1_authorize_url": "https://a.example/auth", "step3_access_url": "https://{{ d | lower }}/t"`,
			"/oauth2/config/step3_access_url", "single variable"},
	} {
		_, err := parse(t, urlConn(tc.form, tc.cfg))
		if err == nil || !strings.Contains(err.Error(), tc.ptr) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %s: %s", tc.cfg, err, tc.ptr, tc.msg)
		}
	}
	src := "{\"name\": \"X\", \"oauth2\": {\"config\": {\n" +
		"  \"step1_authorize_url\": \"https://a.example/a\",\n" +
		"  \"step3_access_url\": \"http{{ client_id }}://a.example/t\"}}}"
	_, err := Parse("x.json", []byte(src))
	errs, ok := err.(schema.Errors)
	if !ok || len(errs) != 1 || errs[0].Line != 3 || errs[0].Col != 28 || !strings.Contains(errs[0].Msg, "scheme") {
		t.Errorf("Parse: %v", err)
	}
}

func TestValueContexts(t *testing.T) {
	m := load(t, "../connectors/okta.json")
	if got := m.ValueContexts("domain"); !reflect.DeepEqual(got, []jinja.URLContext{jinja.URLHost}) {
		t.Errorf("domain: %v", got)
	}
	if got := m.ValueContexts("nothing"); got != nil {
		t.Errorf("nothing: %v", got)
	}
}

func TestValueHosts(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"shopify", nil},
		{"ebay", nil},
		{"zoho", []string{"token callback.accounts_server", "revoke callback.accounts_server", "base_url credentials.api_domain", "test_request credentials.api_domain"}},
		{"auth0", []string{"token domain", "revoke domain", "base_url domain", "test_request domain"}},
	} {
		var got []string
		for _, h := range load(t, "../connectors/"+tc.file+".json").ValueHosts() {
			got = append(got, string(h.Use)+" "+h.Value.Name)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.file, got, tc.want)
		}
	}
}
