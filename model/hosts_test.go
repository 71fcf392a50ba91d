package model

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// TestHostOf: the host patterns derived from URL templates, and the values that
// decide a host on their own.
func TestHostOf(t *testing.T) {
	m, err := Parse("x.json", []byte(`{"name": "X", "oauth2": {"auth_form": [
		{"name": "shop"}, {"name": "domain"},
		{"name": "region", "type": "select", "enum": ["US", "EU"], "default": "US"}],
		"config": {"step1_authorize_url": "https://a.example/auth", "step3_access_url": "https://a.example/t",
		"allowed_hosts": ["x.example"], "token_metadata": {"api_domain": "api_domain"},
		"callback_params": ["accounts-server"]}}, "api_hosts": ["y.example"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src      string
		patterns string
		value    string // name of the deciding value, "" when none
		origin   bool
	}{
		{"https://api.example.com/v1", "api.example.com", "", false},
		{"https://API.Example.com:8443/v1?x=1", "api.example.com", "", false},
		{"https://{{ shop }}.myshopify.com/admin", "*.myshopify.com", "", false},
		{"https://{{ shop }}-api.tiktok.com/", "*.tiktok.com", "", false},
		{"https://{% if region == 'EU' %}eu.{% endif %}api.example.com/", "api.example.com eu.api.example.com", "", false},
		{"https://api.{{ region }}.example.com/", "api.EU.example.com api.US.example.com", "", false},
		{"https://{% if shop %}{{ shop }}.a.example{% else %}b.example{% endif %}/", "*.a.example b.example", "", false},
		{"https://{{ domain }}/oauth/token", "", "domain", false},
		{"https://{{ domain }}:8443/oauth/token", "", "domain", false},
		{"https://api.{{ domain }}.example.com/", "", "domain", false},
		{"{{ credentials.api_domain }}/crm/v6/", "", "credentials.api_domain", true},
		{"{{ callback.accounts_server }}/oauth/token", "", "callback.accounts_server", true},
		{"https://{% if shop %}{{ domain }}{% else %}b.example{% endif %}/", "b.example", "domain", false},
	} {
		scope, _ := Scope(m.Source, schema.PlaceToken)
		tm, err := parseTemplate("/x", schema.PlaceToken, tc.src, scope)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		h := HostOf(tm, m.Params)
		if got := strings.Join(h.Patterns, " "); got != strings.ToLower(tc.patterns) {
			t.Errorf("%s: patterns %q, want %q", tc.src, got, strings.ToLower(tc.patterns))
		}
		switch {
		case tc.value == "" && h.Value != nil:
			t.Errorf("%s: value %+v, want none", tc.src, *h.Value)
		case tc.value != "" && (h.Value == nil || h.Value.Name != tc.value || h.Value.Origin != tc.origin):
			t.Errorf("%s: value %+v, want %s (origin %v)", tc.src, h.Value, tc.value, tc.origin)
		case tc.value != "" && tc.src[h.Value.Offset:h.Value.Offset+2] != "{{":
			t.Errorf("%s: value offset %d is not at its {{", tc.src, h.Value.Offset)
		}
	}
}

// TestCatalogHostSets: the host sets of the connectors the issue names.
func TestCatalogHostSets(t *testing.T) {
	for _, tc := range []struct {
		file        string
		token, api  string // a pattern each set must hold
		values      string // HostValues
		endUserHost string // UserHost's source, "" when none
	}{
		{"shopify", "*.myshopify.com", "*.myshopify.com", "", ""},
		{"zoho", "accounts.zoho.eu", "www.zohoapis.eu", "credentials.api_domain", ""},
		{"salesforce", "login.salesforce.com", "*.my.salesforce.com", "credentials.instance_url", ""},
		{"mailchimp", "login.mailchimp.com", "*.api.mailchimp.com", "credentials.api_endpoint", ""},
		{"pipedrive", "oauth.pipedrive.com", "*.pipedrive.com", "credentials.api_domain", ""},
		{"dynamics365", "login.microsoftonline.com", "*.crm4.dynamics.com", "", ""},
		{"okta", "", "", "", "{{ domain }}"},
		{"gitlab", "", "", "", "{{ host }}"},
	} {
		m := load(t, "../connectors/"+tc.file+".json")
		if tc.token != "" && !slices.Contains(m.TokenHosts, tc.token) {
			t.Errorf("%s: token hosts %v lack %s", tc.file, m.TokenHosts, tc.token)
		}
		if tc.api != "" && !slices.Contains(m.APIHosts, tc.api) {
			t.Errorf("%s: API hosts %v lack %s", tc.file, m.APIHosts, tc.api)
		}
		if got := strings.Join(m.HostValues, " "); got != tc.values {
			t.Errorf("%s: host values %q, want %q", tc.file, got, tc.values)
		}
		got := ""
		if m.UserHost != nil {
			got = m.UserHost.Source()
		}
		if got != tc.endUserHost {
			t.Errorf("%s: end user's host %q, want %q", tc.file, got, tc.endUserHost)
		}
	}
}

// TestUnconfinedRefused: Parse refuses a credential URL whose host is entirely a
// value, at the value's line and column, saying what could leak and the two ways
// out; declared hosts or end_user_hosted make it valid.
func TestUnconfinedRefused(t *testing.T) {
	const file = `{
  "name": "X",
  "oauth2": {
    "auth_form": [{"name": "domain"}%s],
    "config": {
      "step1_authorize_url": "https://a.example/auth",
      "step3_access_url": "https://{{ domain }}/oauth/token"%s
    }
  }%s
}`
	_, err := Parse("x.json", []byte(strings.NewReplacer("%s", "").Replace(file)))
	var es schema.Errors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("error %v, want one problem", err)
	}
	e := es[0]
	if e.Line != 7 || e.Col != 36 || e.Pointer != "/oauth2/config/step3_access_url" {
		t.Errorf("at %d:%d %s, want 7:36 /oauth2/config/step3_access_url", e.Line, e.Col, e.Pointer)
	}
	for _, want := range []string{"domain", "client secret", "allowed_hosts", "end_user_hosted"} {
		if !strings.Contains(e.Msg, want) {
			t.Errorf("message %q does not say %q", e.Msg, want)
		}
	}
	fill := func(a, b, c string) []byte {
		s := strings.Replace(file, "%s", a, 1)
		s = strings.Replace(s, "%s", b, 1)
		return []byte(strings.Replace(s, "%s", c, 1))
	}
	if _, err := Parse("x.json", fill("", `, "allowed_hosts": ["*.okta.com"]`, "")); err != nil {
		t.Errorf("with allowed_hosts: %v", err)
	}
	if _, err := Parse("x.json", fill(`, {"name": "client_id"}, {"name": "client_secret"}`, "", `, "end_user_hosted": true`)); err != nil {
		t.Errorf("end_user_hosted: %v", err)
	}
	_, err = Parse("x.json", fill("", "", `, "end_user_hosted": true`))
	if err == nil || !strings.Contains(err.Error(), "end_user_hosted needs an auth_form field client_id") {
		t.Errorf("end_user_hosted without the end user's credentials: %v", err)
	}
}
