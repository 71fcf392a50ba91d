package model

import (
	"testing"

	"github.com/oauthgen/oauthgen/schema"
)

// TestResolveTemplateHints: Resolve, for connectors built in Go, gives the same advice
// as Parse for a variable its place does not define.
func TestResolveTemplateHints(t *testing.T) {
	tests := []struct {
		cfg  schema.Config
		base string
		want string
	}{
		{schema.Config{Step1AuthorizeURL: "https://e.com/a", Step3AccessURL: "https://e.com/t"}, "https://e.com/{{ credentials.owner }}",
			`X: /base_url: template: offset 17: unknown variable 'credentials.owner'; defined here: client_id, redirect_url; to read "owner" from the token response, add it to oauth2.config.token_metadata (or userinfo.metadata) with the path of its value (see https://github.com/oauthgen/oauthgen/blob/main/docs/templates.md)`},
		{schema.Config{Step1AuthorizeURL: "https://e.com/a", Step3AccessURL: "https://e.com/t/{{ callback.shop }}"}, "",
			`X: /oauth2/config/step3_access_url: template: offset 19: unknown variable 'callback.shop'; defined here: client_id, redirect_url; to read the callback's query parameter "shop", add it to oauth2.config.callback_params (see https://github.com/oauthgen/oauthgen/blob/main/docs/templates.md)`},
		{schema.Config{Step1AuthorizeURL: "https://e.com/a{{", Step3AccessURL: "https://e.com/t"}, "",
			`X: /oauth2/config/step1_authorize_url: template: offset 15: unclosed {{: no }} before the end of the template (see https://github.com/oauthgen/oauthgen/blob/main/docs/templates.md)`},
	}
	for _, tt := range tests {
		_, err := Resolve(&schema.Connector{Name: "X", BaseURL: tt.base, OAuth2: schema.OAuth2{Config: tt.cfg}})
		if err == nil || err.Error() != tt.want {
			t.Errorf("got  %v\nwant %s", err, tt.want)
		}
	}
}

// TestWarnings: Parse returns the connector with its warnings, each at its line and
// column; fields read by a template of the model's own making (the scope, the test
// request URL) and the deprecated client credentials fields are not reported.
func TestWarnings(t *testing.T) {
	src := `{"name": "W", "base_url": "https://e.com/",
"oauth2": {"auth_form": [{"name": "alternative_scope"}, {"name": "unused"}, {"name": "client_id"}, {"name": "team"}, {"name": "also_unused", "type": "checkbox"}],
"config": {"step1_authorize_url": "https://e.com/a", "step3_access_url": "https://e.com/t"}},
"test_request": {"path": "teams/{{ team }}"}}`
	m, err := Parse("w.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `w.json:2:57: warning: /oauth2/auth_form/1: field "unused" is read by no template: the value the end user gives goes nowhere; use it in a template or remove it
w.json:2:118: warning: /oauth2/auth_form/4: field "also_unused" is read by no template: the value the end user gives goes nowhere; use it in a template or remove it`
	if got := m.Warnings.Error(); got != want {
		t.Errorf("warnings:\n%s\nwant:\n%s", got, want)
	}
	for _, w := range m.Warnings {
		if !w.Warning {
			t.Errorf("not marked a warning: %v", w)
		}
	}
	r, err := Resolve(m.Source)
	if err != nil || r.Warnings != nil {
		t.Errorf("Resolve: %v, warnings %v", err, r.Warnings)
	}
}
