package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// The helpers the catalog's tests share (this package's flows, the end-to-end test
// of generated/, the differential test, the conformance matrices): loading a
// connector, values for its fields, and fake provider answers.

// Load reads, validates and resolves the connector file at path, failing t on any
// problem.
func Load(t testing.TB, path string) *model.Connector {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(t, path, data)
}

// Parse loads (model.Parse: schema, templates, resolution) the connector file data (name is used in messages),
// failing t on any problem.
func Parse(t testing.TB, name string, data []byte) *model.Connector {
	t.Helper()
	m, err := model.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Params gives every required auth_form field of m a plausible value of its kind,
// also when it has a default (7, true, the first choice, "acme"); the given values win
// and may set any field.
func Params(m *model.Connector, given map[string]any) map[string]any {
	out := map[string]any{}
	for _, p := range m.Params {
		if !p.Required {
			continue
		}
		switch p.Kind {
		case jinja.Number:
			out[p.Name] = 7
		case jinja.Bool:
			out[p.Name] = true
		case jinja.Select:
			out[p.Name] = p.Enum[0].Value
		default:
			out[p.Name] = "acme"
		}
	}
	for k, v := range given {
		out[k] = v
	}
	return out
}

// FakeValue is a provider's value for the metadata, userinfo or callback field name
// (kind says which: "meta", "user", "callback") of m that works both as a string and
// as the start of a URL, since base URLs may be built from such values. A value that
// is a whole host of one of m's credential URLs is on a host of that URL's host set
// (the first pattern, "fake" for its wildcard), since anything else is refused.
func FakeValue(m *model.Connector, kind, name string) string {
	full := model.PrefixCreds + name
	if kind == "callback" {
		full = model.PrefixCallback + name
	}
	for _, u := range m.CredentialURLs() {
		if h := model.HostOf(u.Template, m.Params); h.Value == nil || h.Value.Name != full {
			continue
		}
		set := m.APIHosts
		if u.Token {
			set = m.TokenHosts
		}
		if len(set) > 0 {
			return "https://" + strings.Replace(set[0], "*", "fake", 1)
		}
	}
	return "https://" + kind + "-" + strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name)) + ".example"
}

// Nest puts v at path p in m, creating the objects on the way: a provider's JSON
// answer with a value where the connector reads it.
func Nest(m map[string]any, p runtime.Path, v any) {
	for _, k := range p[:len(p)-1] {
		sub, ok := m[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[k] = sub
		}
		m = sub
	}
	m[p[len(p)-1]] = v
}

// Listed puts elem, a fake userinfo answer, where m's userinfo select looks for it:
// in a one-element list (at the select's list path) with the chosen field holding the
// value the connector looks for under vals (left out when that value is empty, since
// a one-element list is then chosen whatever it holds). Without a select it returns
// elem.
func Listed(m *model.Connector, vals model.Values, elem map[string]any) any {
	s := m.Userinfo.Select
	if s == nil {
		return elem
	}
	if want := m.Render(s.Value, vals, &runtime.Vars{}); want != "" {
		Nest(elem, s.Key, want)
	}
	var root any = []any{elem}
	if len(s.List) > 0 {
		r := map[string]any{}
		Nest(r, s.List, root)
		root = r
	}
	return root
}
