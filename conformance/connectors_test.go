package conformance

import (
	"path/filepath"
	"sort"
	"testing"

	"github.com/oauthgen/oauthgen/jinja"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// resolveFile loads and resolves a connector file.
func resolveFile(t testing.TB, path string) *model.Connector {
	t.Helper()
	m, err := model.Load(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return m
}

// sampleParams gives every auth_form field of m a value: given ones win, required
// ones without a default get a plausible value of their kind.
func sampleParams(m *model.Connector, given map[string]any) map[string]any {
	in := map[string]any{}
	for _, p := range m.Params {
		if v, ok := given[p.Name]; ok {
			in[p.Name] = v
			continue
		}
		if p.Default != nil || !p.Required {
			continue
		}
		switch p.Kind {
		case jinja.Select:
			in[p.Name] = p.Enum[0].Value
		case jinja.Number:
			in[p.Name] = 1
		case jinja.Bool:
			in[p.Name] = true
		default:
			in[p.Name] = "sample"
		}
	}
	return in
}

// flowOf builds m's runtime.Flow for params, as the dynamic client does.
func flowOf(t testing.TB, m *model.Connector, clientID string, params map[string]any) *runtime.Flow {
	t.Helper()
	checked, err := m.CheckParams(sampleParams(m, params))
	if err != nil {
		t.Fatalf("%s: CheckParams: %v", m.Name, err)
	}
	return m.Flow(model.Values{Params: checked, ClientID: clientID, RedirectURL: redirectURL})
}

// connectorFlows returns the resolved flow of every connector in connectors/.
func connectorFlows(t testing.TB) []matrixFlow {
	files, err := filepath.Glob("../connectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connectors found: %v", err)
	}
	sort.Strings(files)
	var out []matrixFlow
	for _, f := range files {
		m := resolveFile(t, f)
		out = append(out, matrixFlow{name: filepath.Base(f), flow: flowOf(t, m, "fault-client", nil)})
	}
	return out
}
