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
			`X: /base_url: template: offset 17: unknown variable 'credentials.owner'; defined here: client_id, redirect_url; to read "owner" from the token response, add it to oauth2.config.token_metadata (or userinfo.metadata) with the path of its value (see docs/templates.md)`},
		{schema.Config{Step1AuthorizeURL: "https://e.com/a", Step3AccessURL: "https://e.com/t/{{ callback.shop }}"}, "",
			`X: /oauth2/config/step3_access_url: template: offset 19: unknown variable 'callback.shop'; defined here: client_id, redirect_url; to read the callback's query parameter "shop", add it to oauth2.config.callback_params (see docs/templates.md)`},
		{schema.Config{Step1AuthorizeURL: "https://e.com/a{{", Step3AccessURL: "https://e.com/t"}, "",
			`X: /oauth2/config/step1_authorize_url: template: offset 15: unclosed {{: no }} before the end of the template (see docs/templates.md)`},
	}
	for _, tt := range tests {
		_, err := Resolve(&schema.Connector{Name: "X", BaseURL: tt.base, OAuth2: schema.OAuth2{Config: tt.cfg}})
		if err == nil || err.Error() != tt.want {
			t.Errorf("got  %v\nwant %s", err, tt.want)
		}
	}
}
