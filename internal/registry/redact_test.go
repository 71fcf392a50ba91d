package registry_test

import (
	"path/filepath"
	"testing"

	"github.com/oauthgen/oauthgen/internal/e2e"
	"github.com/oauthgen/oauthgen/internal/registry"
	"github.com/oauthgen/oauthgen/schema"
)

// The Config and the Client of every generated package print, marshal to JSON and
// log (slog) without the client secret and without the end user's password values.
func TestGeneratedConfigsRedactSecrets(t *testing.T) {
	const secret, password = "platform-client-secret-42", "end-user-password-42"
	if len(registry.Configs) == 0 {
		t.Fatal("no generated packages")
	}
	passwords := 0
	for file, build := range registry.Configs {
		m := e2e.Load(t, filepath.Join("..", "..", file))
		given := map[string]any{}
		for _, p := range m.Params {
			if p.Field.Type == schema.FieldPassword {
				given[p.Name] = password
				passwords++
			}
		}
		rc := registry.Config{ClientID: "client-id", ClientSecret: secret, RedirectURL: "https://app.example/cb", Model: m, Params: e2e.Params(m, given)}
		cfg, err := build(rc)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		e2e.NoSecretShown(t, file+" Config", cfg, secret, password)
		c, err := registry.Clients[file](rc)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		e2e.NoSecretShown(t, file+" Client", c, secret, password)
	}
	if passwords == 0 {
		t.Error("no connector has a password field: the Params check proves nothing")
	}
}
