package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/oauthtest"
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
// (kind says which: "meta", "user", "callback") that works both as a string and as
// the start of a URL, since base URLs may be built from such values.
func FakeValue(kind, name string) string {
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

// FakeRevocation is how the fake provider plays m's own revocation request
// (nil for an RFC 7009 connector or one without revocation): the method,
// authentication and encoding the connector declares, the parameter that carries
// {{ token }}, and every other parameter with the value it renders to for the client
// values v and the flow values rv.
func FakeRevocation(m *model.Connector, v model.Values, rv *runtime.Vars) *oauthtest.Revocation {
	r := m.Revocation
	if r == nil {
		return nil
	}
	out := &oauthtest.Revocation{Method: r.Method, Encoding: map[runtime.BodyType]string{runtime.Form: "form", runtime.JSON: "json", 0: "query"}[r.Body]}
	out.Auth = map[runtime.ClientAuth]oauthtest.ClientAuth{
		runtime.AuthBody: oauthtest.AuthBody, runtime.AuthHeader: oauthtest.AuthBasic, runtime.AuthBoth: oauthtest.AuthBoth,
		runtime.AuthBearer: oauthtest.RevokeBearer, runtime.AuthSecretBearer: oauthtest.RevokeSecretBearer, runtime.AuthNone: oauthtest.RevokeNoAuth,
	}[r.Auth]
	for _, a := range r.Args {
		if model.IsVar(a.Value, model.VarToken) {
			out.TokenKey = a.Key
			continue
		}
		if out.Params == nil {
			out.Params = map[string]string{}
		}
		out.Params[a.Key] = m.Render(a.Value, v, rv)
	}
	return out
}
