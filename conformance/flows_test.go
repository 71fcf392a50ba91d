package conformance

import (
	"path/filepath"
	"testing"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/runtime"
)

// fositeFlow builds the runtime.Flow of a fosite connector from its file under
// testdata, through the model package (as the dynamic client does), with the issuer
// auth_form field pointing at s.
func fositeFlow(t testing.TB, s *fositeServer, c fositeCase) *runtime.Flow {
	t.Helper()
	m := e2e.Load(t, filepath.Join("testdata", c.file))
	f := flowOf(t, m, c.id, map[string]any{"issuer": s.URL})
	if f.Grant != c.grant || f.ClientAuth != c.auth || f.PKCE != c.pkce {
		t.Fatalf("%s resolves to grant %v, client auth %v, PKCE %v; the test expects %v, %v, %v",
			c.file, f.Grant, f.ClientAuth, f.PKCE, c.grant, c.auth, c.pkce)
	}
	return f
}
