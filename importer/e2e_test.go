package importer_test

import (
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/importer"
	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/schema"
)

// importFile imports a seed example and returns the connector file.
func importFile(t *testing.T, path string, from func([]byte) (*schema.Connector, []importer.Warning, error)) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := from(src)
	if err != nil {
		t.Fatal(err)
	}
	data, err := importer.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The Google example of seeds/002, imported, runs its whole flow against a provider
// that plays Google: client credentials in the body, offline access, refresh
// responses without a new refresh token.
func TestChiefOnboardingSeedEndToEnd(t *testing.T) {
	data := importFile(t, "testdata/chiefonboarding_google.json", importer.FromChiefOnboarding)
	e2e.Run(t, "google-imported.json", data, e2e.Fixture{
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, ExpiresIn: time.Hour, Rotation: oauthtest.Omit},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{
				"scope": "https://www.googleapis.com/auth/admin.directory.user", "access_type": "offline",
				"prompt": "consent", "response_type": "code", "redirect_uri": e2e.RedirectURL, "client_id": e2e.ClientID,
			})
			e2e.WantParams(t, "exchange", e2e.FirstExchange(t, p).Form, map[string]string{
				"grant_type": "authorization_code", "client_id": e2e.ClientID, "client_secret": e2e.ClientSecret, "redirect_uri": e2e.RedirectURL,
			})
		},
	})
}

// The getOAuthConfig mapping of seeds/004, imported from the seed file as it is,
// runs its whole flow: PKCE S256 (skipPkce: false), client credentials in the body
// only (clientAuthLocation: body), the scopes list and the extra parameters.
func TestIntegrationAppSeedEndToEnd(t *testing.T) {
	data := importFile(t, "testdata/integrationapp_example.yaml", importer.FromIntegrationApp)
	e2e.Run(t, "example-imported.json", data, e2e.Fixture{
		Provider: oauthtest.Config{ClientAuth: oauthtest.AuthBody, RequirePKCE: true, ExpiresIn: time.Hour, Rotation: oauthtest.Rotate},
		Refresh:  true,
		Check: func(t *testing.T, auth url.Values, p *oauthtest.Provider) {
			e2e.WantParams(t, "authorize URL", e2e.Flat(auth), map[string]string{
				"scope": "read write", "prompt": "consent", "access_type": "offline", "code_challenge_method": "S256",
			})
			if r := e2e.FirstExchange(t, p); r.HasBasic || r.Form["code_verifier"] == "" {
				t.Errorf("exchange: Basic %v, code_verifier sent %v; want body credentials and a verifier", r.HasBasic, r.Form["code_verifier"] != "")
			}
		},
	})
}
