package jinja_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
)

var connectorScope = jinja.Scope{
	{Name: "scope"},
	{Name: "environment", Kind: jinja.Select, Enum: []string{"Production", "Sandbox"}, AlwaysDefined: true},
	{Name: "port", Kind: jinja.Number},
	{Name: "verbose", Kind: jinja.Bool, AlwaysDefined: true},
	{Name: "client_id", AlwaysDefined: true},
	{Name: "redirect_url"},
	{Name: "state"},
	{Name: "callback.shop"},
	{Name: "credentials.team_id"},
}

func TestCheck(t *testing.T) {
	tests := []struct {
		src  string
		at   string // "" means no error
		want string
	}{
		{src: "tickets{% if scope is defined %} {{ scope }}{% endif %}"},
		{src: "https://{% if environment is defined and environment == 'Sandbox' %}sandbox{% else %}business{% endif %}-api.tiktok.com/"},
		{src: "{{ callback.shop }}.{{ credentials.team_id|default('x') }}{{ port|default(80) }}{{ verbose }}"},
		{src: "{{ 'a' in scope }}{{ client_id in 'abc' }}{{ scope|default('') in 'abc' }}{{ port == none }}"},
		{"{{ scop }}", "scop", "unknown variable 'scop' (did you mean 'scope'?); defined here: callback.shop, client_id, credentials.team_id, environment, port, redirect_url, scope, state, verbose"},
		{"{{ token }}", "token", "unknown variable 'token'; defined here:"},
		{"{{ callback }}", "callback", "'callback' is not a value, use one of callback.shop"},
		{"{{ callback.shopp }}", "callback.shopp", "(did you mean 'callback.shop'?)"},
		{"{% if environment == 'Sandboxx' %}{% endif %}", "'Sandboxx'", `"Sandboxx" is not a value of environment: it is one of Production, Sandbox`},
		{"{% if 'staging' != environment %}{% endif %}", "'staging'", `"staging" is not a value of environment`},
		{"{{ port == '443' }}", "==", "port is a number and \"443\" is a string: '==' is always false"},
		{"{{ verbose != 1 }}", "!=", "'!=' is always true"},
		{"{{ scope in 'abc' }}", "in", "the left side of 'in' must be a string that is always defined"},
		{"{{ 'a' in port }}", "in", "the right side of 'in' must be a string, not port (a number)"},
		{"{{ (scope or port) == 'a' }}", "==", "cannot compare a value whose type varies"},
		{"{{ scope|trim(state) }}", "state", "the argument of trim must be a string that is always defined"},
	}
	for _, tt := range tests {
		errs := jinja.MustParse(tt.src).Check(connectorScope)
		if tt.at == "" {
			for _, e := range errs {
				t.Errorf("Check(%q): %v", tt.src, e)
			}
			continue
		}
		if len(errs) != 1 {
			t.Errorf("Check(%q) = %v, want one error", tt.src, errs)
			continue
		}
		if at := strings.Index(tt.src, tt.at); errs[0].Offset != at {
			t.Errorf("Check(%q): offset %d, want %d: %s", tt.src, errs[0].Offset, at, errs[0].Msg)
		}
		if !strings.Contains(errs[0].Msg, tt.want) {
			t.Errorf("Check(%q): %q, want it to contain %q", tt.src, errs[0].Msg, tt.want)
		}
	}
}

func TestCheckReportsEveryError(t *testing.T) {
	errs := jinja.MustParse("{{ a }}{% if b %}{{ c }}{% endif %}").Check(nil)
	if len(errs) != 3 || errs[2].Offset != 20 || !strings.Contains(errs[0].Msg, "no variables are defined here") {
		t.Errorf("Check = %v", errs)
	}
}

func TestRenderValues(t *testing.T) {
	tpl := jinja.MustParse("{{ callback.shop }}|{{ credentials.team_id|default('none') }}|{{ n }}|{{ f }}|{{ b }}|{{ nil }}|{{ u }}")
	got, err := tpl.Render(map[string]any{
		"callback":    map[string]string{"shop": "acme"},
		"credentials": map[string]any{},
		"n":           int32(-5), "f": 0.5, "b": false, "nil": nil,
	})
	if want := "acme|none|-5|0.5|False|None|"; err != nil || got != want {
		t.Errorf("Render = %q, %v; want %q", got, err, want)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		src  string
		vars map[string]any
		want string
	}{
		{"{{ callback.shop }}", nil, "'callback' is undefined"},
		{"{{ x in 'abc' }}", nil, "'in <string>' requires a string as left operand, not an undefined value"},
		{"{{ 'a' in n }}", map[string]any{"n": 5}, "the right side of 'in' must be a string, not a number"},
		{"{{ m }}", map[string]any{"m": map[string]any{}}, "cannot render a map"},
		{"{{ x }}", map[string]any{"x": []string{"secret"}}, "unsupported Go type []string"},
		{"{{ x|trim(1) }}", map[string]any{"x": "a"}, "the argument of trim must be a string or none"},
	}
	for _, tt := range tests {
		_, err := jinja.MustParse(tt.src).Render(tt.vars)
		var e *jinja.Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, tt.want) {
			t.Errorf("Render(%q) error = %v, want %q", tt.src, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Render(%q) error shows a value: %v", tt.src, err)
		}
	}
}
