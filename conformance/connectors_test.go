package conformance

import (
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/model"
	"github.com/oauthgen/oauthgen/runtime"
)

// flowOf builds m's runtime.Flow for params, as the dynamic client does.
func flowOf(t testing.TB, m *model.Connector, clientID string, params map[string]any) *runtime.Flow {
	t.Helper()
	checked, err := m.CheckParams(e2e.Params(m, params))
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
		m := e2e.Load(t, f)
		out = append(out, matrixFlow{name: filepath.Base(f), flow: onLoopback(flowOf(t, m, "fault-client", nil))})
	}
	return out
}

// onLoopback returns f with the loopback host added to its host sets: the fault
// matrices point its URLs at test servers on 127.0.0.1 (the exfiltration matrix
// keeps the connectors' own sets).
func onLoopback(f *runtime.Flow) *runtime.Flow {
	f.TokenHosts = append(slices.Clip(f.TokenHosts), "127.0.0.1")
	f.APIHosts = append(slices.Clip(f.APIHosts), "127.0.0.1")
	return f
}
