package jinja_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
)

// contexts returns the context of each output of t in source order.
func contexts(t *jinja.Template, a *jinja.URLAnalysis) []jinja.URLContext {
	var out []jinja.URLContext
	var walk func([]jinja.Node)
	walk = func(nodes []jinja.Node) {
		for _, n := range nodes {
			switch n := n.(type) {
			case *jinja.Output:
				out = append(out, a.Contexts[n])
			case *jinja.If:
				for _, b := range n.Branches {
					walk(b.Body)
				}
				walk(n.Else)
			}
		}
	}
	walk(t.Nodes)
	return out
}

func TestURLContexts(t *testing.T) {
	const (
		O = jinja.URLOrigin
		H = jinja.URLHost
		L = jinja.URLLabel
		P = jinja.URLPath
		Q = jinja.URLQuery
		F = jinja.URLFragment
	)
	for _, tc := range []struct {
		src   string
		want  []jinja.URLContext
		hosts []string
		keys  []string
	}{
		{"https://{{ shop }}.myshopify.com/admin/oauth/authorize", []jinja.URLContext{L}, []string{"{{shop}}.myshopify.com"}, nil},
		{"https://{{ domain }}/oauth2/{{ server }}/v1/token", []jinja.URLContext{H, P}, []string{"{{domain}}"}, nil},
		{"https://{{ domain }}", []jinja.URLContext{H}, []string{"{{domain}}"}, nil},
		{"https://{{ domain }}?x={{ q }}#{{ f }}", []jinja.URLContext{H, Q, F}, []string{"{{domain}}"}, []string{"x"}},
		{"https://{{ domain }}:8443/x", []jinja.URLContext{L}, []string{"{{domain}}:8443"}, nil},
		{"https://{{ a }}{{ b }}.x.com/", []jinja.URLContext{L, L}, []string{"{{a}}{{b}}.x.com"}, nil},
		{"https://api-{{ region }}.x.com/", []jinja.URLContext{L}, []string{"api-{{region}}.x.com"}, nil},
		{"{{ callback.accounts_server }}/oauth/v2/token", []jinja.URLContext{O}, []string{"{{callback.accounts_server}}"}, nil},
		{"{{ credentials.api_domain }}?a=1&b={{ x }}&c", []jinja.URLContext{O, Q}, []string{"{{credentials.api_domain}}"}, []string{"a", "b", "c"}},
		{"https://x.example/token?refresh", nil, []string{"x.example"}, []string{"refresh"}},
		{"https://api.{% if e == 'EU' %}eu.{% endif %}x.io/v{{ n }}/", []jinja.URLContext{P}, []string{"api.eu.x.io", "api.x.io"}, nil},
		// A value alone in the host in one branch and beside text in another is a label.
		{"https://{{ d }}{% if e == 'EU' %}.eu{% endif %}/x", []jinja.URLContext{L}, []string{"{{d}}", "{{d}}.eu"}, nil},
		{"https://{% if e == 'EU' %}{{ d }}{% else %}www{% endif %}.x.com/", []jinja.URLContext{L}, []string{"www.x.com", "{{d}}.x.com"}, nil},
		{"https://x.com/a?{{ k }}=1", []jinja.URLContext{Q}, []string{"x.com"}, nil},
		{"/relative/{{ p }}", []jinja.URLContext{P}, nil, nil},
	} {
		tpl := jinja.MustParse(tc.src)
		a, err := tpl.URL()
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := contexts(tpl, a); !slices.Equal(got, tc.want) {
			t.Errorf("%s: contexts %v, want %v", tc.src, got, tc.want)
		}
		if !slices.Equal(a.Hosts, tc.hosts) {
			t.Errorf("%s: hosts %q, want %q", tc.src, a.Hosts, tc.hosts)
		}
		if !slices.Equal(a.QueryKeys, tc.keys) {
			t.Errorf("%s: query keys %q, want %q", tc.src, a.QueryKeys, tc.keys)
		}
	}
}

func TestURLErrors(t *testing.T) {
	for _, tc := range []struct{ src, at, msg string }{
		{"http{{ s }}://x.com/", "{{ s }}", "scheme"},
		{"{{ a }}{{ b }}/x", "{{ b }}", "follow an origin"},
		{"{{ a }}.evil/x", ".evil", "must be followed by"},
		{"https://{{ a ~ 'x' }}.com/", "~", "single variable"},
		{"https://x.com/{{ p | lower }}", "lower", "single variable"},
		{"https://x.com{% if e == 'a' %}/p{% endif %}/{{ v }}", "{% if", "different parts of the URL (path and host)"},
		{"https://x.com/p{% if e == 'a' %}?q=1{% endif %}&r={{ v }}", "{% if", "different parts of the URL (query and path)"},
	} {
		_, err := jinja.MustParse(tc.src).URL()
		e, ok := err.(*jinja.Error)
		if !ok {
			t.Errorf("%s: error %v, want a *jinja.Error", tc.src, err)
			continue
		}
		if want := strings.Index(tc.src, tc.at); e.Offset != want {
			t.Errorf("%s: error at %d, want %d (%s)", tc.src, e.Offset, want, e.Msg)
		}
		if !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s: error %q, want it to say %q", tc.src, e.Msg, tc.msg)
		}
	}
}

// FuzzURL checks that the URL analysis never panics, that an error points inside the
// source, and that every output of an analysed template has a context.
func FuzzURL(f *testing.F) {
	f.Add("https://{{ s }}.example.com/a/{{ t }}?q={{ s }}#{{ t }}")
	f.Add("{{ callback.shop }}/x{% if b %}/y{% else %}/z{% endif %}")
	f.Add("https://{% if e == 'Sandbox' %}{{ s }}{% endif %}/")
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := jinja.Parse(src)
		if err != nil {
			return
		}
		a, err := tpl.URL()
		if err != nil {
			e, ok := err.(*jinja.Error)
			if !ok || e.Offset < 0 || e.Offset > len(src) || e.Msg == "" {
				t.Fatalf("URL(%q) = %#v", src, err)
			}
			return
		}
		for i, c := range contexts(tpl, a) {
			if c < jinja.URLOrigin || c > jinja.URLFragment {
				t.Fatalf("URL(%q): output %d has context %d", src, i, c)
			}
		}
	})
}
